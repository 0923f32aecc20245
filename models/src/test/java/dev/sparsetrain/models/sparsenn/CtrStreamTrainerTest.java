package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrFileSplit;
import dev.sparsetrain.data.ctr.CtrReader;
import dev.sparsetrain.data.ctr.CtrSchema;
import dev.sparsetrain.data.ctr.CtrStreamSplit;
import dev.sparsetrain.data.ctr.DenseTransform;
import dev.sparsetrain.data.ctr.EncoderConfig;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.train.Trainer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streamed trainer ({@link CtrTrainer} over a {@link CtrStreamSplit}) against the
 * in-memory one ({@link CtrTrainer} over a {@link CtrFileSplit}) on a small synthetic Criteo TSV
 * log that fits in memory: with an exact order (the buffer holds the pass, or each partition, or no
 * shuffle) the encoders and the trained models are identical bit for bit; with a buffer far
 * smaller than the log (a windowed shuffle) test NE stays within 0.005. Also: bad rows give the
 * in-memory reader's file:line message, the streamed AUC matches the exact one, and a windowed pass
 * hands out every row exactly once.
 */
class CtrStreamTrainerTest {
    static final int ROWS = 6000, TRAIN = 4800;
    @TempDir static Path dir;
    static Path log;

    @BeforeAll
    static void writeLog() throws Exception {
        log = dir.resolve("synthetic.tsv");
        SyntheticCtr gen = new SyntheticCtr(SyntheticCtr.Config.criteoShaped(300, 7));
        try (OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(log))) {
            gen.writeCriteo(os, ROWS, 8, null);
        }
    }

    static TrainConfig config(TrainConfig.Shuffle shuffle) {
        return TrainConfig.defaults().toBuilder().batchSize(128).numPasses(2).threads(2).seed(11).shuffle(shuffle).partitions(4)
                .sparseDropout(0.05).build();
    }

    static ModelConfig model() { return ModelConfig.defaults().withDim(4).withBottom(8, 4).withTop(8); }

    static EncoderConfig encoding() { return new EncoderConfig(DenseTransform.LOG1P_STANDARDIZE, 5000, 2, 0); }

    record Run(SparseNN model, CtrEvaluation test) {}

    static Run inMemory(TrainConfig tc, EncoderConfig enc) {
        CtrFileSplit s = CtrFileSplit.read(log, "criteo", CtrSchema.criteo(), false, TRAIN, null, enc);
        SparseNN m = new SparseNN(model(), s.train().names(), s.train().tableRows(), s.train().numDense(), tc.seed());
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            new Trainer(t.loop()).fit(t.trainable(s.train()));
            return new Run(m, CtrMetrics.evaluate(s.test().labels(), t.predict(s.test()), Double.NaN));
        }
    }

    static Run streamed(TrainConfig tc, EncoderConfig enc, int buffer) {
        CtrStreamSplit s = CtrStreamSplit.fit(log, "criteo", CtrSchema.criteo(), false, TRAIN, null, enc, false);
        var e = s.encoder();
        SparseNN m = new SparseNN(model(), e.names(), e.tableRows(), e.denseNames().length, tc.seed());
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            new Trainer(t.loop()).fit(t.trainable(s, buffer));
            return new Run(m, t.evaluate(s.test()).result(Double.NaN));
        }
    }

    static void assertSameParameters(SparseNN a, SparseNN b) {
        List<Table> ta = new ArrayList<>(a.sparseTables()), tb = new ArrayList<>(b.sparseTables());
        ta.addAll(a.denseTables());
        tb.addAll(b.denseTables());
        assertEquals(ta.size(), tb.size());
        for (int i = 0; i < ta.size(); i++) assertArrayEquals(ta.get(i).data(), tb.get(i).data(), "table " + ta.get(i).name());
    }

    @Test
    void oneStreamingPassFitsTheSameEncoder() {
        for (EncoderConfig enc : List.of(encoding(), EncoderConfig.hashing(997).withDense(DenseTransform.STANDARDIZE))) {
            CtrFileSplit mem = CtrFileSplit.read(log, "criteo", CtrSchema.criteo(), false, TRAIN, null, enc);
            CtrStreamSplit st = CtrStreamSplit.fit(log, "criteo", CtrSchema.criteo(), false, TRAIN, null, enc, true);
            assertArrayEquals(mem.encoder().tableRows(), st.encoder().tableRows());
            assertArrayEquals(mem.encoder().means(), st.encoder().means());
            assertArrayEquals(mem.encoder().stds(), st.encoder().stds());
            assertEquals(mem.state().toJson(), st.state().toJson());
            assertEquals(mem.state().idMaps(), st.state().idMaps());
            assertArrayEquals(mem.encoder().collisionReport().distinctIds(), st.encoder().collisionReport().distinctIds());
            assertArrayEquals(mem.encoder().collisionReport().idsSharing(), st.encoder().collisionReport().idsSharing());
        }
    }

    @Test
    void exactOrdersTrainTheSameModelBitForBit() {
        // ALL with the buffer >= the log; WITHIN_PARTITION with partitions of 1200 rows <= the buffer; NONE
        for (TrainConfig.Shuffle mode : TrainConfig.Shuffle.values()) {
            TrainConfig tc = config(mode);
            int buffer = mode == TrainConfig.Shuffle.ALL ? TRAIN : 1200;
            assertTrue(new StreamOrder(TRAIN, tc, buffer).exact(), mode.toString());
            Run mem = inMemory(tc, encoding()), st = streamed(tc, encoding(), buffer);
            assertSameParameters(mem.model(), st.model());
            assertEquals(mem.test().ne(), st.test().ne(), 1e-12, mode.toString());
            assertEquals(mem.test().logloss(), st.test().logloss(), 1e-12);
            assertEquals(mem.test().auc(), st.test().auc(), 1e-4);
        }
    }

    @Test
    void aWindowedShuffleStaysWithinHalfAPercentOfNe() {
        TrainConfig tc = config(TrainConfig.Shuffle.ALL);
        StreamOrder o = new StreamOrder(TRAIN, tc, 500);
        assertFalse(o.exact());
        assertTrue(o.describe().contains("approximated by a 500-row shuffle buffer"), o.describe());
        Run mem = inMemory(tc, encoding()), st = streamed(tc, encoding(), 500);
        assertTrue(mem.test().ne() < 1, "the model learns: NE " + mem.test().ne());
        assertEquals(mem.test().ne(), st.test().ne(), 0.005, "in memory " + mem.test().format() + "; streamed " + st.test().format());
    }

    @Test
    void aWindowedPassHandsOutEveryRowOnceAndAnExactOneIsPassOrders() {
        int n = 1000;
        // blocks of 64 rows whose feature-0 id is the row number
        CtrData all = rowsNumbered(n);
        for (int buffer : new int[] {1, 37, 250, 1000}) {
            for (TrainConfig.Shuffle mode : TrainConfig.Shuffle.values()) {
                TrainConfig tc = config(mode);
                StreamOrder order = new StreamOrder(n, tc, buffer);
                PassOrder mem = new PassOrder(n, tc);
                for (int pass = 1; pass <= 3; pass++) {
                    int[] got = drain(order, pass, all);
                    int[] sorted = got.clone();
                    java.util.Arrays.sort(sorted);
                    for (int i = 0; i < n; i++) assertEquals(i, sorted[i], "a permutation");
                    if (order.exact()) assertArrayEquals(mem.pass(pass), got, mode + " buffer " + buffer + " pass " + pass);
                    if (mode == TrainConfig.Shuffle.WITHIN_PARTITION) {
                        for (int i = 0; i < n; i++) assertEquals(i * 4 / n, got[i] * 4 / n, "rows stay in their partition");
                    }
                }
            }
        }
    }

    static CtrData rowsNumbered(int n) {
        int[] id = new int[n];
        for (int i = 0; i < n; i++) id[i] = i;
        return new CtrData(new String[] {"C1"}, new String[0], n, new byte[n], new float[0], new int[] {n}, new int[1][], new int[][] {id});
    }

    static int[] drain(StreamOrder order, int pass, CtrData all) {
        int n = all.rows();
        int[] next = {0};
        StreamOrder.Pass p = order.open(pass, 0, 1, () -> {
            if (next[0] >= n) return null;
            int to = Math.min(n, next[0] + 64);
            CtrData b = all.slice(next[0], to);
            next[0] = to;
            return b;
        });
        CtrData batch = new CtrData(all.names(), all.denseNames(), 100, new byte[100], new float[0], all.tableRows(), new int[1][],
                new int[][] {new int[100]});
        int[] out = new int[n];
        for (int k = 0; k < n; k += 100) {
            p.fill(batch, 100);
            System.arraycopy(batch.ids()[0], 0, out, k, 100);
        }
        return out;
    }

    @Test
    void streamedAucMatchesTheExactOne() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        int n = 20_000;
        byte[] y = new byte[n];
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) r.nextDouble();
            y[i] = (byte) (r.nextDouble() < p[i] ? 1 : 0);
        }
        p[5] = 0f;
        p[6] = 1f;
        StreamingCtrMetrics m = new StreamingCtrMetrics();
        m.add(java.util.Arrays.copyOfRange(y, 0, 7000), java.util.Arrays.copyOfRange(p, 0, 7000), 7000);
        m.add(java.util.Arrays.copyOfRange(y, 7000, n), java.util.Arrays.copyOfRange(p, 7000, n), n - 7000);
        CtrEvaluation want = CtrMetrics.evaluate(y, p, Double.NaN), got = m.result(Double.NaN);
        assertEquals(want.count(), got.count());
        assertEquals(want.ne(), got.ne(), 1e-9);
        assertEquals(want.logloss(), got.logloss(), 1e-9);
        assertEquals(want.calibration(), got.calibration(), 1e-9);
        assertEquals(want.auc(), got.auc(), 1e-4);
    }

    @Test
    void badRowsAreRefusedWithTheInMemoryReadersLine() throws Exception {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int bad : new int[] {100, 5500}) {   // a training row (the fit pass), a test row (the streamed evaluation)
            List<String> copy = new ArrayList<>(lines);
            copy.set(bad - 1, copy.get(bad - 1).replaceFirst("\t[0-9]+\t", "\tx7\t"));
            Path f = dir.resolve("bad-" + bad + ".tsv");
            Files.write(f, copy, StandardCharsets.UTF_8);
            String want = assertThrows(BadInputException.class, () -> CtrReader.readCriteo(f, false)).getMessage();
            assertTrue(want.startsWith(f + ":" + bad + ": "), want);
            BadInputException e = assertThrows(BadInputException.class, () -> {
                CtrStreamSplit s = CtrStreamSplit.fit(f, "criteo", CtrSchema.criteo(), false, TRAIN, null, encoding(), false);
                var enc = s.encoder();
                SparseNN m = new SparseNN(model(), enc.names(), enc.tableRows(), enc.denseNames().length, 1);
                try (CtrTrainer t = new CtrTrainer(m, config(TrainConfig.Shuffle.ALL))) {
                    new Trainer(t.loop()).fit(t.trainable(s, 1000));
                    t.evaluate(s.test());
                }
            });
            assertEquals(want, e.getMessage());
        }
    }
}
