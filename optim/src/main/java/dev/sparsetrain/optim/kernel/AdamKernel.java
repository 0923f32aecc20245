package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Adam;

/**
 * Adam, AMSGrad and SparseAdam (see {@link Adam}); the element loop is {@link OptimMath#adam}
 * (Vector API or scalar, chosen once). State: m, v (+ vmax).
 */
final class AdamKernel extends RowKernel {
    private final double b1d, b2d;
    private final float b1, b2, eps;
    private final boolean sparseEps;
    private final Table m, v, vmax;
    private final OptimMath math;
    /** Step-dependent scalars for the last (t, lr) seen; replaced once per step, read racily but consistently. */
    private volatile Bias bias = new Bias(-1, Float.NaN, 0, 0);

    private record Bias(long t, float lr, float stepSize, float c) {}

    private static final int POW_TABLE = 2048;
    /** beta^t for t &lt; 2048 (16 KiB each): per-row bias correction and catch-up read them. */
    private final boolean rowwise;
    private final double[] pow1, pow2;

    AdamKernel(int rows, int dim, Adam a, boolean rowwiseBias) {
        this(rows, dim, a, rowwiseBias, OptimMath.get());
    }

    AdamKernel(int rows, int dim, Adam a, boolean rowwiseBias, OptimMath math) {
        super(rows, dim);
        rowwise = rowwiseBias;
        pow1 = powers(a.beta1());
        pow2 = powers(a.beta2());
        b1d = a.beta1();
        b2d = a.beta2();
        b1 = (float) b1d;
        b2 = (float) b2d;
        eps = (float) a.eps();
        sparseEps = a.sparseEps();
        m = stateTable("m", 0f);
        v = stateTable("v", 0f);
        vmax = a.amsgrad() ? stateTable("vmax", 0f) : null;
        this.math = math;
    }

    /**
     * The cached scalars of step t; a new holder is stored only when t moves forward (once per
     * step). Catch-up replays older steps: those are computed into the caller's locals instead
     * (see apply), so a catch-up loop allocates nothing and does not evict the current step.
     */
    private Bias bias(long t, float lr) {
        Bias b = bias;
        if (b.t == t && b.lr == lr) return b;
        if (t < b.t) return null;
        double bc1 = 1 - Math.pow(b1d, (double) t);
        double bc2 = 1 - Math.pow(b2d, (double) t);
        b = sparseEps
                ? new Bias(t, lr, (float) (lr * Math.sqrt(bc2) / bc1), 1f)
                : new Bias(t, lr, (float) (lr / bc1), (float) (1 / Math.sqrt(bc2)));
        bias = b;
        return b;
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        float stepSize, c;
        Bias b = rowwise ? null : bias(t, lr);
        if (b != null) {
            stepSize = b.stepSize;
            c = b.c;
        } else {
            // row-wise bias (per-row counts) or a catch-up of older steps: locals, table lookups for small t, no allocation
            double bc1 = 1 - (t < POW_TABLE ? pow1[(int) t] : Math.pow(b1d, (double) t));
            double bc2 = 1 - (t < POW_TABLE ? pow2[(int) t] : Math.pow(b2d, (double) t));
            stepSize = (float) (sparseEps ? lr * Math.sqrt(bc2) / bc1 : lr / bc1);
            c = sparseEps ? 1f : (float) (1 / Math.sqrt(bc2));
        }
        int so = this.m.offset(row);
        float[] m = this.m.block(row), v = this.v.block(row), vmax = this.vmax == null ? null : this.vmax.block(row);
        float u2 = math.adam(w, wo, g, go, m, v, vmax, so, dim, b1, b2, c, eps, stepSize);
        if (stats != null) {
            float inv = math.sumInverseDenominator(vmax != null ? vmax : v, so, dim, c, eps);   // over elements with history
            stats.addUpdate(gi, u2, stepSize * inv / dim);
        }
    }

    private static double[] powers(double beta) {
        double[] p = new double[POW_TABLE];
        for (int i = 0; i < POW_TABLE; i++) p[i] = Math.pow(beta, i);
        return p;
    }

    @Override public boolean quiescent(int row) { return allZero(m.block(row), m.offset(row), dim); }

    /** With m = 0: v decays as b2^k; vmax keeps its maximum. */
    @Override
    public void decayIdle(int row, long k) {
        float f = (float) Math.pow(b2d, (double) k);
        int so = this.m.offset(row);
        float[] m = this.m.block(row), v = this.v.block(row), vmax = this.vmax == null ? null : this.vmax.block(row);
        for (int i = 0; i < dim; i++) v[so + i] *= f;
    }

    @Override public String describeState() { return (vmax != null ? "m, v, vmax: 3" : "m, v: 2") + " x dim floats"; }
}
