package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.cli.CliRun;
import dev.sparsetrain.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate-ctr} and {@code ctr-train --stream} through {@code Main.run} (no subprocess). */
class CtrStreamCommandTest {
    static final Pattern TEST_NE = Pattern.compile("test  all +n=(\\d+) ctr=\\S+ NE=(\\S+) logloss=(\\S+) AUC=(\\S+)");

    static Path generate(Path dir, int rows) {
        Path f = dir.resolve("synthetic.tsv");
        CliRun g = CliRun.of("generate-ctr", "--rows", String.valueOf(rows), "--cardinality", "200", "--seed", "5", "--out", f.toString(), "--quiet");
        assertEquals(ExitCodes.OK, g.code(), g.err());
        assertTrue(g.out().startsWith("wrote " + f + ": " + String.format("%,d", rows) + " rows"), g.out());
        return f;
    }

    @Test
    void streamedRunPrintsTheInMemoryRunsTestFigures(@TempDir Path dir) throws Exception {
        Path f = generate(dir, 3000);
        assertEquals(3000, Files.readAllLines(f).size());
        String[] common = twoPasses(f);
        CliRun mem = CliRun.of(concat(common, "--stream", "off"));
        Path saved = dir.resolve("streamed.model");
        CliRun st = CliRun.of(concat(common, "--stream", "--save", saved.toString()));
        assertEquals(ExitCodes.OK, mem.code(), mem.err());
        assertEquals(ExitCodes.OK, st.code(), st.err());
        assertTrue(st.out().contains("order: shuffle within 8 partitions: exact"), st.out());
        assertTrue(st.out().contains("memory: peak resident"), st.out());
        Matcher a = TEST_NE.matcher(mem.out()), b = TEST_NE.matcher(st.out());
        for (int pass = 1; pass <= 2; pass++) {
            assertTrue(a.find() && b.find(), mem.out() + "\n---\n" + st.out());
            assertEquals(a.group(1), b.group(1), "test rows");
            assertEquals(a.group(2), b.group(2), "NE (same order: the same model)");
            assertEquals(a.group(3), b.group(3), "logloss");
            assertEquals(Double.parseDouble(a.group(4)), Double.parseDouble(b.group(4)), 1e-4, "AUC");
        }
        // the streamed model's file scores like any ctr-train model
        CliRun pred = CliRun.of("ctr-predict", "--model", saved.toString(), "--data", f.toString(), "--out", dir.resolve("p.csv").toString());
        assertEquals(ExitCodes.OK, pred.code(), pred.err());
    }

    @Test
    void streamedCheckpointsResumeToTheInMemoryRunsFigures(@TempDir Path dir) throws Exception {
        Path f = generate(dir, 3000);
        String[] common = twoPasses(f);
        CliRun mem = CliRun.of(concat(common, "--stream", "off"));
        Path ck = dir.resolve("ck");
        CliRun st = CliRun.of(concat(common, "--stream", "--checkpoint-dir", ck.toString()));
        assertEquals(ExitCodes.OK, st.code(), st.err());
        assertTrue(st.out().contains("checkpoint: " + ck.resolve("ctr-pass-001.ckpt")), st.out());
        CliRun res = CliRun.of(concat(common, "--stream", "--resume", ck.resolve("ctr-pass-001.ckpt").toString()));
        assertEquals(ExitCodes.OK, res.code(), res.err());
        assertTrue(res.out().contains("resumed: " + ck.resolve("ctr-pass-001.ckpt") + " after 1 of 2 passes"), res.out());
        Matcher a = TEST_NE.matcher(mem.out()), b = TEST_NE.matcher(res.out());
        assertTrue(a.find() && a.find() && b.find(), mem.out() + "\n---\n" + res.out());   // in memory: pass 2; resumed: its only pass, 2
        assertEquals(a.group(2), b.group(2), "pass 2 test NE: the resumed streamed run is the in-memory run");
        assertEquals(a.group(3), b.group(3), "logloss");
    }

    @Test
    void streamedDynamicTablesTrainTheInMemoryRunsModelAndResume(@TempDir Path dir) throws Exception {
        Path f = generate(dir, 3000);
        // tables of 150 rows for ~200 ids a feature, admitted at the 2nd occurrence: ids are admitted and evicted all along
        String[] common = concat(twoPasses(f), "--ids", "dynamic,C2=hash", "--admit-after", "2", "--diagnostics");
        common[java.util.Arrays.asList(common).indexOf("--buckets") + 1] = "150";
        Path memModel = dir.resolve("mem.model"), stModel = dir.resolve("st.model"), resModel = dir.resolve("res.model");
        CliRun mem = CliRun.of(concat(common, "--stream", "off", "--save", memModel.toString()));
        Path ck = dir.resolve("ck");
        CliRun st = CliRun.of(concat(common, "--stream", "--checkpoint-dir", ck.toString(), "--save", stModel.toString()));
        assertEquals(ExitCodes.OK, mem.code(), mem.err());
        assertEquals(ExitCodes.OK, st.code(), st.err());
        assertTrue(st.out().contains("dynamic tables (dynamic capacity 150, admit after 2"), st.out());
        assertEquals(dynamicLines(mem.out()), dynamicLines(st.out()), "the same admissions, evictions and default-row share per pass");
        assertTrue(dynamicLines(st.out()).stream().anyMatch(l -> l.startsWith("dynamic tables: 25 features")), st.out());
        assertSameTestFigures(mem.out(), st.out(), 2);
        CliRun res = CliRun.of(concat(common, "--stream", "--resume", ck.resolve("ctr-pass-001.ckpt").toString(), "--save", resModel.toString()));
        assertEquals(ExitCodes.OK, res.code(), res.err());
        Matcher a = TEST_NE.matcher(mem.out()), b = TEST_NE.matcher(res.out());
        assertTrue(a.find() && a.find() && b.find(), mem.out() + "\n---\n" + res.out());
        assertEquals(a.group(2), b.group(2), "pass 2 test NE after the resume");
        // the streamed model's tables and id maps are the in-memory model's
        var x = dev.sparsetrain.core.io.ModelFile.read(memModel);
        for (Path p : new Path[] {stModel, resModel}) {
            var y = dev.sparsetrain.core.io.ModelFile.read(p);
            assertEquals(x.idMaps(), y.idMaps(), p + ": id maps");
            assertEquals(x.tables().size(), y.tables().size());
            for (int i = 0; i < x.tables().size(); i++) assertArrayEquals(x.tables().get(i).data(), y.tables().get(i).data(), p + ": " + x.tables().get(i).name());
        }
    }

    @Test
    void streamedRunsWriteTheInMemoryRunsHistoryAndReport(@TempDir Path dir) throws Exception {
        Path f = generate(dir, 3000);
        Path hm = dir.resolve("mem.csv"), hs = dir.resolve("st.csv"), report = dir.resolve("st.html");
        CliRun mem = CliRun.of(concat(twoPasses(f), "--stream", "off", "--history", hm.toString()));
        CliRun st = CliRun.of(concat(twoPasses(f), "--stream", "--history", hs.toString(), "--report", report.toString()));
        assertEquals(ExitCodes.OK, mem.code(), mem.err());
        assertEquals(ExitCodes.OK, st.code(), st.err());
        java.util.List<String> a = Files.readAllLines(hm), b = Files.readAllLines(hs);
        assertEquals(3, b.size(), "header and 2 passes");
        assertEquals(a.get(0), b.get(0), "the same columns");
        java.util.List<String> cols = java.util.List.of(a.get(0).split(","));
        for (int r = 1; r <= 2; r++) {
            String[] x = a.get(r).split(",", -1), y = b.get(r).split(",", -1);
            for (int c = 0; c < cols.size(); c++) {
                String name = cols.get(c);
                if (name.startsWith("test_rare") || name.startsWith("test_medium") || name.startsWith("test_frequent")) {
                    assertEquals("", y[c], name + ": no strata measured when streamed");
                } else if (name.equals("test_all_auc")) {
                    assertEquals(Double.parseDouble(x[c]), Double.parseDouble(y[c]), 1e-4, name);   // the streamed AUC: a histogram's
                } else if (name.startsWith("test_all")) {
                    assertEquals(Double.parseDouble(x[c]), Double.parseDouble(y[c]), 1e-9, name);
                } else {
                    assertEquals(x[c], y[c], "pass " + r + " " + name + ": the same model, the same optimizer figures");
                }
            }
        }
        String html = Files.readString(report);
        assertTrue(html.contains("<svg") && html.contains("Test NE per stratum"), html.length() + " chars");
    }

    static final Pattern STRATUM = Pattern.compile("test  (rare|medium|frequent|all) +n=(\\d+) ctr=(\\S+) NE=(\\S+) logloss=(\\S+) AUC=(\\S+)");

    @Test
    void streamedStrataAreTheInMemoryRunsStrata(@TempDir Path dir) throws Exception {
        Path f = generate(dir, 3000);
        // a named feature with thresholds from the data; thresholds given with the feature chosen from the data
        for (String[] strata : new String[][] {{"--strata-feature", "C3"}, {"--rare-below", "3", "--frequent-from", "20"}}) {
            CtrRunPair r = new CtrRunPair(concat(twoPasses(f), strata));
            String describe = r.mem.lines().filter(l -> l.startsWith("strata by training impressions")).findFirst().orElseThrow();
            assertTrue(r.st.contains(describe + "\n"), describe + "\n---\n" + r.st);
            Matcher a = STRATUM.matcher(r.mem), b = STRATUM.matcher(r.st);
            int lines = 0;
            while (a.find()) {
                assertTrue(b.find(), r.st);
                assertEquals(a.group(1), b.group(1));
                assertEquals(a.group(2), b.group(2), a.group(1) + " rows");
                assertEquals(a.group(3), b.group(3), a.group(1) + " click rate");
                assertEquals(a.group(4), b.group(4), a.group(1) + " NE");
                assertEquals(a.group(5), b.group(5), a.group(1) + " logloss");
                assertEquals(Double.parseDouble(a.group(6)), Double.parseDouble(b.group(6)), 2e-4, a.group(1) + " AUC");
                lines++;
            }
            assertEquals(8, lines, "4 strata lines a pass, 2 passes");
            assertFalse(b.find());
        }
    }

    @Test
    void aStreamedBiasRefitIsTheInMemoryOne(@TempDir Path dir) throws Exception {
        Path f = generate(dir, 3000);
        Path a = dir.resolve("mem.model"), b = dir.resolve("st.model");
        String[] args = concat(twoPasses(f), "--refit-bias", "--strata-feature", "C3");
        CliRun mem = CliRun.of(concat(args, "--stream", "off", "--save", a.toString()));
        CliRun st = CliRun.of(concat(args, "--stream", "--save", b.toString()));
        assertEquals(ExitCodes.OK, mem.code(), mem.err());
        assertEquals(ExitCodes.OK, st.code(), st.err());
        String shift = mem.out().lines().filter(l -> l.startsWith("bias re-fit: every logit shifted by")).findFirst().orElseThrow();
        assertTrue(st.out().contains(shift.substring(0, shift.length() - 1) + "; one streamed pass over the training rows"), shift + "\n---\n" + st.out());
        // the test figures after the re-fit: the third block of strata lines
        java.util.List<String> x = strataLines(mem.out()), y = strataLines(st.out());
        assertEquals(12, x.size());
        assertEquals(12, y.size());
        for (int i = 8; i < 12; i++) assertEquals(x.get(i).replaceAll(" AUC=\\S+", ""), y.get(i).replaceAll(" AUC=\\S+", "").replace(" (streamed", "").replaceAll(", [0-9.]+ s\\)$", ""));
        // the same histogram in the same row order: the same shift, the same model, bit for bit
        var p = dev.sparsetrain.core.io.ModelFile.read(a);
        var q = dev.sparsetrain.core.io.ModelFile.read(b);
        assertEquals(p.metadata().get("bias-refit-shift"), q.metadata().get("bias-refit-shift"));
        for (int i = 0; i < p.tables().size(); i++) assertArrayEquals(p.tables().get(i).data(), q.tables().get(i).data(), p.tables().get(i).name());
    }

    static java.util.List<String> strataLines(String out) {
        return out.lines().filter(l -> l.matches("  test  (rare|medium|frequent|all) .*")).toList();
    }

    @Test
    void multiValuedColumnsStreamToTheInMemoryRunsFigures(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("multi.tsv");
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            StringBuilder m = new StringBuilder();
            int k = r.nextInt(5);
            double logit = -1;
            for (int j = 0; j < k; j++) {
                int t = (int) Math.floor(Math.pow(r.nextDouble(), 2) * 100);
                if (t < 10) logit += 0.5;
                m.append(j > 0 ? "|" : "").append("t").append(t);
            }
            sb.append(r.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0).append('\t').append(r.nextInt(20)).append('\t').append("a")
                    .append(r.nextInt(40)).append('\t').append(m).append('\n');
        }
        Files.writeString(f, sb.toString());
        CtrRunPair p = new CtrRunPair(new String[] {"ctr-train", "--data", f.toString(), "--format", "schema", "--schema", "label,dense,sparse,multi",
                "--ids", "hash,C2=dynamic", "--buckets", "50", "--dim", "4", "--bottom", "8", "--top", "8", "--passes", "2", "--threads", "2",
                "--strata-feature", "C2", "--quiet"});
        assertTrue(p.st().contains("multi-valued features' ids"), p.st());
        java.util.List<String> x = strataLines(p.mem()), y = strataLines(p.st());
        assertEquals(8, x.size());
        assertEquals(8, y.size());
        for (int i = 0; i < 8; i++) {
            assertEquals(x.get(i).replaceAll(" AUC=\\S+", ""), y.get(i).replaceAll(" AUC=\\S+", "").replace(" (streamed", "").replaceAll(", [0-9.]+ s\\)$", ""));
        }
    }

    @Test
    void timeSplitsStreamToTheInMemoryRunsFigures(@TempDir Path dir) throws Exception {
        Path f = generate(dir, 3000);
        // periods of 1,000 rows: train on the second, test on the third (the training rows do not start at the first row)
        CtrRunPair rows = new CtrRunPair(concat(twoPasses(f), "--split-by", "rows:1000", "--train-period", "2", "--strata-feature", "C1"));
        assertTrue(rows.st().contains("time split by rows:1000 (3 periods, each a day of 1000 rows; the file taken to be in time order): train period 2 "
                + "(rows 1001-2000), test the following period 3 (rows 2001-3000)"), rows.st());
        assertSameStrataLines(rows, 8);
        // a time column (hour, the rows of each value together): train on hours 1-2, test on hour 3
        Path h = dir.resolve("hours.csv");
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        StringBuilder sb = new StringBuilder("click,hour,site,app\n");
        for (int i = 0; i < 1500; i++) {
            int site = r.nextInt(30), app = r.nextInt(12);
            sb.append(r.nextDouble() < (site < 5 ? 0.5 : 0.15) ? 1 : 0).append(',').append(14102100 + i / 500).append(",s").append(site).append(",a")
                    .append(app).append('\n');
        }
        Files.writeString(h, sb.toString());
        CtrRunPair hours = new CtrRunPair(new String[] {"ctr-train", "--data", h.toString(), "--format", "schema", "--schema", "label,skip,sparse*2",
                "--delimiter", "comma", "--header", "--split-by", "hour", "--train-periods", "2", "--buckets", "64", "--dim", "4", "--bottom", "8",
                "--top", "8", "--passes", "2", "--threads", "2", "--strata-feature", "site", "--quiet"});
        assertTrue(hours.st().contains("train periods 14102100..14102101 (rows 1-1000), test the following period 14102102 (rows 1001-1500)"), hours.st());
        assertSameStrataLines(hours, 8);
    }

    static void assertSameStrataLines(CtrRunPair p, int lines) {
        java.util.List<String> x = strataLines(p.mem()), y = strataLines(p.st());
        assertEquals(lines, x.size(), p.mem());
        assertEquals(lines, y.size(), p.st());
        for (int i = 0; i < lines; i++) {
            assertEquals(x.get(i).replaceAll(" AUC=\\S+", ""), y.get(i).replaceAll(" AUC=\\S+", "").replace(" (streamed", "").replaceAll(", [0-9.]+ s\\)$", ""));
        }
    }

    /** The same ctr-train in memory and streamed, both succeeding. */
    record CtrRunPair(String mem, String st) {
        CtrRunPair(String[] args) {
            this(run(concat(args, "--stream", "off")), run(concat(args, "--stream")));
        }

        static String run(String[] args) {
            CliRun r = CliRun.of(args);
            assertEquals(ExitCodes.OK, r.code(), r.err());
            return r.out();
        }
    }

    /** The per-pass dynamic-table figures and the run's summary line. */
    static java.util.List<String> dynamicLines(String out) {
        return out.lines().filter(l -> l.startsWith("dynamic tables: ") || l.matches("\\s+C\\d+ .*")).toList();
    }

    /** Test rows, NE and log loss equal (same model), AUC within 1e-4 (the streamed one is a histogram's), over {@code passes} passes. */
    static void assertSameTestFigures(String mem, String st, int passes) {
        Matcher a = TEST_NE.matcher(mem), b = TEST_NE.matcher(st);
        for (int pass = 1; pass <= passes; pass++) {
            assertTrue(a.find() && b.find(), mem + "\n---\n" + st);
            assertEquals(a.group(1), b.group(1), "test rows");
            assertEquals(a.group(2), b.group(2), "NE (same order: the same model)");
            assertEquals(a.group(3), b.group(3), "logloss");
            assertEquals(Double.parseDouble(a.group(4)), Double.parseDouble(b.group(4)), 1e-4, "AUC");
        }
    }

    @Test
    void badRowMidStreamIsOneLineAndWritesNoModel(@TempDir Path dir) throws Exception {
        Path f = generate(dir, 3000);
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(f));
        lines.set(2899, "1\tnot-a-row");   // a test row: found by the streamed evaluation after training
        Files.write(f, lines);
        Path saved = dir.resolve("m.model");
        CliRun r = CliRun.of("ctr-train", "--data", f.toString(), "--buckets", "500", "--dim", "4", "--threads", "1", "--quiet", "--stream",
                "--save", saved.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(f + ":2900: 2 fields, expected "), r.err());
        assertFalse(Files.exists(saved), "no model after a failed run");
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".m.model")), "no temporary file left");
        }
    }

    @Test
    void optionsThatNeedTheWholeLogAreRefused(@TempDir Path dir) {
        Path f = generate(dir, 500);
        CliRun r = CliRun.of("ctr-train", "--data", f.toString(), "--stream", "--split-by", "rows:100", "--skip-bad", "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("--split-by rows:100 with --skip-bad: a streamed time split cuts its periods over the data lines"), r.err());
        CliRun off = CliRun.of("ctr-train", "--data", f.toString(), "--stream", "--no-refit-bias", "--quiet");   // an explicit "no" is accepted
        assertEquals(ExitCodes.OK, off.code(), off.err());
        CliRun s = CliRun.of("ctr-train", "--stream", "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, s.code());
        assertTrue(s.err().contains("--stream reads a click log given with --data"), s.err());
        CliRun b = CliRun.of("ctr-train", "--data", f.toString(), "--stream", "--shuffle-buffer", "0", "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, b.code());
        assertTrue(b.err().contains("--shuffle-buffer 0, must be >= 1 row"), b.err());
    }

    /** A small SparseNN for 2 passes over {@code f}. */
    static String[] twoPasses(Path f) {
        return new String[] {"ctr-train", "--data", f.toString(), "--buckets", "500", "--dim", "4", "--bottom", "8", "--top", "8", "--passes", "2",
                "--threads", "2", "--quiet"};
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
