package dev.sparsetrain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleCheckTest {
    @Test
    void aHeavyTailedCountIsFlaggedAndItsLog1pIsNot() {
        int rows = 1000;
        float[] v = new float[rows * 3];
        for (int i = 0; i < rows; i++) {
            float count = i % 100 == 0 ? 1_200_000f : i % 7;   // mostly small counts, a few huge ones
            v[i * 3] = count;
            v[i * 3 + 1] = (float) Math.log1p(count);
            v[i * 3 + 2] = i % 2 == 0 ? Float.NaN : 0.5f;      // a probability with missing values
        }
        List<ScaleCheck.Wide> w = ScaleCheck.wideColumns(new String[] {"I5", "I5_log1p", "p"}, v, rows, 3);
        assertEquals(1, w.size(), w.toString());
        assertEquals("I5", w.get(0).name());
        String line = w.get(0).describe("use log1p");
        assertTrue(line.startsWith("column I5 spans 0..1.20e+06 (median non-zero |x| ") && line.endsWith("; use log1p"), line);
    }

    @Test
    void wideButUniformColumnsAreNotFlagged() {
        float[] v = new float[500];
        for (int i = 0; i < 500; i++) v[i] = 1000 + i;   // 1000..1499: large values, one order of magnitude
        assertTrue(ScaleCheck.wideColumns(new String[] {"x"}, v, 500, 1).isEmpty());
    }
}
