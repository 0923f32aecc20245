package dev.sparsetrain.core;

/**
 * The primitive vector operations behind {@link Kernels}: one scalar and one Vector API
 * implementation, chosen once. Implementations do no argument checking (the facade's callers own
 * their offsets) and allocate nothing.
 */
public interface KernelSupport {
    /** {@code sum_i a[ao+i] * b[bo+i]} for i in [0, n). */
    float dot(float[] a, int ao, float[] b, int bo, int n);

    /** {@code y[yo+i] += alpha * x[xo+i]}. */
    void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

    /** {@code a[ao+i] *= s}. */
    void scale(float[] a, int ao, int n, float s);

    /** {@code sum_i a[ao+i]^2}: {@link #dot} of the row with itself, in the same order. */
    default float squaredNorm(float[] a, int ao, int n) { return dot(a, ao, a, ao, n); }

    /** {@code out[oo+i] = a[ao+i] - b[bo+i]}. */
    void sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);

    /** A short name for logs: "scalar" or "panama(256-bit)". */
    String name();
}
