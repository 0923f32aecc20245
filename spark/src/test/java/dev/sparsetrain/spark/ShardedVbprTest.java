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
 * train to an AUC near single-machine training's, and auto-balance from the cells' probe
 * is single-machine auto-balance with one block.
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

    /** Single-machine auto-balanced training (probe in the trainable's begin, then the epochs) without validation: the reference. */
    @Test
    void oneBlockAutoBalanceIsSingleMachineAutoBalanceBitForBit() {
        for (VbprConfig cfg : List.of(config(3).withAutoBalance(true, Double.NaN), config(2).withVariant(Variant.VISUAL).withAutoBalance(true, Double.NaN))) {
            VbprTrainer t = new VbprTrainer(DATA, cfg);
            new Trainer(t.loop()).fit(t.trainable());
            VbprModel one = t.model();
            var res = ShardedVbprTrainer.train(sc, DATA, cfg, 1, null);
            VbprModel m = res.model().collect();
            res.model().release();
            // the optimizer keeps a multiplier as a float: the trainer's read-back is the probe's choice rounded
            for (int g = 0; g < t.multipliers().length; g++) {
                assertEquals((float) t.multipliers()[g], (float) res.balance().multipliers()[g], cfg.variant() + ": multiplier " + g);
            }
            boolean moved = false;
            for (double x : res.balance().multipliers()) moved |= x != 1;
            assertTrue(moved, "auto-balance left every multiplier at 1: the test would not see it");
            for (Table tb : one.tables()) assertArrayEquals(tb.data(), m.table(tb.name()).data(), cfg.variant() + " auto-balanced: " + tb.name());
            assertArrayEquals(one.projections(), m.projections());
        }
    }

    /** Auto-balance, and the data and model options train --model vbpr shares with this entry point: one line, exit code 2. */
    @Test
    void twoBlocksAutoBalanceFromTheirCells() {
        VbprConfig cfg = config(20).withAutoBalance(true, Double.NaN);
        var res = ShardedVbprTrainer.train(sc, DATA, cfg, 2, null);
        ColdStart.Figures p = res.model().collect().evaluate(DATA, DATA.test(), 1);
        res.model().release();
        VbprTrainer t = new VbprTrainer(DATA, cfg);
        new Trainer(t.loop()).fit(t.trainable());
        ColdStart.Figures s = t.model().evaluate(DATA, DATA.test(), 1);
        System.out.printf(Locale.ROOT, "VBPR synthetic 300 x 200, 20 epochs, auto-balance: single machine %s AUC %.4f cold %.4f; P=2 %s AUC %.4f cold %.4f%n",
                java.util.Arrays.toString(t.multipliers()), s.auc(), s.coldAuc(), res.balance().describe(), p.auc(), p.coldAuc());
        for (int g = 0; g < t.multipliers().length; g++) {
            double ratio = res.balance().multipliers()[g] / t.multipliers()[g];
            assertTrue(ratio > 0.1 && ratio < 10, res.balance().groups()[g] + ": cells' multiplier " + res.balance().multipliers()[g] + " vs " + t.multipliers()[g]);
        }
        assertTrue(Math.abs(p.auc() - s.auc()) < 0.03, "P=2 AUC " + p.auc() + " vs single machine " + s.auc());
    }

    @Test
    void entryPointRefusesBadOptionsInOneLine() {
        String[][] cases = {
            {"--data", "synthetic", "--balance-target", "-1", "--balance-target"},
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
        assertTrue(java.nio.file.Files.isRegularFile(file), "a name ending in .model is one file");
        assertEquals("spark-sharded", loaded.metadata().get("trainer"));
        assertEquals("300", loaded.metadata().get("synthetic-users"));
        assertTrue(Double.parseDouble(loaded.metadata().get("testAuc")) > 0.5);
    }

    /** Every user's scores over every item, bit for bit. */
    static void assertSameScores(VbprModel want, VbprModel got, String what) {
        float[] a = new float[want.items()], b = new float[got.items()];
        for (int u = 0; u < want.users(); u++) {
            want.scorer().scoreAll(u, a);
            got.scorer().scoreAll(u, b);
            assertArrayEquals(a, b, what + ": user " + u);
        }
    }

    @Test
    void partFilesReadBackWithTheCollectedModelsScores(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        for (VbprConfig cfg : List.of(config(3).withAutoBalance(true, Double.NaN).withPreprocessing(dev.sparsetrain.data.features.Preprocessing.STANDARDIZE),
                config(2).withVariant(Variant.VISUAL))) {
            var res = ShardedVbprTrainer.train(sc, DATA, cfg, 2, null);
            VbprModel m = res.model().collect();
            java.nio.file.Path set = dir.resolve(cfg.variant().cliName() + "-parts");
            res.model().save(set, java.util.Map.of("data", "synthetic"));
            res.model().release();
            assertTrue(java.nio.file.Files.exists(set.resolve(dev.sparsetrain.models.sparsenn.ShardedModelFiles.partName(1, 2))));
            var loaded = dev.sparsetrain.models.vbpr.VbprFiles.read(set);
            assertEquals("synthetic", loaded.metadata().get("data"));
            VbprModel back = loaded.model();
            for (Table t : back.tables()) assertArrayEquals(m.table(t.name()).data(), t.data(), cfg.variant() + " set: " + t.name());
            assertArrayEquals(m.projections(), back.projections(), cfg.variant() + ": item projections");
            assertArrayEquals(m.visualBiases(), back.visualBiases(), cfg.variant() + ": item visual biases");
            assertSameScores(m, back, cfg.variant() + " set vs collected");
            // and the single file of the collected model reads back the same
            java.nio.file.Path file = dir.resolve(cfg.variant().cliName() + ".model");
            dev.sparsetrain.models.vbpr.VbprFiles.save(file, m, cfg, java.util.Map.of());
            assertSameScores(dev.sparsetrain.models.vbpr.VbprFiles.read(file).model(), back, cfg.variant() + " set vs single file");
        }
    }

    @Test
    void aPartOfAnotherLayoutOrSaveIsRefusedInOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        VbprConfig cfg = config(1);
        java.nio.file.Path two = dir.resolve("two"), three = dir.resolve("three"), other = dir.resolve("other");
        for (var x : List.of(List.of(two, 2, 42L), List.of(three, 3, 42L), List.of(other, 2, 7L))) {
            var res = ShardedVbprTrainer.train(sc, DATA, cfg.withSeed((Long) x.get(2)), (Integer) x.get(1), null);
            res.model().save((java.nio.file.Path) x.get(0), java.util.Map.of());
            res.model().release();
        }
        String p0 = dev.sparsetrain.models.sparsenn.ShardedModelFiles.partName(0, 2);
        // a part of a 3-shard layout dropped beside the 2-shard set
        java.nio.file.Files.copy(three.resolve(dev.sparsetrain.models.sparsenn.ShardedModelFiles.partName(0, 3)),
                two.resolve(dev.sparsetrain.models.sparsenn.ShardedModelFiles.partName(0, 3)));
        var ex = assertThrows(BadInputException.class, () -> dev.sparsetrain.models.vbpr.VbprFiles.read(two));
        assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
        assertTrue(ex.getMessage().contains("3-shard layout"), ex.getMessage());
        java.nio.file.Files.delete(two.resolve(dev.sparsetrain.models.sparsenn.ShardedModelFiles.partName(0, 3)));
        dev.sparsetrain.models.vbpr.VbprFiles.read(two);   // whole again
        // shard 0 of another save of the same layout
        java.nio.file.Files.copy(other.resolve(p0), two.resolve(p0), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ex = assertThrows(BadInputException.class, () -> dev.sparsetrain.models.vbpr.VbprFiles.read(two));
        assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
        assertTrue(ex.getMessage().contains("CRC-32"), ex.getMessage());
    }

    @Test
    void entryPointWritesPartFilesUnlessTheNameEndsInModel(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String[] test = new String[2];
        for (String name : new String[] {"v", "v.model"}) {
            java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
            int code = SparkVbprMain.run(new String[] {"--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-dim", "48",
                    "--epochs", "2", "--partitions", "2", "--dense-batch", "512", "--out", dir.resolve(name).toString()}, new java.io.PrintWriter(out), new java.io.PrintWriter(err), sc);
            assertEquals(0, code, err.toString());
            test[name.endsWith(".model") ? 1 : 0] = out.toString().lines().filter(l -> l.startsWith("test: ")).findFirst().orElseThrow();
        }
        assertTrue(dev.sparsetrain.models.sparsenn.ShardedModelFiles.isSharded(dir.resolve("v")));
        assertEquals(test[1], test[0], "the set read back evaluates as the collected model");
        assertEquals("spark-sharded", dev.sparsetrain.models.vbpr.VbprFiles.read(dir.resolve("v")).metadata().get("trainer"));
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        int code = SparkVbprMain.run(new String[] {"--data", "synthetic", "--out", dir.resolve("v").toString()}, new java.io.PrintWriter(out), new java.io.PrintWriter(err), sc);
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("exists"), err.toString());
    }

    @Test
    void entryPointBalancesByDefaultAndNotWhenTold(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        for (boolean off : new boolean[] {false, true}) {
            java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
            List<String> args = new java.util.ArrayList<>(List.of("--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200",
                    "--synthetic-dim", "48", "--epochs", "1", "--partitions", "2", "--dense-batch", "512", "--out", dir.resolve("m" + off).toString()));
            if (off) args.add("--no-auto-balance");
            int code = SparkVbprMain.run(args.toArray(String[]::new), new java.io.PrintWriter(out), new java.io.PrintWriter(err), sc);
            assertEquals(0, code, err.toString());
            assertEquals(!off, out.toString().contains("auto-balance (target update/weight"), out.toString());
            String notes = dev.sparsetrain.models.vbpr.VbprFiles.read(dir.resolve("m" + off)).metadata().get("notes");
            assertEquals(!off, notes.startsWith("auto-balance"), notes);
        }
    }
}
