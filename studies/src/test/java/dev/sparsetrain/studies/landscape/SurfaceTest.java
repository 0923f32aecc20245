package dev.sparsetrain.studies.landscape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each surface's analytic gradient against central finite differences, and its stated minimum. */
class SurfaceTest {
    @Test
    void gradientsMatchFiniteDifferences() {
        for (String name : Surface.NAMES) {
            Surface s = Surface.of("problems", name);
            SplittableRandom rnd = new SplittableRandom(1);
            double[] g = new double[2];
            for (int k = 0; k < 200; k++) {
                double[] p = s.randomStart(rnd);
                s.gradient(p[0], p[1], g);
                double[] b = s.box();
                // a step small against the box, large against double rounding of the loss
                double hx = 1e-6 * (b[1] - b[0]), hy = 1e-6 * (b[3] - b[2]);
                double fx = (s.value(p[0] + hx, p[1]) - s.value(p[0] - hx, p[1])) / (2 * hx);
                double fy = (s.value(p[0], p[1] + hy) - s.value(p[0], p[1] - hy)) / (2 * hy);
                double scale = 1 + Math.abs(g[0]) + Math.abs(g[1]);
                assertEquals(fx, g[0], 1e-5 * scale, name + " d/dx at " + p[0] + ", " + p[1]);
                assertEquals(fy, g[1], 1e-5 * scale, name + " d/dy at " + p[0] + ", " + p[1]);
            }
        }
    }

    @Test
    void theStatedMinimumIsAStationaryPointWithTheStatedValueAndNothingOnAFineGridIsLower() {
        for (String name : Surface.NAMES) {
            Surface s = Surface.of("problems", name);
            double[] m = s.minimum(), g = new double[2];
            s.gradient(m[0], m[1], g);
            assertEquals(0, Math.hypot(g[0], g[1]), 1e-9, name + ": gradient at the minimum");
            assertEquals(s.minimumValue(), s.value(m[0], m[1]), 1e-9, name);
            double[] b = s.box();
            double lowest = Double.POSITIVE_INFINITY;
            for (int i = 0; i <= 400; i++) {
                for (int j = 0; j <= 400; j++) lowest = Math.min(lowest, s.value(b[0] + (b[1] - b[0]) * i / 400, b[2] + (b[3] - b[2]) * j / 400));
            }
            assertTrue(lowest >= s.minimumValue() - 1e-12, name + ": a grid point below the minimum: " + lowest);
            assertTrue(s.value(s.start()[0], s.start()[1]) > s.threshold(), name + ": the start is not already at the minimum");
        }
    }

    @Test
    void lineFitIsTheSpreadsheetsIllConditionedQuadratic() {
        Surface.LineFit f = Surface.LineFit.spreadsheet();
        double[] ev = f.hessianEigenvalues();
        // the Hessian is constant: check it against second differences, and that the two directions are ~10^4 apart
        double h = 1e-3;
        double faa = (f.value(2 + h, 30) - 2 * f.value(2, 30) + f.value(2 - h, 30)) / (h * h);
        double fbb = (f.value(2, 30 + h) - 2 * f.value(2, 30) + f.value(2, 30 - h)) / (h * h);
        assertEquals(ev[0] + ev[1], faa + fbb, 1e-3 * (ev[0] + ev[1]), "trace");
        assertTrue(ev[1] / ev[0] > 1e3, "condition number " + ev[1] / ev[0]);
        double[] g = new double[2];
        f.gradient(1, 1, g);
        assertTrue(Math.abs(g[0]) / Math.abs(g[1]) > 30, "slope gradient vs intercept gradient at the start: " + g[0] + " vs " + g[1]);
    }

    @Test
    void rastriginsThresholdLiesBelowEveryOtherWell() {
        for (String name : new String[] {"rastrigin", "rastrigin_shallow"}) {
            Surface.Rastrigin r = (Surface.Rastrigin) Surface.of("problems", name);
            double local = r.bestLocalMinimum();
            // the well next to the minimum is a local minimum: gradient 0 at its bottom and higher around it
            assertTrue(local > 0.9 && local < 1, name + ": best local minimum " + local);
            assertEquals(local / 2, r.threshold(), 1e-12);
            // descent from the given start ends in the well of (2, -2), far above the threshold
            assertTrue(r.value(2, -2) > 10 * r.threshold());
        }
        assertThrows(BadInputException.class, () -> Surface.of("problems", "himmelblau"));
    }
}
