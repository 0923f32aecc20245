package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

/**
 * The shared part of the Adam-family row kernels that keep a first and a second moment per element
 * (NAdam, RAdam, Eve, LAMB): the {@code m} and {@code v} state tables, the betas and eps, and what
 * follows from the state alone: a row is quiescent when its first moment is zero, an idle step
 * decays {@code v} by {@code beta2} (catch-up's closed form), and the state is exported under the
 * optimizer's own names (PyTorch's or FBGEMM's, so checkpoints keep their keys). Each subclass
 * writes only its update rule.
 */
abstract class MomentKernel extends RowKernel {
    protected final double b1d, b2d;
    protected final float b1, b2, eps;
    /** First and second moments, {@code rows x dim} each. */
    protected final Table m, v;
    private final String mName, vName;

    protected MomentKernel(int rows, int dim, double beta1, double beta2, double eps, String mName, String vName) {
        super(rows, dim);
        this.b1d = beta1;
        this.b2d = beta2;
        this.b1 = (float) beta1;
        this.b2 = (float) beta2;
        this.eps = (float) eps;
        this.m = slots(rows, dim, 0f);
        this.v = slots(rows, dim, 0f);
        this.mName = mName;
        this.vName = vName;
    }

    @Override public boolean quiescent(int row) { return allZero(m.block(row), m.offset(row), dim); }

    @Override
    public void decayIdle(int row, long k) {
        float f = (float) Math.pow(b2d, (double) k);
        int so = this.m.offset(row);
        float[] m = this.m.block(row), v = this.v.block(row);
        for (int i = 0; i < dim; i++) v[so + i] *= f;
    }

    @Override
    public java.util.Map<String, Table> stateArrays() {
        java.util.Map<String, Table> s = new java.util.LinkedHashMap<>();
        s.put(mName, m);
        s.put(vName, v);
        return s;
    }

    @Override public long stateBytesPerRow() { return 8L * dim; }

    @Override public float state(int slot, int row, int c) { return (slot == 0 ? m : v).get(row, c); }
}
