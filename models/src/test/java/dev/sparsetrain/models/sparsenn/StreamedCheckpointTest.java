package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.models.train.Checkpoint;
import dev.sparsetrain.models.train.Trainer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming checkpoint path: written from the live state ({@code Checkpoint.write}, a view),
 * resumed by reading the file straight into a model built from its header and the trainer's own
 * optimizer arrays ({@link CtrTrainer#resume(Path)}), with another thread count (so another
 * sharding of the optimizer): bit for bit the uninterrupted run. And a model file loads into the
 * model's own tables ({@link SparseNN#load}).
 */
class StreamedCheckpointTest {
    static final int PASSES = 3;

    @Test
    void streamedResumeMatchesTheUninterruptedRun(@TempDir Path dir) {
        SparseNN straight = TrainerBehaviourTest.train(ModelConfig.defaults(), CheckpointResumeTest.config(PASSES));
        float[] want = straight.predict(TrainerBehaviourTest.DATA);

        Path ckpt = dir.resolve("pass-1.ckpt");
        SparseNN first = TrainerBehaviourTest.model(ModelConfig.defaults());
        try (CtrTrainer t = new CtrTrainer(first, CheckpointResumeTest.config(PASSES))) {
            new Trainer(t.loop()).withCheckpointer(state -> {
                if (state.epoch() == 1) {
                    Checkpoint.write(ckpt, first.contents(Map.of(), Map.of()), t.trainable(), state);
                    throw new IllegalStateException("stop");
                }
            }).fit(t.trainable(TrainerBehaviourTest.DATA));
        } catch (IllegalStateException expected) {
            // the checkpoint is written
        }
        // the streamed file is the one the copying path wrote before: same tables, names and shapes
        ModelFile.Contents c = ModelFile.read(ckpt);
        assertTrue(c.tables().stream().anyMatch(x -> x.name().endsWith("/rowCount")), "row counts are in the file");

        SparseNN resumed = SparseNN.fromHeader(ckpt, ModelFile.readHeader(ckpt));
        try (CtrTrainer t = new CtrTrainer(resumed, CheckpointResumeTest.config(PASSES).toBuilder().threads(3).build())) {
            Trainer.State s = t.resume(ckpt);
            assertEquals(1, s.epoch());
            new Trainer(t.loop()).fit(t.trainable(TrainerBehaviourTest.DATA), s);
        }
        assertArrayEquals(want, resumed.predict(TrainerBehaviourTest.DATA));

        // another configuration is refused in one line naming the file
        SparseNN other = SparseNN.fromHeader(ckpt, ModelFile.readHeader(ckpt));
        try (CtrTrainer t = new CtrTrainer(other, CheckpointResumeTest.config(2).toBuilder().mlpOptimizer(dev.sparsetrain.optim.OptimizerSpec.parse("adam:0.01")).build())) {
            BadInputException e = assertThrows(BadInputException.class, () -> t.resume(ckpt));
            assertTrue(e.getMessage().startsWith(ckpt + ": checkpoint of another training configuration"), e.getMessage());
        }
    }

    @Test
    void aModelFileLoadsIntoTheModelsOwnTables(@TempDir Path dir) {
        SparseNN m = TrainerBehaviourTest.train(ModelConfig.defaults(), CheckpointResumeTest.config(1));
        Path f = dir.resolve("m.model");
        m.save(f, Map.of("k", "v"));
        SparseNNFile.Loaded l = SparseNNFile.read(f);
        assertArrayEquals(m.predict(TrainerBehaviourTest.DATA), l.model().predict(TrainerBehaviourTest.DATA));
        assertEquals("v", l.contents().metadata().get("k"));
        for (Table t : l.model().tables()) assertSame(t, l.contents().table(t.name()), "read into the model's own table " + t.name());
    }
}
