package dev.sparsetrain.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timestamps through the reader, and the temporal splits (last, time-ratio) against slow references. */
class TemporalSplitsTest {
    @TempDir Path dir;

    private static final DelimitedFormat TIMED = new DelimitedFormat("\t", 0, 1, 2, false, StandardCharsets.UTF_8, 3);

    @Test
    void readerKeepsEachPairsTimestampAndTheLatestOfADuplicate() throws IOException {
        Path f = dir.resolve("r.tsv");
        // pair (a, x) three times: times 50, 900, 300 -> keeps 900; weights under MAX -> 5
        Files.writeString(f, "a\tx\t1\t50\na\ty\t4\t20\nb\tx\t3\t70\na\tx\t5\t900\na\tx\t2\t300\n");
        var r = InteractionReader.read(f, TIMED, ReadOptions.defaults());
        Interactions in = r.interactions();
        assertTrue(in.hasTimes());
        assertEquals(3, in.size());
        assertEquals(2, r.duplicatesMerged());
        assertEquals(900, timeOf(in, "a", "x"));
        assertEquals(5f, in.weight(in.users().indexOf("a"), in.items().indexOf("x")));
        assertEquals(20, timeOf(in, "a", "y"));
        assertEquals(70, timeOf(in, "b", "x"));
        // under LAST the weight is the last one in file order (2) but the time stays the latest (900)
        var last = InteractionReader.read(f, TIMED, ReadOptions.defaults().withDuplicates(Interactions.DuplicatePolicy.LAST)).interactions();
        assertEquals(2f, last.weight(last.users().indexOf("a"), last.items().indexOf("x")));
        assertEquals(900, timeOf(last, "a", "x"));
        // without a time column nothing is kept
        assertFalse(InteractionReader.read(f, DelimitedFormat.tsv(), ReadOptions.defaults()).interactions().hasTimes());
    }

    @Test
    void movieLens1mReadsTheTimestampsOfRatingsDatWhenPresent() throws IOException {
        // a made-up folder in the layout of ml-1m (no real data): ratings.dat wins over the TSV
        Path ml = Files.createDirectories(dir.resolve("movielens-1m"));
        Files.writeString(ml.resolve("ratings.dat"), "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n");
        Files.writeString(ml.resolve("ratings_no_timestamp.tsv"), "1\t1\t5\n");
        var d = KnownDatasets.load("ml-1m", dir, ReadOptions.defaults());
        assertEquals(3, d.interactions().size());
        assertEquals(978302109L, timeOf(d.interactions(), "1", "661"));
        assertArrayEquals(new int[] {d.interactions().items().indexOf("661")}, Splits.lastPerUser(d.interactions()).test().itemsOf(0));
        Files.delete(ml.resolve("ratings.dat"));
        assertFalse(KnownDatasets.load("ml-1m", dir, ReadOptions.defaults()).interactions().hasTimes());
    }

    @Test
    void movieLens100kTimestampsAndItsLastSplit() {
        Interactions in = KnownDatasets.movieLens100k(dev.sparsetrain.testkit.Datasets.require("movielens-100k"), ReadOptions.defaults()).interactions();
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
        for (long t : in.times()) { min = Math.min(min, t); max = Math.max(max, t); }
        assertEquals(874724710L, min);   // the range SOURCE.md states
        assertEquals(893286638L, max);
        Split s = Splits.lastPerUser(in);
        assertEquals(943, s.test().size());   // every user has >= 20 ratings
        int ties = 0, tiedUsers = 0;
        for (int u = 0; u < in.numUsers(); u++) {
            long held = s.test().times()[s.test().start(u)];
            int before = ties;
            for (int p = s.train().start(u); p < s.train().end(u); p++) {
                assertTrue(s.train().times()[p] <= held);
                if (s.train().times()[p] == held) ties++;
            }
            if (ties > before) tiedUsers++;
        }
        Split tr = Splits.timeRatio(in, 0.2);
        System.out.printf("ml-100k: times %d..%d; split last: %d users have other ratings in the same second as the held-out one (%d pairs, "
                + "tie to the higher item index); split time-ratio 0.2 cuts at %d (%s)%n", min, max, tiedUsers, ties, tr.test().times().length > 0 ? minOf(tr.test().times()) : -1, Splits.coldSummary(tr));
    }

    private static long minOf(long[] a) {
        long m = Long.MAX_VALUE;
        for (long x : a) m = Math.min(m, x);
        return m;
    }

    @Test
    void aBadTimestampIsOneLineWithFileLineValueAndWhatIsAllowed() throws IOException {
        Path f = dir.resolve("bad.tsv");
        Files.writeString(f, "a\tx\t1\t50\nb\ty\t1\t2020-01-01\n");
        var e = assertThrows(BadInputException.class, () -> InteractionReader.read(f, TIMED, ReadOptions.defaults()));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains("bad.tsv:2") && m.contains("'2020-01-01'") && m.contains("whole number"), m);
        var skipped = InteractionReader.read(f, TIMED, ReadOptions.defaults().withSkipMalformed(true));
        assertEquals(1, skipped.skipped());
        Path shortLine = dir.resolve("short.tsv");
        Files.writeString(shortLine, "a\tx\t1\n");
        var e2 = assertThrows(BadInputException.class, () -> InteractionReader.read(shortLine, TIMED, ReadOptions.defaults()));
        assertTrue(e2.getMessage().contains("short.tsv:1") && e2.getMessage().contains("need at least 4"), e2.getMessage());
        var e3 = assertThrows(BadInputException.class, () -> new DelimitedFormat("\t", 0, 1, 2, false, StandardCharsets.UTF_8, 1));
        assertTrue(e3.getMessage().startsWith("timeColumn 1:"), e3.getMessage());
    }

    @Test
    void lastHoldsOutTheLatestTiesToTheHigherItemAndKeepsSingleItemUsersInTraining() {
        Interactions.Builder b = new Interactions.Builder(IdMap.sequential(3), IdMap.sequential(5));
        b.add(0, 0, 1f, 10).add(0, 3, 1f, 30).add(0, 1, 1f, 20);          // user 0: item 3 is the latest
        b.add(1, 4, 1f, 7).add(1, 2, 1f, 7).add(1, 0, 1f, 1);            // user 1: items 2 and 4 tie at 7 -> 4
        b.add(2, 1, 1f, 99);                                             // user 2: one item, stays in training
        Split s = Splits.lastPerUser(b.build());
        assertArrayEquals(new int[] {3}, s.test().itemsOf(0));
        assertArrayEquals(new int[] {4}, s.test().itemsOf(1));
        assertArrayEquals(new int[] {}, s.test().itemsOf(2));
        assertArrayEquals(new int[] {1}, s.train().itemsOf(2));
        // times follow the pairs into both halves
        assertArrayEquals(new long[] {10, 20, 1, 7, 99}, s.train().times());
        assertArrayEquals(new long[] {30, 7}, s.test().times());
    }

    /** {@code last} against a slow reference on random data with many ties and duplicates. */
    @Property(tries = 200)
    void lastHoldsOutExactlyEachUsersMaxTimeItem(@ForAll @IntRange(min = 1, max = 12) int users, @ForAll @IntRange(min = 1, max = 15) int items,
                                                 @ForAll @IntRange(min = 1, max = 4) int timeRange, @ForAll @LongRange(max = 1_000_000) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Interactions.Builder b = new Interactions.Builder(IdMap.sequential(users), IdMap.sequential(items));
        Map<Long, Long> latest = new HashMap<>();   // (u, i) -> max time: the reference's own duplicate merge
        int n = rnd.nextInt(1, users * items * 2 + 1);
        for (int k = 0; k < n; k++) {
            int u = rnd.nextInt(users), i = rnd.nextInt(items);
            long t = rnd.nextInt(timeRange);   // few distinct times: many ties
            b.add(u, i, 1f, t);
            latest.merge((long) u << 32 | i, t, Math::max);
        }
        Interactions all = b.build();
        Split s = Splits.lastPerUser(all);
        for (int u = 0; u < users; u++) {
            int expected = -1, count = 0;
            long best = Long.MIN_VALUE;
            for (int i = 0; i < items; i++) {   // ascending items, ">=" so the higher item wins a tie
                Long t = latest.get((long) u << 32 | i);
                if (t == null) continue;
                count++;
                if (t >= best) { best = t; expected = i; }
            }
            int[] test = s.test().itemsOf(u);
            if (count < 2) {
                assertEquals(0, test.length, "user " + u + " with " + count + " item(s) keeps it in training");
            } else {
                assertArrayEquals(new int[] {expected}, test, "user " + u);
                assertEquals(count - 1, s.train().count(u));
                assertFalse(s.train().contains(u, expected));
            }
        }
        assertEquals(all.pairHash(), Splits.union(s.train(), s.test()).pairHash());
    }

    @Property(tries = 200)
    void timeRatioPutsNoTestPairBeforeAnyTrainingPair(@ForAll @IntRange(min = 2, max = 10) int users, @ForAll @IntRange(min = 2, max = 12) int items,
                                                      @ForAll @IntRange(min = 1, max = 6) int timeRange, @ForAll @IntRange(min = 5, max = 60) int percent,
                                                      @ForAll @LongRange(max = 1_000_000) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Interactions.Builder b = new Interactions.Builder(IdMap.sequential(users), IdMap.sequential(items));
        for (int k = rnd.nextInt(4, users * items + 4); k > 0; k--) b.add(rnd.nextInt(users), rnd.nextInt(items), 1f, rnd.nextInt(timeRange));
        Interactions all = b.build();
        double f = percent / 100.0;
        int k = (int) Math.round(all.size() * f);
        if (k < 1 || k >= all.size()) {
            assertThrows(BadInputException.class, () -> Splits.timeRatio(all, f));
            return;
        }
        Split s = Splits.timeRatio(all, f);
        assertEquals(k, s.test().size());
        assertEquals(all.size() - k, s.train().size());
        long maxTrain = Long.MIN_VALUE, minTest = Long.MAX_VALUE;
        for (long t : s.train().times()) maxTrain = Math.max(maxTrain, t);
        for (long t : s.test().times()) minTest = Math.min(minTest, t);
        assertTrue(minTest >= maxTrain, "test starts at " + minTest + ", training ends at " + maxTrain);
        assertEquals(all.pairHash(), Splits.union(s.train(), s.test()).pairHash());
        // deterministic: a pure function of the data
        assertEquals(s.test().pairHash(), Splits.timeRatio(all, f).test().pairHash());
    }

    @Test
    void validationUnderATemporalSplitIsTheLatestRemainingItemPerUser() {
        Interactions.Builder b = new Interactions.Builder(IdMap.sequential(2), IdMap.sequential(6));
        for (int i = 0; i < 6; i++) b.add(0, i, 1f, 100 - 10 * i);   // user 0: item 0 latest, then 1, ...
        for (int i = 0; i < 4; i++) b.add(1, i, 1f, 5 + i);          // user 1: item 3 latest, then 2
        Interactions all = b.build();
        Split test = Splits.byName("last", all, 0.2, 42);
        Split val = Splits.validation(test.train(), 42, "last");
        assertArrayEquals(new int[] {0}, test.test().itemsOf(0));
        assertArrayEquals(new int[] {1}, val.test().itemsOf(0));
        assertArrayEquals(new int[] {3}, test.test().itemsOf(1));
        assertArrayEquals(new int[] {2}, val.test().itemsOf(1));
        assertEquals(Splits.lastPerUser(test.train()).test().pairHash(), Splits.validation(test.train(), 7, "time-ratio").test().pairHash());
        // the random splits keep their random validation, unchanged
        assertEquals(Splits.validation(test.train(), 42).test().pairHash(), Splits.validation(test.train(), 42, "loo").test().pairHash());
        assertTrue(Splits.isTemporal("LAST") && Splits.isTemporal("time-ratio") && !Splits.isTemporal("loo"));
    }

    @Test
    void timeRatioCountsTheTestUsersAndItemsUnseenInTraining() {
        Interactions.Builder b = new Interactions.Builder(IdMap.sequential(3), IdMap.sequential(4));
        b.add(0, 0, 1f, 1).add(0, 1, 1f, 2).add(1, 0, 1f, 3).add(0, 2, 1f, 8).add(2, 3, 1f, 9);   // user 2 and item 3 arrive last
        Split s = Splits.timeRatio(b.build(), 0.4);
        assertArrayEquals(new int[] {2}, s.test().itemsOf(0));
        assertArrayEquals(new int[] {3}, s.test().itemsOf(2));
        assertEquals("test: 2 users (1 with no training pair), 2 items (2 never in training); those are ranked with their untrained rows",
                Splits.coldSummary(s));
    }

    @Test
    void temporalSplitsRefuseDataWithoutTimestampsInOneLine() {
        Interactions all = Interactions.of(3, new int[] {0, 1}, new int[] {1, 2});
        for (String k : new String[] {"last", "time-ratio"}) {
            var e = assertThrows(BadInputException.class, () -> Splits.byName(k, all, 0.5, 1));
            assertTrue(e.getMessage().startsWith("split " + k + ": the data has no timestamps"), e.getMessage());
        }
    }

    @Test
    void remapAndResizeKeepTimes() {
        Interactions.Builder b = new Interactions.Builder();
        b.add("u1", "a", 1f, 11).add("u2", "b", 1f, 22).add("u1", "b", 1f, 33);
        Interactions in = b.build();
        IdMap users = new IdMap(), items = new IdMap();
        users.add("u2");
        users.add("u1");
        items.add("b");
        items.add("a");
        Interactions r = in.remap(users, items);
        assertEquals(22, timeOf(r, "u2", "b"));
        assertEquals(33, timeOf(r, "u1", "b"));
        assertEquals(11, timeOf(r, "u1", "a"));
        in.users().add("u3");
        assertTrue(in.resizedToIdMaps().hasTimes());
    }

    private static long timeOf(Interactions in, String user, String item) {
        int u = in.users().indexOf(user), i = in.items().indexOf(item);
        int p = java.util.Arrays.binarySearch(in.itemIndices(), in.start(u), in.end(u), i);
        assertTrue(p >= 0, user + "," + item + " present");
        return in.times()[p];
    }
}
