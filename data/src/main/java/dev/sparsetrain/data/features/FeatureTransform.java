package dev.sparsetrain.data.features;

import dev.sparsetrain.core.BadInputException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A fitted {@link Preprocessing}: the kind plus per-dimension parameters, applied as
 *
 * <pre>
 *   none        y = x
 *   log1p       y = log(1 + x)                      (x must be &gt; -1)
 *   standardize y_d = (x_d - shift_d) * scale_d     shift = mean, scale = 1 / std (1 when std = 0)
 *   max-abs     y_d = x_d * scale_d                 scale = 1 / max |x_d| (1 when 0)
 *   l2-row      y = x / ||x||_2                     (zero rows unchanged)
 * </pre>
 *
 * <p>{@link #shift()} and {@link #scale()} are what a model file stores (arrays of length dim, or
 * empty for kinds without parameters); {@link #of} rebuilds the transform from them. Immutable and
 * thread-safe.
 */
public record FeatureTransform(Preprocessing kind, int dim, float[] shift, float[] scale) {

    public FeatureTransform {
        Objects.requireNonNull(kind, "kind");
        if (dim <= 0) throw new IllegalArgumentException("dim=" + dim + ", must be > 0");
        boolean params = kind == Preprocessing.STANDARDIZE || kind == Preprocessing.MAX_ABS;
        int want = params ? dim : 0;
        if (shift.length != want || scale.length != want) {
            throw new BadInputException("feature transform '" + kind + "': " + want + " parameters per array expected, got "
                    + shift.length + " and " + scale.length);
        }
        shift = shift.clone();
        scale = scale.clone();
    }

    /** Rebuilds a saved transform. */
    public static FeatureTransform of(Preprocessing kind, int dim, float[] shift, float[] scale) {
        return new FeatureTransform(kind, dim, shift, scale);
    }

    /** Learns the parameters of {@code kind} from {@code f} (all rows). */
    public static FeatureTransform fit(Preprocessing kind, ItemFeatures f) {
        int dim = f.dim(), rows = f.rows();
        float[] v = f.values();
        switch (kind) {
            case STANDARDIZE -> {
                double[] s = new double[dim], s2 = new double[dim];
                for (int i = 0; i < rows; i++) {
                    for (int d = 0; d < dim; d++) {
                        double x = v[i * dim + d];
                        s[d] += x;
                        s2[d] += x * x;
                    }
                }
                float[] shift = new float[dim], scale = new float[dim];
                for (int d = 0; d < dim; d++) {
                    double mean = s[d] / rows, var = Math.max(0, s2[d] / rows - mean * mean);
                    double sd = Math.sqrt(var);
                    shift[d] = (float) mean;
                    scale[d] = sd > 1e-12 * Math.max(1, Math.abs(mean)) ? (float) (1 / sd) : 1f;
                }
                return new FeatureTransform(kind, dim, shift, scale);
            }
            case MAX_ABS -> {
                float[] scale = new float[dim];
                for (int i = 0; i < rows; i++) {
                    for (int d = 0; d < dim; d++) scale[d] = Math.max(scale[d], Math.abs(v[i * dim + d]));
                }
                for (int d = 0; d < dim; d++) scale[d] = scale[d] > 0 ? 1f / scale[d] : 1f;
                return new FeatureTransform(kind, dim, new float[dim], scale);
            }
            case LOG1P -> {
                for (int k = 0; k < v.length; k++) {
                    if (v[k] <= -1f) {
                        throw new BadInputException(f.source() + ": row " + (k / dim) + " column " + (k % dim) + " is " + v[k]
                                + "; log1p preprocessing needs values > -1 (use standardize or max-abs)");
                    }
                }
                return new FeatureTransform(kind, dim, new float[0], new float[0]);
            }
            default -> {
                return new FeatureTransform(kind, dim, new float[0], new float[0]);
            }
        }
    }

    /** Applies the transform to a copy of {@code f}. */
    public ItemFeatures apply(ItemFeatures f) {
        if (f.dim() != dim) {
            throw new BadInputException(f.source() + ": feature dimension " + f.dim() + " but the transform was fitted on " + dim);
        }
        float[] v = f.values().clone();
        int rows = f.rows();
        switch (kind) {
            case NONE -> { }
            case LOG1P -> {
                for (int k = 0; k < v.length; k++) {
                    if (v[k] <= -1f) {
                        throw new BadInputException(f.source() + ": row " + (k / dim) + " column " + (k % dim) + " is " + v[k]
                                + "; log1p preprocessing needs values > -1");
                    }
                    v[k] = (float) Math.log1p(v[k]);
                }
            }
            case STANDARDIZE, MAX_ABS -> {
                for (int i = 0; i < rows; i++) {
                    int o = i * dim;
                    for (int d = 0; d < dim; d++) v[o + d] = (v[o + d] - shift[d]) * scale[d];
                }
            }
            case L2_ROW -> {
                for (int i = 0; i < rows; i++) {
                    int o = i * dim;
                    double n2 = 0;
                    for (int d = 0; d < dim; d++) n2 += (double) v[o + d] * v[o + d];
                    if (n2 > 0) {
                        float inv = (float) (1 / Math.sqrt(n2));
                        for (int d = 0; d < dim; d++) v[o + d] *= inv;
                    }
                }
            }
        }
        return new ItemFeatures(f.source() + " [" + kind + "]", rows, dim, v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureTransform t && t.kind == kind && t.dim == dim
                && Arrays.equals(t.shift, shift) && Arrays.equals(t.scale, scale);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, dim, Arrays.hashCode(shift), Arrays.hashCode(scale));
    }

    @Override
    public String toString() {
        return "FeatureTransform[" + kind + ", dim " + dim + "]";
    }
}
