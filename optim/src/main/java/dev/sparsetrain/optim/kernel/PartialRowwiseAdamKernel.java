package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.PartialRowwiseAdam;

/** FBGEMM's partial row-wise Adam (see {@link PartialRowwiseAdam}). State: momentum1 (dim floats), momentum2 (1 float) per row. */
final class PartialRowwiseAdamKernel extends FirstMomentKernel {
    private final Table vT;
    private final float[] v;

    PartialRowwiseAdamKernel(int rows, int dim, PartialRowwiseAdam a) {
        super(rows, dim, a.beta1(), a.beta2(), a.eps(), "momentum1");
        vT = stateTable("momentum2", new Table("momentum2", rows, 1, Table.Kind.EMBEDDING, Table.Layout.FLAT));
        v = vT.data();
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        double td = (double) t;
        float g2 = Double.isNaN(gSq) ? Kernels.squaredNorm(g, go, dim) : (float) gSq;
        float vt = b2 * v[row] + (1 - b2) * (g2 / dim);
        v[row] = vt;
        float den = (float) Math.sqrt(vt / (1 - Math.pow(b2d, td))) + eps;
        float step = (float) (lr / (1 - Math.pow(b1d, td))) / den;
        int so = this.m.offset(row);
        float[] m = this.m.block(row);
        float a1 = 1 - b1, u2 = 0;
        for (int i = 0; i < dim; i++) {
            float mv = b1 * m[so + i] + a1 * g[go + i];
            m[so + i] = mv;
            float up = step * mv;
            w[wo + i] -= up;
            u2 += up * up;
        }
        if (stats != null) stats.addUpdate(gi, u2, step);
    }

    @Override public void decayIdle(int row, long k) { v[row] *= (float) Math.pow(b2d, (double) k); }

    @Override public String describeState() { return "momentum1: dim floats, momentum2: 1 float per row"; }
    @Override public float state(int slot, int row, int c) { return slot == 0 ? m.get(row, c) : v[row]; }
}
