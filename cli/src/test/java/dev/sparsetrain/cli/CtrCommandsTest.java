package dev.sparsetrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ctr-train, experiment sparsenn-passes and benchmark sparsenn through {@link Main#run} (no subprocess). */
class CtrCommandsTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    static Path criteoLike(Path dir, String badLine) throws Exception {
        StringBuilder sb = new StringBuilder();
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 300; i++) {
            if (i == 150 && badLine != null) {
                sb.append(badLine).append('\n');
                continue;
            }
            sb.append(r.nextInt(4) == 0 ? 1 : 0);
            for (int j = 0; j < 13; j++) sb.append('\t').append(r.nextInt(3) == 0 ? "" : String.valueOf(r.nextInt(100)));
            for (int j = 0; j < 26; j++) sb.append('\t').append(Integer.toHexString(r.nextInt(50)));
            sb.append('\n');
        }
        Path f = dir.resolve("mini.tsv");
        Files.writeString(f, sb.toString());
        return f;
    }

    @Test
    void ctrTrainOnACriteoFile(@TempDir Path dir) throws Exception {
        Path f = criteoLike(dir, null);
        Result r = run("ctr-train", "--data", f.toString(), "--train-rows", "240", "--buckets", "1000", "--passes", "2", "--quiet",
                "--collision-report");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pass 2:") && r.out().contains("test  all"), r.out());
        assertTrue(r.out().contains("C26"), "collision report printed");
        Path model = dir.resolve("m.sptr");
        r = run("ctr-train", "--data", f.toString(), "--train-rows", "240", "--buckets", "1000", "--quiet", "--save", model.toString(),
                "--model", "fm");
        assertEquals(0, r.code(), r.err());
        dev.sparsetrain.models.sparsenn.SparseNN m = dev.sparsetrain.models.sparsenn.SparseNN.load(model);
        assertEquals(dev.sparsetrain.models.sparsenn.ModelConfig.Type.FM, m.config().type());
        assertEquals(26, m.numSparse());
    }

    @Test
    void badRowsExitTwoWithFileAndLineOrAreSkipped(@TempDir Path dir) throws Exception {
        Path f = criteoLike(dir, "7\t1\t2");
        Result r = run("ctr-train", "--data", f.toString(), "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: " + f + ":151: 3 fields, expected 40 fields (label, 13 dense, 26 sparse, 0 skipped)", r.err().strip());
        Path g = criteoLike(dir, "2" + "\t1".repeat(39));
        r = run("ctr-train", "--data", g.toString(), "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: " + g + ":151: label '2', must be 0 or 1", r.err().strip());
        Path h = criteoLike(dir, "0\tx" + "\t1".repeat(38));
        r = run("ctr-train", "--data", h.toString(), "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: " + h + ":151: field 2 (I1) = 'x' is not a number", r.err().strip());
        r = run("ctr-train", "--data", h.toString(), "--quiet", "--skip-bad", "--buckets", "500");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 bad rows skipped"), r.out());
        r = run("ctr-train", "--data", h.toString(), "--quiet", "--shuffle", "sometimes");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: --shuffle 'sometimes', allowed: none, within_partition, all", r.err().strip());
    }

    @Test
    void passesExperimentWritesTableAndReport(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("passes.html");
        Result r = run("experiment", "sparsenn-passes", "--synthetic-rows", "6000", "--variants", "none,sparse_dropout,buckets_div10",
                "--evals-per-pass", "2", "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        System.out.print(r.out());
        assertTrue(r.out().contains("sparse_dropout") && r.out().contains("overfit rare"), r.out());
        String html = Files.readString(report);
        assertTrue(html.contains("<svg") && html.contains("buckets_div10"), "report has curves");
    }

    @Test
    void benchmarkPrintsThroughputAndMemory() {
        Result r = run("benchmark", "sparsenn", "--rows", "20000", "--buckets", "10000");
        assertEquals(0, r.code(), r.err());
        System.out.print(r.out());
        assertTrue(r.out().contains("samples/s") && r.out().contains("peak memory"), r.out());
    }
}
