package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Sgd;

/** SGD with heavy-ball or Nesterov momentum and dampening (see {@link Sgd}); loop in {@link OptimMath#momentum}. State: buffer b. */
final class MomentumKernel extends RowKernel {
    private final float mu, damp;
    private final boolean nesterov;
    private final float[] b;
    private final OptimMath math = OptimMath.get();

    MomentumKernel(int rows, int dim, Sgd s) {
        super(rows, dim);
        mu = (float) s.momentum();
        damp = (float) (1 - s.dampening());
        nesterov = s.nesterov();
        b = slots(rows, dim, 0f);
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        float u2 = math.momentum(w, wo, g, go, b, row * dim, dim, mu, damp, nesterov, first, lr);
        if (stats != null) stats.addUpdate(gi, u2, lr);
    }

    @Override public boolean quiescent(int row) { return allZero(b, row * dim, dim); }

    /**
     * k idle steps with constant lr: b_j = mu^j b_0, so w -= lr * c * b_0 * (mu + ... + mu^k),
     * with c = mu for Nesterov ({@code g + mu*b} with g = 0) and 1 otherwise. The first-step rule
     * ("b = g") with a zero g gives b = 0 = mu^j * 0, so it needs no special case: a row never
     * touched has b = 0 and stays quiescent. Not used when a projection acts after each step
     * (the caller then passes {@code constantLr = false}).
     */
    @Override
    public boolean idleClosedForm(int row, float[] w, int wo, long t0, long k, boolean constantLr, float lr, float lrLast,
                                  float l2, float wd) {
        if (t0 == 1 || !constantLr || l2 != 0f || wd != 0f) return false;
        int so = row * dim;
        double muk = Math.pow(mu, (double) k);
        double sum = mu == 1 ? k : mu * (1 - muk) / (1 - mu);
        double coef = lr * sum * (nesterov ? mu : 1.0);
        for (int i = 0; i < dim; i++) {
            w[wo + i] -= (float) (coef * b[so + i]);
            b[so + i] = (float) (b[so + i] * muk);
        }
        return true;
    }

    @Override
    public java.util.Map<String, float[]> stateArrays() {
        java.util.Map<String, float[]> s = new java.util.LinkedHashMap<>();
        s.put("momentum_buffer", b);
        return s;
    }

    @Override public long stateBytesPerRow() { return 4L * dim; }
    @Override public String describeState() { return "momentum buffer: 1 x dim floats"; }
    @Override public float state(int slot, int row, int c) { return b[row * dim + c]; }
}
