package dev.sparsetrain.optim.kernel;

import java.lang.System.Logger.Level;

/**
 * Chooses the {@link OptimMath} implementation once: the Vector API one when the
 * {@code jdk.incubator.vector} module is present, unless {@code -Dsparsetrain.kernels=scalar}
 * (the same switch as {@link dev.sparsetrain.core.Kernels}).
 */
public final class OptimMaths {
    static final OptimMath IMPL = choose();

    private OptimMaths() {}

    /** The scalar implementation (tests compare it with the vector one). */
    public static OptimMath scalar() { return ScalarOptimMath.INSTANCE; }

    /** The Vector API implementation, or null when the module is absent. */
    public static OptimMath vector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return null;
        try {
            return (OptimMath) Class.forName("dev.sparsetrain.optim.kernel.PanamaOptimMath").getField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            System.getLogger(OptimMaths.class.getName()).log(Level.WARNING,
                    "Vector API optimizer kernels failed to load (" + e + "): using scalar kernels.");
            return null;
        }
    }

    private static OptimMath choose() {
        if ("scalar".equals(System.getProperty("sparsetrain.kernels", "auto"))) return ScalarOptimMath.INSTANCE;
        OptimMath v = vector();
        if (v == null) {
            System.getLogger(OptimMaths.class.getName()).log(Level.INFO,
                    "Vector API module absent: optimizer kernels are scalar. Run with --add-modules jdk.incubator.vector for SIMD.");
            return ScalarOptimMath.INSTANCE;
        }
        return v;
    }
}
