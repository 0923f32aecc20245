package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Lamb;

/** FBGEMM's LAMB (see {@link Lamb}). State: momentum1, momentum2. Two passes; the gradient row holds r. */
final class LambKernel extends MomentKernel {
    private final float wd;

    LambKernel(int rows, int dim, Lamb l) {
        super(rows, dim, l.beta1(), l.beta2(), l.eps(), "momentum1", "momentum2");
        wd = (float) l.weightDecay();
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        double td = (double) t;
        float ibc1 = (float) (1 / (1 - Math.pow(b1d, td))), ibc2 = (float) (1 / (1 - Math.pow(b2d, td)));
        int so = this.m.offset(row);
        float[] m = this.m.block(row), v = this.v.block(row);
        updateMoments(row, g, go);
        double w2 = 0, r2 = 0;
        for (int i = 0; i < dim; i++) {
            float wv = w[wo + i], mv = m[so + i], vv = v[so + i];
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

    @Override public boolean quiescent(int row) { return wd == 0f && allZero(m.block(row), m.offset(row), dim); }

    @Override public String describeState() { return "momentum1, momentum2: 2 x dim floats"; }
}
