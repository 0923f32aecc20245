package dev.sparsetrain.data.features;

import dev.sparsetrain.core.BadInputException;
import java.util.Objects;

/**
 * A dense feature matrix: one row of {@code dim} floats per item, row-major in one array; row
 * {@code i} belongs to item index {@code i}.
 *
 * <p>Instances are created by {@link FeatureReader}, {@link SyntheticVisual} or
 * {@link FeatureTransform#apply(ItemFeatures)}; they are validated on creation (every value finite).
 * Immutable by convention: {@link #values()} exposes the backing array for allocation-free hot
 * loops, which must only read it. Thread-safe for readers.
 */
public final class ItemFeatures {
    private final String source;
    private final int rows;
    private final int dim;
    private final float[] values;

    /**
     * @param source where the values came from (a file name), used in error messages
     * @throws BadInputException if a value is NaN or infinite, naming the row and column
     */
    public ItemFeatures(String source, int rows, int dim, float[] values) {
        this.source = Objects.requireNonNull(source, "source");
        if (rows <= 0 || dim <= 0) {
            throw new BadInputException(source + ": feature matrix is " + rows + " x " + dim + ", must have at least 1 row and 1 column");
        }
        if ((long) rows * dim != values.length) {
            throw new IllegalArgumentException(source + ": " + rows + " x " + dim + " != " + values.length + " values");
        }
        for (int k = 0; k < values.length; k++) {
            float v = values[k];
            if (!Float.isFinite(v)) {
                throw new BadInputException(source + ": row " + (k / dim) + " column " + (k % dim) + " is " + v
                        + "; feature values must be finite (clean or impute the file)");
            }
        }
        this.rows = rows;
        this.dim = dim;
        this.values = values;
    }

    public String source() { return source; }
    public int rows() { return rows; }
    public int dim() { return dim; }
    /** The row-major backing array (read-only by convention). */
    public float[] values() { return values; }
    /** Where item {@code i}'s row starts in {@link #values()}. */
    public int offset(int i) { return i * dim; }
    public float get(int i, int d) { return values[i * dim + d]; }

    /**
     * Checks that this matrix has one row per item of a data set.
     *
     * @throws BadInputException "file: N rows but the interactions have M items"
     */
    public ItemFeatures requireRows(int items) {
        if (rows != items) {
            throw new BadInputException(source + ": " + rows + " feature rows but the interactions have " + items
                    + " items; the file needs exactly one row per item (row i = item index i)");
        }
        return this;
    }

    /** Checks the feature dimension (e.g. against a saved model). */
    public ItemFeatures requireDim(int expected) {
        if (dim != expected) {
            throw new BadInputException(source + ": feature dimension " + dim + " but " + expected + " expected");
        }
        return this;
    }

    /** Summary statistics: min, max, mean, std over all values and the median row L2 norm. */
    public String summary() {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, s = 0, s2 = 0;
        double[] norms = new double[rows];
        for (int i = 0; i < rows; i++) {
            double n2 = 0;
            for (int d = 0; d < dim; d++) {
                double v = values[i * dim + d];
                min = Math.min(min, v);
                max = Math.max(max, v);
                s += v;
                s2 += v * v;
                n2 += v * v;
            }
            norms[i] = Math.sqrt(n2);
        }
        java.util.Arrays.sort(norms);
        double n = (double) rows * dim, mean = s / n;
        return String.format(java.util.Locale.ROOT, "%d x %d, min %.4g, max %.4g, mean %.4g, std %.4g, median row norm %.4g",
                rows, dim, min, max, mean, Math.sqrt(Math.max(0, s2 / n - mean * mean)), norms[rows / 2]);
    }
}
