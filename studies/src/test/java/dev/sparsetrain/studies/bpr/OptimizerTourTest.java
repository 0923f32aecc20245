package dev.sparsetrain.studies.bpr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.Splits;
import dev.sparsetrain.data.SyntheticImplicit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optimizer tour's measurements on small synthetic data (Zipf item popularity). */
class OptimizerTourTest {

    @Test
    void sgdStepsAreExactlyLrAndAdagradShrinksFrequentRowsMore() {
        var all = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(400, 300, 30)).interactions();
        Split s = Splits.leaveOneOut(all, 7);
        Split v = Splits.validation(s.train(), 7);
        double lr = 0.05;
        var c = new OptimizerTour.Config(List.of("sgd", "adagrad"), Map.of("sgd", lr, "adagrad", 0.1), 3, 1, 16, 0.0075, 42, 0, 6, null);
        var res = OptimizerTour.run(v.train(), v.test(), s.test(), c, null);
        var sgd = res.get(0).rows();
        int measured = 0;
        for (int r = 0; r < sgd.runUpdates().length; r++) {
            if (sgd.lastUpdates()[r] == 0) continue;
            measured++;
            // |dw| / |g| per update, g including the L2 term: plain SGD moves by exactly lr * g (float rounding of the row aside)
            assertEquals(lr, sgd.meanRatio(r), lr * 1e-3, "row " + r);
        }
        assertTrue(measured > 250, "rows measured: " + measured);
        assertEquals(lr, sgd.minRatio(), lr * 1e-3, "smallest |dw|/|g| of any update");
        assertEquals(lr, sgd.maxRatio(), lr * 1e-3, "largest |dw|/|g| of any update");
        System.out.printf("sgd lr %.3f: |dw|/|g| over every update in [%.6f, %.6f]%n", lr, sgd.minRatio(), sgd.maxRatio());

        var bins = res.get(1).bins();
        var rare = bins.get(0);
        var frequent = bins.get(bins.size() - 1);
        System.out.printf("adagrad lr 0.1: rarest bin %.1f updates/epoch eff. lr %.4f, most frequent bin %.1f updates/epoch eff. lr %.4f%n",
                rare.meanUpdatesPerEpoch(), rare.effectiveLr(), frequent.meanUpdatesPerEpoch(), frequent.effectiveLr());
        assertTrue(frequent.meanUpdatesPerEpoch() > 2 * rare.meanUpdatesPerEpoch());
        assertTrue(frequent.effectiveLr() < rare.effectiveLr(), "adagrad: frequent rows get the smaller effective lr");
        assertTrue(rare.effectiveLr() < 0.1, "adagrad's effective lr is below its lr once the accumulator exceeds 1");
        for (var r : res) for (var run : r.runs()) assertTrue(run.testAuc() > 0.6, r.name() + " learns: " + run.testAuc());
    }

    @Test
    void unknownOptimizerIsOneLine() {
        var e = assertThrows(BadInputException.class, () -> OptimizerTour.canonical("adamm"));
        assertTrue(e.getMessage().startsWith("optimizers 'adamm': allowed sgd,"), e.getMessage());
        assertEquals("adam+sgdr", OptimizerTour.canonical("Adam+SGDR"));
        assertThrows(BadInputException.class, () -> OptimizerTour.canonical("ftrl"));
    }

    /** A bad --lr entry is refused naming --lr (it named --optimizers), and a rate for an optimizer the tour does not run is not ignored. */
    @Test
    void badRatesNameTheLrOption() {
        var unknown = assertThrows(BadInputException.class,
                () -> new OptimizerTour.Config(List.of("adam"), Map.of("adamm", 0.1), 3, 1, 16, 0.0075, 42, 0, 6, null));
        assertTrue(unknown.getMessage().startsWith("lr adamm=0.1: unknown optimizer; allowed sgd,"), unknown.getMessage());
        var notRun = assertThrows(BadInputException.class,
                () -> new OptimizerTour.Config(List.of("adam"), Map.of("sgd", 0.1), 3, 1, 16, 0.0075, 42, 0, 6, null));
        assertTrue(notRun.getMessage().startsWith("lr sgd=0.1: sgd is not in optimizers adam"), notRun.getMessage());
        // a rate for adam+sgdr is given as adam+sgdr
        new OptimizerTour.Config(List.of("adam+sgdr"), Map.of("Adam+SGDR", 0.003), 3, 1, 16, 0.0075, 42, 0, 6, null);
    }
}
