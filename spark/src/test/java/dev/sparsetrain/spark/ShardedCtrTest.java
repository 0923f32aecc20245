package dev.sparsetrain.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrRawData;
import dev.sparsetrain.data.ctr.CtrReader;
import dev.sparsetrain.data.ctr.EncoderConfig;
import dev.sparsetrain.data.ctr.FeatureEncoder;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.RowInit;
import dev.sparsetrain.models.sparsenn.ShardedModelFiles;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.testkit.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ShardedCtrTrainer}: one partition equals single-machine training from the same initial
 * rows, bit for bit; 2 and 4 partitions come within 0.005 NE and AUC of the broadcast trainer on
 * the Criteo head; shuffled bytes follow the rows touched, not the table size; part files save,
 * load and refuse another shard layout.
 */
class ShardedCtrTest {
    static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = TestSpark.context();
    }

    static ShardedCtrTrainer.Result sharded(CtrData train, ModelConfig mc, TrainConfig tc, int P, int rounds, boolean refit) {
        return ShardedCtrTrainer.train(sc, train, mc, tc.toBuilder().threads(1).build(), new ShardedCtrTrainer.Config(P, 0, rounds, refit), null, null);
    }

    static SparseNN rowInit(CtrData train, ModelConfig mc, TrainConfig tc) {
        return RowInit.apply(new SparseNN(mc, train.names(), train.tableRows(), train.numDense(), tc.seed()), tc.seed());
    }

    @Test
    void onePartitionEqualsSingleMachineTraining() {
        SparkCtrTest.Synthetic d = SparkCtrTest.synthetic(2_000);
        // two passes, three rounds each, dropout on: rows' optimizer state, dense state, batch counter and shuffles carry across rounds
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).numPasses(2).sparseDropout(0.1).mlpDropout(0.1).build();
        for (ModelConfig mc : List.of(ModelConfig.defaults(), ModelConfig.defaults().withType(ModelConfig.Type.FM),
                ModelConfig.defaults().withType(ModelConfig.Type.LOGISTIC))) {
            SparseNN ref = rowInit(d.train(), mc, tc);
            try (CtrTrainer t = new CtrTrainer(ref, tc)) {
                t.train(d.train(), 0, null, null);
            }
            ShardedCtrTrainer.Result r = sharded(d.train(), mc, tc, 1, 3, false);
            assertEquals(2L * d.train().rows(), r.samples());
            SparseNN got = r.model().collect();
            List<Table> a = ref.tables(), b = got.tables();
            for (int t = 0; t < a.size(); t++) assertArrayEquals(a.get(t).data(), b.get(t).data(), 0f, mc.type() + " " + a.get(t).name());
            float[] p = r.model().predict(d.test()), q = ref.predict(d.test());
            assertArrayEquals(q, p, 0f, "predictions on the executors equal the single-machine model's");
            System.out.printf("sharded, synthetic %s, 1 partition, 3 rounds/pass, 2 passes: test NE %.5f, single machine %.5f (every table bit-identical)%n",
                    mc.type(), CtrMetrics.evaluate(d.test().labels(), p, Double.NaN).ne(), SparkCtrTest.eval(ref, d.test()).ne());
        }
    }

    record Criteo(CtrData train, CtrData test) {}

    static Criteo criteo(int buckets) {
        CtrRawData raw = CtrReader.readCriteo(Datasets.require("criteo-kaggle-dac-head10k").resolve("train-10k.txt"), false);
        FeatureEncoder enc = FeatureEncoder.fit(raw.slice(0, 8000), EncoderConfig.hashing(buckets));
        return new Criteo(enc.encode(raw.slice(0, 8000)), enc.encode(raw.slice(8000, 10000)));
    }

    @Test
    void twoToFourPartitionsMatchTheBroadcastTrainerOnTheCriteoHead() {
        Criteo c = criteo(100_000);
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).build();
        ModelConfig mc = ModelConfig.defaults();
        for (int P : new int[] {2, 4}) {
            // the same initial rows for both, so that the difference is where the optimizer state lives
            SparkCtrTrainer.Result b = SparkCtrTrainer.train(sc, c.train(), rowInit(c.train(), mc, tc), tc,
                    new SparkCtrTrainer.Config(P, 4, ItemMerge.TOUCHED, true), null, null);
            CtrEvaluation be = SparkCtrTest.eval(b.model(), c.test());
            ShardedCtrTrainer.Result s = sharded(c.train(), mc, tc, P, 4, true);
            CtrEvaluation se = CtrMetrics.evaluate(c.test().labels(), s.model().predict(c.test()), Double.NaN);
            System.out.printf("criteo-head10k SparseNN, %d partitions, 4 rounds: broadcast %s (%.2f s); sharded %s (%.2f s)%n", P, be.format(),
                    b.trainSeconds(), se.format(), s.trainSeconds());
            assertEquals(be.ne(), se.ne(), 0.005, "NE");
            assertEquals(be.auc(), se.auc(), 0.005, "AUC");
        }
    }

    @Test
    void shuffledBytesFollowTheRowsTouchedNotTheTableSize() {
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).build();
        ModelConfig mc = ModelConfig.defaults();
        long[] bytes = new long[2], fetched = new long[2];
        int[] buckets = {10_000, 1_000_000};
        for (int i = 0; i < 2; i++) {
            Criteo c = criteo(buckets[i]);
            ShardedCtrTrainer.Result r = sharded(c.train(), mc, tc, 2, 4, false);
            for (ShardedCtrTrainer.RoundStats rs : r.rounds()) {
                System.out.printf("criteo-head10k, %,d buckets x 26 tables, 2 partitions: %s%n", buckets[i], rs.line());
                bytes[i] += rs.shuffle().read() + rs.shuffle().written();
                fetched[i] += rs.rowsFetched();
            }
        }
        double perRow0 = (double) bytes[0] / fetched[0], perRow1 = (double) bytes[1] / fetched[1];
        System.out.printf("shuffled per pass: %,d bytes at 1e4 buckets (%,d rows fetched, %.0f B/row), %,d at 1e6 (%,d rows, %.0f B/row)%n",
                bytes[0], fetched[0], perRow0, bytes[1], fetched[1], perRow1);
        // a table 100 times larger: the bytes move with the rows touched (more distinct buckets at 1e6), nowhere near 100x
        assertTrue(bytes[1] < 1.5 * bytes[0], bytes[1] + " vs " + bytes[0]);
        assertEquals(perRow0, perRow1, 0.2 * perRow0, "bytes per fetched row");
    }

    @Test
    void savesPartFilesThatLoadAndRefuseAnotherLayout(@TempDir Path dir) throws Exception {
        SparkCtrTest.Synthetic d = SparkCtrTest.synthetic(2_000);
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).build();
        ModelConfig mc = ModelConfig.defaults().withType(ModelConfig.Type.FM);
        ShardedCtrTrainer.Result two = ShardedCtrTrainer.train(sc, d.train(), mc, tc, new ShardedCtrTrainer.Config(2, 2, 2, true), null, null);
        ShardedCtrTrainer.Result three = ShardedCtrTrainer.train(sc, d.train(), mc, tc, new ShardedCtrTrainer.Config(2, 3, 2, true), null, null);
        Path a = dir.resolve("two"), b = dir.resolve("three");
        two.model().save(a, Map.of("k", "v"), Map.of());
        three.model().save(b, Map.of(), Map.of());
        assertTrue(Files.exists(a.resolve("part-00001-of-00002.model")) && Files.exists(b.resolve("part-00002-of-00003.model")));
        SparseNN loaded = SparseNN.fromContents(a, ShardedModelFiles.read(a));
        assertArrayEquals(two.model().collect().predict(d.test()), loaded.predict(d.test()), 0f);
        assertArrayEquals(two.model().predict(d.test()), loaded.predict(d.test()), 1e-6f);
        BadInputException e = assertThrows(BadInputException.class, () -> two.model().save(a, Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("exists"), e.getMessage());
        // a part of the 3-shard save copied into the 2-shard one
        Files.copy(b.resolve("part-00000-of-00003.model"), a.resolve("part-00000-of-00003.model"));
        e = assertThrows(BadInputException.class, () -> ShardedModelFiles.read(a));
        System.out.println("refused: " + e.getMessage());
        assertTrue(e.getMessage().contains("3-shard layout") && e.getMessage().contains("describes 2 shards"), e.getMessage());
        Files.delete(a.resolve("part-00000-of-00003.model"));
        // a part of the same layout from another save
        Files.copy(b.resolve("part-00000-of-00003.model"), a.resolve("part-00000-of-00002.model"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        e = assertThrows(BadInputException.class, () -> ShardedModelFiles.read(a));
        System.out.println("refused: " + e.getMessage());
        assertTrue(e.getMessage().contains("of a 3-shard layout") && e.getMessage().contains("expects shard 0 of 2"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    static int main(java.io.StringWriter out, java.io.StringWriter err, String... args) {
        return SparkCtrMain.run(args, new java.io.PrintWriter(out), new java.io.PrintWriter(err), sc);
    }

    @Test
    void entryPointTrainsShardedAndCtrPredictsReaderScoresTheSavedParts(@TempDir Path dir) throws Exception {
        Path data = Datasets.require("criteo-kaggle-dac-head10k").resolve("train-10k.txt"), saved = dir.resolve("ctr-sharded");
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        int code = main(out, err, "--data", data.toString(), "--train-rows", "2000", "--test-rows", "500", "--spark-partitions", "2", "--embeddings", "sharded",
                "--embedding-shards", "3", "--save", saved.toString());
        System.out.print(out);
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("shuffle read") && out.toString().contains("3 embedding shards"), out.toString());
        // ctr-predict's reader (ClickModel.load) takes the directory: the test rows score as the run scored them
        Path test = dir.resolve("test.txt");
        List<String> lines = Files.readAllLines(data);
        Files.write(test, lines.subList(2000, 2500));
        dev.sparsetrain.models.sparsenn.ClickModel cm = dev.sparsetrain.models.sparsenn.ClickModel.load(saved);
        CtrRawData raw = cm.read(test, false);
        CtrEvaluation e = CtrMetrics.evaluate(cm.encode(raw).labels(), cm.score(raw), Double.NaN);
        String printed = out.toString().lines().filter(l -> l.startsWith("  test ")).reduce((a, b) -> b).orElseThrow();
        System.out.println("ClickModel.load(part files) on the 500 test rows: " + e.format() + "; the run printed:" + printed);
        assertTrue(printed.contains(String.format(java.util.Locale.ROOT, "NE=%.4f", e.ne())), printed + " vs " + e.format());
        for (String[] args : List.of(new String[] {"--embeddings", "replicated"}, new String[] {"--embeddings", "sharded", "--merge", "sum"},
                new String[] {"--embedding-shards", "2"}, new String[] {"--embeddings", "sharded", "--save", saved.toString()})) {
            var o = new java.io.StringWriter();
            var x = new java.io.StringWriter();
            assertEquals(2, main(o, x, args), String.join(" ", args) + ": " + x);
            assertEquals(1, x.toString().strip().lines().count(), x.toString());
        }
    }
}
