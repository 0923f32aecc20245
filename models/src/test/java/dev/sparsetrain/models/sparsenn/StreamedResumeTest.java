package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.ctr.CtrSchema;
import dev.sparsetrain.data.ctr.CtrStreamSplit;
import dev.sparsetrain.models.train.Checkpoint;
import dev.sparsetrain.models.train.Trainer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed checkpoints: a streamed run ({@link CtrTrainer#trainable(dev.sparsetrain.data.ctr.CtrStreamSplit, int)}, exact order) checkpointed after
 * pass 1 and resumed from the file for pass 2, with another thread count, ends with the
 * parameters of the uninterrupted in-memory run, bit for bit (uses {@link CtrStreamTrainerTest}'s
 * log and helpers).
 */
class StreamedResumeTest {
    @Test
    void aStreamedRunResumedFromItsCheckpointEqualsTheInMemoryRun(@TempDir Path dir) throws Exception {
        CtrStreamTrainerTest.dir = dir;   // the same synthetic log, written here
        CtrStreamTrainerTest.writeLog();
        TrainConfig tc = CtrStreamTrainerTest.config(TrainConfig.Shuffle.ALL);
        int buffer = CtrStreamTrainerTest.TRAIN;
        assertTrue(new StreamOrder(CtrStreamTrainerTest.TRAIN, tc, buffer).exact());
        CtrStreamTrainerTest.Run mem = CtrStreamTrainerTest.inMemory(tc, CtrStreamTrainerTest.encoding());

        CtrStreamSplit s = CtrStreamSplit.fit(CtrStreamTrainerTest.log, "criteo", CtrSchema.criteo(), false, CtrStreamTrainerTest.TRAIN, null,
                CtrStreamTrainerTest.encoding(), false);
        var e = s.encoder();
        Path ckpt = dir.resolve("pass-1.ckpt");
        SparseNN first = new SparseNN(CtrStreamTrainerTest.model(), e.names(), e.tableRows(), e.denseNames().length, tc.seed());
        try (CtrTrainer t = new CtrTrainer(first, tc)) {
            new Trainer(t.loop()).withCheckpointer(state -> {
                if (state.epoch() == 1) {
                    Checkpoint.write(ckpt, first.contents(Map.of(), Map.of()), t.trainable(), state);
                    throw new IllegalStateException("stop");
                }
            }).fit(t.trainable(s, buffer));
        } catch (IllegalStateException stopped) {
            // as a killed run
        }
        SparseNN resumed = SparseNN.fromHeader(ckpt, ModelFile.readHeader(ckpt));
        try (CtrTrainer t = new CtrTrainer(resumed, tc.toBuilder().threads(1).build())) {
            Trainer.State from = t.resume(ckpt);
            assertEquals(1, from.epoch());
            new Trainer(t.loop()).fit(t.trainable(s, buffer), from);
        }
        CtrStreamTrainerTest.assertSameParameters(mem.model(), resumed);
    }
}
