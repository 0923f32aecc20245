package dev.sparsetrain.cli.train;

import static dev.sparsetrain.cli.train.SavedRecommenderCommandsTest.assertBadInput;
import static dev.sparsetrain.cli.train.SavedRecommenderCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.train.SavedRecommenderCommandsTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * recommend --users FILE / --all-users: every row equals what --user prints for that user, in the
 * order asked for, the same bytes at any thread count; --out is written atomically; bad input is
 * one line.
 */
class RecommendBatchTest {
    @TempDir static Path dir;
    static Path bpr, vbpr;

    @BeforeAll
    static void train() {
        bpr = dir.resolve("bpr.model");
        Run b = run("train", "--synthetic-users", "300", "--synthetic-items", "200", "--epochs", "2", "--threads", "1", "--quiet",
                "--out", bpr.toString());
        assertEquals(0, b.code(), b.err());
        vbpr = dir.resolve("vbpr.model");
        Run v = run("train", "--model", "vbpr", "--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200",
                "--synthetic-dim", "32", "--epochs", "1", "--threads", "1", "--seed", "7", "--quiet", "--out", vbpr.toString());
        assertEquals(0, v.code(), v.err());
    }

    /** "item score" pairs of --user's table, score as printed (4 decimals). */
    private static List<String> single(Path model, String user, int k) {
        Run r = run("recommend", "--model", model.toString(), "--user", user, "-k", "" + k);
        assertEquals(0, r.code(), r.err());
        List<String> rows = new ArrayList<>();
        for (String l : r.out().strip().split("\n")) {
            String[] f = l.strip().split("\\s+");
            if (f.length >= 3 && f[0].matches("\\d+")) rows.add(f[1] + " " + f[2]);
        }
        return rows;
    }

    /** The same pairs from the TSV rows of one user (score rounded like the table). */
    private static List<String> fromTsv(List<String> tsv, String user) {
        List<String> rows = new ArrayList<>();
        for (String l : tsv) {
            String[] f = l.split("\t");
            if (f[0].equals(user)) rows.add(f[2] + " " + String.format(java.util.Locale.ROOT, "%.4f", Float.parseFloat(f[3])));
        }
        return rows;
    }

    @Test
    void allUsersEqualsOneUserAtATimeAndIsTheSameAtAnyThreadCount() throws IOException {
        for (Path model : new Path[] {bpr, vbpr}) {
            Path one = dir.resolve(model.getFileName() + ".t1.tsv"), two = dir.resolve(model.getFileName() + ".t2.tsv");
            Run r1 = run("recommend", "--model", model.toString(), "--all-users", "-k", "5", "--threads", "1", "--out", one.toString());
            assertEquals(0, r1.code(), r1.err());
            assertTrue(r1.err().contains("top 5 for 300 users") && r1.err().contains("users/s"), r1.err());
            Run r2 = run("recommend", "--model", model.toString(), "--all-users", "-k", "5", "--threads", "2", "--out", two.toString());
            assertEquals(0, r2.code(), r2.err());
            assertEquals(Files.readString(one), Files.readString(two), "thread count changed the output");
            List<String> tsv = Files.readAllLines(one);
            assertEquals("user\trank\titem\tscore", tsv.get(0));
            List<String> body = tsv.subList(1, tsv.size());
            assertEquals(300 * 5, body.size());
            for (String u : new String[] {"1", "7", "300"}) {
                String user = model == vbpr ? Integer.toString(Integer.parseInt(u) - 1) : u;   // VBPR data: 0-based indices
                assertEquals(single(model, user, 5), fromTsv(body, user), model + " user " + user);
            }
            assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary file left");
        }
    }

    @Test
    void usersFileKeepsItsOrderAndStdoutGetsTheSameRows() throws IOException {
        Path users = dir.resolve("users.txt");
        Files.writeString(users, "# a comment\n42\n\n7\n42\n");
        Run r = run("recommend", "--model", bpr.toString(), "--users", users.toString(), "-k", "3");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(1 + 9, lines.size(), r.out());
        List<String> order = lines.subList(1, lines.size()).stream().map(l -> l.split("\t")[0]).distinct().toList();
        assertEquals(List.of("42", "7"), order);   // 42 twice, in the file's order
        assertEquals(lines.get(1), lines.get(7));
        assertEquals(single(bpr, "7", 3), fromTsv(lines.subList(4, 7), "7"));
    }

    /** A users file saved by a Windows editor: a UTF-8 byte-order mark and CRLF line ends read like a plain file. */
    @Test
    void usersFileWithByteOrderMarkAndCrlfReadsLikeAPlainOne() throws IOException {
        Path plain = dir.resolve("users-plain.txt"), windows = dir.resolve("users-windows.txt");
        Files.writeString(plain, "42\n7\n");
        Files.writeString(windows, "\uFEFF42\r\n7\r\n");
        Run a = run("recommend", "--model", bpr.toString(), "--users", plain.toString(), "-k", "3");
        assertEquals(0, a.code(), a.err());
        Run b = run("recommend", "--model", bpr.toString(), "--users", windows.toString(), "-k", "3");
        assertEquals(0, b.code(), b.err());
        assertEquals(a.out(), b.out());
    }

    @Test
    void badInputIsOneLine() throws IOException {
        Path users = dir.resolve("bad-users.txt");
        Files.writeString(users, "1\n2\nnobody\n");
        assertBadInput(run("recommend", "--model", bpr.toString(), "--users", users.toString()), "bad-users.txt:3", "'nobody'", "unknown user");
        assertBadInput(run("recommend", "--model", bpr.toString(), "--users", dir.resolve("missing.txt").toString()), "--users", "missing.txt");
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "42\nJos\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertBadInput(run("recommend", "--model", bpr.toString(), "--users", latin1.toString()), "--users", "latin1.txt", "not UTF-8");
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "# nothing\n");
        assertBadInput(run("recommend", "--model", bpr.toString(), "--users", empty.toString()), "no user ids");
        assertBadInput(run("recommend", "--model", bpr.toString(), "--user", "1", "--out", dir.resolve("x.tsv").toString()), "--out", "--all-users");
        assertBadInput(run("recommend", "--model", bpr.toString(), "--all-users", "--threads", "0"), "--threads 0");
        assertBadInput(run("recommend", "--model", bpr.toString(), "--all-users", "--out", dir.toString()), "--out", "is a folder");
        Run both = run("recommend", "--model", bpr.toString(), "--user", "1", "--all-users");
        assertEquals(ExitCodes.BAD_INPUT, both.code(), both.err());
        Run none = run("recommend", "--model", bpr.toString());
        assertEquals(ExitCodes.BAD_INPUT, none.code(), none.err());
        assertTrue(none.err().contains("--user") && none.err().contains("--all-users"), none.err());
    }
}
