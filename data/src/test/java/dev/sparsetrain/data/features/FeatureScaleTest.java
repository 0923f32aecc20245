package dev.sparsetrain.data.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Seed 003's scale warning for item features: raw wide columns are flagged one line each, none after a transform. */
class FeatureScaleTest {

    /** 200 items x 3 dims: a raw count column (f1, 0..1e5, median a few), a unit column, a wide but uniform one. */
    private static ItemFeatures features() {
        int rows = 200, dim = 3;
        float[] v = new float[rows * dim];
        for (int i = 0; i < rows; i++) {
            v[i * dim] = (i % 10) / 10f;
            v[i * dim + 1] = i % 50 == 0 ? 100_000 : i % 7;
            v[i * dim + 2] = 5_000 + i;   // wide values, narrow spread: not flagged
        }
        return new ItemFeatures("test", rows, dim, v);
    }

    @Test
    void aRawCountColumnIsFlaggedAndNotAfterATransform() {
        List<String> raw = FeatureScale.warnings("feats.bin", features(), Preprocessing.NONE);
        assertEquals(1, raw.size(), raw.toString());
        assertTrue(raw.get(0).startsWith("sparsetrain: warning: feats.bin: feature column f1 spans 0..1.00e+05 (median non-zero |x| 4)"), raw.get(0));
        assertTrue(raw.get(0).contains("use featurePreprocessing log1p, standardize or l2-row (now none)"), raw.get(0));
        for (Preprocessing p : new Preprocessing[] {Preprocessing.LOG1P, Preprocessing.L2_ROW, Preprocessing.MAX_ABS}) {
            assertEquals(List.of(), FeatureScale.warnings("feats.bin", features(), p), p.cliName());
        }
    }

    @Test
    void manyWideColumnsEndInOneCountingLine() {
        int rows = 100, dim = 30;
        float[] v = new float[rows * dim];
        for (int i = 0; i < rows; i++) for (int d = 0; d < dim; d++) v[i * dim + d] = i == 0 ? 1e6f : 1 + i % 3;
        List<String> w = FeatureScale.warnings("x.npy", new ItemFeatures("x", rows, dim, v), Preprocessing.NONE);
        assertEquals(FeatureScale.MAX_LINES + 1, w.size());
        assertTrue(w.get(FeatureScale.MAX_LINES).contains("10 more feature columns of 30 span orders of magnitude"), w.getLast());
    }
}
