package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Asgd;

/** ASGD (see {@link Asgd}). State: ax, the running average of the weights. */
final class AsgdKernel extends RowKernel {
    private final double lambd, alpha, t0;
    private final Table ax;

    AsgdKernel(int rows, int dim, Asgd a) {
        super(rows, dim);
        lambd = a.lambd();
        alpha = a.alpha();
        t0 = a.t0();
        ax = stateTable("ax", 0f);
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        double prevStep = (double) (t - 1);
        float eta = (float) (lr / Math.pow(1 + lambd * lr * prevStep, alpha));
        double mud = 1 / Math.max(1.0, prevStep - t0);
        float decay = (float) (1 - lambd * eta), mu = (float) mud;
        int so = this.ax.offset(row);
        float[] ax = this.ax.block(row);
        float u2 = 0;
        for (int i = 0; i < dim; i++) {
            float old = w[wo + i];
            float nw = old * decay - eta * g[go + i];
            w[wo + i] = nw;
            u2 += (nw - old) * (nw - old);
            ax[so + i] = mud == 1 ? nw : ax[so + i] + (nw - ax[so + i]) * mu;
        }
        if (stats != null) stats.addUpdate(gi, u2, eta);
    }

    /** The average moves even when the weights do not: idle steps are replayed. */
    @Override public boolean quiescent(int row) { return false; }

    @Override public String describeState() { return "ax: 1 x dim floats"; }
}
