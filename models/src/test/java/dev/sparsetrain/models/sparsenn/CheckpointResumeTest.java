package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.optim.OptimizerSpec;
import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.models.train.Checkpoint;
import dev.sparsetrain.models.train.Trainer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run checkpointed after pass 1 and resumed for passes 2 and 3 continues as if it had not
 * stopped: same sample order, dropout masks, optimizer moments and accumulators.
 */
class CheckpointResumeTest {
    static final int PASSES = 3;

    static TrainConfig config(int passes) {
        return TrainerBehaviourTest.base(2).toBuilder().numPasses(passes).sparseDropout(0.1).mlpDropout(0.1).build();
    }

    @Test
    void resumedRunMatchesTheUninterruptedOne(@TempDir Path dir) {
        SparseNN straight = TrainerBehaviourTest.train(ModelConfig.defaults(), config(PASSES));
        float[] want = straight.predict(TrainerBehaviourTest.DATA);

        Path ckpt = dir.resolve("pass-1.ckpt");
        SparseNN first = TrainerBehaviourTest.model(ModelConfig.defaults());
        try (CtrTrainer t = new CtrTrainer(first, config(PASSES))) {
            // stop after the first pass, as a killed run would
            new Trainer(t.loop()).withCheckpointer(state -> {
                if (state.epoch() == 1) {
                    Checkpoint.write(ckpt, first.contents(Map.of(), Map.of()), t.trainable(), state);
                    throw new Stop();
                }
            }).fit(t.trainable(TrainerBehaviourTest.DATA));
        } catch (Stop expected) {
            // the checkpoint is written
        }

        ModelFile.Contents c = ModelFile.read(ckpt);
        SparseNN resumed = SparseNN.fromContents(ckpt, c);
        try (CtrTrainer t = new CtrTrainer(resumed, config(PASSES).toBuilder().threads(3).build())) {
            Trainer.State s = t.resume(ckpt.toString(), c);
            assertEquals(1, s.epoch());
            new Trainer(t.loop()).fit(t.trainable(TrainerBehaviourTest.DATA), s);
        }
        // bit for bit, also with another thread count (see TrainerBehaviourTest)
        assertArrayEquals(want, resumed.predict(TrainerBehaviourTest.DATA));

        // without the optimizer state (fresh Adam moments, AdaGrad accumulators) it would not match
        SparseNN fresh = SparseNN.fromContents(ckpt, c);
        try (CtrTrainer t = new CtrTrainer(fresh, config(PASSES))) {
            new Trainer(t.loop()).fit(t.trainable(TrainerBehaviourTest.DATA), Trainer.State.after(1));
        }
        float[] p = fresh.predict(TrainerBehaviourTest.DATA);
        double maxDiff = 0;
        for (int i = 0; i < p.length; i++) maxDiff = Math.max(maxDiff, Math.abs(p[i] - want[i]));
        assertTrue(maxDiff > 1e-3, "restarting the optimizer changes the result (max diff " + maxDiff + ")");
    }

    @Test
    void checkpointOfAnotherConfigurationOrAPlainModelIsRefused(@TempDir Path dir) {
        Path ckpt = dir.resolve("c.ckpt");
        SparseNN m = TrainerBehaviourTest.model(ModelConfig.defaults());
        try (CtrTrainer t = new CtrTrainer(m, config(1))) {
            new Trainer(t.loop()).withCheckpointer(state -> Checkpoint.write(ckpt, m.contents(Map.of(), Map.of()), t.trainable(), state))
                    .fit(t.trainable(TrainerBehaviourTest.DATA));
        }
        ModelFile.Contents c = ModelFile.read(ckpt);
        try (CtrTrainer t = new CtrTrainer(SparseNN.fromContents(ckpt, c), config(2).toBuilder().mlpOptimizer(OptimizerSpec.of(OptimizerSpec.Kind.named("adam"), 1e-2)).build())) {
            BadInputException e = assertThrows(BadInputException.class, () -> t.resume(ckpt.toString(), c));
            assertTrue(e.getMessage().startsWith(ckpt + ": checkpoint of another training configuration"), e.getMessage());
        }
        Path plain = dir.resolve("plain.model");
        m.save(plain, Map.of());
        ModelFile.Contents pc = ModelFile.read(plain);
        try (CtrTrainer t = new CtrTrainer(SparseNN.fromContents(plain, pc), config(2))) {
            BadInputException e = assertThrows(BadInputException.class, () -> t.resume(plain.toString(), pc));
            assertTrue(e.getMessage().contains("not a ctr-train checkpoint"), e.getMessage());
        }
    }

    static final class Stop extends RuntimeException {
        Stop() { super(null, null, false, false); }
    }
}
