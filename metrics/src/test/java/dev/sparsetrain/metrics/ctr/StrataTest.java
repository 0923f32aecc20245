package dev.sparsetrain.metrics.ctr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Strata thresholds from the data: never an empty stratum when three are possible, shares near thirds. */
class StrataTest {

    @Test
    void balancedThresholdsSplitTheRowsIntoThirds() {
        int[] imp = new int[300];
        for (int i = 0; i < 300; i++) imp[i] = i;   // every count once
        Strata s = Strata.balanced(imp);
        assertEquals(100, s.rareBelow());
        assertEquals(200, s.frequentFrom());
        assertArrayEquals(new int[] {100, 100, 100}, s.sizes(imp));
    }

    /** The Avazu head's device_ip: most test rows have an unseen id (0 training impressions), as fixed thresholds 10 / 100 left "frequent" empty. */
    @Test
    void aSkewedFeatureStillFillsEveryStratum() {
        int[] imp = new int[5000];
        for (int i = 0; i < imp.length; i++) imp[i] = i < 3400 ? 0 : i < 4100 ? 1 : 2 + i % 7;
        int[] fixed = Strata.defaults().sizes(imp);
        assertEquals(0, fixed[2], "the fixed thresholds leave frequent empty");
        Strata s = Strata.balanced(imp);
        assertEquals(1, s.rareBelow(), "rare = ids unseen in training");
        int[] sizes = s.sizes(imp);
        assertEquals(3400, sizes[0]);
        assertTrue(sizes[1] >= 700 && sizes[2] > 0 && sizes[1] + sizes[2] == 1600, java.util.Arrays.toString(sizes));
    }

    @Test
    void noStratumIsEmptyForAnyDataWithThreeDistinctCounts() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 500; trial++) {
            int n = 3 + r.nextInt(200);
            int[] imp = new int[n];
            for (int i = 0; i < n; i++) imp[i] = r.nextInt(4) == 0 ? r.nextInt(1000) : r.nextInt(1 + r.nextInt(5));
            imp[0] = 0;
            imp[1] = 1;
            imp[2] = 2;   // at least three distinct counts
            Strata s = Strata.balanced(imp);
            for (int k : s.sizes(imp)) assertTrue(k > 0, "empty stratum, thresholds " + s);
        }
    }

    /**
     * The thresholds from a tally (a streamed run's: candidate counts, some with no row) are the
     * ones from the rows, and both are what the former row-sorting implementation (kept here as the
     * reference) chose.
     */
    @Test
    void aTallyGivesTheThresholdsOfTheRows() {
        SplittableRandom r = new SplittableRandom(8);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + r.nextInt(400);
            int[] imp = new int[n];
            for (int i = 0; i < n; i++) imp[i] = r.nextInt(3) == 0 ? r.nextInt(500) : r.nextInt(1 + r.nextInt(8));
            int[] candidates = java.util.stream.IntStream.range(0, 500).toArray();
            long[] tally = new long[candidates.length];
            for (int v : imp) tally[v]++;
            Strata.Histogram h = Strata.Histogram.ofTally(candidates, tally);
            assertEquals(Strata.Histogram.of(imp).rows().length, h.rows().length);
            Strata a = Strata.balanced(imp), b = Strata.balanced(h), ref = reference(imp);
            assertEquals(ref, a);
            assertEquals(ref, b);
            if (a != null) {
                int[] sa = a.sizes(imp);
                long[] sb = b.sizes(h);
                for (int k = 0; k < 3; k++) assertEquals(sa[k], sb[k]);
            }
        }
    }

    /** The row-sorting implementation of {@link Strata#balanced(int[])} before tallies. */
    private static Strata reference(int[] impressions) {
        int[] v = impressions.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        int[] u = new int[n], cum = new int[n + 1];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || v[i] != v[i - 1]) {
                u[k] = v[i];
                cum[k] = i;
                k++;
            }
        }
        cum[k] = n;
        if (k < 3) return null;
        double best = Double.POSITIVE_INFINITY;
        int ba = -1, bb = -1;
        for (int a = 1; a < k - 1; a++) {
            double ra = (double) cum[a] / n - 1.0 / 3;
            for (int b = a + 1; b < k; b++) {
                double m = (double) (cum[b] - cum[a]) / n - 1.0 / 3, f = (double) (n - cum[b]) / n - 1.0 / 3;
                double e = ra * ra + m * m + f * f;
                if (e < best) {
                    best = e;
                    ba = a;
                    bb = b;
                }
            }
        }
        return new Strata(Math.max(1, u[ba]), u[bb]);
    }

    @Test
    void fewerThanThreeDistinctCountsCannotMakeThreeStrata() {
        assertNull(Strata.balanced(new int[] {0, 0, 5, 5, 5}));
        assertNull(Strata.balanced(new int[0]));
    }
}
