package dev.sparsetrain.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.KnownDatasets;
import dev.sparsetrain.data.ReadOptions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.Splits;
import dev.sparsetrain.data.SyntheticImplicit;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.sparsenn.ShardedModelFiles;
import dev.sparsetrain.testkit.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BPR-MF with DSGD-sharded tables ({@link ShardedBprTrainer}) in local[2]: one block is
 * single-machine training bit for bit, several blocks score like the broadcast trainer, the
 * shuffle moves the item rows once per sub-epoch, and the part files read back.
 */
class ShardedBprTest {
    static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = TestSpark.context();
    }

    static Split small() {
        var g = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(600, 400, 20));
        return Splits.leaveOneOut(g.interactions(), 42);
    }

    @Test
    void oneBlockIsSingleMachineTrainingBitForBit() {
        Split s = small();
        for (BprConfig bc : List.of(BprConfig.defaults(),
                BprConfig.defaults().withOptimizers("adagrad", "adagrad").withLearningRate(0.05).withBiasLearningRate(0.05))) {
            BprModel one = SparkBprTest.single(s.train(), 3, bc);
            var res = ShardedBprTrainer.train(sc, s.train(), SparkBprConfig.defaults().withBpr(bc).withEpochs(3).withPartitions(1), null);
            BprModel m = res.model().collect();
            res.model().release();
            assertEquals(1, res.partitions());
            assertEquals(3L * s.train().size(), res.samples());
            assertArrayEquals(one.users().data(), m.users().data(), bc.optimizer() + ": users");
            assertArrayEquals(one.items().data(), m.items().data(), bc.optimizer() + ": items");
            assertArrayEquals(one.itemBias().data(), m.itemBias().data(), bc.optimizer() + ": item biases");
        }
    }

    @Test
    void blocksCutTheDataIntoCellsWithOneEpochOfTriples() {
        Interactions train = small().train();
        var blocks = ShardedBprTrainer.userBlocks(train, 3);
        long pairs = 0, triples = 0;
        for (var b : blocks) {
            for (int c = 0; c < 3; c++) {
                pairs += b.indices()[c].length;
                triples += b.samples()[c];
                for (int r = 0; r < b.users(); r++) {
                    int u = b.block() + 3 * r;
                    for (int x = b.indptr()[c][r]; x < b.indptr()[c][r + 1]; x++) {
                        int item = c + 3 * b.indices()[c][x];
                        assertTrue(java.util.Arrays.binarySearch(train.itemsOf(u), item) >= 0, "user " + u + " item " + item);
                    }
                }
            }
        }
        assertEquals(train.size(), pairs);
        assertEquals(train.size(), triples);
        float[] all = new BprModel(train.numUsers(), train.numItems(), BprConfig.defaults(), 42).items().data();
        float[] b1 = ShardedBprTrainer.initRows(42, true, train.numItems(), 64, BprConfig.defaults().initStd(), 1, 3);
        int k = BprConfig.defaults().factors();
        for (int r = 0; r < 5; r++) assertEquals(all[(1 + 3 * r) * k], b1[r * k], "initial item row " + (1 + 3 * r));
    }

    @Test
    void inputReadByTheExecutorsTrainsAsTheSameSplitOnTheDriverBitForBit(@TempDir Path dir) throws Exception {
        Interactions all = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(500, 300, 20)).interactions();
        Path f = SparkInputTest.write(all, dir.resolve("pairs.tsv"));
        var d = SparkInput.read(sc, f.toString(), dev.sparsetrain.data.DelimitedFormat.tsv(), Double.NaN, 42, 2);
        try {
            Split s = d.collect();
            for (BprConfig bc : List.of(BprConfig.defaults().withFactors(16),
                    BprConfig.defaults().withFactors(16).withOptimizers("adagrad", "adagrad").withLearningRate(0.05).withBiasLearningRate(0.05))) {
                var cfg = SparkBprConfig.defaults().withBpr(bc).withEpochs(3).withPartitions(2);
                var driver = ShardedBprTrainer.train(sc, s.train(), cfg, null);
                var input = ShardedBprTrainer.train(sc, d, cfg, null);
                try {
                    assertEquals(2, input.partitions());
                    assertEquals(driver.samples(), input.samples());
                    BprModel a = driver.model().collect(), b = input.model().collect();
                    assertArrayEquals(a.users().data(), b.users().data(), bc.optimizer() + ": users");
                    assertArrayEquals(a.items().data(), b.items().data(), bc.optimizer() + ": items");
                    assertArrayEquals(a.itemBias().data(), b.itemBias().data(), bc.optimizer() + ": item biases");
                    int[] ks = {10};
                    var r = SparkInput.evaluate(sc, d, input.model(), ks);
                    var o = dev.sparsetrain.metrics.ranking.RankingEvaluator.Options.defaults().withKs(ks);
                    var ref = dev.sparsetrain.metrics.ranking.RankingEvaluator.evaluate(a, s.test(), List.of(s.train()), o);
                    var pop = dev.sparsetrain.metrics.ranking.RankingEvaluator.evaluate(new dev.sparsetrain.metrics.ranking.PopularityScorer(s.train()),
                            s.test(), List.of(s.train()), o);
                    System.out.printf("--input sharded, 2 blocks, %s: AUC %.4f on the executors, %.4f on the driver; popularity %.4f / %.4f%n",
                            bc.optimizer(), r[0].auc(), ref.auc(), r[1].auc(), pop.auc());
                    assertEquals(ref.users(), r[0].users());
                    assertEquals(ref.auc(), r[0].auc(), 1e-9);
                    assertEquals(ref.value("ndcg@10"), r[0].value("ndcg@10"), 1e-9);
                    assertEquals(pop.auc(), r[1].auc(), 1e-9);
                } finally {
                    driver.model().release();
                    input.model().release();
                }
            }
        } finally {
            d.release();
        }
    }

    @Test
    void entryPointTrainsShardedFromInput(@TempDir Path dir) throws Exception {
        Interactions all = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(400, 200, 20)).interactions();
        Path f = SparkInputTest.write(all, dir.resolve("pairs.tsv"));
        Path out = dir.resolve("m.parts");
        java.io.StringWriter o = new java.io.StringWriter(), e = new java.io.StringWriter();
        int code = SparkBprMain.run(new String[] {"--input", f.toUri().toString(), "--tables", "sharded", "--epochs", "3", "--factors", "8",
                "--partitions", "2", "-k", "10", "--eval-users", "150", "--out", out.toString()}, new java.io.PrintWriter(o), new java.io.PrintWriter(e), sc);
        System.out.print(o);
        assertEquals(0, code, e.toString());
        assertTrue(o.toString().contains("BPR-MF (Spark, sharded)") && o.toString().contains("evaluated on the executors, over a sample of "), o.toString());
        var l = BprFiles.load(out, ShardedModelFiles.readAny(out));
        assertEquals("sharded", l.metadata().get("spark-tables"));
        assertEquals("loo-spark", l.metadata().get("split"));
        assertEquals(f.toUri().toString(), l.metadata().get("data"));
        assertEquals(all.numUsers(), l.users().size());
        assertEquals(all.numItems(), l.items().size());
        assertEquals(8, l.model().config().factors());
        // more blocks than items: one line, exit code 2
        Path tiny = dir.resolve("tiny.tsv");
        Files.writeString(tiny, "u1\ta\t1\nu2\ta\t1\nu3\tb\t1\nu3\ta\t1\n");
        java.io.StringWriter e2 = new java.io.StringWriter();
        assertEquals(2, SparkBprMain.run(new String[] {"--input", tiny.toString(), "--tables", "sharded", "--partitions", "3", "--out", dir.resolve("t.parts").toString()},
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(e2), sc));
        assertEquals(1, e2.toString().lines().count(), e2.toString());
        assertTrue(e2.toString().contains("--partitions 3") && e2.toString().contains("2 item(s)"), e2.toString());
        assertTrue(!Files.exists(dir.resolve("t.parts")));
        // --eval-users is the executors' evaluation's: refused with --data, and below 0
        for (String[] bad : List.of(new String[] {"--eval-users", "10", "--out", dir.resolve("d.model").toString()},
                new String[] {"--input", tiny.toString(), "--eval-users", "-1"})) {
            java.io.StringWriter e3 = new java.io.StringWriter();
            assertEquals(2, SparkBprMain.run(bad, new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(e3), sc));
            assertEquals(1, e3.toString().lines().count(), e3.toString());
            assertTrue(e3.toString().contains("--eval-users"), e3.toString());
        }
    }

    @Test
    void savedPartsReadBackAndAnotherLayoutIsRefused(@TempDir Path dir) throws Exception {
        Split s = small();
        var res = ShardedBprTrainer.train(sc, s.train(), SparkBprConfig.defaults().withEpochs(2).withPartitions(3), null);
        ShuffleBytes.Bytes[] b = res.shuffled();
        int k = BprConfig.defaults().factors();
        long table = (long) s.train().numItems() * (k + 1) * 4;
        System.out.printf("3 blocks, %d items x %d factors (%d bytes of item rows): shuffled per sub-epoch %s%n", s.train().numItems(), k, table,
                java.util.Arrays.toString(b));
        for (int r = 1; r < b.length; r++) assertTrue(b[r].written() > table / 2 && b[r].written() < 2 * table, "a sub-epoch moves each item row once: " + b[r]);
        BprModel m = res.model().collect();
        Map<String, List<String>> ids = new LinkedHashMap<>();
        ids.put("users", s.train().users().ids());
        ids.put("items", s.train().items().ids());
        Path out = dir.resolve("bpr.parts");
        res.model().save(out, Map.of("model", "bpr", "trainer", "spark-sharded"), ids);
        res.model().release();
        assertTrue(ShardedModelFiles.isSharded(out));
        assertEquals(BprFiles.TYPE, ShardedModelFiles.modelType(out));
        var l = BprFiles.load(out, ShardedModelFiles.readAny(out));
        assertArrayEquals(m.users().data(), l.model().users().data());
        assertArrayEquals(m.items().data(), l.model().items().data());
        assertArrayEquals(m.itemBias().data(), l.model().itemBias().data());
        assertEquals("spark-sharded", l.metadata().get("trainer"));
        Files.move(out.resolve(ShardedModelFiles.partName(2, 3)), out.resolve(ShardedModelFiles.partName(2, 4)));
        var e = assertThrows(BadInputException.class, () -> ShardedModelFiles.readAny(out));
        assertTrue(e.getMessage().contains("4-shard layout") && e.getMessage().contains("3 shards"), e.getMessage());
    }

    static Map<String, float[]> byName(dev.sparsetrain.optim.OptimizerState st) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (var t : st.tables()) out.put(t.name(), t.data());
        return out;
    }

    static Map<String, String> optimKeys(Map<String, String> meta) {
        Map<String, String> out = new LinkedHashMap<>();
        meta.forEach((key, v) -> { if (key.startsWith("optim.")) out.put(key, v); });
        return out;
    }

    @Test
    void oneBlockSavesSingleMachineTrainingsOptimizerStateBitForBit(@TempDir Path dir) {
        Split s = small();
        int n = 0;
        for (BprConfig bc : List.of(BprConfig.defaults().withOptimizers("adagrad", "adagrad").withLearningRate(0.05).withBiasLearningRate(0.05),
                BprConfig.defaults().withOptimizers("adam", "adam").withLearningRate(0.01).withBiasLearningRate(0.01))) {
            BprModel one = SparkBprTest.single(s.train(), 3, bc);
            var res = ShardedBprTrainer.train(sc, s.train(), SparkBprConfig.defaults().withBpr(bc).withEpochs(3).withPartitions(1), null);
            Path out = dir.resolve("one-" + n++ + ".parts");
            try {
                res.model().save(out, Map.of("model", "bpr"), ids(s));
            } finally {
                res.model().release();
            }
            var l = BprFiles.load(out, ShardedModelFiles.readAny(out));
            var want = one.optimizer().exportState();
            var got = l.model().optimizer().exportState();
            assertEquals(optimKeys(want.metadata()), optimKeys(got.metadata()), bc.optimizer() + ": group scalars");
            Map<String, float[]> w = byName(want), g = byName(got);
            assertEquals(w.keySet(), g.keySet());
            assertTrue(!w.isEmpty(), "an adaptive optimizer has state");
            for (String name : w.keySet()) assertArrayEquals(w.get(name), g.get(name), bc.optimizer() + ": " + name);
            assertArrayEquals(one.items().data(), l.model().items().data());
        }
    }

    @Test
    void blocksSaveEveryRowsOptimizerStateAndTheBlocksStepCounters(@TempDir Path dir) {
        Split s = small();
        int P = 2;
        BprConfig bc = BprConfig.defaults().withFactors(16).withOptimizers("adagrad", "adagrad").withLearningRate(0.05).withBiasLearningRate(0.05);
        var res = ShardedBprTrainer.train(sc, s.train(), SparkBprConfig.defaults().withBpr(bc).withEpochs(2).withPartitions(P), null);
        Path out = dir.resolve("two.parts");
        Map<String, float[]> want = new LinkedHashMap<>();
        Map<String, String> block0 = null, block1 = null;
        try {
            // the state as the blocks hold it, put together on the driver by global row
            for (var c : res.model().cells().collect()) {
                if (c.users().block() == 0) block0 = c.users().state().metadata();
                else block1 = c.users().state().metadata();
                for (OptState st : new OptState[] {c.users().state(), c.items().state()}) {
                    int base = st == c.users().state() ? c.users().block() : c.items().block();
                    for (int t = 0; t < st.names().length; t++) {
                        int rows = st.names()[t].contains("/users/") ? s.train().numUsers() : s.train().numItems(), dim = st.dims()[t];
                        float[] all = want.computeIfAbsent(st.names()[t], x -> new float[rows * dim]);
                        for (int r = 0; r < st.rows()[t]; r++) System.arraycopy(st.data()[t], r * dim, all, (base + P * r) * dim, dim);
                    }
                }
            }
            res.model().save(out, Map.of("model", "bpr"), ids(s));
        } finally {
            res.model().release();
        }
        var l = BprFiles.load(out, ShardedModelFiles.readAny(out));
        var got = l.model().optimizer().exportState();
        Map<String, float[]> g = byName(got);
        assertEquals(want.keySet(), g.keySet());
        for (String name : want.keySet()) assertArrayEquals(want.get(name), g.get(name), name);
        assertEquals(block0, optimKeys(got.metadata()), "optim.* are user block 0's");
        assertEquals(block0, block1, "BPR-MF's group scalars are the same in every block");
        assertTrue(l.metadata().keySet().stream().noneMatch(x -> x.startsWith("spark-block-")), l.metadata().toString());
        System.out.printf("2 blocks, AdaGrad: %d state tables saved and read back%n", g.size());
        // a block's scalars that differ from block 0's are kept beside them
        Map<String, String> m = ShardedBprModel.scalarsMetadata(List.of(Map.of("optim.g.step", "3", "optim.g.multiplier", "0.5"),
                Map.of("optim.g.step", "5", "optim.g.multiplier", "0.5")));
        assertEquals(Map.of("optim.g.step", "3", "optim.g.multiplier", "0.5", "spark-block-1.optim.g.step", "5"), m);
        // plain SGD keeps no state: none is written, the set loads with a fresh optimizer
        var sgd = ShardedBprTrainer.train(sc, s.train(), SparkBprConfig.defaults().withEpochs(1).withPartitions(P), null);
        Path o2 = dir.resolve("sgd.parts");
        try {
            sgd.model().save(o2, Map.of("model", "bpr"), ids(s));
        } finally {
            sgd.model().release();
        }
        var c2 = ShardedModelFiles.readAny(o2);
        assertTrue(c2.tables().stream().noneMatch(dev.sparsetrain.optim.OptimizerState::isStateTable));
        assertTrue(c2.metadata().keySet().stream().noneMatch(x -> x.startsWith("optim.")));
    }

    static Map<String, List<String>> ids(Split s) {
        Map<String, List<String>> ids = new LinkedHashMap<>();
        ids.put("users", s.train().users().ids());
        ids.put("items", s.train().items().ids());
        return ids;
    }

    @Test
    void movieLens100kTwoAndFourBlocksAgainstTheBroadcastTrainer() {
        Path dir = Datasets.require("movielens-100k");
        Interactions all = KnownDatasets.movieLens100k(dir, ReadOptions.defaults()).interactions();
        Split s = Splits.leaveOneOut(all, 42);
        int epochs = 20;
        for (int P : new int[] {2, 4}) {
            var cfg = SparkBprConfig.defaults().withEpochs(epochs).withPartitions(P);
            double broadcast = SparkBprTest.eval(SparkBprTrainer.train(sc, s.train(), cfg, null).model(), s).auc();
            var res = ShardedBprTrainer.train(sc, s.train(), cfg, null);
            double sharded = SparkBprTest.eval(res.model().collect(), s).auc();
            res.model().release();
            System.out.printf("ML-100K, %d epochs, %d partitions: sharded (DSGD) AUC %.4f, broadcast AUC %.4f%n", epochs, P, sharded, broadcast);
            assertEquals(broadcast, sharded, 0.01, P + " partitions");
        }
    }

    @Test
    void entryPointSavesPartFilesAndRefusesBadTables(@TempDir Path dir) {
        Path out = dir.resolve("m.parts");
        java.io.StringWriter o = new java.io.StringWriter(), e = new java.io.StringWriter();
        int code = SparkBprMain.run(new String[] {"--synthetic-users", "600", "--synthetic-items", "300", "--epochs", "3", "--partitions", "2",
                "--factors", "16", "-k", "10", "--tables", "sharded", "--out", out.toString()}, new java.io.PrintWriter(o), new java.io.PrintWriter(e), sc);
        System.out.print(o);
        assertEquals(0, code, e.toString());
        assertTrue(o.toString().contains("shuffled") && o.toString().contains("BPR-MF (Spark, sharded)"), o.toString());
        var l = BprFiles.load(out, ShardedModelFiles.readAny(out));
        assertEquals("sharded", l.metadata().get("spark-tables"));
        assertEquals("600", l.metadata().get("synthetic-users"));
        assertEquals(16, l.model().config().factors());
        java.io.StringWriter e2 = new java.io.StringWriter();
        assertEquals(2, SparkBprMain.run(new String[] {"--tables", "blocks", "--out", dir.resolve("x").toString()}, new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(e2), sc));
        assertEquals(1, e2.toString().lines().count(), e2.toString());
        assertTrue(e2.toString().contains("--tables 'blocks'"), e2.toString());
        java.io.StringWriter e3 = new java.io.StringWriter();
        assertEquals(2, SparkBprMain.run(new String[] {"--synthetic-users", "600", "--tables", "sharded", "--out", out.toString()},
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(e3), sc));
        assertTrue(e3.toString().contains("exists"), e3.toString());
    }
}
