package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.LarsSgd;

/** FBGEMM's LARS SGD (see {@link LarsSgd}). State: momentum1. */
final class LarsSgdKernel extends RowKernel {
    private final double eta, wdd;
    private final float momentum, wd;
    private final Table m;

    LarsSgdKernel(int rows, int dim, LarsSgd l) {
        super(rows, dim);
        eta = l.eta();
        wdd = l.weightDecay();
        momentum = (float) l.momentum();
        wd = (float) wdd;
        m = stateTable("momentum1", 0f);
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        double w2 = 0, g2 = 0;
        for (int i = 0; i < dim; i++) {
            w2 += (double) w[wo + i] * w[wo + i];
            g2 += (double) g[go + i] * g[go + i];
        }
        double wn = Math.sqrt(w2), den = Math.sqrt(g2) + wdd * wn;
        float local = den > 0 ? (float) (lr * eta * wn / den) : 0f;
        int so = this.m.offset(row);
        float[] m = this.m.block(row);
        float u2 = 0;
        for (int i = 0; i < dim; i++) {
            float mv = momentum * m[so + i] + local * (g[go + i] + wd * w[wo + i]);
            m[so + i] = mv;
            w[wo + i] -= mv;
            u2 += mv * mv;
        }
        if (stats != null) stats.addUpdate(gi, u2, local);
    }

    @Override public boolean quiescent(int row) { return wd == 0f && allZero(m.block(row), m.offset(row), dim); }

    @Override public String describeState() { return "momentum1: 1 x dim floats"; }
}
