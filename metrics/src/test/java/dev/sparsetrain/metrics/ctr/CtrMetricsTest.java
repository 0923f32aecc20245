package dev.sparsetrain.metrics.ctr;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CtrMetricsTest {

    /** AUC by definition: P(score of a random positive > a random negative) + ties / 2, in O(P N). */
    static double slowAuc(byte[] y, float[] p) {
        double s = 0;
        long pairs = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] != 1) continue;
            for (int j = 0; j < y.length; j++) {
                if (y[j] != 0) continue;
                pairs++;
                s += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
            }
        }
        return s / pairs;
    }

    @Property(tries = 200)
    void aucMatchesPairCountingWithTies(@ForAll @IntRange(min = 2, max = 60) int n, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] y = new byte[n];
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = (byte) (i < 1 ? 1 : i < 2 ? 0 : r.nextInt(2));
            p[i] = r.nextInt(5) / 4f; // many ties
        }
        assertEquals(slowAuc(y, p), CtrMetrics.evaluate(y, p, Double.NaN).auc(), 1e-12);
    }

    @Test
    void backgroundRatePredictorHasNeOne() {
        byte[] y = new byte[1000];
        for (int i = 0; i < 250; i++) y[i] = 1;
        float[] p = new float[1000];
        java.util.Arrays.fill(p, 0.25f);
        CtrEvaluation e = CtrMetrics.evaluate(y, p, Double.NaN);
        assertEquals(1.0, e.ne(), 1e-6);
        assertEquals(0.5, e.auc(), 1e-12);
        assertEquals(1.0, e.calibration(), 1e-6);
        assertEquals(CtrMetrics.entropy(0.25), e.logloss(), 1e-6);
        // against a different background rate
        CtrEvaluation e2 = CtrMetrics.evaluate(y, p, 0.5);
        assertEquals(e.logloss() / Math.log(2), e2.ne(), 1e-6);
    }

    @Test
    void strataSplitByImpressions() {
        byte[] y = {1, 0, 1, 0, 1, 0};
        float[] p = {0.9f, 0.1f, 0.6f, 0.4f, 0.2f, 0.8f};
        int[] imp = {0, 5, 10, 50, 100, 1000};
        CtrEvaluation[] s = new Strata(10, 100).evaluate(y, p, imp, Double.NaN);
        assertEquals(2, s[0].count());
        assertEquals(1.0, s[0].auc());
        assertEquals(2, s[1].count());
        assertEquals(1.0, s[1].auc());
        assertEquals(2, s[2].count());
        assertEquals(0.0, s[2].auc());
        assertEquals(6, s[3].count());
        assertThrows(dev.sparsetrain.core.BadInputException.class, () -> new Strata(10, 10));
    }
}
