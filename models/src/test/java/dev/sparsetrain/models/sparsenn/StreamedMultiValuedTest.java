package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.data.ctr.CtrFileSplit;
import dev.sparsetrain.data.ctr.CtrSchema;
import dev.sparsetrain.data.ctr.CtrStreamSplit;
import dev.sparsetrain.data.ctr.DenseTransform;
import dev.sparsetrain.data.ctr.DynamicIdConfig;
import dev.sparsetrain.data.ctr.EncoderConfig;
import dev.sparsetrain.data.ctr.IdSpec;
import dev.sparsetrain.models.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-valued columns (schema role multi: 0 to 5 ids a row, '|'-separated) streamed: with an
 * exact order, a SparseNN over two single-valued and two multi-valued features (one of each
 * dynamic: admission after 2 occurrences, LFU eviction from 40 rows) trains the in-memory run's
 * model bit for bit, maps included, and a windowed order hands every row out (the streamed
 * test NE stays near the in-memory one).
 */
class StreamedMultiValuedTest {
    static final int ROWS = 3000, TRAIN = 2400;
    static final CtrSchema SCHEMA = CtrSchema.parse("label,dense*2,sparse*2,multi*2", '\t', false, '|');
    @TempDir static Path dir;
    static Path log;

    @BeforeAll
    static void writeLog() throws Exception {
        log = dir.resolve("multi.tsv");
        SplittableRandom r = new SplittableRandom(3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
            int a = (int) Math.floor(Math.pow(r.nextDouble(), 2) * 80), b = r.nextInt(30);
            StringBuilder m1 = new StringBuilder(), m2 = new StringBuilder();
            int k1 = r.nextInt(6), k2 = r.nextInt(4);
            double logit = -1.2 + (a < 10 ? 0.8 : 0);
            for (int j = 0; j < k1; j++) {
                int t = (int) Math.floor(Math.pow(r.nextDouble(), 2) * 120);
                if (t < 15) logit += 0.3;
                m1.append(j > 0 ? "|" : "").append("t").append(t);
            }
            for (int j = 0; j < k2; j++) m2.append(j > 0 ? "|" : "").append("u").append(r.nextInt(60));
            int y = r.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
            sb.append(y).append('\t').append(r.nextInt(50)).append('\t').append(r.nextInt(7)).append('\t').append("a").append(a).append('\t')
                    .append("b").append(b).append('\t').append(m1).append('\t').append(m2).append('\n');
        }
        Files.writeString(log, sb.toString());
    }

    /** C1 hashed, C2 dynamic, C3 (multi) hashed, C4 (multi) dynamic. */
    static EncoderConfig encoding() {
        return new EncoderConfig(DenseTransform.LOG1P, 40, 0, 0,
                IdSpec.parse("hash,C2=dynamic,C4=dynamic", new DynamicIdConfig(40, 2, DynamicIdConfig.Eviction.LFU, 30, 0)));
    }

    static TrainConfig config(TrainConfig.Shuffle shuffle) {
        return TrainConfig.defaults().toBuilder().batchSize(64).numPasses(2).threads(2).seed(13).shuffle(shuffle).partitions(4)
                .sparseDropout(0.05).build();
    }

    @Test
    void exactOrdersTrainTheInMemoryModelBitForBit() {
        CtrFileSplit ms = CtrFileSplit.read(log, "schema", SCHEMA, false, TRAIN, null, encoding());
        CtrStreamSplit s = CtrStreamSplit.fit(log, "schema", SCHEMA, false, TRAIN, null, encoding(), false);
        assertArrayEquals(new boolean[] {false, false, true, true}, s.multiValued());
        assertEquals(ms.state().toJson(), s.state().toJson());
        for (TrainConfig.Shuffle mode : TrainConfig.Shuffle.values()) {
            TrainConfig tc = config(mode);
            int buffer = mode == TrainConfig.Shuffle.ALL ? TRAIN : 600;
            assertTrue(new StreamOrder(TRAIN, tc, buffer).exact(), mode.toString());
            SparseNN mem = StreamedDynamicTest.fresh(ms.encoder(), tc.seed()), st = StreamedDynamicTest.fresh(s.encoder(), tc.seed());
            try (CtrTrainer t = new CtrTrainer(mem, tc)) {
                new Trainer(t.loop()).fit(t.trainable(ms.train()));
            }
            try (CtrTrainer t = new CtrTrainer(st, tc)) {
                new Trainer(t.loop()).fit(t.trainable(s, buffer));
                assertEquals(dev.sparsetrain.metrics.ctr.CtrMetrics.evaluate(ms.test().labels(), t.predict(ms.test()), Double.NaN).ne(),
                        t.evaluate(s.test()).result(Double.NaN).ne(), 1e-12, "streamed test rows: the in-memory ones");
            }
            assertTrue(mem.dynamicIds(3).evictions() > 0, "the multi-valued dynamic table evicts");
            StreamedDynamicTest.assertSameModel(mem, st, mode.toString());
        }
    }

    @Test
    void aWindowedOrderStaysNearTheInMemoryRun() {
        TrainConfig tc = config(TrainConfig.Shuffle.ALL);
        assertFalse(new StreamOrder(TRAIN, tc, 300).exact());
        CtrFileSplit ms = CtrFileSplit.read(log, "schema", SCHEMA, false, TRAIN, null, encoding());
        CtrStreamSplit s = CtrStreamSplit.fit(log, "schema", SCHEMA, false, TRAIN, null, encoding(), false);
        SparseNN mem = StreamedDynamicTest.fresh(ms.encoder(), tc.seed()), st = StreamedDynamicTest.fresh(s.encoder(), tc.seed());
        double a, b;
        try (CtrTrainer t = new CtrTrainer(mem, tc)) {
            new Trainer(t.loop()).fit(t.trainable(ms.train()));
            a = t.evaluate(s.test()).result(Double.NaN).ne();
        }
        try (CtrTrainer t = new CtrTrainer(st, tc)) {
            var r = new Trainer(t.loop()).fit(t.trainable(s, 300));
            assertEquals(2L * TRAIN, r.samples(), "every row once a pass");
            b = t.evaluate(s.test()).result(Double.NaN).ne();
        }
        assertEquals(a, b, 0.02, "windowed against exact order");
        List<Long> ids = List.of(mem.dynamicIds(3).admissions(), st.dynamicIds(3).admissions());
        assertTrue(ids.get(1) > 0, "the streamed multi-valued dynamic table admits ids: " + ids);
    }
}
