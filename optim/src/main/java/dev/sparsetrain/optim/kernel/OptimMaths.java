package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Simd;

/**
 * The {@link OptimMath} implementation, chosen once by {@link Simd#choose} (the one chooser of
 * every kernel family): the Vector API one when the {@code jdk.incubator.vector} module is
 * present, unless {@code -Dsparsetrain.kernels=scalar}.
 */
public final class OptimMaths {
    private static final String VECTOR = "dev.sparsetrain.optim.kernel.PanamaOptimMath";
    static final OptimMath IMPL = Simd.choose(OptimMath.class, VECTOR, ScalarOptimMath.INSTANCE);

    private OptimMaths() {}

    /** The scalar implementation (tests compare it with the vector one). */
    public static OptimMath scalar() { return ScalarOptimMath.INSTANCE; }

    /** The Vector API implementation, or null when the module is absent. */
    public static OptimMath vector() { return Simd.vector(OptimMath.class, VECTOR); }
}
