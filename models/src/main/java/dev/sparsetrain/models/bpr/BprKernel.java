package dev.sparsetrain.models.bpr;


/**
 * The fused BPR plain-SGD step over flat row-major arrays, in two implementations chosen once: the
 * Vector API one (when {@code jdk.incubator.vector} is present and has at least 4 float lanes)
 * and a scalar one. Both compute
 * <pre>
 *   x = B[i] - B[j] + P_u . (Q_i - Q_j);   g = 1 / (1 + e^x)
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

    abstract double step(float[] P, float[] Q, float[] B, int k, int u, int i, int j,
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

    static final class Scalar extends BprKernel {
        @Override
        double step(float[] P, float[] Q, float[] B, int k, int u, int i, int j,
                    float lr, float reg, float lrb, float regb, boolean wantLoss, float[] scratch) {
            int pu = u * k, qi = i * k, qj = j * k;
            float x = B[i] - B[j];
            for (int f = 0; f < k; f++) x += P[pu + f] * (Q[qi + f] - Q[qj + f]);
            float g = (float) (1.0 / (1.0 + Math.exp(x)));
            float lg = lr * g, decay = 1f - lr * reg;
            for (int f = 0; f < k; f++) {
                float p = P[pu + f], a = Q[qi + f], b = Q[qj + f];
                P[pu + f] = decay * p + lg * (a - b);
                Q[qi + f] = decay * a + lg * p;
                Q[qj + f] = decay * b - lg * p;
            }
            float bi = B[i], bj = B[j];
            B[i] = bi + lrb * (g - regb * bi);
            B[j] = bj + lrb * (-g - regb * bj);
            return wantLoss ? softplusNeg(x) : 0;
        }

        @Override
        String name() { return "scalar"; }
    }
}
