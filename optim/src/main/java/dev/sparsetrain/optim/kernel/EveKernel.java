package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Eve;

/** Eve (see {@link Eve}): Adam with the group's feedback coefficient d on the denominator. State: m, v. */
final class EveKernel extends MomentKernel {
    private final EveFeedback feedback;

    EveKernel(int rows, int dim, Eve e, EveFeedback feedback) {
        super(rows, dim, e.beta1(), e.beta2(), e.eps(), "m", "v");
        this.feedback = feedback;
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        double td = (double) t;
        float stepSize = (float) (lr / (1 - Math.pow(b1d, td)));
        float c = (float) (feedback.d() / Math.sqrt(1 - Math.pow(b2d, td)));   // d * sqrt(v_hat) = c * sqrt(v)
        int so = this.m.offset(row);
        float[] m = this.m.block(row), v = this.v.block(row);
        float a1 = 1 - b1, a2 = 1 - b2, u2 = 0, inv = 0;
        for (int i = 0; i < dim; i++) {
            float gv = g[go + i];
            float mv = b1 * m[so + i] + a1 * gv;
            float vv = b2 * v[so + i] + a2 * gv * gv;
            m[so + i] = mv;
            v[so + i] = vv;
            float den = c * (float) Math.sqrt(vv) + eps;
            float up = stepSize * mv / den;
            w[wo + i] -= up;
            u2 += up * up;
            inv += 1f / den;
        }
        if (stats != null) stats.addUpdate(gi, u2, stepSize * inv / dim);
    }

    @Override public String describeState() { return "m, v: 2 x dim floats (+ the group's feedback d)"; }
}
