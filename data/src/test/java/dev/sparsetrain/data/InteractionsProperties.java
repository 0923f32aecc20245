package dev.sparsetrain.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Builder and sampler invariants against slow references, on random small data with duplicates. */
class InteractionsProperties {

    @Property(tries = 200)
    void builderMatchesATreeMapReference(@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 7) Integer> us,
                                         @ForAll @IntRange(min = 1, max = 9) int items, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Interactions.Builder b = new Interactions.Builder(IdMap.sequential(8), IdMap.sequential(items)).duplicatePolicy(Interactions.DuplicatePolicy.SUM);
        TreeMap<Long, Float> ref = new TreeMap<>();
        for (int u : us) {
            int i = r.nextInt(items);
            float w = r.nextInt(5);
            b.add(u, i, w);
            ref.merge((long) u << 32 | i, w, Float::sum);
        }
        Interactions in = b.build();
        assertEquals(ref.size(), in.size());
        for (var e : ref.entrySet()) {
            int u = (int) (e.getKey() >>> 32), i = (int) (long) e.getKey();
            assertTrue(in.contains(u, i));
            assertEquals(e.getValue(), in.weight(u, i));
        }
    }

    @Property(tries = 200)
    void negativesAreNeverPositivesAndEveryNegativeIsReachable(@ForAll @IntRange(min = 2, max = 40) int items,
                                                              @ForAll @IntRange(min = 0, max = 100) int density, @ForAll long seed,
                                                              @ForAll boolean bitset) {
        SplittableRandom r = new SplittableRandom(seed);
        int users = 3;
        int[][] lists = new int[users][];
        for (int u = 0; u < users; u++) {
            int[] tmp = new int[items];
            int n = 0;
            for (int i = 0; i < items; i++) if (r.nextInt(100) < density) tmp[n++] = i;
            lists[u] = java.util.Arrays.copyOf(tmp, n);
        }
        Interactions in = Interactions.of(items, lists);
        NegativeSampler s = NegativeSampler.uniform(in, bitset);
        for (int u = 0; u < users; u++) {
            int negatives = items - in.count(u);
            boolean[] seen = new boolean[items];
            for (int t = 0; t < 60 * items; t++) {
                int j = s.sample(u, r);
                if (negatives == 0) {
                    assertEquals(-1, j);
                    break;
                }
                assertFalse(in.contains(u, j), "positive " + j + " drawn for user " + u);
                seen[j] = true;
            }
            int reached = 0;
            for (boolean x : seen) if (x) reached++;
            assertEquals(negatives, reached, "every negative is drawn");
        }
    }

    /**
     * skipping(): one draw; -1 exactly as often as the draw hits one of the user's items (for the
     * uniform rule, have/items of the draws), and the kept draws are never positives and are uniform over the negatives.
     */
    @Property(tries = 60)
    void skippingDrawsOnceAndSkipsCollisions(@ForAll @IntRange(min = 2, max = 30) int items,
                                             @ForAll @IntRange(min = 0, max = 100) int density, @ForAll long seed, @ForAll boolean bitset) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] tmp = new int[items];
        int n = 0;
        for (int i = 0; i < items; i++) if (r.nextInt(100) < density) tmp[n++] = i;
        Interactions in = Interactions.of(items, java.util.Arrays.copyOf(tmp, n));
        NegativeSampler redraw = NegativeSampler.uniform(in, bitset), skip = redraw.skipping();
        assertTrue(skip.skipsCollisions() && !redraw.skipsCollisions());
        assertSame(skip, skip.skipping());
        int draws = 20_000, skipped = 0;
        int[] counts = new int[items];
        for (int t = 0; t < draws; t++) {
            int j = skip.sample(0, r);
            if (j < 0) {
                skipped++;
                continue;
            }
            assertFalse(in.contains(0, j), "positive " + j + " kept");
            counts[j]++;
        }
        double p = (double) n / items, sd = Math.sqrt(p * (1 - p) / draws);
        assertEquals(p, (double) skipped / draws, 5 * sd + 1e-9, "skipped share = the user's share of the items");
        int negatives = items - n;
        for (int j = 0; j < items; j++) {
            if (in.contains(0, j) || negatives == 0) continue;
            double e = (double) (draws - skipped) / negatives;
            assertEquals(e, counts[j], 6 * Math.sqrt(e) + 1, "item " + j + " drawn about uniformly");
        }
    }
}
