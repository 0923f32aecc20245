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

    @Test
    void fewerThanThreeDistinctCountsCannotMakeThreeStrata() {
        assertNull(Strata.balanced(new int[] {0, 0, 5, 5, 5}));
        assertNull(Strata.balanced(new int[0]));
    }
}
