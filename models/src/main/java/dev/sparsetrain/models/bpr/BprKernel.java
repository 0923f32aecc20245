package dev.sparsetrain.models.bpr;


/**
 * The fused BPR plain-SGD step over rows given as (array, offset), so that it runs on flat and
 * chunked tables alike ({@code Table.block(r)}, {@code Table.offset(r)}), in two implementations chosen once: the
 * Vector API one (when {@code jdk.incubator.vector} is present and has at least 4 float lanes)
 * and a scalar one. Both compute
 * <pre>
 *   x = Bi[bi] - Bj[bj] + P_u . (Q_i - Q_j);   g = 1 / (1 + e^x)
 *   P_u = (1 - lr reg) P_u + lr g (Q_i - Q_j)
 *   Q_i = (1 - lr reg) Q_i + lr g P_u          (old P_u)
 *   Q_j = (1 - lr reg) Q_j - lr g P_u
 *   B_i += lrb (g - regb B_i);   B_j += lrb (-g - regb B_j)
 * </pre>
 * and return {@code -ln sigma(x)} when asked. The vector one uses fused multiply-adds, so the two
 * agree to float rounding, not bit for bit; one process always uses the same one.
 */
abstract class BprKernel {
    static final BprKernel INSTANCE = choose();

    abstract double step(float[] P, int pu, float[] Qi, int qi, float[] Qj, int qj, float[] Bi, int bi, float[] Bj, int bj, int k,
                         float lr, float reg, float lrb, float regb, boolean wantLoss, float[] scratch);

    /** Size of the per-thread scratch array {@link #step} needs. */
    int scratchSize() { return 64; }

    /** Name of the implementation in use ("vector(16 lanes)" or "scalar"). */
    abstract String name();

    private static BprKernel choose() {
        BprKernel k = dev.sparsetrain.core.Simd.choose(BprKernel.class, "dev.sparsetrain.models.bpr.PanamaBprKernel", new Scalar());
        return k.usable() ? k : new Scalar();
    }

    boolean usable() { return true; }

    static double softplusNeg(double x) {
        return x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
    }

    /**
     * The scalar update of elements {@code [from, k)} with gradient scale {@code g} (the vector
     * kernel's tail, the scalar kernel's whole row) and of both biases; returns {@code loss}.
     */
    static double update(float[] P, int pu, float[] Qi, int qi, float[] Qj, int qj, float[] Bi, int bi, float[] Bj, int bj, int from, int k,
                         float g, float lr, float reg, float lrb, float regb, double loss) {
        float lg = lr * g, decay = 1f - lr * reg;
        for (int f = from; f < k; f++) {
            float p = P[pu + f], a = Qi[qi + f], b = Qj[qj + f];
            P[pu + f] = decay * p + lg * (a - b);
            Qi[qi + f] = decay * a + lg * p;
            Qj[qj + f] = decay * b - lg * p;
        }
        float vi = Bi[bi], vj = Bj[bj];
        Bi[bi] = vi + lrb * (g - regb * vi);
        Bj[bj] = vj + lrb * (-g - regb * vj);
        return loss;
    }

    static final class Scalar extends BprKernel {
        @Override
        double step(float[] P, int pu, float[] Qi, int qi, float[] Qj, int qj, float[] Bi, int bi, float[] Bj, int bj, int k,
                    float lr, float reg, float lrb, float regb, boolean wantLoss, float[] scratch) {
            float x = Bi[bi] - Bj[bj];
            for (int f = 0; f < k; f++) x += P[pu + f] * (Qi[qi + f] - Qj[qj + f]);
            float g = (float) (1.0 / (1.0 + Math.exp(x)));
            return update(P, pu, Qi, qi, Qj, qj, Bi, bi, Bj, bj, 0, k, g, lr, reg, lrb, regb, wantLoss ? softplusNeg(x) : 0);
        }

        @Override
        String name() { return "scalar"; }
    }
}
