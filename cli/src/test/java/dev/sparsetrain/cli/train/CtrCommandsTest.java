package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ctr-train, experiment sparsenn-passes and benchmark sparsenn through {@link Main#run} (no subprocess). */
public class CtrCommandsTest {
    public record Result(int code, String out, String err) {}

    public static Result run(String... args) {
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

    /** ctr-train and sparsenn-passes read their options from YAML/JSON (--config): the same run as the flags, flags win, bad keys one line. */
    @Test
    void optionsFromAConfigFile(@TempDir Path dir) throws Exception {
        Path f = criteoLike(dir, null), yaml = dir.resolve("run.yaml"), json = dir.resolve("bad.json");
        Files.writeString(yaml, "data: " + f + "\ntrain-rows: 240\nbuckets: 1000\npasses: 2\nthreads: 1\nquiet: true\n");
        Result fromFile = run("ctr-train", "--config", yaml.toString());
        Result flags = run("ctr-train", "--data", f.toString(), "--train-rows", "240", "--buckets", "1000", "--passes", "2", "--threads", "1", "--quiet");
        assertEquals(0, fromFile.code(), fromFile.err());
        java.util.function.UnaryOperator<String> figures = o -> o.replaceAll("(?m)^training: .* samples/s$", "");   // timing differs
        assertEquals(figures.apply(flags.out()), figures.apply(fromFile.out()), "the file gives the run its flags give");
        Result overridden = run("ctr-train", "--config", yaml.toString(), "--passes", "1");
        assertEquals(0, overridden.code(), overridden.err());
        assertTrue(overridden.out().contains("pass 1:") && !overridden.out().contains("pass 2:"), "the command line wins: " + overridden.out());
        Files.writeString(json, "{\"pases\": 2}");
        Result bad = run("ctr-train", "--config", json.toString());
        assertEquals(2, bad.code());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains(json + ": unknown option 'pases', known: "), bad.err());
        Path study = dir.resolve("study.yaml"), report = dir.resolve("study.html");
        Files.writeString(study, "data: " + f + "\ntrain-rows: 240\nbuckets: 1000\nmax-passes: 1\nvariants: none,max_entropy\nthreads: 1\n"
                + "quiet: true\nreport: " + report + "\n");
        Result s = run("experiment", "sparsenn-passes", "--config", study.toString());
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("max_entropy") && Files.exists(report), s.out());
    }

    @Test
    void ctrTrainOnACriteoFile(@TempDir Path dir) throws Exception {
        Path f = criteoLike(dir, null);
        Result r = run("ctr-train", "--data", f.toString(), "--train-rows", "240", "--buckets", "1000", "--passes", "2", "--quiet",
                "--collision-report", "--diagnostics");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pass 2:") && r.out().contains("test  all"), r.out());
        // --diagnostics: a table per pass, one row per group, steps per pass (240 rows in batches of 256: 1 step)
        for (int p = 1; p <= 2; p++) {
            String t = r.out().substring(r.out().indexOf("pass " + p + " optimizer figures"));
            for (String g : new String[] {"embeddings", "mlp_weights", "mlp_biases"}) {
                assertTrue(t.lines().anyMatch(l -> l.strip().startsWith(g + " ") && l.strip().split("\\s+")[1].equals("1")), g + " in\n" + t);
            }
        }
        assertTrue(r.out().contains("C26"), "collision report printed");
        Path model = dir.resolve("m.sptr");
        r = run("ctr-train", "--data", f.toString(), "--train-rows", "240", "--buckets", "1000", "--quiet", "--save", model.toString(),
                "--model", "fm", "--refit-bias");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("bias re-fit: every logit shifted by"), r.out());
        assertTrue(dev.sparsetrain.core.io.ModelFile.read(model).metadata().containsKey("bias-refit-shift"), "the shift is recorded");
        dev.sparsetrain.models.sparsenn.SparseNN m = dev.sparsetrain.models.sparsenn.SparseNN.load(model);
        assertEquals(dev.sparsetrain.models.sparsenn.ModelConfig.Type.FM, m.config().type());
        assertEquals(26, m.numSparse());
    }

    /** The "pass 3:" block of a ctr-train output (train running NE and the test figures). */
    static String pass(String out, int p) {
        int a = out.indexOf("pass " + p + ":"), b = out.indexOf("training:", a);
        return a < 0 || b < 0 ? "(pass " + p + " missing)\n" + out : out.substring(a, b);
    }

    @Test
    void checkpointAfterEachPassAndResume(@TempDir Path dir) throws Exception {
        Path f = criteoLike(dir, null);
        String[] common = {"ctr-train", "--data", f.toString(), "--train-rows", "240", "--buckets", "1000", "--quiet",
                "--sparse-dropout", "0.1"};
        Result straight = run(cat(common, "--passes", "3"));
        assertEquals(0, straight.code(), straight.err());

        Path ck = dir.resolve("ck");
        Result first = run(cat(common, "--passes", "1", "--checkpoint-dir", ck.toString()));
        assertEquals(0, first.code(), first.err());
        Path pass1 = ck.resolve("ctr-pass-001.ckpt");
        assertTrue(Files.exists(pass1) && first.out().contains("checkpoint: "), first.out());

        Result resumed = run(cat(common, "--passes", "3", "--resume", pass1.toString(), "--threads", "1"));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resumed: " + pass1 + " after 1 of 3 passes"), resumed.out());
        assertTrue(!resumed.out().contains("pass 1:"), "pass 1 is not trained again");
        assertEquals(pass(straight.out(), 3), pass(resumed.out(), 3), "the resumed run ends where the straight one does");

        // a checkpoint that already holds the passes asked for: one line, nothing trained
        Result done = run(cat(common, "--passes", "1", "--resume", pass1.toString()));
        assertEquals(2, done.code(), done.err());
        assertTrue(done.err().contains("already holds 1 passes; give --passes above 1"), done.err());

        // a checkpoint is also a model file for ctr-predict
        Result p = run("ctr-predict", "--model", pass1.toString(), "--data", f.toString(), "--out", dir.resolve("p.csv").toString());
        assertEquals(0, p.code(), p.err());

        // other options, or a model saved without trainer state: one line, exit 2
        Result other = run(cat(common, "--passes", "3", "--resume", pass1.toString(), "--mlp-lr", "0.01"));
        assertEquals(2, other.code());
        assertTrue(other.err().startsWith("sparsetrain: " + pass1 + ": checkpoint of another training configuration")
                && other.err().strip().lines().count() == 1, other.err());
        Result fewer = run(cat(common, "--passes", "2", "--resume", pass1.toString(), "--dim", "4"));
        assertEquals(2, fewer.code());
        assertTrue(fewer.err().contains("checkpoint of another model"), fewer.err());
        Path model = dir.resolve("m.sptr");
        assertEquals(0, run(cat(common, "--save", model.toString())).code());
        Result plain = run(cat(common, "--passes", "2", "--resume", model.toString()));
        assertEquals(2, plain.code());
        assertTrue(plain.err().contains("not a ctr-train checkpoint"), plain.err());
        Files.write(dir.resolve("broken.ckpt"), java.util.Arrays.copyOf(Files.readAllBytes(pass1), 100));
        Result broken = run(cat(common, "--passes", "2", "--resume", dir.resolve("broken.ckpt").toString()));
        assertEquals(2, broken.code(), broken.err());
    }

    @Test
    void badTrainingOptionsNameTheOption() {
        String[][] cases = {
            {"--emb-optimizer", "adamz", "sparsetrain: --emb-optimizer 'adamz': unknown optimizer 'adamz', allowed: sgd, "},
            {"--mlp-optimizer", "lbfgs", "sparsetrain: --mlp-optimizer 'lbfgs': unknown optimizer 'lbfgs', allowed: sgd, "},
            {"--mlp-lr", "-1", "sparsetrain: --mlp-lr -1.0: adam lr=-1.0, must be >= 0 and finite"},
            {"--optimizer", "mlp=adam", "sparsetrain: --optimizer 'mlp=adam': unknown group 'mlp', groups: embeddings, linear, mlp_weights, mlp_biases, all"},
            {"--emb-l2", "-0.1", "sparsetrain: --emb-l2 -0.1: must be a finite number >= 0 (0 = off)"},
            {"--mlp-clip-norm", "-1", "sparsetrain: --mlp-clip-norm -1.0: must be a finite number >= 0 (0 = off)"},
            {"--sparse-dropout", "1", "sparsetrain: --sparse-dropout 1.0: must be in [0, 1) (0 = off)"},
            {"--batch", "0", "sparsetrain: --batch 0: must be >= 1"},
        };
        for (String[] c : cases) {
            Result r = run("ctr-train", "--synthetic-rows", "200", "--quiet", c[0], c[1]);
            assertEquals(ExitCodes.BAD_INPUT, r.code(), c[0]);
            assertTrue(r.err().strip().startsWith(c[2]) && r.err().strip().lines().count() == 1, r.err());
        }
        Result ok = run("ctr-train", "--synthetic-rows", "400", "--quiet", "--emb-optimizer", "Rowwise-Adagrad");
        assertEquals(0, ok.code(), ok.err());
    }

    static String[] cat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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
        assertTrue(html.contains("How far the parameters move on each pass") && html.contains("embeddings update/weight"),
                "report has the per-pass optimizer figures");
    }

    @Test
    void benchmarkPrintsThroughputAndMemory() {
        Result r = run("benchmark", "sparsenn", "--rows", "20000", "--buckets", "10000");
        assertEquals(0, r.code(), r.err());
        System.out.print(r.out());
        assertTrue(r.out().contains("samples/s") && r.out().contains("peak memory"), r.out());
    }

    /** Regression: an empty click log said "--train-rows 0, must be in [1, -1] (0 rows read)". */
    @Test
    void emptyDataFileNamesTheFileInOneLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("empty.tsv");
        Files.writeString(f, "");
        Result r = run("ctr-train", "--data", f.toString(), "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: " + f + ": 0 data rows, need at least 2 (one to train, one to test)", r.err().strip());
    }

    /** Regression: a folder given as --data was reported as "no such file". */
    @Test
    void dataFolderIsReportedAsAFolder(@TempDir Path dir) {
        Result r = run("ctr-train", "--data", dir.toString(), "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: " + dir + ": is a directory, expected a click log file", r.err().strip());
    }

    /**
     * Regression: an unwritable --report was found only after the whole study had trained, and then
     * crashed as an internal error (exit 1); an unwritable --save was found only after training.
     * Both are now refused before any training, in one line with exit code 2, and nothing is written.
     */
    @Test
    void unwritableOutputsAreRefusedBeforeTraining(@TempDir Path dir) throws Exception {
        Path f = criteoLike(dir, null);
        Path notAFolder = dir.resolve("plain.txt");
        Files.writeString(notAFolder, "x");
        Path report = notAFolder.resolve("r.html");
        Result r = run("experiment", "sparsenn-passes", "--data", f.toString(), "--train-rows", "240", "--buckets", "100", "--variants", "none",
                "--max-passes", "1", "--report", report.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertEquals("sparsetrain: --report " + report + ": " + notAFolder + " is a file, not a folder", r.err().strip());
        assertEquals("", r.out(), "refused before loading data or training");
        r = run("ctr-train", "--data", f.toString(), "--quiet", "--buckets", "100", "--save", notAFolder.resolve("m.sptr").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().strip().startsWith("sparsetrain: --save ") && !r.err().strip().contains("\n"), r.err());
        assertEquals("", r.out(), "refused before training");
        r = run("ctr-train", "--data", f.toString(), "--quiet", "--buckets", "100", "--save", dir.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertEquals("sparsetrain: --save " + dir + ": is a folder, expected a file", r.err().strip());
        try (var files = Files.list(dir)) {
            assertEquals(java.util.Set.of("mini.tsv", "plain.txt"), files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
                    "no output or temporary file left");
        }
    }

    /**
     * Regression: experiment sparsenn-passes listed --passes in its help and silently ignored it
     * (--max-passes rules); it is now an option of ctr-train only.
     */
    @Test
    void passesIsAnOptionOfCtrTrainOnlyNotOfTheStudy() {
        Result r = run("experiment", "sparsenn-passes", "--passes", "5", "--synthetic-rows", "100");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().startsWith("sparsetrain: Unknown options: '--passes'"), r.err());
        assertTrue(!run("experiment", "sparsenn-passes", "--help").out().contains("--passes=") , "not in the study's help");
        assertTrue(run("ctr-train", "--help").out().contains("--passes="), "in ctr-train's help");
    }

    /** Regression: "80% of the rows" in a description made picocli print three format warnings on every --help. */
    @Test
    void helpPrintsEveryDefaultWithoutFormatWarnings() {
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        Result r;
        try {
            r = run("ctr-train", "--help");
        } finally {
            System.setErr(old);
        }
        assertEquals(0, r.code());
        assertEquals("", captured.toString() + r.err(), "no picocli warnings");
        assertTrue(r.out().replaceAll("\\s+", " ").contains("Default: 80% of the rows."), r.out());
    }

    /** Regression: --train-rows, --format, ... without --data, and --synthetic-rows with --data, were silently ignored. */
    @Test
    void optionsThatDoNotApplyToTheDataSourceAreRefused(@TempDir Path dir) throws Exception {
        Result r = run("ctr-train", "--train-rows", "100", "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: --train-rows applies to a click log given with --data; without --data the rows are synthetic"
                + " (see --synthetic-rows, --synthetic-shape)", r.err().strip());
        Path f = criteoLike(dir, null);
        r = run("experiment", "sparsenn-passes", "--data", f.toString(), "--synthetic-rows", "500");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: --synthetic-rows applies to synthetic data only, but --data " + f + " was given", r.err().strip());
    }

    /** Regression: --freeze embeddings,mlp trained nothing and printed the untrained model's figures as results. */
    @Test
    void freezingEveryGroupIsRefused() {
        Result r = run("ctr-train", "--freeze", "embeddings,mlp", "--synthetic-rows", "100", "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: --freeze embeddings,mlp freezes every group, nothing would train; allowed: embeddings or mlp", r.err().strip());
    }

    /** A regularizer of a frozen group never acts: refused in one line, not silently ignored. */
    @Test
    void regularizersOfAFrozenGroupAreRefused() {
        String[][] cases = {{"embeddings", "--emb-l2", "0.01"}, {"embeddings", "--emb-entropy", "0.01"}, {"embeddings", "--max-norm", "1"},
                {"mlp", "--mlp-l2", "0.001"}, {"mlp", "--mlp-clip-norm", "1"}};
        for (String[] c : cases) {
            Result r = run("ctr-train", "--freeze", c[0], c[1], c[2], "--synthetic-rows", "100", "--quiet");
            assertEquals(ExitCodes.BAD_INPUT, r.code(), String.join(" ", c));
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(c[1] + " ") && r.err().contains("has no effect with --freeze " + c[0]), r.err());
        }
        assertEquals(0, run("ctr-train", "--freeze", "embeddings", "--mlp-l2", "0.001", "--synthetic-rows", "100", "--quiet").code(),
                "the other group's regularizer is fine");
    }

    /** Regression: the study had no --quiet, so scripted runs always got progress lines on stderr. */
    @Test
    void studyQuietPrintsNothingOnStderr(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("r.html");
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        Result r, loud;
        try {
            r = run("experiment", "sparsenn-passes", "--synthetic-rows", "400", "--variants", "none", "--max-passes", "1", "--quiet",
                    "--report", report.toString());
            String quietErr = captured.toString();
            loud = run("experiment", "sparsenn-passes", "--synthetic-rows", "400", "--variants", "none", "--max-passes", "1",
                    "--report", report.toString());
            assertEquals("", quietErr + r.err());
            assertTrue(captured.toString().contains("none"), "without --quiet the progress line names the variant: " + captured);
        } finally {
            System.setErr(old);
        }
        assertEquals(0, r.code(), r.err());
        assertEquals(0, loud.code(), loud.err());
        assertTrue(Files.readString(report).contains("<svg"));
    }

    /** Regression: --buckets 2000000000 or a huge --dim was an internal error (exit 1), and crashed the benchmark with OutOfMemoryError. */
    @Test
    void embeddingTablesThatCannotExistAreRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path f = criteoLike(dir, null);
        Result r = run("ctr-train", "--data", f.toString(), "--quiet", "--buckets", "2000000000");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().startsWith("sparsetrain: --buckets 2000000000, --dim 16: ") && r.err().strip().lines().count() == 1, r.err());
        r = run("benchmark", "sparsenn", "--buckets", "2000000000", "--rows", "1000");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().contains("exceeds one Java array"), r.err());
        // fits in one array each, but 26 x 80M x 16 floats are far beyond any test JVM's heap
        r = run("benchmark", "sparsenn", "--buckets", "80000000", "--rows", "1000");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().contains("GiB before optimizer state") && r.err().contains("SPARSETRAIN_JAVA_OPTS"), r.err());
    }

    /** Regression: bad strata thresholds were reported with Java field names ("strata: frequentFrom=10, must be > rareBelow=100"). */
    @Test
    void strataThresholdsAreReportedWithTheirOptionNames() {
        Result r = run("ctr-train", "--synthetic-rows", "100", "--quiet", "--rare-below", "100", "--frequent-from", "10");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: --frequent-from 10, must be > --rare-below 100", r.err().strip());
        r = run("ctr-train", "--synthetic-rows", "100", "--quiet", "--rare-below", "0");
        assertEquals("sparsetrain: --rare-below 0, must be >= 1", r.err().strip());
    }

    /** Regression: --mlp-dropout, --interaction, --bottom, --top (and --dim for logistic) were silently ignored by logistic and FM models. */
    @Test
    void optionsTheChosenModelLacksAreRefused() {
        Result r = run("ctr-train", "--synthetic-rows", "100", "--quiet", "--model", "logistic", "--mlp-dropout", "0.5");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: --mlp-dropout does not apply to --model logistic (one weight per id, a linear dense part); it applies to"
                + " --model sparsenn", r.err().strip());
        r = run("ctr-train", "--synthetic-rows", "100", "--quiet", "--model", "fm", "--interaction", "concat");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: --interaction does not apply to --model fm (no MLP); it applies to --model sparsenn", r.err().strip());
        r = run("ctr-train", "--synthetic-rows", "100", "--quiet", "--model", "fm", "--dim", "4");
        assertEquals(0, r.code(), r.err());
    }
}
