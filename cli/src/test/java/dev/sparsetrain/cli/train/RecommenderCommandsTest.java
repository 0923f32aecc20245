package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train / evaluate / recommend through Main.run with injected writers (no subprocess). */
class RecommenderCommandsTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.run(args, new PrintWriter(o), new PrintWriter(e));
        return new Run(code, o.toString(), e.toString());
    }

    private String[] small(String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--synthetic-users", "300", "--synthetic-items", "200", "--quiet"));
        if (!List.of(extra).contains("--epochs")) a.addAll(List.of("--epochs", "3"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void trainsEvaluatesAndRecommendsOnSyntheticData() {
        Path model = dir.resolve("m.model");
        Run r = run(small("--out", model.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("auc") && r.out().contains("popularity") && r.out().contains("saved"), r.out());
        assertTrue(Files.exists(model));
        Run ev = run("evaluate", "--model", model.toString(), "-k", "10");
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("ndcg@10"), ev.out());
        Run rec = run("recommend", "--model", model.toString(), "--user", "5", "-k", "3");
        assertEquals(0, rec.code(), rec.err());
        assertEquals(3 + 2, rec.out().strip().split("\n").length, rec.out());
    }

    /** --negative-collision skip (implicit's rule) trains: well above popularity, the setting recorded in the model file. */
    @Test
    void skippingCollisionsStillTrains() throws IOException {
        Path model = dir.resolve("skip.model");
        Run r = run(small("--negative-collision", "skip", "--out", model.toString()));
        assertEquals(0, r.code(), r.err());
        String[] auc = r.out().lines().filter(l -> l.startsWith("auc ")).findFirst().orElseThrow().trim().split("\\s+");
        assertTrue(Double.parseDouble(auc[1]) > Double.parseDouble(auc[2]) + 0.05, r.out());
        assertEquals("skip", dev.sparsetrain.core.io.ModelFile.read(model).metadata().get("negative-collision"), "recorded in the file");
    }

    /**
     * --resume takes the checkpoint's sampling and validation options (--negative-collision skip,
     * --positives pairs, --patience 3, --validate-every 2 here) when not given again: the result
     * equals the uninterrupted run.
     */
    @Test
    void resumeSamplesAsTheCheckpointedRun() throws IOException {
        Path ck = dir.resolve("ck"), full = dir.resolve("full.model"), resumed = dir.resolve("resumed.model");
        Run a = run(small("--epochs", "4", "--threads", "1", "--negative-collision", "skip", "--positives", "pairs",
                "--patience", "3", "--validate-every", "2",
                "--checkpoint-every", "2", "--checkpoint-dir", ck.toString(), "--out", full.toString()));
        assertEquals(0, a.code(), a.err());
        Run b = run(small("--epochs", "4", "--threads", "1", "--resume", ck.resolve("bpr-synthetic-epoch-002.model").toString(),
                "--out", resumed.toString()));
        assertEquals(0, b.code(), b.err());
        var meta = dev.sparsetrain.core.io.ModelFile.read(resumed).metadata();
        assertEquals("skip", meta.get("negative-collision"));
        assertEquals("pairs", meta.get("positives"));
        assertEquals("3", meta.get("patience"));
        assertEquals("2", meta.get("validate-every"));
        assertArrayEquals(Files.readAllBytes(full), Files.readAllBytes(resumed), "resumed run equals the uninterrupted one");
    }

    @Test
    void sameSeedAndOneThreadGiveByteIdenticalModelFiles() throws IOException {
        Path a = dir.resolve("a.model"), b = dir.resolve("b.model");
        assertEquals(0, run(small("--threads", "1", "--seed", "5", "--out", a.toString())).code());
        assertEquals(0, run(small("--threads", "1", "--seed", "5", "--out", b.toString())).code());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void benchmarkPrintsThroughputWallTimeMemoryAndAuc() {
        Run r = run("benchmark", "bpr", "--data", "synthetic", "--epochs", "2", "--no-warmup");
        assertEquals(0, r.code(), r.err());
        for (String s : List.of("training samples/s", "training wall time", "peak memory", "AUC", "per-core rate")) {
            assertTrue(r.out().contains(s), s + " in " + r.out());
        }
    }

    @Test
    void commandLineDefaultsAreTheModelDefaults() {
        var cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        cl.parseArgs("train");
        TrainCommand t = cl.getSubcommands().get("train").getCommand();
        assertEquals(dev.sparsetrain.models.bpr.BprConfig.defaults(), t.bpr.config());
        var d = dev.sparsetrain.models.train.TrainerConfig.defaults();
        var c = t.training.config();
        assertEquals(d.epochs(), c.epochs());
        assertEquals(d.seed(), c.seed());
        assertEquals(d.threads(), c.threads());
        assertEquals(d.positives(), c.positives());
    }

    @Test
    void helpExplainsEveryOptionWithItsDefault() {
        Run r = run("train", "--help");
        assertEquals(0, r.code());
        for (String opt : List.of("--model", "--config", "--data", "--split", "--factors", "--lr", "--reg", "--bias-lr", "--bias-reg",
                "--optimizer", "--epochs", "--threads", "--seed", "--patience", "--checkpoint-every", "--resume", "--out")) {
            assertTrue(r.out().contains(opt), opt);
        }
        assertTrue(r.out().contains("Default: 64") && r.out().contains("Default: 0.15") && r.out().contains("Default: synthetic"), r.out());
    }

    @Test
    void optionsFromYamlAndJsonConfigFilesFlagsWin() throws IOException {
        Path y = dir.resolve("run.yaml");
        Files.writeString(y, "factors: 8\nepochs: 2\nsynthetic-users: 200\nsynthetic-items: 100\nquiet: true\nlr: 0.1\n");
        Run r = run("train", "--config", y.toString(), "--epochs", "1", "--out", dir.resolve("y.model").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("BPR-MF: 8 factors"), r.out());
        assertTrue(r.out().contains("1 epochs"), r.out());
        Path j = dir.resolve("run.json");
        Files.writeString(j, "{\"factors\": 4, \"epochs\": 1, \"synthetic-users\": 200, \"synthetic-items\": 100, \"quiet\": true}");
        Run rj = run("train", "--config", j.toString(), "--out", dir.resolve("j.model").toString());
        assertEquals(0, rj.code(), rj.err());
        assertTrue(rj.out().contains("BPR-MF: 4 factors"), rj.out());
        Files.writeString(j, "{\"factorz\": 4}");
        Run bad = run("train", "--config", j.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown option 'factorz'"), bad.err());
    }

    private void assertBadInput(Run r, String fragment, Path model) {
        assertEquals(2, r.code(), r.out() + r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].contains(fragment), lines[0]);
        assertFalse(Files.exists(model), "no model file left behind");
        try (var s = Files.list(model.getParent())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary file left");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void evaluateRecommendAndServeHelpShowsTheModelFilesDataAsTheDefault() {
        for (String c : new String[] {"evaluate", "recommend", "serve"}) {
            Run h = run(c, "--help");
            assertEquals(0, h.code(), h.err());
            String text = h.out().replaceAll("\\s+", " ");
            assertFalse(text.contains("Default: synthetic"), text);
            assertFalse(text.contains("Default: loo"), text);
            assertTrue(text.contains("lastfm, tiktok-diffmm (its own split; read from --data-root), or a delimited file of user, item[, weight] lines. Default: as recorded in the model file."), text);
            assertTrue(text.indexOf("--model=FILE Model file") < text.indexOf("--data=NAME|FILE synthetic"), "option order kept: " + text);
        }
        Run t = run("train", "--help");
        assertTrue(t.out().replaceAll("\\s+", " ").contains("Default: synthetic"), "train keeps its own default");
    }

    @Test
    void badOptionsNameTheOptionAndUnwritableOutputsFailBeforeTraining() throws IOException {
        Path model = dir.resolve("opt").resolve("bad.model");
        Files.createDirectories(model.getParent());
        assertBadInput(run(small("--lr", "-0.1", "--out", model.toString())), "--lr", model);
        assertBadInput(run(small("--bias-lr", "-1", "--out", model.toString())), "--bias-lr", model);
        assertBadInput(run(small("--optimizer", "adamx", "--out", model.toString())), "--optimizer: unknown optimizer 'adamx'", model);
        assertBadInput(run(small("--epochs", "0", "--out", model.toString())), "--epochs: 0", model);
        assertBadInput(run(small("--threads", "0", "--out", model.toString())), "--threads: 0", model);
        assertBadInput(run(small("--negative-collision", "retry", "--out", model.toString())),
                "--negative-collision 'retry': use redraw or skip", model);
        assertBadInput(run(small("--negative-exponent", "1", "--out", model.toString())),
                "--negative-exponent applies to --negatives popularity only; --negatives is uniform", model);
        Path folder = dir.resolve("a-folder");
        Files.createDirectories(folder);
        Run r = run(small("--out", folder.toString()));
        assertBadInput(r, "--out " + folder + ": is a folder, expected a file", model);
        assertFalse(r.out().contains("trained"), "refused before training: " + r.out());
        Path file = dir.resolve("a-file.txt");
        Files.writeString(file, "x");
        r = run(small("--export-npy", file.toString(), "--out", model.toString()));
        assertBadInput(r, "--export-npy " + file + ": exists and is not a folder", model);
        assertFalse(r.out().contains("trained"), "refused before training: " + r.out());
        assertBadInput(run(small("--out", file.resolve("x.model").toString())), "is a file, not a folder", model);
    }

    @Test
    void badInputGivesOneLineExitTwoAndNoModelFile() throws IOException {
        Path model = dir.resolve("out").resolve("bad.model");
        Files.createDirectories(model.getParent());
        assertBadInput(run(small("--data", dir.resolve("missing.tsv").toString(), "--out", model.toString())), "no such file", model);
        Path empty = dir.resolve("empty.tsv");
        Files.writeString(empty, "");
        assertBadInput(run(small("--data", empty.toString(), "--out", model.toString())), "the file is empty", model);
        Path cols = dir.resolve("cols.tsv");
        Files.writeString(cols, "1\t2\t5\n1\t3\n");
        assertBadInput(run(small("--data", cols.toString(), "--out", model.toString())), "cols.tsv:2: 2 columns, need at least 3", model);
        Path nan = dir.resolve("nan.tsv");
        Files.writeString(nan, "1\t2\t5\n2\t3\tgood\n");
        assertBadInput(run(small("--data", nan.toString(), "--out", model.toString())), "nan.tsv:2: rating 'good' is not a number", model);
        assertBadInput(run(small("--factors", "0", "--out", model.toString())), "factors: 0", model);
        Path ok = dir.resolve("ok.model");
        assertEquals(0, run(small("--out", ok.toString())).code());
        Run unknown = run("recommend", "--model", ok.toString(), "--user", "no-such-user");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("--user 'no-such-user': unknown user"), unknown.err());
        Path junk = dir.resolve("junk.model");
        Files.writeString(junk, "not a model");
        Run j = run("evaluate", "--model", junk.toString());
        assertEquals(2, j.code());
        assertTrue(j.err().contains("not a sparsetrain model file"), j.err());
    }

    @Test
    void trainsFromAGenericDelimitedFileWithStringIdsAndSkipsMalformedWhenAsked() throws IOException {
        Path f = dir.resolve("events.csv");
        StringBuilder sb = new StringBuilder("user,item,plays\n");
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int u = 0; u < 60; u++) for (int t = 0; t < 12; t++) sb.append("user").append(u).append(",song").append(r.nextInt(80)).append(",").append(1 + r.nextInt(9)).append('\n');
        sb.append("broken line\n");
        Files.writeString(f, sb);
        Path model = dir.resolve("csv.model");
        Run bad = run(small("--data", f.toString(), "--delimiter", "comma", "--header", "--out", model.toString()));
        assertEquals(2, bad.code());
        Run ok = run(small("--data", f.toString(), "--delimiter", "comma", "--header", "--skip-malformed", "--threshold", "2", "--out", model.toString()));
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("1 malformed lines skipped"), ok.out());
        Run rec = run("recommend", "--model", model.toString(), "--user", "user3", "-k", "2");
        assertEquals(0, rec.code(), rec.err());
        assertTrue(rec.out().contains("song"), rec.out());
    }

    @Test
    void checkpointsAndResumeWithEarlyStopping() throws IOException {
        Path ck = dir.resolve("ck");
        Run r = run(small("--threads", "1", "--epochs", "4", "--checkpoint-every", "2", "--checkpoint-dir", ck.toString(),
                "--out", dir.resolve("full.model").toString()));
        assertEquals(0, r.code(), r.err());
        Path two = ck.resolve("bpr-synthetic-epoch-002.model");
        assertTrue(Files.exists(two), r.out());
        Run res = run(small("--threads", "1", "--epochs", "4", "--resume", two.toString(), "--out", dir.resolve("resumed.model").toString()));
        assertEquals(0, res.code(), res.err());
        assertTrue(res.out().contains("resuming from"), res.out());
        assertArrayEquals(Files.readAllBytes(dir.resolve("full.model")), Files.readAllBytes(dir.resolve("resumed.model")));
        Run es = run(small("--epochs", "30", "--patience", "2", "--out", dir.resolve("es.model").toString()));
        assertEquals(0, es.code(), es.err());
        assertTrue(es.out().contains("for validation (early stopping on auc)"), es.out());
    }
}
