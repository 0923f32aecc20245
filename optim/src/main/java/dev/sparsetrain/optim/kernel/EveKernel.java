package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Eve;

/** Eve (see {@link Eve}): Adam with the group's feedback coefficient d on the denominator. State: m, v. */
final class EveKernel extends RowKernel {
    private final double b1d, b2d;
    private final float b1, b2, eps;
    private final float[] m, v;
    private final EveFeedback feedback;

    EveKernel(int rows, int dim, Eve e, EveFeedback feedback) {
        super(rows, dim);
        b1d = e.beta1();
        b2d = e.beta2();
        b1 = (float) b1d;
        b2 = (float) b2d;
        eps = (float) e.eps();
        m = slots(rows, dim, 0f);
        v = slots(rows, dim, 0f);
        this.feedback = feedback;
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        double td = (double) t;
        float stepSize = (float) (lr / (1 - Math.pow(b1d, td)));
        float c = (float) (feedback.d() / Math.sqrt(1 - Math.pow(b2d, td)));   // d * sqrt(v_hat) = c * sqrt(v)
        int so = row * dim;
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

    @Override public boolean quiescent(int row) { return allZero(m, row * dim, dim); }

    @Override
    public void decayIdle(int row, long k) {
        float f = (float) Math.pow(b2d, (double) k);
        int so = row * dim;
        for (int i = 0; i < dim; i++) v[so + i] *= f;
    }

    @Override
    public java.util.Map<String, float[]> stateArrays() {
        java.util.Map<String, float[]> s = new java.util.LinkedHashMap<>();
        s.put("m", m);
        s.put("v", v);
        return s;
    }

    @Override public long stateBytesPerRow() { return 8L * dim; }
    @Override public String describeState() { return "m, v: 2 x dim floats (+ the group's feedback d)"; }
    @Override public float state(int slot, int row, int c) { return (slot == 0 ? m : v)[row * dim + c]; }
}
