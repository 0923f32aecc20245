package dev.sparsetrain.core;


/**
 * The kernel facade: static methods over {@code float[]}, offset and length, delegating to one
 * {@link KernelSupport} chosen once at class initialisation.
 *
 * <p>The Vector API implementation is used when the {@code jdk.incubator.vector} module is in the
 * boot layer (the launcher and the build pass {@code --add-modules jdk.incubator.vector}) and the
 * preferred species has at least 4 lanes; otherwise the scalar one, and a log line says how to get
 * the fast path. Set {@code -Dsparsetrain.kernels=scalar} to force the fallback (the tests compare
 * both).
 */
public final class Kernels {
    private static final KernelSupport IMPL = choose();

    private Kernels() {}

    private static KernelSupport choose() {
        return Simd.choose(KernelSupport.class, "dev.sparsetrain.core.PanamaKernels", ScalarKernels.INSTANCE);
    }

    /** The implementation in use. */
    public static KernelSupport impl() { return IMPL; }

    public static float dot(float[] a, int ao, float[] b, int bo, int n) { return IMPL.dot(a, ao, b, bo, n); }

    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) { IMPL.axpy(alpha, x, xo, y, yo, n); }

    public static void scale(float[] a, int ao, int n, float s) { IMPL.scale(a, ao, n, s); }

    public static float squaredNorm(float[] a, int ao, int n) { return IMPL.squaredNorm(a, ao, n); }

    public static void sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) { IMPL.sub(a, ao, b, bo, out, oo, n); }
}
