package dev.sparsetrain.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteractionsTest {
    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void builderSortsAndMergesDuplicates() {
        var b = new Interactions.Builder().duplicatePolicy(Interactions.DuplicatePolicy.SUM);
        b.add("u1", "b", 2).add("u1", "a", 1).add("u2", "a", 5).add("u1", "b", 3);
        Interactions in = b.build();
        assertEquals(2, in.numUsers());
        assertEquals(2, in.numItems());
        assertEquals(3, in.size());
        assertEquals(1, b.duplicatesMerged());
        int u1 = in.users().indexOf("u1"), ib = in.items().indexOf("b");
        assertEquals(5f, in.weight(u1, ib));
        assertTrue(in.contains(u1, in.items().indexOf("a")));
        assertArrayEquals(new int[] {0, 1}, in.itemsOf(u1));
    }

    @Test
    void readerParsesStringIdsHeaderThresholdAndCrlf() throws IOException {
        Path f = write("x.csv", "user,item,score\r\nalice,m1,4\r\nbob,m2,2\r\nalice,m2,5\r\nalice,m1,3\r\n");
        var fmt = new DelimitedFormat(",", 0, 1, 2, true, StandardCharsets.UTF_8);
        var r = InteractionReader.read(f, fmt, ReadOptions.defaults().withThreshold(3));
        assertEquals(3, r.interactions().size() + (int) r.duplicatesMerged());
        assertEquals(1, r.belowThreshold());
        assertEquals(1, r.interactions().numUsers());
        assertEquals(4f, r.interactions().weight(0, r.interactions().items().indexOf("m1")));
    }

    @Test
    void aUtf8ByteOrderMarkIsNotPartOfTheFirstUserId() throws IOException {
        // Excel and Notepad save "UTF-8" with a BOM; it used to become part of user "1", making a 3rd user
        Path f = write("bom.tsv", "\uFEFF1\t10\t1\n1\t11\t1\n2\t10\t1\n");
        var r = InteractionReader.read(f, DelimitedFormat.tsv(), ReadOptions.defaults());
        assertEquals(2, r.interactions().numUsers());
        assertEquals(java.util.List.of("1", "2"), r.interactions().users().ids());
        assertEquals(2, r.interactions().itemsOf(r.interactions().users().indexOf("1")).length);
    }

    @Test
    void malformedLinesFailWithFileLineAndContentOrAreSkipped() throws IOException {
        Path f = write("bad.tsv", "1\t2\t5\n1\t3\n2\t4\tfive\n3\t1\t4\n");
        var e = assertThrows(BadInputException.class, () -> InteractionReader.read(f, DelimitedFormat.tsv(), ReadOptions.defaults()));
        assertTrue(e.getMessage().startsWith(f + ":2: 2 columns, need at least 3"), e.getMessage());
        assertTrue(e.getMessage().contains("'1\\t3'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        var r = InteractionReader.read(f, DelimitedFormat.tsv(), ReadOptions.defaults().withSkipMalformed(true));
        assertEquals(2, r.skipped());
        assertEquals(2, r.interactions().size());
        Path g = write("nan.tsv", "1\t2\tfive\n");
        var e2 = assertThrows(BadInputException.class, () -> InteractionReader.read(g, DelimitedFormat.tsv(), ReadOptions.defaults()));
        assertTrue(e2.getMessage().contains(":1: rating 'five' is not a number"), e2.getMessage());
    }

    @Test
    void aTwoColumnFileUnderTheDefaultWeightColumnSaysHowToReadIt() throws IOException {
        // --data's help promises "user, item [, weight] lines", but the default --columns 0,1,2 needs a weight;
        // the refusal said only "2 columns, need at least 3"
        Path f = write("pairs.tsv", "1\t10\n2\t11\n");
        var e = assertThrows(BadInputException.class, () -> InteractionReader.read(f, DelimitedFormat.tsv(), ReadOptions.defaults()));
        assertTrue(e.getMessage().startsWith(f + ":1: 2 columns, need at least 3"), e.getMessage());
        assertTrue(e.getMessage().contains("without a weight column needs columns 0,1"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        Path g = write("one.tsv", "1\n");
        var e2 = assertThrows(BadInputException.class, () -> InteractionReader.read(g, DelimitedFormat.tsv(), ReadOptions.defaults()));
        assertFalse(e2.getMessage().contains("needs columns"), e2.getMessage());
        var r = InteractionReader.read(f, new DelimitedFormat("\t", 0, 1, -1, false, StandardCharsets.UTF_8), ReadOptions.defaults());
        assertEquals(2, r.interactions().size());
    }

    @Test
    void aHeaderLineReadAsDataSuggestsHeader() throws IOException {
        Path f = write("h.tsv", "user\titem\trating\n1\t10\t5\n");
        var e = assertThrows(BadInputException.class, () -> InteractionReader.read(f, DelimitedFormat.tsv(), ReadOptions.defaults()));
        assertTrue(e.getMessage().startsWith(f + ":1: rating 'rating' is not a number; if this line is a header, give header"), e.getMessage());
        Path g = write("later.tsv", "1\t10\t5\n2\t11\tfive\n");
        var e2 = assertThrows(BadInputException.class, () -> InteractionReader.read(g, DelimitedFormat.tsv(), ReadOptions.defaults()));
        assertFalse(e2.getMessage().contains("give header"), e2.getMessage());
        assertEquals(1, InteractionReader.read(f, DelimitedFormat.tsv().withHeader(true), ReadOptions.defaults()).interactions().size());
    }

    @Test
    void missingAndEmptyFilesAreRefusedInOneLine() throws IOException {
        var e = assertThrows(BadInputException.class,
                () -> InteractionReader.read(dir.resolve("nope.tsv"), DelimitedFormat.tsv(), ReadOptions.defaults()));
        assertTrue(e.getMessage().endsWith("nope.tsv: file not found"), e.getMessage());
        Path empty = write("empty.tsv", "");
        var e2 = assertThrows(BadInputException.class, () -> InteractionReader.read(empty, DelimitedFormat.tsv(), ReadOptions.defaults()));
        assertTrue(e2.getMessage().contains("no interactions (the file is empty)"), e2.getMessage());
    }

    @Test
    void whitespaceDelimiter() throws IOException {
        Path f = write("w.txt", "  1   2  \n1\t3\n");
        var r = InteractionReader.read(f, new DelimitedFormat("whitespace", 0, 1, -1, false, StandardCharsets.UTF_8), ReadOptions.defaults());
        assertEquals(2, r.interactions().size());
    }

    @Test
    void splitsAreDisjointCompleteAndSeeded() {
        var all = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(200, 100, 20)).interactions();
        for (Split s : new Split[] {Splits.leaveOneOut(all, 42), Splits.perUserRatio(all, 0.2, 42), Splits.globalRatio(all, 0.2, 42)}) {
            assertEquals(all.size(), s.train().size() + s.test().size());
            for (int u = 0; u < all.numUsers(); u++) {
                for (int i : s.test().itemsOf(u)) {
                    assertFalse(s.train().contains(u, i));
                    assertTrue(all.contains(u, i));
                }
            }
            assertEquals(all.pairHash(), Splits.union(s.train(), s.test()).pairHash());
        }
        Split loo = Splits.leaveOneOut(all, 42);
        for (int u = 0; u < all.numUsers(); u++) assertEquals(1, loo.test().count(u));
        assertEquals(loo.test().pairHash(), Splits.leaveOneOut(all, 42).test().pairHash());
        assertNotEquals(loo.test().pairHash(), Splits.leaveOneOut(all, 43).test().pairHash());
        Split r = Splits.perUserRatio(all, 0.25, 1);
        for (int u = 0; u < all.numUsers(); u++) {
            assertEquals(Math.max(1, Math.round(all.count(u) * 0.25)), r.test().count(u));
        }
        assertThrows(BadInputException.class, () -> Splits.globalRatio(all, 1.5, 1));
    }

    @Test
    void uniformSamplerNeverReturnsAPositiveAndCoversTheComplement() {
        // user 0 owns most items (complement path), user 1 few (rejection path), user 2 all.
        int n = 50;
        int[] most = new int[45];
        for (int k = 0; k < 45; k++) most[k] = k + 3;
        int[] all = new int[n];
        for (int k = 0; k < n; k++) all[k] = k;
        Interactions in = Interactions.of(n, most, new int[] {1, 7, 9}, all);
        for (boolean bitset : new boolean[] {true, false}) {
            NegativeSampler s = NegativeSampler.uniform(in, bitset);
            SplittableRandom rnd = new SplittableRandom(3);
            int[] hist = new int[n];
            for (int t = 0; t < 20000; t++) {
                int j = s.sample(0, rnd);
                assertFalse(in.contains(0, j));
                hist[j]++;
                int j1 = s.sample(1, rnd);
                assertFalse(in.contains(1, j1));
            }
            for (int j = 0; j < n; j++) {
                if (!in.contains(0, j)) assertTrue(Math.abs(hist[j] - 4000) < 400, "item " + j + ": " + hist[j]);
            }
            assertEquals(-1, s.sample(2, rnd));
            for (int u = 0; u < 3; u++) for (int j = 0; j < n; j++) assertEquals(in.contains(u, j), s.member(u, j));
        }
    }

    @Test
    void popularitySamplerFollowsCountsToTheExponent() {
        // item k is owned by k users among users 1..; user 0 owns nothing.
        int n = 6, users = 6;
        int[][] lists = new int[users][];
        lists[0] = new int[0];
        for (int u = 1; u < users; u++) {
            int[] l = new int[n - u];
            for (int k = 0; k < l.length; k++) l[k] = u + k;
            lists[u] = l;
        }
        Interactions in = Interactions.of(n, lists);
        int[] c = in.itemCounts();
        NegativeSampler s = NegativeSampler.popularity(in, 1.0);
        SplittableRandom rnd = new SplittableRandom(5);
        int[] hist = new int[n];
        int draws = 200000;
        for (int t = 0; t < draws; t++) hist[s.sample(0, rnd)]++;
        double total = 0;
        for (int x : c) total += x;
        for (int j = 0; j < n; j++) assertEquals(c[j] / total, hist[j] / (double) draws, 0.01, "item " + j);
    }

    @Test
    void syntheticIsSeededAndHasPowerLawPopularity() {
        var cfg = SyntheticImplicit.Config.defaults().withSize(500, 300, 20);
        var a = SyntheticImplicit.generate(cfg);
        var b = SyntheticImplicit.generate(cfg);
        assertEquals(a.interactions().pairHash(), b.interactions().pairHash());
        assertNotEquals(a.interactions().pairHash(), SyntheticImplicit.generate(cfg.withSeed(7)).interactions().pairHash());
        int[] counts = a.interactions().itemCounts().clone();
        java.util.Arrays.sort(counts);
        int top = counts[counts.length - 1], median = counts[counts.length / 2];
        assertTrue(top > 3 * median, "top " + top + " median " + median);
    }
}
