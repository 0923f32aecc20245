package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Sgd;

/** SGD with heavy-ball or Nesterov momentum and dampening (see {@link Sgd}); loop in {@link OptimMath#momentum}. State: buffer b. */
final class MomentumKernel extends RowKernel {
    private final float mu, damp;
    private final boolean nesterov;
    private final Table b;
    private final OptimMath math = OptimMath.get();

    MomentumKernel(int rows, int dim, Sgd s) {
        super(rows, dim);
        mu = (float) s.momentum();
        damp = (float) (1 - s.dampening());
        nesterov = s.nesterov();
        b = stateTable("momentum_buffer", 0f);
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        float u2 = math.momentum(w, wo, g, go, b.block(row), b.offset(row), dim, mu, damp, nesterov, first, lr);
        if (stats != null) stats.addUpdate(gi, u2, lr);
    }

    @Override public boolean quiescent(int row) { return allZero(b.block(row), b.offset(row), dim); }

    /**
     * k idle steps with constant lr. Without decay: b_j = mu^j b_0, so
     * {@code w -= lr * c * b_0 * (mu + ... + mu^k)}, with c = mu for Nesterov ({@code g + mu*b}
     * with g = 0) and 1 otherwise. With coupled L2 ({@code l2}) and/or decoupled decay ({@code wd})
     * each idle step is linear in (w, b), the same 2 x 2 map for every element:
     * <pre>
     *   d = l2 w,  s = 1 - lr wd
     *   b' = mu b + damp d                                   = damp l2 w + mu b
     *   w' = s w - lr b'                                     (heavy ball)
     *   w' = s w - lr (d + mu b')                            (Nesterov)
     *   [w_k; b_k] = M^k [w_0; b_0],  M^k by repeated squaring: O(log k + dim), not O(k dim)
     * </pre>
     * The first-step rule ("b = g") with a zero g gives b = 0 = mu^j * 0, so it needs no special
     * case without decay; with decay, step 1 sets {@code b = d} and is applied before M^(k-1). Not used
     * when a projection acts after each step (the caller then passes {@code constantLr = false}).
     */
    @Override
    public boolean idleClosedForm(int row, float[] w, int wo, long t0, long k, boolean constantLr, float lr, float lrLast,
                                  float l2, float wd) {
        if (!constantLr) return false;
        int so = this.b.offset(row);
        float[] b = this.b.block(row);
        if (l2 == 0f && wd == 0f) {
            if (t0 == 1) return false;   // the loop: quiescent at once for a row never touched
            double muk = Math.pow(mu, (double) k);
            double sum = mu == 1 ? k : mu * (1 - muk) / (1 - mu);
            double coef = lr * sum * (nesterov ? mu : 1.0);
            for (int i = 0; i < dim; i++) {
                w[wo + i] -= (float) (coef * b[so + i]);
                b[so + i] = (float) (b[so + i] * muk);
            }
            return true;
        }
        if (t0 == 1) {
            // step 1 is PyTorch's first step, b = d (undamped), as the loop does; M^(k-1) follows
            float sf = 1f - lr * wd;
            for (int i = 0; i < dim; i++) {
                float d = l2 * w[wo + i];
                float wi = w[wo + i] * sf;
                b[so + i] = d;
                w[wo + i] = wi - (nesterov ? d + d * mu : d) * lr;
            }
            if (--k == 0) return true;
        }
        double s = (double) (1f - lr * wd);   // rounded to float first, as the step-by-step update does
        double a21 = (double) damp * l2, a22 = mu;
        double a11 = nesterov ? s - (double) lr * l2 - (double) lr * mu * a21 : s - (double) lr * a21;
        double a12 = nesterov ? -(double) lr * mu * mu : -(double) lr * mu;
        // M^k by repeated squaring, in locals (the kernel allocates nothing: AllocationTest)
        double ra = 1, rb = 0, rc = 0, rd = 1;
        double ma = a11, mb = a12, mc = a21, md = a22;
        for (long e = k; e > 0; e >>= 1) {
            if ((e & 1) == 1) {
                double na = ra * ma + rb * mc, nb = ra * mb + rb * md, nc = rc * ma + rd * mc, nd = rc * mb + rd * md;
                ra = na;
                rb = nb;
                rc = nc;
                rd = nd;
            }
            double sa = ma * ma + mb * mc, sb = ma * mb + mb * md, sc = mc * ma + md * mc, sd = mc * mb + md * md;
            ma = sa;
            mb = sb;
            mc = sc;
            md = sd;
        }
        for (int i = 0; i < dim; i++) {
            double w0 = w[wo + i], b0 = b[so + i];
            w[wo + i] = (float) (ra * w0 + rb * b0);
            b[so + i] = (float) (rc * w0 + rd * b0);
        }
        return true;
    }

    @Override public String describeState() { return "momentum buffer: 1 x dim floats"; }
}
