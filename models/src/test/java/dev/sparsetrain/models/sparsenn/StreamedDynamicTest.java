package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrFileSplit;
import dev.sparsetrain.data.ctr.CtrSchema;
import dev.sparsetrain.data.ctr.CtrStreamSplit;
import dev.sparsetrain.data.ctr.DenseTransform;
import dev.sparsetrain.data.ctr.DynamicIdConfig;
import dev.sparsetrain.data.ctr.EncoderConfig;
import dev.sparsetrain.data.ctr.IdMode;
import dev.sparsetrain.data.ctr.IdSpec;
import dev.sparsetrain.models.train.Checkpoint;
import dev.sparsetrain.models.train.Trainer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic tables ({@code --ids dynamic}) trained from a streamed log: the one-pass encoder of a
 * per-feature id spec (dynamic, vocabulary and hashed features side by side) equals the in-memory
 * fit, and with an exact order the streamed run (admission after 2 occurrences, LFU eviction from
 * tables of 60 rows, so ids are admitted and evicted all along) ends with the in-memory run's
 * parameters and id maps bit for bit, also when it is checkpointed after pass 1 and resumed from
 * the file (uses {@link CtrStreamTrainerTest}'s log and helpers).
 */
class StreamedDynamicTest {
    static final DynamicIdConfig LFU = new DynamicIdConfig(60, 2, DynamicIdConfig.Eviction.LFU, 50, 0);
    @TempDir static Path dir;

    @BeforeAll
    static void writeLog() throws Exception {
        CtrStreamTrainerTest.dir = dir;
        CtrStreamTrainerTest.writeLog();
    }

    /** Every feature dynamic but C2 (a vocabulary of ids seen twice) and C3 (hashed). */
    static EncoderConfig encoding() {
        return new EncoderConfig(DenseTransform.LOG1P_STANDARDIZE, 60, 2, 0, IdSpec.parse("dynamic,C2=vocab,C3=hash", LFU));
    }

    static CtrFileSplit inMemorySplit() {
        return CtrFileSplit.read(CtrStreamTrainerTest.log, "criteo", CtrSchema.criteo(), false, CtrStreamTrainerTest.TRAIN, null, encoding());
    }

    static CtrStreamSplit streamSplit() {
        return CtrStreamSplit.fit(CtrStreamTrainerTest.log, "criteo", CtrSchema.criteo(), false, CtrStreamTrainerTest.TRAIN, null, encoding(), false);
    }

    static SparseNN fresh(dev.sparsetrain.data.ctr.FeatureEncoder e, long seed) {
        return new SparseNN(CtrStreamTrainerTest.model(), e.names(), e.tableRows(), e.denseNames().length, seed, e.dynamicTables());
    }

    @Test
    void theOneStreamingPassFitsThePerFeatureEncoderOfTheInMemoryRun() {
        CtrFileSplit mem = inMemorySplit();
        CtrStreamSplit st = streamSplit();
        assertEquals(IdMode.DYNAMIC, st.encoder().mode(0));
        assertEquals(IdMode.VOCAB, st.encoder().mode(1));
        assertEquals(IdMode.HASH, st.encoder().mode(2));
        assertTrue(st.encoder().hasVocabulary(1) && !st.encoder().hasVocabulary(0) && !st.encoder().hasVocabulary(2));
        assertArrayEquals(mem.encoder().tableRows(), st.encoder().tableRows());
        assertArrayEquals(mem.encoder().dynamicFeatures(), st.encoder().dynamicFeatures());
        assertEquals(mem.state().toJson(), st.state().toJson());
        assertEquals(mem.state().idMaps(), st.state().idMaps());
        // the streamed blocks carry the same fallback rows and raw ids as the rows read whole
        CtrData whole = mem.train();
        try (var r = st.train()) {
            CtrData b = r.next();
            for (int f = 0; f < whole.numSparse(); f++) {
                assertEquals(whole.isDynamic(f), b.isDynamic(f));
                for (int i = 0; i < b.rows(); i++) {
                    assertEquals(whole.ids()[f][i], b.ids()[f][i]);
                    if (b.isDynamic(f)) assertEquals(whole.rawIds()[f][i], b.rawIds()[f][i]);
                }
            }
        }
    }

    @Test
    void aStreamedDynamicRunEqualsTheInMemoryRunAlsoResumed() {
        for (TrainConfig.Shuffle mode : List.of(TrainConfig.Shuffle.ALL, TrainConfig.Shuffle.WITHIN_PARTITION)) {
            TrainConfig tc = CtrStreamTrainerTest.config(mode);
            int buffer = mode == TrainConfig.Shuffle.ALL ? CtrStreamTrainerTest.TRAIN : 1200;
            assertTrue(new StreamOrder(CtrStreamTrainerTest.TRAIN, tc, buffer).exact());
            CtrFileSplit ms = inMemorySplit();
            SparseNN mem = fresh(ms.encoder(), tc.seed());
            try (CtrTrainer t = new CtrTrainer(mem, tc)) {
                new Trainer(t.loop()).fit(t.trainable(ms.train()));
            }
            assertTrue(mem.dynamicIds(0).evictions() > 0 && mem.dynamicIds(0).admissions() > 0, "the run admits and evicts");

            CtrStreamSplit s = streamSplit();
            SparseNN st = fresh(s.encoder(), tc.seed());
            Path ckpt = dir.resolve("pass-1-" + mode + ".ckpt");
            try (CtrTrainer t = new CtrTrainer(st, tc)) {
                new Trainer(t.loop()).withCheckpointer(state -> {
                    if (state.epoch() != 1) return;
                    Map<String, String> meta = new LinkedHashMap<>();
                    List<ModelFile.Stream> dyn = DynamicCheckpoint.streams(st, meta);
                    Checkpoint.write(ckpt, st.contents(meta, s.state().idMaps()), dyn, t.trainable(), state);
                }).fit(t.trainable(s, buffer));
            }
            assertSameModel(mem, st, mode + ", straight");

            SparseNN resumed = SparseNN.fromHeader(ckpt, ModelFile.readHeader(ckpt), tc.seed());
            try (CtrTrainer t = new CtrTrainer(resumed, tc.toBuilder().threads(1).build())) {
                Trainer.State from = t.resume(ckpt);
                assertEquals(1, from.epoch());
                new Trainer(t.loop()).fit(t.trainable(s, buffer), from);
            }
            assertSameModel(mem, resumed, mode + ", resumed from pass 1");
        }
    }

    /** Parameters bit for bit (raw bits) and every dynamic map's whole state. */
    static void assertSameModel(SparseNN a, SparseNN b, String what) {
        List<dev.sparsetrain.core.Table> ta = a.tables(), tb = b.tables();
        assertEquals(ta.size(), tb.size());
        for (int i = 0; i < ta.size(); i++) {
            float[] x = ta.get(i).data(), y = tb.get(i).data();
            assertEquals(x.length, y.length);
            for (int k = 0; k < x.length; k++) {
                if (Float.floatToRawIntBits(x[k]) != Float.floatToRawIntBits(y[k])) {
                    fail(what + ": " + ta.get(i).name() + "[" + k + "]: " + x[k] + " vs " + y[k]);
                }
            }
        }
        for (int f = 0; f < a.sparseArch.dyn.length; f++) {
            if (a.dynamicIds(f) == null) {
                assertNull(b.dynamicIds(f));
                continue;
            }
            assertArrayEquals(a.dynamicIds(f).exportState(), b.dynamicIds(f).exportState(), what + ": map of feature " + f);
        }
    }
}
