package dev.sparsetrain.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.SyntheticVisual;
import dev.sparsetrain.metrics.ranking.ColdStart;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.vbpr.GroupSpec;
import dev.sparsetrain.models.vbpr.Variant;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprModel;
import dev.sparsetrain.models.vbpr.VbprTrainer;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * VBPR with DSGD-sharded tables ({@link ShardedVbprTrainer}) in local[2]: one block is
 * single-machine training bit for bit (per-row and dense optimizer state included), two blocks
 * train to an AUC near single-machine training's, and auto-balance is refused in one line.
 */
class ShardedVbprTest {
    static final FeatureDataset DATA = SyntheticVisual.generate(new SyntheticVisual.Config(300, 200, 48, 6, 8, 40, 1, 1, 0.08, 5));
    static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = TestSpark.context();
    }

    static VbprConfig config(int epochs) {
        return VbprConfig.defaults(Variant.VBPR).withThreads(1).withEpochs(epochs, 1000).withDenseBatch(512).withAutoBalance(false, Double.NaN);
    }

    /** Single-machine VbprTrainer through the spine without validation (so no best-epoch restore): the reference. */
    static VbprModel single(FeatureDataset d, VbprConfig cfg) {
        VbprTrainer t = new VbprTrainer(d, cfg);
        new Trainer(t.loop()).fit(t.trainable());
        return t.model();
    }

    @Test
    void oneBlockIsSingleMachineTrainingBitForBit() {
        for (VbprConfig cfg : List.of(config(3),
                config(3).withGroup(VbprModel.ITEM_FACTORS, GroupSpec.adam(0.01, 1e-4)).withGroup(VbprModel.ITEM_BIAS, GroupSpec.adagrad(0.05, 0))
                        .withGroup(VbprModel.USER_VISUAL, GroupSpec.adagrad(0.05, 1e-3)),
                config(2).withVariant(Variant.VISUAL))) {
            VbprModel one = single(DATA, cfg);
            var res = ShardedVbprTrainer.train(sc, DATA, cfg, 1, null);
            VbprModel m = res.model().collect();
            res.model().release();
            assertEquals(1, res.partitions());
            assertEquals((long) cfg.maxEpochs() * DATA.train().size(), res.samples());
            for (Table t : one.tables()) assertArrayEquals(t.data(), m.table(t.name()).data(), cfg.variant() + " " + cfg.groups() + ": " + t.name());
            assertArrayEquals(one.projections(), m.projections());
        }
    }

    @Test
    void twoBlocksTrainCloseToOneMachine() {
        VbprConfig cfg = config(20);
        ColdStart.Figures s = single(DATA, cfg).evaluate(DATA, DATA.test(), 1);
        var res = ShardedVbprTrainer.train(sc, DATA, cfg, 2, null);
        ColdStart.Figures p = res.model().collect().evaluate(DATA, DATA.test(), 1);
        res.model().release();
        System.out.printf(Locale.ROOT, "VBPR synthetic 300 x 200, 20 epochs: single machine test AUC %.4f cold %.4f; P=2 test AUC %.4f cold %.4f%n",
                s.auc(), s.coldAuc(), p.auc(), p.coldAuc());
        assertEquals(2, res.partitions());
        assertEquals(20L * DATA.train().size(), res.samples());
        assertTrue(p.auc() > 0.62, "P=2 AUC " + p.auc());   // single machine: 0.668 on this small set
        assertTrue(Math.abs(p.auc() - s.auc()) < 0.03, "P=2 AUC " + p.auc() + " vs single machine " + s.auc());
        for (var sb : res.shuffled()) assertTrue(sb.written() > 0);
    }

    @Test
    void twoBlocksCarryRowAndDenseOptimizerStateAndRepeat() {
        VbprConfig cfg = config(4).withGroup(VbprModel.ITEM_FACTORS, GroupSpec.adam(0.01, 1e-4)).withGroup(VbprModel.ITEM_BIAS, GroupSpec.adagrad(0.05, 0))
                .withGroup(VbprModel.USER_VISUAL, GroupSpec.adagrad(0.05, 1e-3));
        var a = ShardedVbprTrainer.train(sc, DATA, cfg, 2, null);
        VbprModel ma = a.model().collect();
        a.model().release();
        var b = ShardedVbprTrainer.train(sc, DATA, cfg, 2, null);
        VbprModel mb = b.model().collect();
        b.model().release();
        for (Table t : ma.tables()) {
            assertArrayEquals(t.data(), mb.table(t.name()).data(), "two runs: " + t.name());   // one thread per task: deterministic
            for (float x : t.data()) assertTrue(Float.isFinite(x), t.name());
        }
        double auc = ma.evaluate(DATA, DATA.test(), 1).auc();
        assertTrue(auc > 0.55, "AUC " + auc);
    }

    @Test
    void autoBalanceIsRefusedInOneLine() {
        var ex = assertThrows(BadInputException.class, () -> ShardedVbprTrainer.train(sc, DATA, config(1).withAutoBalance(true, Double.NaN), 2, null));
        assertFalse(ex.getMessage().contains("\n"));
        assertTrue(ex.getMessage().contains("autoBalance") || ex.getMessage().contains("auto-balance"), ex.getMessage());
    }

    /** Auto-balance, and the data and model options train --model vbpr shares with this entry point: one line, exit code 2. */
    @Test
    void entryPointRefusesAutoBalanceInOneLine() {
        String[][] cases = {
            {"--data", "synthetic", "--auto-balance", "--auto-balance"},
            {"--optimizer", "gamma=sgd:0.1", "unknown group 'gamma'"},
            {"--optimizer", "adam", "--optimizer 'adam': expected GROUP=SPEC[:L2]"},
            {"--model", "visual", "--factors", "8", "--factors 8: --model visual has no ID factors"},
            {"--data", "no-such-folder", "--synthetic-users", "100", "--synthetic-users: applies to --data synthetic only"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOf(c, c.length - 1);
            java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
            int code = SparkVbprMain.run(args, new java.io.PrintWriter(out), new java.io.PrintWriter(err), sc);
            assertEquals(2, code, err.toString());
            assertEquals(1, err.toString().strip().lines().count(), err.toString());
            assertTrue(err.toString().contains(c[c.length - 1]), err.toString());
        }
    }

    @Test
    void entryPointSavesAModelFileThatLoadsWithTheSameScores(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path file = dir.resolve("v.model");
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        int code = SparkVbprMain.run(new String[] {"--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-dim", "48",
                "--epochs", "3", "--partitions", "2", "--dense-batch", "512", "--out", file.toString()}, new java.io.PrintWriter(out), new java.io.PrintWriter(err), sc);
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("test: AUC"), out.toString());
        var loaded = dev.sparsetrain.models.vbpr.VbprFiles.read(file);
        assertEquals("spark-sharded", loaded.metadata().get("trainer"));
        assertEquals("300", loaded.metadata().get("synthetic-users"));
        assertTrue(Double.parseDouble(loaded.metadata().get("testAuc")) > 0.5);
    }
}
