package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.RmsProp;

/** RMSProp, plain, centered and with momentum (see {@link RmsProp}). State: s (+ a) (+ b). */
final class RmsPropKernel extends RowKernel {
    private final double alphaD;
    private final float alpha, eps, mom;
    private final Table s, a, b;

    RmsPropKernel(int rows, int dim, RmsProp r) {
        super(rows, dim);
        alphaD = r.alpha();
        alpha = (float) r.alpha();
        eps = (float) r.eps();
        mom = (float) r.momentum();
        s = stateTable("square_avg", 0f);
        a = r.centered() ? stateTable("grad_avg", 0f) : null;
        b = r.momentum() != 0 ? stateTable("momentum_buffer", 0f) : null;
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        int so = this.s.offset(row);
        float[] s = this.s.block(row), a = this.a == null ? null : this.a.block(row), b = this.b == null ? null : this.b.block(row);
        float a1 = 1 - alpha, u2 = 0, inv = 0;
        int k = 0;   // elements with a gradient history: the mean effective lr is over them
        for (int i = 0; i < dim; i++) {
            float gv = g[go + i];
            float sv = alpha * s[so + i] + a1 * gv * gv;
            s[so + i] = sv;
            float d;
            if (a != null) {
                float av = alpha * a[so + i] + a1 * gv;
                a[so + i] = av;
                d = (float) Math.sqrt(sv - av * av) + eps;
            } else {
                d = (float) Math.sqrt(sv) + eps;
            }
            float u;
            if (b != null) {
                float bv = mom * b[so + i] + gv / d;
                b[so + i] = bv;
                u = lr * bv;
            } else {
                u = lr * gv / d;
            }
            w[wo + i] -= u;
            u2 += u * u;
            if (sv > 0) {
                inv += 1f / d;
                k++;
            }
        }
        if (stats != null) stats.addUpdate(gi, u2, k == 0 ? 0 : lr * inv / k);
    }

    @Override public boolean quiescent(int row) { return b == null || allZero(b.block(row), b.offset(row), dim); }

    @Override
    public void decayIdle(int row, long k) {
        float f = (float) Math.pow(alphaD, (double) k);
        int so = this.s.offset(row);
        float[] s = this.s.block(row), a = this.a == null ? null : this.a.block(row), b = this.b == null ? null : this.b.block(row);
        for (int i = 0; i < dim; i++) {
            s[so + i] *= f;
            if (a != null) a[so + i] *= f;
        }
    }

    @Override public String describeState() { return "square avg" + (a != null ? ", grad avg" : "") + (b != null ? ", momentum" : "") + ": x dim floats"; }
}
