package dev.sparsetrain.studies.dynamic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.DynamicIdConfig;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The study trains three arms per budget and seed at the stated rows, and the table reports them. */
class DynamicTablesStudyTest {
    @Test
    void armsHaveTheRowsTheyClaimAndTheTableListsEveryOne() {
        SyntheticCtr gen = new SyntheticCtr(new SyntheticCtr.Config(3, 2000, 2, 1.05, 2, 0.5, 0.5, 0.2, -1.2, 4));
        CtrData tr = gen.generate(3000, 1).data(), te = gen.generate(1000, 2).data();
        boolean[] all = {true, true, true};
        var ds = new DynamicTablesStudy.DataSet("syn", "tiny", b -> new CtrData[] {tr.hashed(b, 0), te.hashed(b, 0)},
                b -> new CtrData[] {tr.withDynamicIds(all, b, 0), te.withDynamicIds(all, b, 0)});
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).build();
        List<DynamicTablesStudy.Run> runs = DynamicTablesStudy.run(ds, new int[] {100}, new long[] {1, 2}, ModelConfig.defaults().withDim(4), tc,
                DynamicIdConfig.lfu(2, 1), null, true);
        assertEquals(6, runs.size());
        for (var r : runs) {
            assertTrue(Double.isFinite(r.test().ne()), r.toString());
            if (r.arm().equals("hash+map")) assertTrue(r.rowsPerTable() > 100, "extra rows for the map's bytes: " + r.rowsPerTable());
            else assertEquals(100, r.rowsPerTable());
            assertEquals(r.arm().equals("dynamic") ? 3 : 0, r.dynamic().size());
            if (r.arm().equals("dynamic")) assertEquals(99 * 3, r.dynamic().stream().mapToInt(d -> d.ids()).sum(), "every table full");
        }
        String t = DynamicTablesStudy.table(runs);
        assertTrue(t.contains("syn            100 hash "), t);
        assertTrue(t.contains("syn            100 dynamic "), t);
        assertTrue(t.contains("B=100     vs hash "), t);
    }
}
