package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.models.train.Checkpoint;
import dev.sparsetrain.models.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SparseNN on CHUNKED embedding tables (forced, 16 rows a chunk) trains bit-identically to FLAT
 * ones (Adam MLP, row-wise AdaGrad embeddings with their state chunked too), writes
 * byte-identical model files and checkpoints, and a checkpoint of the chunked run resumes
 * exactly in a flat one.
 */
class SparseNNChunkedLayoutTest {
    static final int PASSES = 3;

    static <T> T chunked(Supplier<T> s) {
        String old = System.getProperty(Table.LAYOUT_PROPERTY), oldRows = System.getProperty(Table.CHUNK_ROWS_PROPERTY);
        System.setProperty(Table.LAYOUT_PROPERTY, "chunked");
        System.setProperty(Table.CHUNK_ROWS_PROPERTY, "16");
        try {
            return s.get();
        } finally {
            if (old == null) System.clearProperty(Table.LAYOUT_PROPERTY); else System.setProperty(Table.LAYOUT_PROPERTY, old);
            if (oldRows == null) System.clearProperty(Table.CHUNK_ROWS_PROPERTY); else System.setProperty(Table.CHUNK_ROWS_PROPERTY, oldRows);
        }
    }

    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void flatAndChunkedTrainSaveAndResumeIdentically(@TempDir Path dir) throws Exception {
        TrainConfig tc = CheckpointResumeTest.config(PASSES);
        SparseNN flat = TrainerBehaviourTest.train(ModelConfig.defaults(), tc);
        SparseNN ch = chunked(() -> TrainerBehaviourTest.train(ModelConfig.defaults(), tc));
        Table anEmbedding = null;
        for (Table t : ch.tables()) if (t.kind() == Table.Kind.EMBEDDING && t.rows() > 16) anEmbedding = t;
        assertTrue(anEmbedding != null && anEmbedding.layout() == Table.Layout.CHUNKED && anEmbedding.chunkCount() > 1, "" + anEmbedding);
        float[] want = flat.predict(TrainerBehaviourTest.DATA);
        assertArrayEquals(want, ch.predict(TrainerBehaviourTest.DATA));
        for (Table t : flat.tables()) {
            Table o = null;
            for (Table x : ch.tables()) if (x.name().equals(t.name())) o = x;
            assertTrue(o != null && t.sameValues(o), t.name());
        }
        Path pf = dir.resolve("flat.model"), pc = dir.resolve("chunked.model");
        flat.save(pf, Map.of());
        ch.save(pc, Map.of());
        assertArrayEquals(Files.readAllBytes(pf), Files.readAllBytes(pc));
        SparseNN loaded = chunked(() -> SparseNN.load(pf));
        assertArrayEquals(want, loaded.predict(TrainerBehaviourTest.DATA));

        // checkpoint the chunked run after pass 1, resume it flat
        Path ckpt = dir.resolve("pass-1.ckpt");
        chunked(() -> {
            SparseNN first = TrainerBehaviourTest.model(ModelConfig.defaults());
            try (CtrTrainer t = new CtrTrainer(first, tc)) {
                new Trainer(t.loop()).withCheckpointer(state -> {
                    if (state.epoch() == 1) {
                        Checkpoint.write(ckpt, first.contents(Map.of(), Map.of()), t.trainable(), state);
                        throw new Stop();
                    }
                }).fit(t.trainable(TrainerBehaviourTest.DATA));
            } catch (Stop expected) {
                // written
            }
            return null;
        });
        ModelFile.Contents c = ModelFile.read(ckpt);
        SparseNN resumed = SparseNN.fromContents(ckpt, c);
        for (Table t : resumed.tables()) assertEquals(Table.Layout.FLAT, t.layout());
        try (CtrTrainer t = new CtrTrainer(resumed, tc)) {
            Trainer.State s = t.resume(ckpt.toString(), c);
            assertEquals(1, s.epoch());
            new Trainer(t.loop()).fit(t.trainable(TrainerBehaviourTest.DATA), s);
        }
        assertArrayEquals(want, resumed.predict(TrainerBehaviourTest.DATA));
    }
}
