package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Adagrad;

/** Element-wise AdaGrad (see {@link Adagrad}). State: sum of squares s. */
final class AdagradKernel extends RowKernel {
    private final double lrDecay;
    private final float eps;
    private final float[] s;

    AdagradKernel(int rows, int dim, Adagrad a) {
        super(rows, dim);
        lrDecay = a.lrDecay();
        eps = (float) a.eps();
        s = slots(rows, dim, (float) a.initialAccumulatorValue());
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, long t, boolean first, float lr, GroupStats stats, int gi) {
        int so = row * dim;
        float clr = (float) (lr / (1 + (t - 1) * lrDecay));
        float u2 = 0, inv = 0;
        for (int i = 0; i < dim; i++) {
            float gv = g[go + i];
            float sv = s[so + i] + gv * gv;
            s[so + i] = sv;
            float d = (float) Math.sqrt(sv) + eps;
            float u = clr * gv / d;
            w[wo + i] -= u;
            u2 += u * u;
            inv += 1f / d;
        }
        if (stats != null) stats.addUpdate(gi, u2, clr * inv / dim);
    }

    @Override public boolean quiescent(int row) { return true; }
    @Override public long stateBytesPerRow() { return 4L * dim; }
    @Override public String describeState() { return "sum of squares: 1 x dim floats"; }
    @Override public float state(int slot, int row, int c) { return s[row * dim + c]; }
}
