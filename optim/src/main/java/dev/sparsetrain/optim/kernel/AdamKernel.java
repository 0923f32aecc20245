package dev.sparsetrain.optim.kernel;

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
    private final float[] m, v, vmax;
    private final OptimMath math;
    /** Step-dependent scalars for the last (t, lr) seen; replaced once per step, read racily but consistently. */
    private volatile Bias bias = new Bias(-1, Float.NaN, 0, 0);

    private record Bias(long t, float lr, float stepSize, float c) {}

    AdamKernel(int rows, int dim, Adam a) {
        this(rows, dim, a, OptimMath.get());
    }

    AdamKernel(int rows, int dim, Adam a, OptimMath math) {
        super(rows, dim);
        b1d = a.beta1();
        b2d = a.beta2();
        b1 = (float) b1d;
        b2 = (float) b2d;
        eps = (float) a.eps();
        sparseEps = a.sparseEps();
        m = slots(rows, dim, 0f);
        v = slots(rows, dim, 0f);
        vmax = a.amsgrad() ? slots(rows, dim, 0f) : null;
        this.math = math;
    }

    private Bias bias(long t, float lr) {
        Bias b = bias;
        if (b.t == t && b.lr == lr) return b;
        double bc1 = 1 - Math.pow(b1d, (double) t);
        double bc2 = 1 - Math.pow(b2d, (double) t);
        b = sparseEps
                ? new Bias(t, lr, (float) (lr * Math.sqrt(bc2) / bc1), 1f)
                : new Bias(t, lr, (float) (lr / bc1), (float) (1 / Math.sqrt(bc2)));
        bias = b;
        return b;
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, long t, boolean first, float lr, GroupStats stats, int gi) {
        Bias b = bias(t, lr);
        int so = row * dim;
        float u2 = math.adam(w, wo, g, go, m, v, vmax, so, dim, b1, b2, b.c, eps, b.stepSize);
        if (stats != null) {
            float[] vv = vmax != null ? vmax : v;
            float inv = 0;
            for (int i = 0; i < dim; i++) inv += 1f / ((float) Math.sqrt(vv[so + i]) * b.c + eps);
            stats.addUpdate(gi, u2, b.stepSize * inv / dim);
        }
    }

    @Override public boolean quiescent(int row) { return allZero(m, row * dim, dim); }

    /** With m = 0: v decays as b2^k; vmax keeps its maximum. */
    @Override
    public void decayIdle(int row, long k) {
        float f = (float) Math.pow(b2d, (double) k);
        int so = row * dim;
        for (int i = 0; i < dim; i++) v[so + i] *= f;
    }

    @Override public long stateBytesPerRow() { return 4L * dim * (vmax != null ? 3 : 2); }
    @Override public String describeState() { return (vmax != null ? "m, v, vmax: 3" : "m, v: 2") + " x dim floats"; }

    @Override
    public float state(int slot, int row, int c) {
        float[] a = switch (slot) { case 0 -> m; case 1 -> v; default -> vmax; };
        return a[row * dim + c];
    }
}
