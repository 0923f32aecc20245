package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Adamax;

/** Adamax (see {@link Adamax}). State: m, u (infinity norm). */
final class AdamaxKernel extends FirstMomentKernel {
    private final Table u;

    AdamaxKernel(int rows, int dim, Adamax a) {
        super(rows, dim, a.beta1(), a.beta2(), a.eps(), "exp_avg");
        u = stateTable("exp_inf", 0f);
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        int so = this.m.offset(row);
        float[] m = this.m.block(row), u = this.u.block(row);
        float clr = (float) (lr / (1 - Math.pow(b1d, (double) t)));
        float a1 = 1 - b1, u2 = 0, inv = 0;
        int k = 0;   // elements with a gradient history: the mean effective lr is over them
        for (int i = 0; i < dim; i++) {
            float gv = g[go + i];
            float mv = b1 * m[so + i] + a1 * gv;
            m[so + i] = mv;
            float uv = Math.max(b2 * u[so + i], Math.abs(gv) + eps);
            u[so + i] = uv;
            float up = clr * mv / uv;
            w[wo + i] -= up;
            u2 += up * up;
            if (mv != 0f) {
                inv += 1f / uv;
                k++;
            }
        }
        if (stats != null) stats.addUpdate(gi, u2, k == 0 ? 0 : clr * inv / k);
    }

    /** With m = 0: u_k = max(b2^k u_0, eps). */
    @Override
    public void decayIdle(int row, long k) {
        float f = (float) Math.pow(b2d, (double) k);
        int so = this.m.offset(row);
        float[] m = this.m.block(row), u = this.u.block(row);
        for (int i = 0; i < dim; i++) u[so + i] = Math.max(u[so + i] * f, eps);
    }

    @Override public String describeState() { return "m, u: 2 x dim floats"; }
}
