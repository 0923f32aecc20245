package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.RowwiseAdagrad;

/**
 * Row-wise AdaGrad (see {@link RowwiseAdagrad}): a vectorized squared norm and a vectorized axpy
 * ({@link Kernels}). State: one float per row.
 */
final class RowwiseAdagradKernel extends RowKernel {
    private final float eps;
    private final Table accT;
    private final float[] acc;

    RowwiseAdagradKernel(int rows, int dim, RowwiseAdagrad a) {
        super(rows, dim);
        eps = (float) a.eps();
        accT = stateTable("momentum1", new Table("momentum1", rows, 1, Table.Kind.EMBEDDING, Table.Layout.FLAT));
        acc = accT.data();
        java.util.Arrays.fill(acc, (float) a.initialAccumulatorValue());
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        float g2 = Double.isNaN(gSq) ? Kernels.squaredNorm(g, go, dim) : (float) gSq;
        float a = acc[row] + g2 / dim;
        acc[row] = a;
        float scale = lr / ((float) Math.sqrt(a) + eps);
        Kernels.axpy(-scale, g, go, w, wo, dim);
        if (stats != null) stats.addUpdate(gi, (double) scale * scale * g2, scale);
    }

    @Override public boolean quiescent(int row) { return true; }
    @Override public String describeState() { return "accumulator: 1 float per row"; }
    @Override public float state(int slot, int row, int c) { return acc[row]; }
}
