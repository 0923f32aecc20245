package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.RAdam;

/** RAdam (see {@link RAdam}). State: exp_avg, exp_avg_sq. Scalar loop; step scalars computed per call. */
final class RAdamKernel extends RowKernel {
    private final double b1d, b2d, rhoInf;
    private final float b1, b2, eps;
    private final float[] m, v;

    RAdamKernel(int rows, int dim, RAdam a) {
        super(rows, dim);
        b1d = a.beta1();
        b2d = a.beta2();
        b1 = (float) b1d;
        b2 = (float) b2d;
        eps = (float) a.eps();
        rhoInf = 2 / (1 - b2d) - 1;
        m = slots(rows, dim, 0f);
        v = slots(rows, dim, 0f);
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        double td = (double) t;
        double bc1 = 1 - Math.pow(b1d, td), b2t = Math.pow(b2d, td), bc2 = 1 - b2t;
        double rhoT = rhoInf - 2 * td * b2t / bc2;
        boolean adaptive = rhoT > 5;
        float stepSize;
        if (adaptive) {
            double rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            stepSize = (float) (lr * rect * Math.sqrt(bc2) / bc1);
        } else {
            stepSize = (float) (lr / bc1);
        }
        int so = row * dim;
        float a1 = 1 - b1, a2 = 1 - b2, u2 = 0, inv = 0;
        for (int i = 0; i < dim; i++) {
            float gv = g[go + i];
            float mv = b1 * m[so + i] + a1 * gv;
            float vv = b2 * v[so + i] + a2 * gv * gv;
            m[so + i] = mv;
            v[so + i] = vv;
            float den = adaptive ? (float) Math.sqrt(vv) + eps : 1f;
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
        s.put("exp_avg", m);
        s.put("exp_avg_sq", v);
        return s;
    }

    @Override public long stateBytesPerRow() { return 8L * dim; }
    @Override public String describeState() { return "exp_avg, exp_avg_sq: 2 x dim floats"; }
    @Override public float state(int slot, int row, int c) { return (slot == 0 ? m : v)[row * dim + c]; }
}
