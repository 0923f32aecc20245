package dev.sparsetrain.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Finds dense input columns whose values span orders of magnitude, the scale problem behind
 * gradients that grow with the inputs: a weight fed a count of 10^6 gets a gradient 10^6 times
 * that of a weight fed 1, so one learning rate cannot suit both (the answer is a transform such as
 * {@code log1p} or standardization, and gradient clipping).
 *
 * <p>A column is flagged when, over its finite values, the largest absolute value is at least
 * {@link #RATIO} times the median non-zero absolute value and at least {@link #FLOOR}. On the
 * Criteo head six raw count columns are flagged (I5 spans 0 .. 1.6e6 with a median of 2,836);
 * after {@code log1p} the same columns span at most 0 .. 14 and none is. A wide but uniform column
 * (timestamps) is not flagged: standardization suits it. Costs one pass and a sort of a sample of at most
 * {@link #SAMPLE} values per column.
 */
public final class ScaleCheck {
    /** How many times the median non-zero magnitude the largest one must be (two orders of magnitude). */
    public static final double RATIO = 100;
    /**
     * The largest magnitude below which a column is never flagged: three orders of magnitude above
     * the unit scale that initialisation and the other inputs have (probabilities, small counts).
     */
    public static final double FLOOR = 1_000;
    /** Values per column used for the median (evenly spaced rows). */
    public static final int SAMPLE = 100_000;

    private ScaleCheck() {}

    /**
     * A flagged column.
     *
     * @param name   the column's name
     * @param min    its smallest finite value
     * @param max    its largest finite value
     * @param median its median non-zero absolute value (over the sample)
     */
    public record Wide(String name, double min, double max, double median) {
        /** One line: {@code column I5 spans 0..1.2e6 (median |x| 3): <fix>}. */
        public String describe(String fix) {
            return String.format(Locale.ROOT, "column %s spans %s..%s (median non-zero |x| %s)%s", name, num(min), num(max), num(median),
                    fix == null || fix.isEmpty() ? "" : "; " + fix);
        }
    }

    /**
     * The flagged columns of a row-major {@code rows x cols} matrix; NaN (missing) values are skipped.
     *
     * @param names the columns' names (length {@code cols})
     */
    public static List<Wide> wideColumns(String[] names, float[] values, int rows, int cols) {
        if (names.length != cols || (long) rows * cols > values.length) {
            throw new IllegalArgumentException(names.length + " names, " + rows + " x " + cols + " values in " + values.length);
        }
        List<Wide> out = new ArrayList<>();
        int stride = Math.max(1, rows / SAMPLE);
        float[] sample = new float[Math.min(rows, SAMPLE + 1)];
        for (int j = 0; j < cols; j++) {
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, top = 0;
            int n = 0;
            for (int i = 0; i < rows; i++) {
                float v = values[i * cols + j];
                if (!Float.isFinite(v)) continue;
                if (v < min) min = v;
                if (v > max) max = v;
                top = Math.max(top, Math.abs(v));
                if (i % stride == 0 && v != 0 && n < sample.length) sample[n++] = Math.abs(v);
            }
            if (n == 0 || top < FLOOR) continue;
            Arrays.sort(sample, 0, n);
            double median = sample[n / 2];
            if (top >= RATIO * median) out.add(new Wide(names[j], min, max, median));
        }
        return out;
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e5) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
