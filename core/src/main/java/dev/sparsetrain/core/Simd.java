package dev.sparsetrain.core;

import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * The one place that chooses between the Vector API and scalar code. Every kernel family (core's
 * {@link Kernels}, the optimizer math, BPR-MF's fused step, VBPR's dense reductions, SparseNN's
 * layers) asks here once, at class initialisation, and keeps its choice.
 *
 * <p>The Vector API path is on when the {@code jdk.incubator.vector} module is in the boot layer
 * (the launcher and the build pass {@code --add-modules jdk.incubator.vector}) and
 * {@code -Dsparsetrain.kernels=scalar} is not set; the scalar code computes the same functions
 * (tests compare the two).
 */
public final class Simd {
    private static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final boolean FORCED_SCALAR = "scalar".equals(System.getProperty("sparsetrain.kernels", "auto"));
    private static volatile boolean warned;

    private Simd() {}

    /** Whether the Vector API kernels are used. */
    public static boolean enabled() { return MODULE && !FORCED_SCALAR; }

    /** Whether the Vector API module is present, whatever {@code -Dsparsetrain.kernels} says (tests). */
    public static boolean available() { return MODULE; }

    /**
     * The vector implementation {@code vectorClass} (its public static {@code INSTANCE} field, or
     * else its no-argument constructor) when {@link #enabled()}, else {@code scalar}. A vector class
     * that fails to load falls back to {@code scalar} with a warning.
     */
    public static <T> T choose(Class<T> type, String vectorClass, T scalar) {
        Objects.requireNonNull(scalar, "scalar");
        if (!enabled()) {
            if (!MODULE && !warned) {
                warned = true;
                System.getLogger(Simd.class.getName()).log(Level.INFO,
                        "Vector API module absent: using scalar kernels. Run with --add-modules jdk.incubator.vector "
                                + "(the ./sparsetrain launcher does) for the SIMD path.");
            }
            return scalar;
        }
        T v = vector(type, vectorClass);
        return v != null ? v : scalar;
    }

    /** The vector implementation {@code vectorClass} when the module is present (even if forced scalar), else null. */
    public static <T> T vector(Class<T> type, String vectorClass) {
        if (!MODULE) return null;
        try {
            Class<?> c = Class.forName(vectorClass);
            Object o;
            try {
                o = c.getField("INSTANCE").get(null);
            } catch (NoSuchFieldException e) {
                var k = c.getDeclaredConstructor();
                k.setAccessible(true);
                o = k.newInstance();
            }
            return type.cast(o);
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            System.getLogger(Simd.class.getName()).log(Level.WARNING,
                    "Vector API kernels " + vectorClass + " failed to load (" + e + "): using scalar kernels.");
            return null;
        }
    }
}
