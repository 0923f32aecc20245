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

    /**
     * One momentum-SGD row update (heavy ball or Nesterov, with dampening factor {@code damp = 1 - dampening}):
     * <pre>
     *   b = first ? g : mu b + damp g;  d = nesterov ? g + mu b : b;  u = lr d;  w -= u
     * </pre>
     * @return the squared norm of the update
     */
    float momentum(float[] w, int wo, float[] g, int go, float[] b, int so, int n, float mu, float damp, boolean nesterov,
                   boolean first, float lr);

    /**
     * One AdaGrad row update: {@code s += g^2;  u = clr g / (sqrt(s) + eps);  w -= u}.
     * @return the squared norm of the update
     */
    float adagrad(float[] w, int wo, float[] g, int go, float[] s, int so, int n, float clr, float eps);

    /**
     * {@code n * mean_{i: v[so+i] > 0} 1 / (sqrt(v[so+i]) * c + eps)} (0 when no element is above
     * zero): n times the mean inverse denominator over the elements that have a gradient history, so
     * that dividing by n gives the row's mean effective learning rate factor (diagnostics). An element
     * whose state is still 0 has never had a gradient and does not move; counting it at {@code 1/eps}
     * would let, e.g., a layer's padding weights decide the group's mean.
     */
    float sumInverseDenominator(float[] v, int so, int n, float c, float eps);


    /** "scalar" or "panama(256-bit)". */
    String name();

    /** The implementation chosen at start-up (see {@link OptimMaths}). */
    static OptimMath get() { return OptimMaths.IMPL; }
}
