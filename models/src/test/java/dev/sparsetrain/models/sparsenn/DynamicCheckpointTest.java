package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.DynamicIdConfig;
import dev.sparsetrain.models.train.Checkpoint;
import dev.sparsetrain.models.train.Trainer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint of a model with dynamic tables, written after pass 1 with {@link DynamicCheckpoint#streams},
 * resumes to pass 3 exactly: through the file into a model built from its header, and from contents in
 * memory into a freshly built model; both end bit for bit where the uninterrupted run does.
 */
class DynamicCheckpointTest {
    static final DynamicIdConfig LFU = new DynamicIdConfig(40, 2, DynamicIdConfig.Eviction.LFU, 20, 0);
    static final long SEED = 5;

    @Test
    void bothResumePathsEndWhereTheUninterruptedRunDoes(@TempDir Path dir) {
        CtrData train = DynamicTablesTest.GEN.generate(2000, 1).data().withDynamicIds(DynamicTablesTest.ALL, LFU.capacity(), 0);
        TrainConfig tc = TrainerBehaviourTest.base(1).toBuilder().numPasses(3).build();
        Path ck = dir.resolve("pass1.ckpt");
        SparseNN straight = fresh(train);
        try (CtrTrainer t = new CtrTrainer(straight, tc)) {
            new Trainer(t.loop()).withCheckpointer(s -> {
                if (s.epoch() != 1) return;
                Map<String, String> meta = new LinkedHashMap<>();
                List<ModelFile.Stream> dyn = DynamicCheckpoint.streams(straight, meta);
                Checkpoint.write(ck, straight.contents(meta, Map.of()), dyn, t.trainable(), s);
            }).fit(t.trainable(train));
        }
        assertTrue(straight.dynamicIds(0).evictions() > 0, "the run evicts");

        SparseNN viaFile = SparseNN.fromHeader(ck, ModelFile.readHeader(ck), SEED);
        try (CtrTrainer t = new CtrTrainer(viaFile, tc)) {
            Trainer.State s = t.resume(ck);
            assertEquals(1, s.epoch());
            new Trainer(t.loop()).fit(t.trainable(train), s);
        }
        SparseNN inMemory = fresh(train);
        try (CtrTrainer t = new CtrTrainer(inMemory, tc)) {
            new Trainer(t.loop()).fit(t.trainable(train), t.resume(ck.toString(), ModelFile.read(ck)));
        }
        for (SparseNN m : new SparseNN[] {viaFile, inMemory}) {
            for (int f = 0; f < train.numSparse(); f++) assertArrayEquals(straight.dynamicIds(f).exportState(), m.dynamicIds(f).exportState(), "feature " + f);
            List<Table> a = straight.tables(), b = m.tables();
            for (int i = 0; i < a.size(); i++) {
                float[] x = a.get(i).data(), y = b.get(i).data();
                for (int k = 0; k < x.length; k++) {
                    if (Float.floatToRawIntBits(x[k]) != Float.floatToRawIntBits(y[k])) throw new AssertionError(a.get(i).name() + "[" + k + "]: " + x[k] + " vs " + y[k]);
                }
            }
        }

        // the same checkpoint without the state: one line naming the file
        ModelFile.Contents c = ModelFile.read(ck);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.remove(DynamicCheckpoint.FORMAT_KEY);
        ModelFile.Contents old = new ModelFile.Contents(c.modelType(), c.configJson(), meta, c.idMaps(),
                c.tables().stream().filter(t -> !t.name().startsWith(DynamicCheckpoint.PREFIX)).toList());
        try (CtrTrainer t = new CtrTrainer(fresh(train), tc)) {
            String msg = assertThrows(BadInputException.class, () -> t.resume("old.ckpt", old)).getMessage();
            assertTrue(msg.startsWith("old.ckpt: this checkpoint holds no state of the dynamic tables"), msg);
        }
    }

    private static SparseNN fresh(CtrData train) {
        return new SparseNN(ModelConfig.defaults(), train.names(), train.tableRows(), train.numDense(), SEED,
                new DynamicIdConfig[] {LFU, LFU, LFU});
    }
}
