package dev.sparsetrain.metrics.ranking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparsetrain.data.Interactions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The heap selection equals a full sort (higher score first, ties by lower index); batch serving equals one user at a time. */
class TopKTest {
    /** The reference: a stable sort of the allowed items by descending score. */
    static int[] bySort(float[] s, boolean[] excluded, int k) {
        Integer[] all = java.util.stream.IntStream.range(0, s.length).filter(i -> excluded == null || !excluded[i]).boxed()
                .toArray(Integer[]::new);
        Arrays.sort(all, (a, b) -> s[a] != s[b] ? Float.compare(s[b], s[a]) : Integer.compare(a, b));
        int kk = Math.min(k, all.length);
        int[] want = new int[kk];
        for (int i = 0; i < kk; i++) want[i] = all[i];
        return want;
    }

    @Property(tries = 300)
    void heapSelectionEqualsAFullSort(@ForAll @IntRange(min = 0, max = 300) int n, @ForAll @IntRange(min = 0, max = 40) int k,
                                      @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] s = new float[n];
        boolean[] excluded = new boolean[n];
        for (int i = 0; i < n; i++) {
            s[i] = r.nextInt(20) / 4f - 2;   // many ties, negatives too
            excluded[i] = r.nextInt(5) == 0;
        }
        assertArrayEquals(bySort(s, excluded, k), TopK.select(s, excluded, k));
        assertArrayEquals(bySort(s, null, k), TopK.select(s, null, k));
    }

    @Property(tries = 100)
    void oneSelectorReusedGivesTheSameAsFreshOnes(@ForAll @IntRange(min = 1, max = 20) int k, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        TopK t = new TopK(k);
        int[] out = new int[k];
        for (int rep = 0; rep < 5; rep++) {
            float[] s = new float[1 + r.nextInt(60)];
            for (int i = 0; i < s.length; i++) s[i] = (float) r.nextGaussian();
            t.reset(s);
            for (int i = 0; i < s.length; i++) t.offer(i);
            int c = t.drainBestFirst(out);
            assertArrayEquals(bySort(s, null, k), Arrays.copyOf(out, c));
            assertEquals(0, t.size());
        }
    }

    /**
     * NaN scores (a diverged model) rank after every number, ties among them by index, and never
     * keep a scored item out: a NaN met while the heap was filling used to sit at its root, where
     * nothing compares before it, and block every later item.
     */
    @Test
    void nanScoresRankLastAndDoNotBlockTheSelection() {
        float nan = Float.NaN;
        assertArrayEquals(new int[] {3, 2}, TopK.select(new float[] {nan, 1, 2, 3}, null, 2));
        assertArrayEquals(new int[] {3, 1, 0, 2}, TopK.select(new float[] {nan, 1, nan, 5}, null, 4));
        assertArrayEquals(new int[] {2, 0}, TopK.select(new float[] {nan, nan, Float.NEGATIVE_INFINITY}, null, 2));
        SplittableRandom r = new SplittableRandom(11);
        for (int rep = 0; rep < 200; rep++) {
            float[] s = new float[1 + r.nextInt(50)];
            for (int i = 0; i < s.length; i++) s[i] = r.nextInt(4) == 0 ? nan : r.nextInt(10);
            int k = 1 + r.nextInt(12);
            assertArrayEquals(byNanLastSort(s, k), TopK.select(s, null, k), Arrays.toString(s) + " k=" + k);
        }
    }

    /** A k far above the catalogue lists the whole catalogue and allocates for the catalogue, not for k. */
    @Test
    void kLargerThanTheCatalogueListsEveryItem() {
        assertArrayEquals(new int[] {1, 2, 0}, TopK.select(new float[] {1, 3, 2}, null, Integer.MAX_VALUE));
        assertArrayEquals(new int[] {2}, TopK.select(new float[] {1, 3, 2}, new boolean[] {true, true, false}, Integer.MAX_VALUE));
    }

    private static int[] byNanLastSort(float[] s, int k) {
        Integer[] all = java.util.stream.IntStream.range(0, s.length).boxed().toArray(Integer[]::new);
        Arrays.sort(all, (a, b) -> {
            boolean na = Float.isNaN(s[a]), nb = Float.isNaN(s[b]);
            if (na != nb) return na ? 1 : -1;
            if (!na && s[a] != s[b]) return Float.compare(s[b], s[a]);
            return Integer.compare(a, b);
        });
        int[] want = new int[Math.min(k, all.length)];
        for (int i = 0; i < want.length; i++) want[i] = all[i];
        return want;
    }

    /** A scorer with fixed random scores per (user, item). */
    private static Scorer table(float[][] s) {
        return new Scorer() {
            @Override public int numItems() { return s[0].length; }
            @Override public void scoreAll(int u, float[] out) { System.arraycopy(s[u], 0, out, 0, out.length); }
        };
    }

    @Test
    void batchServingEqualsPerUserSelectionAtAnyThreadCountAndKeepsUserOrder() throws IOException {
        int users = 700, items = 90, k = 7;   // > one block per thread, so blocks and threads are both exercised
        SplittableRandom r = new SplittableRandom(3);
        float[][] s = new float[users][items];
        int[][] known = new int[users][];
        for (int u = 0; u < users; u++) {
            for (int i = 0; i < items; i++) s[u][i] = r.nextInt(30) / 3f;
            known[u] = r.ints(r.nextInt(items - 2), 0, items).distinct().sorted().toArray();
        }
        Interactions train = Interactions.of(items, known);
        int[] order = new int[users + 3];
        for (int x = 0; x < users; x++) order[x] = users - 1 - x;   // reverse order
        order[users] = 5; order[users + 1] = 5; order[users + 2] = 0;   // duplicates allowed
        List<String> first = null;
        for (int threads : new int[] {1, 2, 3}) {
            List<String> got = new ArrayList<>();
            Recommendations.forUsers(table(s), order, List.of(train), k, threads,
                    (u, it, sc, c) -> got.add(u + ":" + Arrays.toString(Arrays.copyOf(it, c)) + Arrays.toString(Arrays.copyOf(sc, c))));
            assertEquals(order.length, got.size());
            for (int x = 0; x < order.length; x++) {
                int u = order[x];
                boolean[] ex = new boolean[items];
                for (int i : known[u]) ex[i] = true;
                int[] want = bySort(s[u], ex, k);
                float[] ws = new float[want.length];
                for (int j = 0; j < want.length; j++) ws[j] = s[u][want[j]];
                assertEquals(u + ":" + Arrays.toString(want) + Arrays.toString(ws), got.get(x), "threads " + threads + ", user " + u);
            }
            if (first == null) first = got;
            else assertEquals(first, got);
        }
    }

    @Test
    void aUserWhoKnowsEveryItemGetsAnEmptyList() throws IOException {
        Interactions train = Interactions.of(3, new int[] {0, 1, 2}, new int[] {1});
        float[][] s = {{1, 2, 3}, {3, 2, 1}};
        List<String> got = new ArrayList<>();
        Recommendations.forUsers(table(s), new int[] {0, 1}, List.of(train), 5, 2,
                (u, it, sc, c) -> got.add(u + ":" + Arrays.toString(Arrays.copyOf(it, c))));
        assertEquals(List.of("0:[]", "1:[0, 2]"), got);
    }
}
