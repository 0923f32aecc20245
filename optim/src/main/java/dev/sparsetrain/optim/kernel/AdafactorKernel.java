package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Adafactor;

/** Adafactor, one row as one parameter vector (see {@link Adafactor}). State: variance. Two passes over the row. */
final class AdafactorKernel extends RowKernel {
    private final double beta2Decay, eps2, d, weightDecay;
    private final float eps1Sq;
    private final Table var;

    AdafactorKernel(int rows, int dim, Adafactor a) {
        super(rows, dim);
        beta2Decay = a.beta2Decay();
        eps2 = a.eps2();
        d = a.d();
        weightDecay = a.weightDecay();
        eps1Sq = (float) (a.eps1() * a.eps1());
        var = stateTable("variance", 0f);
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        double td = (double) t;
        float oneMinusBeta2 = (float) Math.pow(td, beta2Decay);
        double rho = Math.min(lr, 1 / Math.sqrt(td));
        double w2 = 0;
        for (int i = 0; i < dim; i++) w2 += (double) w[wo + i] * w[wo + i];
        double alpha = Math.max(eps2, Math.sqrt(w2 / dim)) * rho;
        if (weightDecay != 0) {
            float f = (float) (1 - lr * weightDecay);
            for (int i = 0; i < dim; i++) w[wo + i] *= f;
        }
        int so = this.var.offset(row);
        float[] var = this.var.block(row);
        double u2 = 0;
        for (int i = 0; i < dim; i++) {
            float gv = g[go + i];
            float vv = var[so + i] + (gv * gv - var[so + i]) * oneMinusBeta2;
            var[so + i] = vv;
            float u = gv / (float) Math.sqrt(Math.max(vv, eps1Sq));
            g[go + i] = u;                      // the gradient row is scratch
            u2 += (double) u * u;
        }
        double denom = Math.max(1.0, Math.sqrt(u2 / dim) / d);
        float step = (float) (alpha / denom);
        for (int i = 0; i < dim; i++) w[wo + i] -= step * g[go + i];
        if (stats != null) stats.addUpdate(gi, (double) step * step * u2, step);
    }

    /** The schedule of the moment depends on t and the in-kernel decay on w: idle steps are replayed. */
    @Override public boolean quiescent(int row) { return false; }

    @Override public String describeState() { return "variance: 1 x dim floats"; }
}
