package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.train.CtrCommandsTest.Result;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ctr-train --ids dynamic --resume: a run stopped after pass 1 and resumed to pass 3 ends with the
 * model of the run that never stopped, bit for bit (tables, id maps, the maps' whole state,
 * printed figures), under LFU eviction with admission and under TTL; a checkpoint without the
 * dynamic tables' state is refused in one line.
 */
class CtrDynamicResumeCommandTest {
    static Result run(String... args) { return CtrCommandsTest.run(args); }

    @Test
    void aResumedRunEndsWithTheModelOfTheRunThatNeverStopped(@TempDir Path dir) throws Exception {
        Path f = CtrCommandsTest.criteoLike(dir, null);   // 50 ids per feature, tables of 20 rows: evictions or expiries every pass
        String[][] variants = {{"--ids", "dynamic", "--admit-after", "2", "--evict", "lfu:5"}, {"--ids", "hash,C3=dynamic,C7=dynamic", "--evict", "ttl:3"}};
        for (String[] v : variants) {
            String name = String.join(" ", v);
            Path out = dir.resolve(name.replaceAll("[^a-z0-9]", "_"));
            List<String> common = new ArrayList<>(List.of("ctr-train", "--data", f.toString(), "--train-rows", "240", "--buckets", "20", "--dim", "4",
                    "--batch", "16", "--quiet", "--threads", "1", "--sparse-dropout", "0.1"));
            common.addAll(List.of(v));
            Path straightModel = out.resolve("straight.sptr"), resumedModel = out.resolve("resumed.sptr");
            Path straightCk = out.resolve("ck-straight"), ck = out.resolve("ck");
            Result straight = run(args(common, "--passes", "3", "--save", straightModel.toString(), "--checkpoint-dir", straightCk.toString()));
            assertEquals(0, straight.code(), straight.err());
            Result first = run(args(common, "--passes", "1", "--checkpoint-dir", ck.toString()));
            assertEquals(0, first.code(), first.err());
            Path pass1 = ck.resolve("ctr-pass-001.ckpt");
            Result resumed = run(args(common, "--passes", "3", "--resume", pass1.toString(), "--save", resumedModel.toString(),
                    "--checkpoint-dir", ck.toString()));
            assertEquals(0, resumed.code(), name + ": " + resumed.err());
            assertTrue(resumed.out().contains("resumed: " + pass1 + " after 1 of 3 passes"), resumed.out());

            String summary = CtrPredictCommandTest.line(straight.out(), "dynamic tables: ");
            System.out.printf("%s: %s%n  straight %s  resumed  %s", name, summary, CtrCommandsTest.pass(straight.out(), 3).lines().skip(1).findFirst().orElse(""),
                    CtrCommandsTest.pass(resumed.out(), 3).lines().skip(1).findFirst().orElse("") + "\n");
            assertTrue(summary.matches("dynamic tables: .*[1-9][0-9,]* (evicted \\(LFU\\)|expired \\(TTL\\)).*"), name + ": the run evicts or expires: " + summary);
            assertEquals(figures(straight.out()), figures(resumed.out()), name + ": pass 3 figures");
            assertEquals(summary, CtrPredictCommandTest.line(resumed.out(), "dynamic tables: "), name);

            ModelFile.Contents a = ModelFile.read(straightModel), b = ModelFile.read(resumedModel);
            assertEquals(a.idMaps(), b.idMaps(), name + ": id maps (the dynamic tables' row owners among them)");
            assertTrue(a.idMaps().keySet().stream().anyMatch(k -> k.startsWith("dyn.")), a.idMaps().keySet().toString());
            assertEquals(a.metadata(), b.metadata(), name + ": metadata (test figures among them)");
            assertSameTables(name, a.tables(), b.tables());

            // the maps' whole state (counts, heap order, free list, sketch) and the optimizer state after pass 3
            ModelFile.Contents ca = ModelFile.read(straightCk.resolve("ctr-pass-003.ckpt")), cb = ModelFile.read(ck.resolve("ctr-pass-003.ckpt"));
            assertEquals("1", cb.metadata().get("dyn.state.format"));
            assertSameTables(name + " (checkpoint after pass 3)", ca.tables(), cb.tables());
        }
    }

    @Test
    void aCheckpointWithoutTheDynamicTablesStateIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path f = CtrCommandsTest.criteoLike(dir, null);
        List<String> common = List.of("ctr-train", "--data", f.toString(), "--train-rows", "240", "--buckets", "20", "--dim", "4", "--quiet",
                "--threads", "1", "--ids", "dynamic");
        Path ck = dir.resolve("ck");
        assertEquals(0, run(args(common, "--passes", "1", "--checkpoint-dir", ck.toString())).code());
        // the checkpoint as written before the state was saved: the same file without dyn.state.format and dyn/<f>/state
        ModelFile.Contents c = ModelFile.read(ck.resolve("ctr-pass-001.ckpt"));
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        assertTrue(meta.remove("dyn.state.format") != null);
        List<Table> tables = c.tables().stream().filter(t -> !t.name().startsWith("dyn/")).toList();
        assertTrue(tables.size() < c.tables().size());
        Path old = dir.resolve("old.ckpt");
        ModelFile.write(old, new ModelFile.Contents(c.modelType(), c.configJson(), meta, c.idMaps(), tables));
        Result r = run(args(common, "--passes", "2", "--resume", old.toString()));
        assertEquals(2, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), err);
        assertTrue(err.startsWith("sparsetrain: " + old + ": this checkpoint holds no state of the dynamic tables"), err);
        assertTrue(err.contains("--ids dynamic cannot continue from it exactly"), err);
    }

    private static void assertSameTables(String what, List<Table> a, List<Table> b) {
        assertEquals(a.stream().map(Table::name).toList(), b.stream().map(Table::name).toList(), what + ": table names");
        for (int i = 0; i < a.size(); i++) {
            Table x = a.get(i), y = b.get(i);
            assertEquals(x.rows(), y.rows(), x.name());
            assertEquals(x.dim(), y.dim(), x.name());
            for (int r = 0; r < x.rows(); r++) {
                for (int k = 0; k < x.dim(); k++) {
                    float p = x.block(r)[x.offset(r) + k], q = y.block(r)[y.offset(r) + k];
                    if (Float.floatToRawIntBits(p) != Float.floatToRawIntBits(q)) {
                        throw new AssertionError(what + ": table " + x.name() + " row " + r + " column " + k + ": " + p + " vs " + q);
                    }
                }
            }
        }
    }

    /** The pass 3 block without the checkpoint's path (the runs write into different folders). */
    private static String figures(String out) {
        return CtrCommandsTest.pass(out, 3).replaceAll("(?m)^checkpoint: .*$", "");
    }

    private static String[] args(List<String> common, String... more) {
        List<String> a = new ArrayList<>(common);
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }
}
