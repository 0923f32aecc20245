package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.optim.OptimizerSpec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.DynamicIdConfig;
import dev.sparsetrain.data.ctr.DynamicIdMap;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.optim.Optimizer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dynamic embedding tables inside the model: eviction resets rows and optimizer state; save and load predict bit-identically. */
class DynamicTablesTest {
    static final SyntheticCtr GEN = new SyntheticCtr(new SyntheticCtr.Config(3, 500, 4, 1.1, 2, 0.5, 0.5, 0.3, -1.2, 3));
    static final boolean[] ALL = {true, true, true};

    static DynamicIdConfig[] configs(DynamicIdConfig c) { return new DynamicIdConfig[] {c, c, c}; }

    @Test
    void anEvictedRowIsReinitialisedWithAFreshOptimizerStateBeforeReuse() {
        int cap = 40;
        CtrData train = GEN.generate(3000, 1).data().withDynamicIds(ALL, cap, 0);
        DynamicIdConfig c = DynamicIdConfig.lfu(cap, 1);
        SparseNN m = new SparseNN(ModelConfig.defaults(), train.names(), train.tableRows(), train.numDense(), 5, configs(c));
        TrainConfig tc = TrainerBehaviourTest.base(1).toBuilder().numPasses(1).embeddingOptimizer(OptimizerSpec.of(OptimizerSpec.Kind.named("adam"), 0.01)).build();
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            t.train(train, 0, null, null);
            Table emb = TrainerBehaviourTest.table(m, "emb." + train.names()[0]);
            Optimizer opt = t.optimizers().stream().filter(o -> o.holds(emb)).findFirst().orElseThrow();
            DynamicIdMap map = m.dynamicIds(0);
            assertEquals(cap - 1, map.size(), "the table filled up");
            float[] before = emb.data().clone();
            int[] updatesBefore = new int[cap];
            for (int r = 0; r < cap; r++) updatesBefore[r] = opt.rowUpdateCount(emb, r);
            // one batch of 5 ids never seen: LFU hands them the 5 weakest rows
            int n = 5;
            CtrData fresh = freshIds(train, n, 1_000_000);
            int[] order = {0, 1, 2, 3, 4};
            long evictedBefore = map.evictions();
            m.sparseArch.observe(fresh, order, 0, n, 1_000, t.optimizers());
            assertEquals(n, map.evictions() - evictedBefore);
            java.util.Set<Integer> reused = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) reused.add(map.rowFor(1_000_000 + i));
            assertEquals(n, reused.size());
            int dim = emb.dim();
            for (int r = 0; r < cap; r++) {
                float[] now = java.util.Arrays.copyOfRange(emb.data(), r * dim, (r + 1) * dim);
                float[] was = java.util.Arrays.copyOfRange(before, r * dim, (r + 1) * dim);
                if (reused.contains(r)) {
                    assertTrue(updatesBefore[r] > 0, "row " + r + " was trained before");
                    assertNotEquals(java.util.Arrays.toString(was), java.util.Arrays.toString(now), "row " + r + " reinitialised");
                    assertEquals(0, opt.rowUpdateCount(emb, r), "row " + r + ": update count reset");
                    for (int k = 0; k < dim; k++) {
                        assertEquals(0f, opt.state(emb, 0, r, k), "row " + r + ": Adam m reset");
                        assertEquals(0f, opt.state(emb, 1, r, k), "row " + r + ": Adam v reset");
                    }
                } else {
                    assertArrayEquals(was, now, "row " + r + " untouched");
                    assertEquals(updatesBefore[r], opt.rowUpdateCount(emb, r));
                }
            }
        }
    }

    /** Feature 0 of every row gets a new raw id {@code base + i}; the others keep theirs. */
    static CtrData freshIds(CtrData d, int n, long base) {
        CtrData s = d.slice(0, n);
        long[][] raw = s.rawIds().clone();
        raw[0] = new long[n];
        for (int i = 0; i < n; i++) raw[0][i] = base + i;
        return new CtrData(s.names(), s.denseNames(), s.rows(), s.labels(), s.dense(), s.tableRows(), s.offsets(), s.ids(), raw);
    }

    @Test
    void aSavedDynamicModelPredictsBitIdenticallyAfterReload(@TempDir Path dir) {
        for (DynamicIdConfig c : new DynamicIdConfig[] {new DynamicIdConfig(120, 3, DynamicIdConfig.Eviction.LFU, 50, 0),
                new DynamicIdConfig(120, 2, DynamicIdConfig.Eviction.TTL, 1000, 4)}) {
            CtrData train = GEN.generate(3000, 1).data().withDynamicIds(ALL, 120, 0);
            CtrData test = GEN.generate(800, 2).data().withDynamicIds(ALL, 120, 0);
            SparseNN m = new SparseNN(ModelConfig.defaults(), train.names(), train.tableRows(), train.numDense(), 5, configs(c));
            try (CtrTrainer t = new CtrTrainer(m, TrainerBehaviourTest.base(2))) {
                t.train(train, 0, null, null);
            }
            assertTrue(m.dynamicIds(0).evictions() + m.dynamicIds(0).expirations() > 0, c + ": the table turned over");
            float[] want = m.predict(test);
            Path f = dir.resolve("dyn-" + c.eviction() + ".sptr");
            m.save(f, Map.of("k", "v"));
            SparseNN back = SparseNN.load(f);
            for (int k = 0; k < 3; k++) {
                DynamicIdMap a = m.dynamicIds(k), b = back.dynamicIds(k);
                assertEquals(a.size(), b.size());
                for (int r = 1; r < a.capacity(); r++) {
                    assertEquals(a.occupied(r), b.occupied(r));
                    if (a.occupied(r)) assertEquals(r, b.rowFor(a.idOf(r)));
                }
            }
            assertArrayEquals(want, back.predict(test), c.toString());
            // an id never seen in training maps to the default row, before and after the reload
            assertEquals(0, back.dynamicIds(0).rowFor(123_456_789L));
            CtrData unseen = freshIds(test, 10, 123_456_789L);
            assertArrayEquals(m.predict(unseen), back.predict(unseen));
        }
    }

    @Test
    void dataWithoutRawIdsIsRefusedByADynamicModel() {
        CtrData hashed = GEN.generate(100, 1).data().hashed(50, 0);
        SparseNN m = new SparseNN(ModelConfig.defaults(), hashed.names(), hashed.tableRows(), hashed.numDense(), 5,
                configs(DynamicIdConfig.lfu(50, 1)));
        String msg = assertThrows(BadInputException.class, () -> m.predict(hashed)).getMessage();
        assertTrue(msg.contains("carries no raw ids"), msg);
    }
}
