package dev.sparsetrain.optim.kernel;

/**
 * The element loops of the hottest optimizer kernels (Adam; SGD and row-wise AdaGrad use
 * {@link dev.sparsetrain.core.Kernels}): a scalar and a Vector API implementation, chosen once.
 * No argument checks, no allocation.
 */
public interface OptimMath {

    /**
     * One Adam (or AMSGrad when {@code vmax != null}) row update:
     * <pre>
     *   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  [vmax = max(vmax, v)]
     *   u = stepSize * m / (sqrt(v') * c + eps);  w -= u
     * </pre>
     * @return the squared norm of the update {@code u}
     */
    float adam(float[] w, int wo, float[] g, int go, float[] m, float[] v, float[] vmax, int so, int n,
               float b1, float b2, float c, float eps, float stepSize);

    /** "scalar" or "panama(256-bit)". */
    String name();

    /** The implementation chosen at start-up (see {@link OptimMaths}). */
    static OptimMath get() { return OptimMaths.IMPL; }
}
