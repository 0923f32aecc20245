package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.replay.CaseFiles;
import dev.sparsetrain.optim.replay.OptimizerCase;
import dev.sparsetrain.testkit.reference.ReferenceOptimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Behaviour of the optimizers added for issue 13.1 that the catalogue-wide properties do not
 * reach: Eve's objective feedback (against the double-precision reference, and that it matters),
 * its refusals, PyTorch's tuple arguments of Rprop and Adafactor, ASGD's average.
 */
class NewOptimizersTest {

    @Test
    void eveFeedbackFollowsTheReferenceAlgorithm() {
        SplittableRandom rnd = new SplittableRandom(5);
        int rows = 5, dim = 7;
        double[][] init = new double[rows][dim];
        for (double[] r : init) for (int j = 0; j < dim; j++) r[j] = (float) rnd.nextGaussian();
        Table t = Table.embedding("t", rows, dim);
        for (int r = 0; r < rows; r++) for (int j = 0; j < dim; j++) t.set(r, j, (float) init[r][j]);
        Chain chain = OptimizerSpec.parse("eve:0.05,beta3=0.8,lower_threshold=0.05,upper_threshold=4").toChain();
        Optimizer opt = Optimizer.build(List.of(ParamGroup.of("g", chain, "t").withSemantics(SparseSemantics.LAZY)), List.of(t));
        ReferenceOptimizer.Config c = new ReferenceOptimizer.Config().kind("eve").lr(0.05);
        c.beta3 = 0.8;
        c.lowerThreshold = 0.05;
        c.upperThreshold = 4;
        ReferenceOptimizer ref = new ReferenceOptimizer(c, ReferenceOptimizer.Semantics.LAZY, init);
        double f = 10;
        for (int s = 0; s < 30; s++) {
            f *= s % 7 == 3 ? 30 : 0.7 + 0.2 * rnd.nextDouble(); // mostly down, sometimes a jump beyond K
            int[] ids = {rnd.nextInt(rows), rnd.nextInt(rows), rnd.nextInt(rows)};
            double[][] g = new double[ids.length][dim];
            for (double[] x : g) for (int j = 0; j < dim; j++) x[j] = rnd.nextGaussian();
            opt.setObjective(f);
            ref.setObjective(f);
            OptimizerPropertiesTest.feed(opt, t, ids, g);
            opt.step();
            ref.step(ids, g);
            assertEquals(ref.feedback(), opt.objectiveFeedback("g"), 1e-12, "d at step " + (s + 1));
        }
        assertTrue(Math.abs(ref.feedback() - 1) > 0.1, "the feedback moved: d = " + ref.feedback());
        OptimizerPropertiesTest.assertClose("eve with feedback", ref.w, t, 2e-4);
    }

    @Test
    void eveGoldenCaseNeedsItsObjectives() throws IOException {
        Path file = GoldenCasesTest.extra().resolve("eve_dense_1.json");
        OptimizerCase c = CaseFiles.read(file);
        List<OptimizerCase.Step> without = new ArrayList<>();
        for (OptimizerCase.Step s : c.steps()) without.add(new OptimizerCase.Step(s.rows(), s.grad()));
        OptimizerCase blind = new OptimizerCase(c.name(), c.optimizer(), c.hyper(), c.sparse(), c.semantics(), c.init(), without,
                c.clipType(), c.clipValue());
        List<float[][]> got = blind.replay(file.toString());
        double[][] want = CaseFiles.expected(file).getLast();
        double worst = 0;
        for (int r = 0; r < want.length; r++) for (int j = 0; j < want[r].length; j++) worst = Math.max(worst, Math.abs(want[r][j] - got.getLast()[r][j]));
        assertTrue(worst > 1e-3, "without the losses Eve is Adam and misses the case: worst difference " + worst);
    }

    @Test
    void eveRefusesCatchUpAndBadObjectivesInOneLine() {
        Table t = Table.embedding("t", 3, 2);
        BadInputException e = assertThrows(BadInputException.class, () -> Optimizer.build(
                List.of(ParamGroup.of("g", Optimizers.eve(0.01), "t").withSemantics(SparseSemantics.CATCH_UP)), List.of(t)));
        assertTrue(e.getMessage().startsWith("group 'g': semantics CATCH_UP with eve") && e.getMessage().contains("LAZY"), e.getMessage());
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.eve(0.01), "t")), List.of(t));
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            BadInputException b = assertThrows(BadInputException.class, () -> o.setObjective(bad));
            assertTrue(b.getMessage().startsWith("group 'g': eve objective ") && b.getMessage().contains("> f_star (0.0)"), b.getMessage());
            assertFalse(b.getMessage().contains("\n"));
        }
        Optimizer shifted = Optimizer.build(List.of(ParamGroup.of("g", OptimizerSpec.parse("eve,f_star=-5").toChain(), "t")), List.of(t));
        shifted.setObjective(-1); // above the lower bound: accepted
        // other optimizers ignore the objective
        Optimizer adam = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.adam(0.01), "t")), List.of(t));
        adam.setObjective(Double.NaN);
        assertEquals(1.0, adam.objectiveFeedback("g"));
    }

    @Test
    void pyTorchTupleArgumentsOfRpropAdafactorAndEve() {
        OptimizerSpec r = OptimizerSpec.fromPyTorch("rprop", Map.of("lr", 0.1, "etas", List.of(0.3, 1.5), "step_sizes", List.of(0.01, 1.0)));
        assertEquals(Optimizers.rprop(0.1, 0.3, 1.5, 0.01, 1.0), r.toChain());
        List<Object> eps = new ArrayList<>();
        eps.add(null); // PyTorch's eps1 = None: the dtype's epsilon
        eps.add(1e-2);
        OptimizerSpec a = OptimizerSpec.fromPyTorch("adafactor", Map.of("lr", 0.02, "eps", eps));
        assertEquals(Optimizers.adafactor(0.02, -0.8, Math.ulp(1.0f), 1e-2, 1.0, 0), a.toChain());
        OptimizerSpec e = OptimizerSpec.fromPyTorch("eve", Map.of("betas", List.of(0.8, 0.99, 0.9)));
        assertEquals(0.9, e.number("beta3"));
        BadInputException bad = assertThrows(BadInputException.class, () -> OptimizerSpec.parse("rprop,step_size_min=2,step_size_max=1"));
        assertTrue(bad.getMessage().contains("step_size_min=2.0 > step_size_max=1.0"), bad.getMessage());
        bad = assertThrows(BadInputException.class, () -> OptimizerSpec.parse("rprop,etaplus=0.9"));
        assertTrue(bad.getMessage().contains("rprop etaplus=0.9, must be > 1"), bad.getMessage());
        bad = assertThrows(BadInputException.class, () -> OptimizerSpec.parse("adafactor,beta2_decay=0.5"));
        assertTrue(bad.getMessage().contains("adafactor beta2_decay=0.5, must be <= 0"), bad.getMessage());
    }

    @Test
    void asgdAverageIsTheWeightsUntilT0AndTheirMeanAfter() {
        Table t = Table.embedding("t", 2, 3).fillNormal(new SplittableRandom(2), 1);
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", Optimizers.asgd(0.1, 0, 0.75, 2), "t").withSemantics(SparseSemantics.DENSE)), List.of(t));
        double[] sum = new double[3];
        for (int s = 1; s <= 6; s++) {
            o.gradients(t).add(0, new float[] {1, -1, 0.5f}, 0);
            o.step();
            if (s <= 4) {
                for (int j = 0; j < 3; j++) assertEquals(t.get(0, j), o.state(t, 0, 0, j), "ax = w while mu = 1, step " + s);
            }
            if (s >= 4) for (int j = 0; j < 3; j++) sum[j] += t.get(0, j);
        }
        // mu_t = 1 / max(1, t - 1 - t0) is 1 up to step 4, then 1/2, 1/3: ax is the mean of the weights of steps 4..6
        for (int j = 0; j < 3; j++) assertEquals(sum[j] / 3, o.state(t, 0, 0, j), 1e-5);
    }

    @Test
    void everyKindOfTheSpecIsBuiltAndDescribed() {
        for (OptimizerSpec.Kind k : OptimizerSpec.Kind.values()) {
            Chain c = OptimizerSpec.of(k, 0.01).toChain();
            Table t = Table.embedding("t", 3, 4).fillNormal(new SplittableRandom(1), 1);
            Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", c, "t")), List.of(t));
            assertTrue(o.describe().contains(c.optimizer().kind()), o.describe());
            assertEquals(k.text().equals("momentum") || k.text().equals("nesterov") || k.text().equals("amsgrad") || k.text().equals("adamw")
                    ? c.optimizer().kind() : k.text(), k.text().equals("momentum") || k.text().equals("nesterov") ? "sgd"
                    : k.text().equals("adamw") ? "adam" : c.optimizer().kind());
        }
        assertEquals(22, Optimizers.ALL_NAMES.size());
        assertEquals(14, Optimizers.NAMES.size());
        assertTrue(Optimizers.ALL_NAMES.containsAll(Optimizers.NAMES));
    }

    /**
     * Eve against Adam at the same rate on Rosenbrock's valley (full-batch gradients, the loss
     * reported before every step) and on a noisy 20-dimensional quadratic (mini-batch noise on
     * both gradient and loss). Prints the final losses quoted in docs/optimizers.md; asserts only
     * that both optimizers make progress.
     */
    @Test
    void eveAgainstAdamOnTwoSmallProblems() {
        for (double lr : new double[] {1e-3, 1e-2, 1e-1}) {
            double[] out = new double[4];
            for (int k = 0; k < 2; k++) {
                boolean eve = k == 1;
                // Rosenbrock from (-1.5, 2)
                Table t = Table.dense("w", 1, 2);
                t.set(0, 0, -1.5f);
                t.set(0, 1, 2f);
                Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", eve ? Optimizers.eve(lr) : Optimizers.adam(lr), "w")
                        .withSemantics(SparseSemantics.DENSE)), List.of(t));
                double f0 = rosen(t), f = f0;
                for (int s = 0; s < 3000; s++) {
                    double x = t.get(0, 0), y = t.get(0, 1);
                    f = rosen(t);
                    o.setObjective(f);
                    o.gradients(t).add(0, new float[] {(float) (-2 * (1 - x) - 400 * x * (y - x * x)), (float) (200 * (y - x * x))}, 0);
                    o.step();
                }
                out[k] = rosen(t);
                assertTrue(out[k] < f0, (eve ? "eve" : "adam") + " lr " + lr + " on rosenbrock: " + f0 + " -> " + out[k]);
                // noisy quadratic 1 + 0.5 sum c_i (w_i - 1)^2, c_i from 0.1 to 10
                SplittableRandom rnd = new SplittableRandom(9);
                Table q = Table.dense("w", 1, 20);
                Optimizer oq = Optimizer.build(List.of(ParamGroup.of("g", eve ? Optimizers.eve(lr) : Optimizers.adam(lr), "w")
                        .withSemantics(SparseSemantics.DENSE)), List.of(q));
                for (int s = 0; s < 3000; s++) {
                    float[] g = new float[20];
                    double loss = 1;
                    for (int i = 0; i < 20; i++) {
                        double c = Math.pow(100, i / 19.0) / 10, d = q.get(0, i) - 1;
                        loss += 0.5 * c * d * d;
                        g[i] = (float) (c * d + 0.3 * rnd.nextGaussian());
                    }
                    oq.setObjective(loss * (0.8 + 0.4 * rnd.nextDouble()));
                    oq.gradients(q).add(0, g, 0);
                    oq.step();
                }
                double loss = 1;
                for (int i = 0; i < 20; i++) {
                    double c = Math.pow(100, i / 19.0) / 10, d = q.get(0, i) - 1;
                    loss += 0.5 * c * d * d;
                }
                out[2 + k] = loss - 1;
                if (eve) System.out.printf(java.util.Locale.ROOT, "lr %.0e: rosenbrock after 3000 steps adam %.3g eve %.3g (d %.3f); "
                        + "noisy quadratic excess loss adam %.3g eve %.3g (d %.3f)%n", lr, out[0], out[1], o.objectiveFeedback("g"),
                        out[2], out[3], oq.objectiveFeedback("g"));
            }
        }
    }

    private static double rosen(Table t) {
        double x = t.get(0, 0), y = t.get(0, 1);
        return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    }
}
