package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.DynamicIdConfig;
import dev.sparsetrain.models.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The spine's in-memory snapshot of a click trainer with dynamic tables carries the id maps: under
 * a validator that finds pass 1 best, a 3-pass run ends with pass 1's parameters and pass 1's maps
 * (each map's whole state, bit for bit), not pass 1's rows read through pass 3's maps.
 */
class DynamicSnapshotTest {
    static final DynamicIdConfig LFU = new DynamicIdConfig(40, 2, DynamicIdConfig.Eviction.LFU, 20, 0);

    @Test
    void theBestEpochIsRestoredWithItsIdMaps() {
        CtrData train = DynamicTablesTest.GEN.generate(2000, 1).data().withDynamicIds(DynamicTablesTest.ALL, LFU.capacity(), 0);
        TrainConfig tc = TrainerBehaviourTest.base(2).toBuilder().numPasses(3).build();
        SparseNN m = new SparseNN(ModelConfig.defaults(), train.names(), train.tableRows(), train.numDense(), 5, DynamicTablesTest.configs(LFU));
        List<float[]> tablesAfter1 = new ArrayList<>();
        long[][] mapsAfter1 = new long[train.numSparse()][], mapsAfter3 = new long[train.numSparse()][];
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            Trainer.Result r = new Trainer(t.loop())
                    .withValidator(epoch -> Trainer.Validation.lower(epoch == 1 ? 0.5 : 0.9))   // pass 1 is the best
                    .withCheckpointer(s -> {
                        long[][] into = s.epoch() == 1 ? mapsAfter1 : s.epoch() == 3 ? mapsAfter3 : null;
                        if (into == null) return;
                        for (int f = 0; f < into.length; f++) into[f] = m.dynamicIds(f).exportState();
                        if (s.epoch() == 1) for (Table tb : m.tables()) tablesAfter1.add(tb.data().clone());
                    })
                    .fit(t.trainable(train));
            assertEquals(1, r.bestEpoch());
            assertEquals(3, r.lastEpoch());
        }
        boolean mapsMoved = false;
        for (int f = 0; f < train.numSparse(); f++) mapsMoved |= !java.util.Arrays.equals(mapsAfter1[f], mapsAfter3[f]);
        assertTrue(mapsMoved, "passes 2 and 3 changed the maps (else the test proves nothing)");
        for (int f = 0; f < train.numSparse(); f++) {
            assertArrayEquals(mapsAfter1[f], m.dynamicIds(f).exportState(), "feature " + f + ": pass 1's map restored");
        }
        List<Table> now = m.tables();
        for (int i = 0; i < now.size(); i++) assertArrayEquals(tablesAfter1.get(i), now.get(i).data(), now.get(i).name());
    }
}
