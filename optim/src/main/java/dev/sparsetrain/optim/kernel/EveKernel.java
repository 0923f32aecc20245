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
        adamRow(row, w, wo, g, go, stepSize, c, eps, stats, gi);
    }

    @Override public String describeState() { return "m, v: 2 x dim floats (+ the group's feedback d)"; }
}
