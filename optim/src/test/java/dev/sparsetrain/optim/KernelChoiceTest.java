package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.optim.kernel.OptimMath;
import org.junit.jupiter.api.Test;

/**
 * The kernels are chosen once: Vector API by default (the build adds the module), scalar under
 * {@code -Dsparsetrain.kernels=scalar} (the second surefire execution of this module runs the
 * golden and property tests that way).
 */
class KernelChoiceTest {
    @Test
    void chosenImplementationFollowsTheSwitch() {
        boolean scalar = "scalar".equals(System.getProperty("sparsetrain.kernels"));
        System.out.println("kernels: " + Kernels.impl().name() + ", optimizer math: " + OptimMath.get().name());
        if (scalar) {
            assertEquals("scalar", Kernels.impl().name());
            assertEquals("scalar", OptimMath.get().name());
        } else {
            assertTrue(Kernels.impl().name().startsWith("panama"), Kernels.impl().name());
            assertTrue(OptimMath.get().name().startsWith("panama"), OptimMath.get().name());
        }
    }
}
