package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Lamb;

/** FBGEMM's LAMB (see {@link Lamb}). State: momentum1, momentum2. Two passes; the gradient row holds r. */
final class LambKernel extends RowKernel {
    private final double b1d, b2d;
    private final float b1, b2, eps, wd;
    private final float[] m, v;

    LambKernel(int rows, int dim, Lamb l) {
        super(rows, dim);
        b1d = l.beta1();
        b2d = l.beta2();
        b1 = (float) b1d;
        b2 = (float) b2d;
        eps = (float) l.eps();
        wd = (float) l.weightDecay();
        m = slots(rows, dim, 0f);
        v = slots(rows, dim, 0f);
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        double td = (double) t;
        float ibc1 = (float) (1 / (1 - Math.pow(b1d, td))), ibc2 = (float) (1 / (1 - Math.pow(b2d, td)));
        int so = row * dim;
        float a1 = 1 - b1, a2 = 1 - b2;
        double w2 = 0, r2 = 0;
        for (int i = 0; i < dim; i++) {
            float gv = g[go + i], wv = w[wo + i];
            float mv = b1 * m[so + i] + a1 * gv;
            float vv = b2 * v[so + i] + a2 * gv * gv;
            m[so + i] = mv;
            v[so + i] = vv;
            float r = mv * ibc1 / ((float) Math.sqrt(vv * ibc2) + eps) + wd * wv;
            g[go + i] = r;
            w2 += (double) wv * wv;
            r2 += (double) r * r;
        }
        if (r2 == 0) {
            if (stats != null) stats.addUpdate(gi, 0, 0);
            return;
        }
        float step = (float) (lr * (Math.sqrt(w2) / Math.sqrt(r2)));
        for (int i = 0; i < dim; i++) w[wo + i] -= step * g[go + i];
        if (stats != null) stats.addUpdate(gi, (double) step * step * r2, step);
    }

    @Override public boolean quiescent(int row) { return wd == 0f && allZero(m, row * dim, dim); }

    @Override
    public void decayIdle(int row, long k) {
        float f = (float) Math.pow(b2d, (double) k);
        int so = row * dim;
        for (int i = 0; i < dim; i++) v[so + i] *= f;
    }

    @Override
    public java.util.Map<String, float[]> stateArrays() {
        java.util.Map<String, float[]> s = new java.util.LinkedHashMap<>();
        s.put("momentum1", m);
        s.put("momentum2", v);
        return s;
    }

    @Override public long stateBytesPerRow() { return 8L * dim; }
    @Override public String describeState() { return "momentum1, momentum2: 2 x dim floats"; }
    @Override public float state(int slot, int row, int c) { return (slot == 0 ? m : v)[row * dim + c]; }
}
