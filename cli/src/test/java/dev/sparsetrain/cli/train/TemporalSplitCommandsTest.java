package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.cli.CliRun;
import dev.sparsetrain.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --split last / time-ratio and --time-column through train, evaluate, recommend and resume (Main.run, no subprocess). */
class TemporalSplitCommandsTest {
    @TempDir Path dir;
    Path data;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** 150 users x 80 items, user, item, rating, time (comma-separated, with a header); preference drifts with time. */
    @BeforeEach
    void writeData() throws IOException {
        data = dir.resolve("events.csv");
        SplittableRandom rnd = new SplittableRandom(3);
        StringBuilder sb = new StringBuilder("user,item,rating,ts\n");
        for (int u = 0; u < 150; u++) {
            int n = 6 + rnd.nextInt(20);
            for (int k = 0; k < n; k++) {
                long t = 1_000_000 + rnd.nextInt(50_000);
                int item = (int) Math.floorMod((u % 7) * 11 + (t / 5_000) * 3 + rnd.nextInt(12), 80);
                sb.append('u').append(u).append(',').append('i').append(item).append(',').append(1 + rnd.nextInt(5)).append(',').append(t).append('\n');
            }
        }
        Files.writeString(data, sb);
    }

    private List<String> train(String split, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--delimiter", "comma", "--header", "--time-column", "3",
                "--split", split, "--factors", "8", "--threads", "1", "--quiet", "-k", "10"));
        a.addAll(List.of(extra));
        return a;
    }

    /** The metric table's rows, BPR-MF and popularity (the timing line left out). */
    private static List<String> table(String out) {
        List<String> rows = new ArrayList<>();
        for (String l : out.split("\n")) if (l.matches("(auc|mrr|recall@10|ndcg@10|precision@10|map@10|coverage@10) .*")) rows.add(l);
        assertEquals(7, rows.size(), out);
        return rows;
    }

    @Test
    void lastTrainedWithEarlyStoppingEvaluatesToTheSameFiguresFromTheSavedModel() {
        Path model = dir.resolve("last.model");
        CliRun t = run(train("last", "--epochs", "4", "--patience", "2", "--out", model.toString()).toArray(String[]::new));
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("split last: ") && t.out().contains("150 held out") && t.out().contains("150 for validation"), t.out());
        // evaluate reads data, --time-column and --split from the model's metadata
        CliRun e = run("evaluate", "--model", model.toString(), "-k", "10", "--threads", "1");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("split last"), e.out());
        assertEquals(table(t.out()), table(e.out()));
        CliRun r = run("recommend", "--model", model.toString(), "--user", "u3", "-k", "3");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void timeRatioRoundTripAndResumeRebuildTheSameSplit() {
        Path model = dir.resolve("tr.model"), ck = dir.resolve("ck");
        CliRun t = run(train("time-ratio", "--epochs", "2", "--test-fraction", "0.25", "--checkpoint-every", "1", "--checkpoint-dir", ck.toString(),
                "--out", model.toString()).toArray(String[]::new));
        assertEquals(0, t.code(), t.err());
        CliRun e = run("evaluate", "--model", model.toString(), "-k", "10", "--threads", "1");
        assertEquals(0, e.code(), e.err());
        assertEquals(table(t.out()), table(e.out()));
        // resume from epoch 1 with the same options: the split is rebuilt, the result equals the uninterrupted run
        Path resumed = dir.resolve("resumed.model");
        CliRun rs = run(train("time-ratio", "--epochs", "2", "--test-fraction", "0.25", "--resume", ck.resolve("bpr-events.csv-epoch-001.model").toString(),
                "--out", resumed.toString()).toArray(String[]::new));
        assertEquals(0, rs.code(), rs.err());
        assertEquals(table(t.out()), table(rs.out()));
    }

    /** --resume alone (no data or split options given again): the checkpoint's data, --time-column and --split are used, not train's defaults. */
    @Test
    void resumeAloneRebuildsTheCheckpointsSplit() throws IOException {
        Path model = dir.resolve("last.model"), ck = dir.resolve("ck"), resumed = dir.resolve("resumed.model");
        CliRun t = run(train("last", "--epochs", "2", "--checkpoint-every", "1", "--checkpoint-dir", ck.toString(), "--out", model.toString())
                .toArray(String[]::new));
        assertEquals(0, t.code(), t.err());
        CliRun rs = run("train", "--resume", ck.resolve("bpr-events.csv-epoch-001.model").toString(), "--factors", "8", "--threads", "1",
                "--quiet", "-k", "10", "--out", resumed.toString());
        assertEquals(0, rs.code(), rs.err());
        assertTrue(rs.out().contains("split last: "), rs.out());
        assertEquals(table(t.out()), table(rs.out()));
        assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(resumed), "resumed run equals the uninterrupted one");
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "user,item,rating,ts\nu1,i1,5,100\nu1,i2,4,yesterday\n");
        CliRun r = run("train", "--data", bad.toString(), "--delimiter", "comma", "--header", "--time-column", "3", "--split", "last", "--quiet");
        assertOneLine(r, "bad.csv:3", "'yesterday'", "whole number");
        List<String> noTime = new ArrayList<>(train("last"));
        int at = noTime.indexOf("--time-column");
        noTime.subList(at, at + 2).clear();
        assertOneLine(run(noTime.toArray(String[]::new)), "--split last:", "without a time column", "--time-column N");
        assertOneLine(run("train", "--split", "time-ratio", "--synthetic-users", "50", "--synthetic-items", "40", "--quiet"),
                "--split time-ratio: the synthetic data has no timestamps");
        assertOneLine(run("train", "--data", "ml-100k", "--time-column", "3"), "--time-column 3: applies to a --data FILE only");
        assertOneLine(run("train", "--time-column", "3", "--synthetic-users", "50", "--synthetic-items", "40", "--quiet"),
                "--time-column 3: applies to a --data FILE only; synthetic has no timestamps");   // was silently ignored
        // the file-format options were silently ignored for named and synthetic data (exit 0)
        assertOneLine(run("train", "--columns", "1,0", "--synthetic-users", "50", "--synthetic-items", "40", "--epochs", "1", "--quiet"),
                "--columns: applies to a --data FILE only; synthetic");
        assertOneLine(run("train", "--data", "ml-100k", "--delimiter", "comma", "--epochs", "1", "--quiet"),
                "--delimiter: applies to a --data FILE only; ml-100k");
        assertOneLine(run("train", "--data", "lastfm", "--header", "--epochs", "1", "--quiet"), "--header: applies to a --data FILE only; lastfm");
        // NaN is the reader's "no threshold": --threshold NaN trained on every pair (exit 0)
        assertOneLine(run("train", "--threshold", "NaN", "--synthetic-users", "50", "--synthetic-items", "40", "--epochs", "1", "--quiet"),
                "--threshold NaN: must be a finite number");
        assertOneLine(run("train", "--threshold", "4", "--synthetic-users", "50", "--synthetic-items", "40", "--epochs", "1", "--quiet"),
                "--threshold 4.0: applies to read data");   // was silently ignored
        List<String> clash = new ArrayList<>(train("last"));
        clash.set(clash.indexOf("--time-column") + 1, "1");   // the item column
        assertOneLine(run(clash.toArray(String[]::new)), "--time-column 1:", "other than user (0), item (1)");
        assertOneLine(run(train("time-ratio", "--test-fraction", "1.5").toArray(String[]::new)), "--test-fraction 1.5");
    }

    @Test
    void helpDescribesTheTemporalSplits() {
        CliRun r = run("train", "--help");
        String flat = r.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains("last (each user's latest item held out") && flat.contains("time-ratio") && flat.contains("--time-column"), r.out());
    }

    private static void assertOneLine(CliRun r, String... fragments) {
        assertEquals(2, r.code(), r.out() + r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        for (String f : fragments) assertTrue(lines[0].contains(f), f + " in " + lines[0] + " / " + Arrays.toString(lines));
    }
}
