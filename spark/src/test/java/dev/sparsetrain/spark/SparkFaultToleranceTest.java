package dev.sparsetrain.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.SyntheticImplicit;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Losing every cached round state between rounds (what losing the executors does to their
 * blocks): with a checkpoint directory the run reads the state back and ends with exactly the
 * model of an undisturbed run, for BPR-MF and for click models; with local checkpoints, the
 * previous behaviour, the run fails.
 */
class SparkFaultToleranceTest {
    static JavaSparkContext sc;
    @TempDir Path dir;

    @BeforeAll
    static void start() {
        sc = TestSpark.context();
    }

    @AfterEach
    void restore() {
        Rounds.afterRound = null;
        sc.sc().checkpointDir_$eq(scala.Option.empty());   // the context is shared with the other test classes
    }

    /** Drops the cached blocks of every persisted RDD, as if the executors holding them were lost. */
    static void loseCachedBlocks(int round) {
        for (var rdd : sc.getPersistentRDDs().values()) rdd.unpersist(true);
    }

    static float[] flat(List<Table> tables) {
        int n = 0;
        for (Table t : tables) n += t.data().length;
        float[] out = new float[n];
        int at = 0;
        for (Table t : tables) {
            System.arraycopy(t.data(), 0, out, at, t.data().length);
            at += t.data().length;
        }
        return out;
    }

    void survivesLostBlocksOnlyWithACheckpointDirectory(String what, Supplier<float[]> train) throws Exception {
        float[] undisturbed = train.get();
        Rounds.afterRound = SparkFaultToleranceTest::loseCachedBlocks;
        sc.setLogLevel("OFF");   // the failing tasks' expected stack traces
        Exception e;
        try {
            e = assertThrows(Exception.class, train::get, what + ": local checkpoints cannot survive lost blocks");
        } finally {
            sc.setLogLevel("WARN");
        }
        System.out.println(what + ", local checkpoints, blocks lost: " + e.getClass().getSimpleName() + ": "
                + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        sc.setCheckpointDir(dir.toString());
        assertTrue(Rounds.reliable(sc));
        float[] recovered = train.get();
        assertArrayEquals(undisturbed, recovered, what + ": the recovered run equals the undisturbed one");
        try (var files = Files.walk(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("part-")), "round states written to " + dir);
        }
        System.out.println(what + ", checkpoint directory, blocks lost after every round: same model as the undisturbed run");
    }

    @Test
    void bprSurvivesLostBlocksWithACheckpointDirectory() throws Exception {
        Interactions train = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(400, 200, 20)).interactions();
        SparkBprConfig cfg = SparkBprConfig.defaults().withEpochs(3).withPartitions(2);
        survivesLostBlocksOnlyWithACheckpointDirectory("BPR-MF", () -> {
            var r = SparkBprTrainer.train(sc, train, cfg, null).model();
            float[] u = r.users().data(), i = r.items().data();
            float[] out = java.util.Arrays.copyOf(u, u.length + i.length);
            System.arraycopy(i, 0, out, u.length, i.length);
            return out;
        });
    }

    @Test
    void clickModelSurvivesLostBlocksWithACheckpointDirectory() throws Exception {
        CtrData train = new SyntheticCtr(SyntheticCtr.Config.study(1)).generate(3000, 2).data();
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).numPasses(2).build();
        survivesLostBlocksOnlyWithACheckpointDirectory("SparseNN", () -> flat(SparkCtrTrainer.train(sc, train, ModelConfig.defaults(), tc,
                new SparkCtrTrainer.Config(2, 2, ItemMerge.TOUCHED, false), null, null).model().tables()));
    }

    @Test
    void shardedClickModelSurvivesLostBlocksWithACheckpointDirectory() throws Exception {
        CtrData train = new SyntheticCtr(SyntheticCtr.Config.study(1)).generate(3000, 2).data();
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).numPasses(2).build();
        // the sharded table, the rows' optimizer state and the data partitions are all read back from the directory
        survivesLostBlocksOnlyWithACheckpointDirectory("SparseNN, sharded embeddings", () -> flat(ShardedCtrTrainer.train(sc, train,
                ModelConfig.defaults(), tc, new ShardedCtrTrainer.Config(2, 3, 2, false), null, null).model().collect().tables()));
    }

    @Test
    void shardedBprSurvivesLostBlocksWithACheckpointDirectory() throws Exception {
        Interactions train = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(400, 200, 20)).interactions();
        SparkBprConfig cfg = SparkBprConfig.defaults().withEpochs(2).withPartitions(2);
        // both factor tables, the biases and their optimizer state live in the cells checkpointed after every sub-epoch
        survivesLostBlocksOnlyWithACheckpointDirectory("BPR-MF, sharded tables", () -> {
            var res = ShardedBprTrainer.train(sc, train, cfg, null);
            var m = res.model().collect();
            res.model().release();
            return flat(List.of(m.users(), m.items(), m.itemBias()));
        });
    }

    @Test
    void shardedVbprSurvivesLostBlocksWithACheckpointDirectory() throws Exception {
        var cfg = ShardedVbprTest.config(2);
        // the user and item rows, their optimizer state and the features live in the cells checkpointed after every sub-epoch; E and beta' on the driver
        survivesLostBlocksOnlyWithACheckpointDirectory("VBPR, sharded tables", () -> {
            var res = ShardedVbprTrainer.train(sc, ShardedVbprTest.DATA, cfg, 2, null);
            var m = res.model().collect();
            res.model().release();
            return flat(m.tables());
        });
    }
}
