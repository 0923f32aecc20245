package dev.sparsetrain.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.Splits;
import dev.sparsetrain.data.SyntheticImplicit;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java half of the implicit comparison, without Python: the exported training set reads back
 * exactly, and factors in implicit's layout (bias as a last column, users' last column 1) written
 * to .npy and read back score and evaluate like the model they came from.
 */
class ImplicitBprComparisonTest {
    static Split smallSplit() {
        var data = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(400, 300, 20));
        return Splits.leaveOneOut(data.interactions(), 42);
    }

    @Test
    void exportedTrainingSetReadsBackExactly(@TempDir Path dir) throws Exception {
        Interactions train = smallSplit().train();
        TrainingExport.writeCsr(train, dir);
        assertArrayEquals(train.indptr(), TrainingExport.readInt32(dir.resolve("indptr.npy")));
        assertArrayEquals(train.itemIndices(), TrainingExport.readInt32(dir.resolve("indices.npy")));
        byte[] b = Files.readAllBytes(dir.resolve("indices.npy"));
        int header = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + header) % 64, "NumPy aligns the data to 64 bytes");
        assertEquals(10 + header + 4L * train.size(), b.length);
    }

    @Test
    void factorsInImplicitsLayoutEvaluateLikeTheModel(@TempDir Path dir) {
        Split split = smallSplit();
        Interactions train = split.train();
        // implicit's update, sampled as implicit samples; 10 epochs on 1 thread, a few milliseconds
        BprModel m = new BprModel(train.numUsers(), train.numItems(), ImplicitBprComparison.matchedConfig(16, 0.1, 0.01), 7);
        TrainerConfig tc = TrainerConfig.defaults().withEpochs(10).withThreads(1).withSeed(7).withPositives(TrainerConfig.PositiveSampling.PAIRS);
        new Trainer(tc).fit(Hogwild.of(m, train, NegativeSampler.popularity(train, 1.0)));
        float maxBias = 0;
        for (float x : m.itemBias().data()) maxBias = Math.max(maxBias, Math.abs(x));
        assertTrue(maxBias > 1e-3, "the item bias was trained: " + maxBias);

        ExternalFactors.implicitLayout(m, dir);
        ExternalFactors ext = ExternalFactors.readNpy(dir.resolve("user_factors.npy"), dir.resolve("item_factors.npy"), train.numUsers(), train.numItems());
        assertEquals(17, ext.dim());
        float[] a = new float[train.numItems()], e = new float[train.numItems()];
        double worst = 0;
        for (int u = 0; u < train.numUsers(); u++) {
            m.scoreAll(u, a);
            ext.scoreAll(u, e);
            for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]));
        }
        assertTrue(worst < 1e-5, "same scores up to float summation order: " + worst);

        RankingReport in = LibrecBprComparison.evaluate(m, split), out = LibrecBprComparison.evaluate(ext, split);
        System.out.printf(Locale.ROOT, "in-JVM AUC %.6f, read back from .npy %.6f (max score difference %.1e)%n", in.auc(), out.auc(), worst);
        assertEquals(in.auc(), out.auc(), 1e-4);
        assertEquals(in.value("ndcg@10"), out.value("ndcg@10"), 1e-3);
        assertTrue(in.auc() > 0.6, "trained: " + in.auc());
    }

    @Test
    void skipReplayDropsExactlyTheDrawsTheUserOwnsAndIsDeterministic() {
        Interactions train = smallSplit().train();
        int[] userOf = train.userOfEntry(), itemOf = train.itemIndices();
        NegativeSampler has = NegativeSampler.uniform(train);
        BprConfig c = ImplicitBprComparison.matchedConfig(8, 0.05, 0.01);
        BprModel a = new BprModel(train.numUsers(), train.numItems(), c, 3), b = new BprModel(train.numUsers(), train.numItems(), c, 3);
        long na = ImplicitBprComparison.replayWithSkips(a, userOf, itemOf, has, 2, new java.util.SplittableRandom(5));
        long nb = ImplicitBprComparison.replayWithSkips(b, userOf, itemOf, has, 2, new java.util.SplittableRandom(5));
        // the same draws again, counting the owned negatives
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        long owned = 0;
        for (int k = 0; k < 2 * itemOf.length; k++) {
            int u = userOf[r.nextInt(itemOf.length)];
            if (has.member(u, itemOf[r.nextInt(itemOf.length)])) owned++;
        }
        assertTrue(owned > 0, "popular items get drawn as negatives of their own users");
        assertEquals(2L * itemOf.length - owned, na);
        assertEquals(na, nb);
        assertArrayEquals(a.users().data(), b.users().data());
    }

    @Test
    void factorsOfTheWrongShapeAreRefusedInOneLine(@TempDir Path dir, @TempDir Path other) {
        Split split = smallSplit();
        Interactions train = split.train();
        BprModel m = new BprModel(train.numUsers(), train.numItems(), BprConfig.defaults().withFactors(4), 1);
        ExternalFactors.implicitLayout(m, dir);
        var ex = assertThrows(BadInputException.class,
                () -> ExternalFactors.readNpy(dir.resolve("user_factors.npy"), dir.resolve("item_factors.npy"), train.numUsers() + 1, train.numItems()));
        assertTrue(ex.getMessage().contains("user rows") && !ex.getMessage().contains("\n"), ex.getMessage());
        ExternalFactors.implicitLayout(new BprModel(train.numUsers(), train.numItems(), BprConfig.defaults().withFactors(5), 1), other);
        var cols = assertThrows(BadInputException.class,
                () -> ExternalFactors.readNpy(dir.resolve("user_factors.npy"), other.resolve("item_factors.npy"), train.numUsers(), train.numItems()));
        assertTrue(cols.getMessage().contains("5 and 6 columns"), cols.getMessage());
    }

    @Test
    void matchedConfigIsImplicitsRuleAndTheDriverShips() throws Exception {
        BprConfig c = ImplicitBprComparison.matchedConfig(64, 0.01, 0.01);
        assertEquals(c.learningRate(), c.biasLearningRate());
        assertEquals(c.regularization(), c.biasRegularization());
        assertEquals(1.0, c.finalLearningRate(), "constant rate, as implicit");
        assertEquals(1.0 / (64 * Math.sqrt(12)), c.initStd(), 1e-12, "std of uniform(-0.5, 0.5) / k");
        try (InputStream in = ImplicitBprComparison.class.getResourceAsStream("implicit_bpr_run.py")) {
            assertNotNull(in, "driver script on the class path");
            String s = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(s.contains("BayesianPersonalizedRanking") && s.contains("fit_seconds"));
        }
        Map<String, Double> f = ImplicitBprComparison.numbers(
                "{\"fit_seconds\": 1.5, \"cpu_seconds\": 2.9e0, \"samples\": 9905700, \"skipped\": 3001, \"threads\": 2, \"dtype\": \"float32\"}");
        assertEquals(1.5, f.get("fit_seconds"));
        assertEquals(9_905_700L, f.get("samples").longValue());
        assertThrows(IllegalStateException.class, () -> ImplicitBprComparison.numbers("{\"fit_seconds\": 1}"));
    }

    /** ExportedScoresCheck's third argument: test or val; anything else (e.g. "validation") is refused, not read as test. */
    @Test
    void exportedScoresCheckRefusesAnUnknownHeldOutSet() {
        assertEquals(false, ExportedScoresCheck.validation(new String[] {"dir"}));
        assertEquals(false, ExportedScoresCheck.validation(new String[] {"dir", "data", "test"}));
        assertEquals(true, ExportedScoresCheck.validation(new String[] {"dir", "data", "val"}));
        var e = assertThrows(IllegalArgumentException.class, () -> ExportedScoresCheck.validation(new String[] {"dir", "data", "validation"}));
        assertEquals("held-out set 'validation': test or val", e.getMessage());
    }
}
