package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.GroupStats;

/**
 * The shared part of the Adam-family row kernels that keep a first and a second moment per element
 * (NAdam, RAdam, Eve, LAMB): the {@code v} state table beside {@link FirstMomentKernel}'s, Adam's
 * element loop ({@link #adamRow}), and what
 * follows from the state alone: a row is quiescent when its first moment is zero, an idle step
 * decays {@code v} by {@code beta2} (catch-up's closed form), and the state is exported under the
 * optimizer's own names (PyTorch's or FBGEMM's, so checkpoints keep their keys). Each subclass
 * writes only its update rule.
 */
abstract class MomentKernel extends FirstMomentKernel {
    /** Second moments, {@code rows x dim}. */
    protected final Table v;

    protected MomentKernel(int rows, int dim, double beta1, double beta2, double eps, String mName, String vName) {
        super(rows, dim, beta1, beta2, eps, mName);
        this.v = stateTable(vName, 0f);
    }

    /**
     * The first pass of every subclass's update: {@code m = b1 m + (1-b1) g} and
     * {@code v = b2 v + (1-b2) g^2} over the row's elements, in place; the rule's own pass then
     * reads the new moments. Allocation-free.
     */
    protected final void updateMoments(int row, float[] g, int go) {
        int so = this.m.offset(row);
        float[] m = this.m.block(row), v = this.v.block(row);
        float a1 = 1 - b1, a2 = 1 - b2;
        for (int i = 0; i < dim; i++) {
            float gv = g[go + i];
            m[so + i] = b1 * m[so + i] + a1 * gv;
            v[so + i] = b2 * v[so + i] + a2 * gv * gv;
        }
    }

    /**
     * Adam's update with the denominator {@code c sqrt(v) + e}: {@link #updateMoments}'s rule and then,
     * in the same pass over the row,
     * {@code w -= stepSize m / (c sqrt(v) + e)}; records the squared update and the mean effective
     * rate {@code stepSize mean(1/den)} in {@code stats}. Eve passes its feedback-scaled c, RAdam
     * {@code (1, eps)} when rectified and {@code (0, 1)} (SGD with momentum) before. Allocation-free.
     */
    protected final void adamRow(int row, float[] w, int wo, float[] g, int go, float stepSize, float c, float e, GroupStats stats, int gi) {
        int so = this.m.offset(row);
        float[] m = this.m.block(row), v = this.v.block(row);
        float a1 = 1 - b1, a2 = 1 - b2, u2 = 0, inv = 0;
        for (int i = 0; i < dim; i++) {   // the moment pass of updateMoments, fused into the update's one pass over the row
            float gv = g[go + i];
            m[so + i] = b1 * m[so + i] + a1 * gv;
            v[so + i] = b2 * v[so + i] + a2 * gv * gv;
            float den = c * (float) Math.sqrt(v[so + i]) + e;
            float up = stepSize * m[so + i] / den;
            w[wo + i] -= up;
            u2 += up * up;
            inv += 1f / den;
        }
        if (stats != null) stats.addUpdate(gi, u2, stepSize * inv / dim);
    }

    @Override
    public void decayIdle(int row, long k) {
        float f = (float) Math.pow(b2d, (double) k);
        int so = this.m.offset(row);
        float[] m = this.m.block(row), v = this.v.block(row);
        for (int i = 0; i < dim; i++) v[so + i] *= f;
    }
}
