package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Ftrl;

/** FTRL-Proximal per coordinate (see {@link Ftrl}); lr is alpha. State: z, n. Arithmetic in double. */
final class FtrlKernel extends RowKernel {
    private final double beta, l1, l2;
    private final Table z, n;

    FtrlKernel(int rows, int dim, Ftrl f) {
        super(rows, dim);
        beta = f.beta();
        l1 = f.l1();
        l2 = f.l2();
        z = stateTable("z", 0f);
        n = stateTable("n", 0f);
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        int so = this.z.offset(row);
        float[] z = this.z.block(row), n = this.n.block(row);
        double alpha = lr;
        double u2 = 0, eff = 0;
        for (int i = 0; i < dim; i++) {
            double gv = g[go + i];
            double ni = n[so + i];
            double nn = ni + gv * gv;
            double sqn = Math.sqrt(nn);
            double sigma = (sqn - Math.sqrt(ni)) / alpha;
            double old = w[wo + i];
            double zi = z[so + i] + gv - sigma * old;
            z[so + i] = (float) zi;
            n[so + i] = (float) nn;
            double denom = (beta + sqn) / alpha + l2;
            double nw = Math.abs(zi) <= l1 ? 0.0 : -(zi - Math.copySign(l1, zi)) / denom;
            w[wo + i] = (float) nw;
            u2 += (nw - old) * (nw - old);
            eff += 1 / denom;
        }
        if (stats != null) stats.addUpdate(gi, u2, eff / dim);
    }

    /** A zero-gradient step leaves z and n alone but sets w = f(z, n): not a no-op for a row whose w was set elsewhere. */
    @Override public boolean quiescent(int row) { return false; }

    /** k zero-gradient steps: z and n unchanged, w = f(z, n) at the last step's alpha (idempotent). */
    @Override
    public boolean idleClosedForm(int row, float[] w, int wo, long t0, long k, boolean constantLr, float lrFirst, float lrLast,
                                  float coupledL2, float wd) {
        if (coupledL2 != 0f) return false; // coupled L2 enters z through the gradient: loop
        int so = this.z.offset(row);
        float[] z = this.z.block(row), n = this.n.block(row);
        double alpha = lrLast;
        for (int i = 0; i < dim; i++) {
            double zi = z[so + i];
            double denom = (beta + Math.sqrt(n[so + i])) / alpha + l2;
            w[wo + i] = (float) (Math.abs(zi) <= l1 ? 0.0 : -(zi - Math.copySign(l1, zi)) / denom);
        }
        return true;
    }

    @Override public String describeState() { return "z, n: 2 x dim floats"; }
}
