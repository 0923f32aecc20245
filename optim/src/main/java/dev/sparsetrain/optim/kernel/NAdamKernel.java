package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.NAdam;

/**
 * NAdam (see {@link NAdam}). State: m, v. The momentum product {@code P_t = mu_1 ... mu_t} is a
 * function of t, cached in a table grown on demand (copy-on-grow, so readers need no lock) up to
 * 2^20 steps; beyond, {@code P_t} is below {@code beta1^(2^20)} and taken as 0.
 */
final class NAdamKernel extends MomentKernel {
    private static final int CAP = 1 << 20;
    private final double md;
    private volatile double[] prod = {1.0};

    NAdamKernel(int rows, int dim, NAdam n) {
        super(rows, dim, n.beta1(), n.beta2(), n.eps(), "m", "v");
        md = n.momentumDecay();
    }

    private double mu(long t) { return b1d * (1 - 0.5 * Math.pow(0.96, t * md)); }

    /** P_t, with P_0 = 1. */
    double product(long t) {
        double[] p = prod;
        if (t < p.length) return p[(int) t];
        if (t >= CAP) return 0;
        return grow(t);
    }

    private synchronized double grow(long t) {
        double[] p = prod;
        if (t < p.length) return p[(int) t];
        int n = (int) Math.min(CAP, Math.max(t + 1, 2L * p.length));
        double[] q = java.util.Arrays.copyOf(p, n);
        for (int i = p.length; i < n; i++) q[i] = q[i - 1] * mu(i);
        prod = q;
        return q[(int) t];
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        int so = this.m.offset(row);
        float[] m = this.m.block(row), v = this.v.block(row);
        double bc2 = 1 - Math.pow(b2d, (double) t);
        double mu = mu(t), muNext = mu(t + 1);
        double p = product(t);
        // PyTorch 1.13 computes mu_product_next = mu_product * mu * mu_next (mu counted twice); the golden
        // cases are PyTorch 1.13, so this follows it (PyTorch 2.x dropped the extra factor).
        double pn = p * mu * muNext;
        float cg = (float) (lr * (1 - mu) / (1 - p));
        float cm = (float) (lr * muNext / (1 - pn));
        float invBc2 = (float) (1 / bc2);
        float a1 = 1 - b1, a2 = 1 - b2, u2 = 0, inv = 0;
        int k = 0;   // elements with a gradient history: the mean effective lr is over them
        for (int i = 0; i < dim; i++) {   // updateMoments's rule, fused into the update's one pass over the row
            float gv = g[go + i];
            float mv = m[so + i] = b1 * m[so + i] + a1 * gv;
            float vv = v[so + i] = b2 * v[so + i] + a2 * gv * gv;
            float d = (float) Math.sqrt(vv * invBc2) + eps;
            float up = (cg * gv + cm * mv) / d;
            w[wo + i] -= up;
            u2 += up * up;
            if (vv > 0) {
                inv += 1f / d;
                k++;
            }
        }
        if (stats != null) stats.addUpdate(gi, u2, k == 0 ? 0 : (cg + cm) * inv / k);
    }

    @Override public String describeState() { return "m, v: 2 x dim floats"; }
}
