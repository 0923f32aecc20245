package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VBPR commands end to end on small data (parseArgs with injected writers, no subprocess). */
class VbprCommandsTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.run(args, new PrintWriter(o), new PrintWriter(e));
        return new Run(code, o.toString(), e.toString());
    }

    /** A tiny data folder: 3 users, 4 items, with features written by the caller. */
    Path folder() throws IOException {
        Path d = Files.createDirectories(dir.resolve("data"));
        Files.writeString(d.resolve("train.tsv"), "0\t0\n0\t1\n1\t1\n1\t2\n2\t0\n");
        Files.writeString(d.resolve("val.tsv"), "0\t2\n");
        Files.writeString(d.resolve("test.tsv"), "1\t3\n2\t3\n");
        return d;
    }

    static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static void assertBadInput(Run r, String... fragments) {
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), "one line: " + line);
        for (String f : fragments) assertTrue(line.contains(f), line + " should contain " + f);
    }

    /**
     * {@code train --model vbpr|visual} (on the command line, as {@code --model=}, or in a config
     * file) is routed to the subcommand {@code train vbpr} before picocli parses, so the arguments
     * are parsed once; both spellings train the same model, and BPR-MF refuses VBPR's options.
     */
    @Test
    void trainRoutesTheVbprModelsToItsSubcommandAndParsesOnce() throws IOException {
        String[] rest = {"--data", "synthetic", "--synthetic-users", "60", "--synthetic-items", "40", "--synthetic-dim", "8", "--epochs", "1",
                "--threads", "1", "--quiet"};
        Path a = dir.resolve("a.model"), b = dir.resolve("b.model"), y = dir.resolve("v.yaml");
        assertEquals(0, run(args(new String[] {"train", "--model", "visual"}, args(rest, "--out", a.toString()))).code());
        Run sub = run(args(new String[] {"train", "vbpr", "--model=visual"}, args(rest, "--out", b.toString())));
        assertEquals(0, sub.code(), sub.err());
        var ma = dev.sparsetrain.models.vbpr.VbprFiles.read(a).model();
        var mb = dev.sparsetrain.models.vbpr.VbprFiles.read(b).model();
        for (var t : ma.tables()) assertArrayEquals(t.data(), mb.table(t.name()).data(), t.name());

        assertArrayEquals(new String[] {"train", "vbpr", "--model=vbpr", "-x"}, Main.routeTrainModel(new String[] {"train", "--model=vbpr", "-x"}));
        assertArrayEquals(new String[] {"train", "--model", "bpr"}, Main.routeTrainModel(new String[] {"train", "--model", "bpr"}));
        Files.writeString(y, "model: vbpr\n");
        assertArrayEquals(new String[] {"train", "vbpr", "--config", y.toString()}, Main.routeTrainModel(new String[] {"train", "--config", y.toString()}));

        Run help = run("train", "--model", "vbpr", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("--visual-factors") && help.out().contains("--auto-balance"), "VBPR's own help: " + help.out());
        assertTrue(run("train", "--help").out().contains("vbpr"), "train's help lists the subcommand");
        assertBadInput(run("train", "--features", "f.npy"), "--features");
        assertBadInput(run("train", "--model", "vbrp"), "--model 'vbrp'", "bpr, vbpr or visual");
    }

    @Test
    void badFeatureFilesEndWithOneLineAndExitCode2() throws IOException {
        Path d = folder();
        Path rows = d.resolve("rows.bin");
        Files.write(rows, f32(1, 2, 3, 4, 5, 6, 7));   // 7 floats cannot make 4 rows
        assertBadInput(run("diagnose", "--data", d.toString(), "--features", rows.toString()), "rows.bin", "do not split into 4 rows");

        Path nan = d.resolve("nan.bin");
        Files.write(nan, f32(1, 2, 3, Float.NaN, 5, 6, 7, 8));
        assertBadInput(run("diagnose", "--data", d.toString(), "--features", nan.toString()), "nan.bin", "NaN", "finite");

        Path inf = d.resolve("inf.txt");
        Files.writeString(inf, "0 1 2\n1 3 inf\n2 1 1\n3 0 0\n");
        assertBadInput(run("lr-find", "--data", d.toString(), "--features", inf.toString()), "inf.txt:2", "finite");

        Path few = d.resolve("few.txt");
        Files.writeString(few, "0 1 2\n1 3 4\n2 1 1\n");
        assertBadInput(run("diagnose", "--data", d.toString(), "--features", few.toString()), "few.txt", "no feature line for item id '3'");

        Path i8 = d.resolve("ints.npy");
        String h = "{'descr': '<i8', 'fortran_order': False, 'shape': (4, 2), }";
        h = h + " ".repeat(64 - (10 + h.length() + 1) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) h.length())
                .put(h.getBytes(StandardCharsets.US_ASCII));
        Files.write(i8, b.array());
        assertBadInput(run("diagnose", "--data", d.toString(), "--features", i8.toString()), "ints.npy", "unsupported .npy dtype '<i8'");

        assertBadInput(run("diagnose", "--data", "synthetic", "--synthetic-dim", "16", "--feature-preprocessing", "zscore"), "zscore", "l2-row");
        assertBadInput(run("diagnose", "--data", "synthetic", "--synthetic-dim", "16", "--optimizer", "visual_projection=adam:-1"),
                "visual_projection=adam:-1", "adam lr=-1.0");
    }

    @Test
    void diagnoseFlagsSingleRateSgdOnRawLargeFeatures() {
        Run r = run("diagnose", "--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-dim", "256",
                "--feature-preprocessing", "none", "--optimizer", "all=sgd:0.00001", "--no-auto-balance", "--probe-samples", "5000");
        assertEquals(0, r.code(), r.err());
        System.out.println(r.out());
        assertTrue(r.out().contains("TOO FAST") || r.out().contains("TOO SLOW"), r.out());
        Run d = run("diagnose", "--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-dim", "256",
                "--probe-samples", "5000");
        assertEquals(0, d.code(), d.err());
        System.out.println(d.out());
        assertTrue(d.out().contains("auto-balance") && d.out().contains("verdict: balanced"), d.out());
    }

    @Test
    void diagnoseTakesAnyRuntimeOptimizerPerGroup() {
        Run r = run("diagnose", "--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-dim", "64",
                "--optimizer", "all=rmsprop:0.003", "--optimizer", "visual_projection=nadam:0.002", "--optimizer", "item_bias=rowwise-adagrad:0.05:0.001",
                "--no-auto-balance", "--probe-samples", "3000");
        assertEquals(0, r.code(), r.err());
        System.out.println(r.out());
        assertTrue(r.out().contains("user_factors=rmsprop:0.003") && r.out().contains("visual_projection=nadam:0.002")
                && r.out().contains("item_bias=rowwise_adagrad:0.05:0.001"), r.out());
        assertTrue(r.out().contains("median update/weight"), r.out());
        assertBadInput(run("diagnose", "--data", "synthetic", "--synthetic-dim", "16", "--optimizer", "user_visual=adamm:0.01"),
                "user_visual=adamm:0.01", "group 'user_visual'", "'adamm'", "sgd", "rowwise_adagrad", "nadam", "ftrl");
        assertBadInput(run("diagnose", "--data", "synthetic", "--synthetic-dim", "16", "--optimizer", "item_bias=adam:fast"),
                "item_bias=adam:fast", "group 'item_bias'", "adam lr=fast, must be a decimal number");
    }

    @Test
    void clipPerGroupFromTheCommandLine() {
        Run r = run("diagnose", "--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-dim", "256",
                "--feature-preprocessing", "none", "--optimizer", "all=sgd:0.00001", "--no-auto-balance", "--probe-samples", "5000",
                "--clip", "all=row-norm:5", "--clip", "visual_projection=global-norm:1", "--clip", "visual_bias=value:0.5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("item_bias=sgd:1.0E-5 clip row-norm:5.0")
                && r.out().contains("visual_projection=sgd:1.0E-5 clip global-norm:1.0")
                && r.out().contains("visual_bias=sgd:1.0E-5 clip value:0.5"), r.out());
        assertFalse(r.out().contains("probe diverged"), "clipped, the probe stays finite: " + r.out());
        // unclipped, the same rate diverges on these raw features, and diagnose's advice names the option
        Run plain = run("diagnose", "--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-dim", "256",
                "--feature-preprocessing", "none", "--optimizer", "all=sgd:0.00001", "--no-auto-balance", "--probe-samples", "5000");
        assertTrue(plain.out().contains("probe diverged") && plain.out().contains("--clip visual_bias=global-norm:"), plain.out());
        assertBadInput(run("diagnose", "--data", "synthetic", "--synthetic-dim", "16", "--clip", "item_bias=global-norm:1"),
                "item_bias=global-norm:1", "per sample", "row-norm or value");
        assertBadInput(run("diagnose", "--data", "synthetic", "--synthetic-dim", "16", "--clip", "item_bias=l2:1"),
                "item_bias=l2:1", "value, row-norm, global-norm");
        assertBadInput(run("diagnose", "--data", "synthetic", "--synthetic-dim", "16", "--clip", "item_bias=value:-1"),
                "item_bias=value:-1", "> 0");
        assertBadInput(run("diagnose", "--data", "synthetic", "--synthetic-dim", "16", "--clip", "gamma=value:1"), "unknown group 'gamma'");
    }

    /** A checkpoint written when its run stopped early has nothing left to resume: one line, exit code 2. */
    @Test
    void resumingARunThatStoppedEarlyIsRefused() throws IOException {
        Path ck = dir.resolve("stopped");
        Run r = run(args(new String[] {"train", "--model", "visual"}, args(SMALL, "--epochs", "40", "--patience", "1", "--checkpoint-every", "1",
                "--checkpoint-dir", ck.toString(), "--out", dir.resolve("m.model").toString(), "--quiet")));
        assertEquals(0, r.code(), r.err());
        Path last;
        try (var files = Files.list(ck)) {
            last = files.sorted().reduce((x, y) -> y).orElseThrow();
        }
        assertFalse(last.getFileName().toString().endsWith("-040.ckpt"), "patience 1 stops before 40 epochs: " + last);
        assertBadInput(run("train", "--model", "visual", "--resume", last.toString(), "--epochs", "60"), "stopped early", "nothing to resume");
    }

    static final String[] SMALL = {"--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-dim", "64", "--threads", "1"};

    static String[] args(String[] head, String... tail) {
        String[] a = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, a, head.length, tail.length);
        return a;
    }

    @Test
    void trainVbprTakesPerGroupOptimizersAndResumesFromACheckpointBitForBit() throws IOException {
        Path ck = dir.resolve("ck"), a = dir.resolve("a.model"), b = dir.resolve("b.model");
        Run r = run(args(new String[] {"train", "--model", "vbpr"}, args(SMALL, "--epochs", "4", "--optimizer", "all=rmsprop:0.003",
                "--optimizer", "visual_projection=adam:0.001", "--checkpoint-every", "2", "--checkpoint-dir", ck.toString(), "--out", a.toString(), "--quiet")));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("user_factors=rmsprop:0.003") && r.out().contains("visual_projection=adam:0.001"), r.out());
        Path two = ck.resolve("vbpr-synthetic-64-epoch-002.ckpt");
        assertTrue(Files.exists(two) && Files.exists(ck.resolve("vbpr-synthetic-64-epoch-004.ckpt")), r.out());
        Path history = dir.resolve("resumed.csv");
        Run res = run("train", "--model", "vbpr", "--resume", two.toString(), "--out", b.toString(), "--quiet", "--history", history.toString());
        assertEquals(0, res.code(), res.err());
        assertEquals(5, Files.readAllLines(history).size(), "a resumed run's history: the checkpoint's epochs and the new ones");
        assertTrue(res.out().contains("resuming from") && !res.out().contains("auto-balance ("), res.out());
        assertEquals(-1, Files.mismatch(a, b), "4 epochs straight == 2 + resume 2, byte for byte");

        // the forms mixed up, and bad checkpoints: one line, exit code 2
        assertBadInput(run("train", "--model", "bpr", "--optimizer", "adam", "--optimizer", "sgd"), "--optimizer given 2 times", "--model bpr takes one");
        assertBadInput(run("train", "--optimizer", "all=sgd:0.1"), "'all=sgd:0.1'", "--model vbpr|visual");
        assertBadInput(run(args(new String[] {"train", "--model", "vbpr"}, args(SMALL, "--optimizer", "adam"))), "'adam'", "GROUP=SPEC[:L2]", "--model bpr");
        assertBadInput(run("train", "--model", "visual", "--resume", a.toString()), "a.model", "not a checkpoint");
        Path cut = dir.resolve("cut.ckpt");
        byte[] bytes = Files.readAllBytes(two);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertBadInput(run("train", "--model", "vbpr", "--resume", cut.toString()), "cut.ckpt");
        assertBadInput(run("train", "--model", "vbpr", "--resume", two.toString(), "--factors", "8"), "--factors cannot change on resume");
        assertBadInput(run("train", "--model", "visual", "--resume", two.toString()), "a vbpr checkpoint, not --model visual");
    }

    @Test
    void aNegativeCheckpointIntervalIsRefusedBeforeTheDataIsRead() {
        Run r = run(args(new String[] {"train", "--model", "vbpr"}, args(SMALL, "--checkpoint-every", "-1")));
        assertBadInput(r, "--checkpoint-every -1", ">= 0");
        assertEquals("", r.out(), "nothing read or printed first");
    }

    @Test
    void trainVbprTakesAConfigFileWithPerGroupOptimizers() throws IOException {
        Path y = dir.resolve("visual.yaml"), out = dir.resolve("v.model");
        Files.writeString(y, "model: visual\ndata: synthetic\nsynthetic-users: 300\nsynthetic-items: 200\nsynthetic-dim: 64\nthreads: 1\nepochs: 2\n"
                + "optimizer: [all=sgd:0.05, visual_projection=adamw:0.002]\nquiet: true\n");
        Run r = run("train", "--config", y.toString(), "--epochs", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("visual_projection=adamw:0.002") && r.out().contains("user_visual=sgd:0.05") && !r.out().contains("item_bias="), r.out());
        assertTrue(r.out().contains("best epoch 1"), "the command line wins: " + r.out());
        Files.writeString(y, "model: vbpr\nlr: 0.1\n");
        assertBadInput(run("train", "--config", y.toString()), "unknown option 'lr'");
    }

    @Test
    void outputPathsThatCannotBeWrittenAreRefusedBeforeAnyWork() throws IOException {
        Path file = dir.resolve("taken.txt");
        Files.writeString(file, "x");
        assertBadInput(run("lr-find", "--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-dim", "64",
                "--out", file.toString()), "--out " + file, "exists and is not a folder");
        assertBadInput(run("experiment", "vbpr-ablation", "--data", "synthetic", "--report", dir.toString()), "--report " + dir, "is a folder, expected a file");
        assertBadInput(run("train", "--model", "vbpr", "--data", "synthetic", "--out", dir.toString()), "--out " + dir, "is a folder, expected a file");
        assertEquals("x", Files.readString(file));
    }

    @Test
    void lrFindWritesCsvAndSvgAndSuggestsARatePerGroup() throws IOException {
        Path out = dir.resolve("lr");
        Run r = run("lr-find", "--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-dim", "64",
                "--steps", "40", "--chunk", "256", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        System.out.println(r.out());
        String csv = Files.readString(out.resolve("lr-find.csv"));
        assertTrue(csv.startsWith("group,step,learning_rate,loss,smoothed_loss"), csv.substring(0, 60));
        for (String g : new String[] {"item_bias", "user_factors", "item_factors", "user_visual", "visual_projection", "visual_bias"}) {
            assertTrue(csv.contains(g + ","), g);
            assertTrue(r.out().contains(g), g);
        }
        assertTrue(Files.readString(out.resolve("lr-find.svg")).contains("<svg"));
    }

    @Test
    void ablationPrintsTheTableAndWritesTheReport() throws IOException {
        Path html = dir.resolve("ablation.html");
        Run r = run("experiment", "vbpr-ablation", "--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200",
                "--synthetic-dim", "64", "--epochs", "4", "--sweep", "1e-4,1e-3", "--report", html.toString());
        assertEquals(0, r.code(), r.err());
        System.out.println(r.out());
        for (String m : new String[] {"BPR-MF", "visual-only", "VBPR single-rate SGD", "VBPR per-group rates", "VBPR defaults", "cold AUC", "samples/s"}) {
            assertTrue(r.out().contains(m), m);
        }
        String page = Files.readString(html);
        assertTrue(page.contains("<svg") && page.contains("update/weight") && page.contains("Validation AUC"));
    }

    @Test
    void evaluatingAFolderTrainedModelRefusesTheSyntheticSizes() throws IOException {
        Path d = folder();
        Path feats = d.resolve("f.bin");
        Files.write(feats, f32(1, 2, 3, 4, 5, 6, 7, 8));
        Path m = dir.resolve("m.model");
        Run t = run("train", "--model", "vbpr", "--data", d.toString(), "--features", feats.toString(), "--epochs", "1", "--threads", "1",
                "--out", m.toString(), "--quiet");
        assertEquals(0, t.code(), t.err());
        assertEquals(0, run("evaluate", "--model", m.toString()).code());
        // was silently ignored (exit 0): the model's data is a folder, not the synthetic set
        assertBadInput(run("evaluate", "--model", m.toString(), "--synthetic-dim", "16"), "--synthetic-dim", "synthetic data only");
        assertBadInput(run("recommend", "--model", m.toString(), "--user", "0", "--synthetic-users", "5"), "--synthetic-users", "synthetic data only");
    }

    @Test
    void optionsACommandWouldIgnoreAreRefusedInOneLine() {
        // each of these ran to exit 0 with the option silently ignored (the trainer never saw it)
        String[] syn = {"--data", "synthetic", "--synthetic-users", "30", "--synthetic-items", "20", "--synthetic-dim", "8"};
        assertBadInput(run(concat(new String[] {"experiment", "vbpr-ablation", "--lr-multiplier", "item_factors=10"}, syn)),
                "--lr-multiplier", "does not apply to experiment vbpr-ablation");
        assertBadInput(run(concat(new String[] {"experiment", "vbpr-ablation", "--model", "visual"}, syn)), "--model", "vbpr-ablation");
        assertBadInput(run(concat(new String[] {"lr-find", "--cosine-restarts", "2"}, syn)), "--cosine-restarts", "does not apply to lr-find");
        assertBadInput(run(concat(new String[] {"lr-find", "--no-auto-balance"}, syn)), "--auto-balance", "lr-find");
        assertBadInput(run(concat(new String[] {"lr-find", "--epochs", "3"}, syn)), "--epochs", "lr-find");
        assertBadInput(run(concat(new String[] {"diagnose", "--epochs", "3"}, syn)), "--epochs", "does not apply to diagnose");
        assertBadInput(run(concat(new String[] {"diagnose", "--restarts", "3"}, syn)), "--restarts", "diagnose");
        assertBadInput(run(concat(new String[] {"diagnose", "--balance-target", "NaN"}, syn)), "--balance-target NaN", "finite number > 0");
        // --features with synthetic data and the synthetic sizes with a folder were silently ignored
        assertBadInput(run(concat(new String[] {"diagnose", "--features", "x.npy"}, syn)), "--features x.npy", "generates its own item features");
        assertBadInput(run("diagnose", "--data", "tiktok-diffmm", "--synthetic-dim", "16"), "--synthetic-dim", "--data synthetic only");
        // options the chosen variant has no part for (each was accepted and ignored, exit 0)
        assertBadInput(run(concat(new String[] {"diagnose", "--model", "visual", "--item-id-dropout", "0.5"}, syn)),
                "--item-id-dropout 0.5", "--model vbpr only");
        assertBadInput(run(concat(new String[] {"diagnose", "--model", "visual", "--factors", "7"}, syn)), "--factors 7", "no ID factors");
        // BPR-MF is BprModel, trained by 'train --model bpr'; VBPR's commands refuse it in one line
        assertBadInput(run(concat(new String[] {"diagnose", "--model", "bpr", "--visual-factors", "7"}, syn)), "--model 'bpr'", "train --model bpr");
    }

    @Test
    void hugeUserOrItemIndicesAreRefusedInOneLine() throws IOException {
        Path d = folder();
        Path feats = d.resolve("f.bin");
        Files.write(feats, f32(1, 2, 3, 4, 5, 6, 7, 8));
        // 200M users x 64 factors: was "internal error: IllegalArgumentException: table 'user_factors' ... exceed one Java array", exit 1
        Files.writeString(d.resolve("train.tsv"), "0\t0\n0\t1\n1\t1\n1\t2\n200000000\t0\n");
        assertBadInput(run("train", "--model", "vbpr", "--data", d.toString(), "--features", feats.toString(), "--epochs", "1",
                "--out", dir.resolve("m.model").toString()), "200000001 users", "exceed one Java array", "dense 0-based");
        assertFalse(Files.exists(dir.resolve("m.model")));
        // 2^31-1 overflowed the user count (u + 1) and was reported as "outside 3 users"
        Files.writeString(d.resolve("train.tsv"), "0\t0\n0\t1\n1\t1\n1\t2\n2147483647\t0\n");
        assertBadInput(run("train", "--model", "vbpr", "--data", d.toString(), "--features", feats.toString(), "--epochs", "1",
                "--out", dir.resolve("m.model").toString()), "train.tsv:5", "2147483647", "too large");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void benchmarkReportsSamplesPerSecond() {
        Run r = run("benchmark", "vbpr", "--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-dim", "64",
                "--warmup-epochs", "1", "--measure-epochs", "2");
        assertEquals(0, r.code(), r.err());
        System.out.println(r.out());
        assertTrue(r.out().contains("samples/s"), r.out());
        assertTrue(r.out().contains("samples per CPU-second of the process") && r.out().contains("machine load"), r.out());
    }

    /** A VBPR part-file set (as the sharded Spark trainer saves it) serves as the one file does. */
    @Test
    void evaluateAndRecommendReadAVbprPartFileSet(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("v.model"), set = dir.resolve("v-parts");
        assertEquals(0, run(args(new String[] {"train", "--model", "vbpr"}, args(SMALL, "--epochs", "2", "--out", file.toString()))).code());
        var loaded = dev.sparsetrain.models.vbpr.VbprFiles.read(file);
        var cfg = dev.sparsetrain.models.vbpr.VbprConfig.defaults(dev.sparsetrain.models.vbpr.Variant.VBPR).withFactors(32, 32);
        dev.sparsetrain.models.vbpr.VbprFiles.saveParts(set, loaded.model(), cfg, loaded.metadata(), 3);
        assertTrue(dev.sparsetrain.models.sparsenn.ShardedModelFiles.isSharded(set));
        Run a = run("evaluate", "--model", file.toString()), b = run("evaluate", "--model", set.toString());
        assertEquals(0, b.code(), b.err());
        // the same figures (the line with the evaluation's wall time aside)
        assertEquals(a.out().replace(file.toString(), "M").replaceAll("items, [0-9.]+ s\\)", "items)"),
                b.out().replace(set.toString(), "M").replaceAll("items, [0-9.]+ s\\)", "items)"));
        Run ra = run("recommend", "--model", file.toString(), "--user", "3", "-k", "10"), rb = run("recommend", "--model", set.toString(), "--user", "3", "-k", "10");
        assertEquals(0, rb.code(), rb.err());
        assertEquals(ra.out().replace(file.toString(), "M"), rb.out().replace(set.toString(), "M"));
        // a part of another save is refused in one line
        Path other = dir.resolve("w-parts");
        var cfg2 = cfg.withSeed(7);
        var m2 = loaded.model().copy();
        m2.table(dev.sparsetrain.models.vbpr.VbprModel.USER_VISUAL).data()[0] += 1;
        dev.sparsetrain.models.vbpr.VbprFiles.saveParts(other, m2, cfg2, loaded.metadata(), 3);
        String p0 = dev.sparsetrain.models.sparsenn.ShardedModelFiles.partName(0, 3);
        for (int s = 0; s < 3; s++) {
            String ps = dev.sparsetrain.models.sparsenn.ShardedModelFiles.partName(s, 3);
            if (java.util.Arrays.equals(Files.readAllBytes(set.resolve(ps)), Files.readAllBytes(other.resolve(ps)))) continue;
            Files.copy(other.resolve(ps), set.resolve(ps), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertBadInput(run("evaluate", "--model", set.toString()), "CRC-32", "another save");
            return;
        }
        throw new AssertionError("no part differs between the two saves (" + p0 + ")");
    }
}
