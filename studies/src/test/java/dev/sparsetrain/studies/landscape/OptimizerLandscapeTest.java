package dev.sparsetrain.studies.landscape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.optim.Optimizers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The landscape runs on the real optimizer runtime; measured behaviour, not constants. */
class OptimizerLandscapeTest {
    @Test
    void sgdStepOnTheRuntimeIsExactlyTheGradientStep() {
        Surface s = new Surface.Rosenbrock();
        var t = OptimizerLandscape.run(s, Optimizers.sgd(1e-3), -1.2, 1, 1);
        double[] g = new double[2];
        s.gradient((float) -1.2, 1f, g);
        assertEquals((float) ((float) -1.2 - 1e-3f * (float) g[0]), (float) t.x()[1], 1e-6);
        assertEquals((float) (1 - 1e-3f * (float) g[1]), (float) t.y()[1], 1e-6);
        assertEquals(s.value(t.x()[1], t.y()[1]), t.loss()[1], 0);
    }

    @Test
    void lineFitOneRateForBothParametersDivergesOrCrawlsWhileAdamConverges() {
        Surface.LineFit f = Surface.LineFit.spreadsheet();
        double lambdaMax = f.hessianEigenvalues()[1];
        int steps = 1000;
        // SGD just above its stability limit 2 / lambda_max diverges ...
        var tooLarge = OptimizerLandscape.run(f, Optimizers.sgd(2.2 / lambdaMax), 1, 1, steps);
        assertTrue(tooLarge.diverged(), "sgd above 2/lambda_max");
        // ... PyTorch's default SGD rate is far above it ...
        assertTrue(OptimizerLandscape.run(f, OptimizerLandscape.chain("sgd", OptimizerLandscape.pytorchDefaultLr("sgd")), 1, 1, steps).diverged());
        // ... and just below it, the intercept crawls: far from the threshold after the same steps
        var stable = OptimizerLandscape.run(f, Optimizers.sgd(1.9 / lambdaMax), 1, 1, steps);
        assertFalse(stable.diverged());
        assertTrue(stable.finalLoss() > 100 * f.threshold(), "sgd below the limit: " + stable.finalLoss());
        assertTrue(Math.abs(stable.endY() - 30) > 10, "intercept still far: " + stable.endY());
        // Adam scales each coordinate by its own gradient RMS and reaches the minimum
        var adam = OptimizerLandscape.run(f, Optimizers.adam(1.0), 1, 1, steps);
        int k = adam.stepsTo(f.threshold());
        assertTrue(k > 0 && k < steps, "adam reaches the threshold: " + k);
        assertEquals(2, adam.endX(), 1e-3);
        assertEquals(30, adam.endY(), 1e-2);
        System.out.printf("line fit, %d steps: sgd lr %.3g diverged at step %d; sgd lr %.3g final loss %.4g; adam lr 1 reached loss <= %.2g at step %d%n",
                steps, 2.2 / lambdaMax, tooLarge.divergedAt(), 1.9 / lambdaMax, stable.finalLoss(), f.threshold(), k);
    }

    /**
     * The preprocessing cure: with x standardized the Hessian is 2I, so PyTorch's default SGD rate,
     * which diverges on the raw fit, no longer does, and rates of 0.1 to 0.5 reach the minimum in 1 to 33 steps.
     */
    @Test
    void standardizedInputsLetOneSgdRateFitBothParameters() {
        Surface.LineFit raw = Surface.LineFit.spreadsheet(), f = raw.standardized();
        double[] ev = f.hessianEigenvalues();
        assertEquals(2, ev[0], 1e-9);
        assertEquals(2, ev[1], 1e-9);
        assertEquals(0, f.value(f.minimum()[0], f.minimum()[1]), 1e-9, "the minimum moved with the inputs");
        for (double lr : new double[] {OptimizerLandscape.pytorchDefaultLr("sgd"), 0.1, 0.5}) {
            var run = OptimizerLandscape.run(f, Optimizers.sgd(lr), f.start()[0], f.start()[1], 1000);
            int k = run.stepsTo(f.threshold());
            assertFalse(run.diverged(), "lr " + lr);
            if (lr >= 0.1) assertTrue(k > 0 && k < 100, "sgd lr " + lr + " reaches the threshold within 100 steps: " + k);
            System.out.printf("standardized line fit, sgd lr %.3g: final loss %.3g, threshold at step %d%n", lr, run.finalLoss(), k);
        }
        String refusal = assertThrows(dev.sparsetrain.core.BadInputException.class, () -> Surface.of("problems", "line fit")).getMessage();
        assertTrue(refusal.startsWith("problems 'line fit': allowed line_fit, line_fit_standardized,"), refusal);
    }

    @Test
    void momentumBeatsSgdInRosenbrocksValley() {
        Surface s = new Surface.Rosenbrock();
        var sgd = OptimizerLandscape.run(s, Optimizers.sgd(1e-3), -1.2, 1, 1000);
        var mom = OptimizerLandscape.run(s, Optimizers.momentum(1e-3, 0.9), -1.2, 1, 1000);
        assertTrue(mom.finalLoss() < sgd.finalLoss() / 100, "momentum " + mom.finalLoss() + " vs sgd " + sgd.finalLoss());
    }

    @Test
    void restartsFindTheGlobalMinimumMoreOftenThanASingleStart() {
        var c = new OptimizerLandscape.Config(List.of("rastrigin"), List.of("sgd", "adam"), 400, 60, 8, 6, 42);
        var r = OptimizerLandscape.run(c, null).getFirst();
        assertEquals(6, r.search().size());
        for (int i = 0; i < r.search().size(); i += 3) {
            var single = r.search().get(i);
            var restarts = r.search().get(i + 1);
            assertEquals(OptimizerLandscape.Strategy.SINGLE, single.strategy());
            assertEquals(OptimizerLandscape.Strategy.RESTARTS, restarts.strategy());
            System.out.printf("rastrigin %s: single %d/%d, best of %d restarts %d/%d, SGDR %d/%d%n", single.optimizer(), single.found(), single.seeds(),
                    c.restarts(), restarts.found(), restarts.seeds(), r.search().get(i + 2).found(), r.search().get(i + 2).seeds());
            assertTrue(restarts.found() >= single.found() + 5, single.optimizer() + ": restarts " + restarts.found() + " vs single " + single.found());
            assertTrue(restarts.meanKeptLoss() < single.meanKeptLoss(), "restarts keep a lower loss on average");
        }
        // the drawn start ends in a local minimum (the well of (2, -2)) for plain SGD
        var sgd = r.runs().getFirst();
        assertTrue(sgd.tuned().finalLoss() > 10 * r.surface().threshold(), "sgd from the drawn start: " + sgd.tuned().finalLoss());
        assertEquals(2, Math.rint(sgd.tuned().endX()));
        assertEquals(-2, Math.rint(sgd.tuned().endY()));
        // example: restarts of seed 1, the best one is the lowest
        var ex = r.examples().getFirst();
        assertEquals(c.restarts(), ex.restarts().size());
        for (var t : ex.restarts()) assertTrue(ex.restarts().get(ex.bestRestart()).finalLoss() <= t.finalLoss());
    }

    @Test
    void sgdrSeesPastShallowWellsWhereASingleStartDoesNot() {
        // periods of 100 steps: long enough for the cosine to anneal from bouncing over the wells to settling in one
        var c = new OptimizerLandscape.Config(List.of("rastrigin_shallow"), List.of("sgd"), 1000, 30, 10, 6, 42);
        var r = OptimizerLandscape.run(c, null).getFirst();
        var single = r.search().get(0);
        var sgdr = r.search().get(2);
        assertEquals(OptimizerLandscape.Strategy.SGDR, sgdr.strategy());
        System.out.printf("rastrigin_shallow sgd: single %d/%d, SGDR %d/%d (lr %s)%n", single.found(), single.seeds(), sgdr.found(), sgdr.seeds(),
                OptimizerLandscape.rate(sgdr.lr()));
        assertTrue(sgdr.fraction() > 0.5 && sgdr.fraction() > 3 * single.fraction(), "sgdr " + sgdr.found() + " vs single " + single.found());
    }

    @Test
    void deterministicForASeed() {
        var c = new OptimizerLandscape.Config(List.of("rastrigin"), List.of("adam"), 100, 10, 4, 3, 7);
        var a = OptimizerLandscape.run(c, null).getFirst();
        var b = OptimizerLandscape.run(c, null).getFirst();
        for (int i = 0; i < 3; i++) {
            assertEquals(a.search().get(i).found(), b.search().get(i).found());
            assertEquals(a.search().get(i).meanKeptLoss(), b.search().get(i).meanKeptLoss(), 0);
        }
    }

    @Test
    void badSettingsAreOneLine() {
        assertMessage("optimizers 'adamm': allowed sgd,", () -> new OptimizerLandscape.Config(List.of("rastrigin"), List.of("adamm"), 100, 1, 2, 1, 1));
        assertMessage("optimizers 'ftrl'", () -> new OptimizerLandscape.Config(List.of("rastrigin"), List.of("ftrl"), 100, 1, 2, 1, 1));
        assertMessage("problems 'bowl': allowed line_fit, line_fit_standardized, rosenbrock, rastrigin", () -> new OptimizerLandscape.Config(List.of("bowl"), List.of("sgd"), 100, 1, 2, 1, 1));
        assertMessage("steps 5", () -> new OptimizerLandscape.Config(List.of("rastrigin"), List.of("sgd"), 5, 1, 2, 1, 1));
        assertMessage("restarts 30: must be in [2, steps/5 = 20]", () -> new OptimizerLandscape.Config(List.of("rastrigin"), List.of("sgd"), 100, 1, 30, 1, 1));
        assertMessage("seeds 0", () -> new OptimizerLandscape.Config(List.of("rastrigin"), List.of("sgd"), 100, 0, 2, 1, 1));
        assertMessage("problems 'Rosenbrock': given twice", () -> new OptimizerLandscape.Config(List.of("rosenbrock", "Rosenbrock"), List.of("sgd"), 100, 1, 2, 1, 1));
    }

    private static void assertMessage(String fragment, Runnable r) {
        BadInputException e = assertThrows(BadInputException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }
}
