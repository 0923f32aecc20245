package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.AdaDelta;

/** AdaDelta (see {@link AdaDelta}). State: s (squared gradients), u (squared updates). */
final class AdaDeltaKernel extends RowKernel {
    private final double rhoD;
    private final float rho, eps;
    private final Table s, u;

    AdaDeltaKernel(int rows, int dim, AdaDelta a) {
        super(rows, dim);
        rhoD = a.rho();
        rho = (float) a.rho();
        eps = (float) a.eps();
        s = stateTable("square_avg", 0f);
        u = stateTable("acc_delta", 0f);
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        int so = this.s.offset(row);
        float[] s = this.s.block(row), u = this.u.block(row);
        float r1 = 1 - rho, u2 = 0, eff = 0;
        for (int i = 0; i < dim; i++) {
            float gv = g[go + i];
            float sv = rho * s[so + i] + r1 * gv * gv;
            s[so + i] = sv;
            float ratio = (float) (Math.sqrt(u[so + i] + eps) / Math.sqrt(sv + eps));
            float dx = ratio * gv;
            u[so + i] = rho * u[so + i] + r1 * dx * dx;
            float up = lr * dx;
            w[wo + i] -= up;
            u2 += up * up;
            eff += ratio;
        }
        if (stats != null) stats.addUpdate(gi, u2, lr * eff / dim);
    }

    @Override public boolean quiescent(int row) { return true; }

    @Override
    public void decayIdle(int row, long k) {
        float f = (float) Math.pow(rhoD, (double) k);
        int so = this.s.offset(row);
        float[] s = this.s.block(row), u = this.u.block(row);
        for (int i = 0; i < dim; i++) {
            s[so + i] *= f;
            u[so + i] *= f;
        }
    }

    @Override public String describeState() { return "square avg, delta avg: 2 x dim floats"; }
}
