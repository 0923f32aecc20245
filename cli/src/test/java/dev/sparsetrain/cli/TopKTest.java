package dev.sparsetrain.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** recommend's heap selection equals a full sort (higher score first, ties by lower index). */
class TopKTest {
    @Property(tries = 200)
    void heapSelectionEqualsAFullSort(@ForAll @IntRange(min = 0, max = 300) int n, @ForAll @IntRange(min = 0, max = 40) int k,
                                      @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] s = new float[n];
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            s[i] = r.nextInt(20) / 4f;   // many ties
            seen[i] = r.nextInt(5) == 0;
        }
        Integer[] all = java.util.stream.IntStream.range(0, n).filter(i -> !seen[i]).boxed().toArray(Integer[]::new);
        Arrays.sort(all, (a, b) -> s[a] != s[b] ? Float.compare(s[b], s[a]) : Integer.compare(a, b));
        int kk = Math.min(k, all.length);
        int[] want = new int[kk];
        for (int i = 0; i < kk; i++) want[i] = all[i];
        assertArrayEquals(want, RecommendCommand.topK(s, seen, kk));
    }
}
