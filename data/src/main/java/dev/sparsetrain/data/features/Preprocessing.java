package dev.sparsetrain.data.features;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import java.util.Locale;

/**
 * Feature preprocessing chosen by the user; {@link FeatureTransform#fit} learns its parameters
 * from the feature matrix and the model file stores them, so that scoring new items later applies
 * exactly the same map.
 *
 * <p>Why it matters (gradients scale with the inputs): the gradient of VBPR's projection E is
 * {@code -g theta_u (f_i - f_j)^T}, so features of magnitude 100 give E a gradient 100x larger
 * than features of magnitude 1; one global SGD learning rate cannot then serve E and the
 * embeddings at once.
 */
public enum Preprocessing {
    /** {@code x} unchanged. */
    NONE("none"),
    /** {@code log(1 + x)} element-wise; needs every value {@code > -1}. Tames heavy-tailed non-negative features. */
    LOG1P("log1p"),
    /** Per dimension {@code (x - mean_d) / std_d} (std 0 becomes 1). */
    STANDARDIZE("standardize"),
    /** Each row divided by its L2 norm (all-zero rows stay zero). */
    L2_ROW("l2-row"),
    /** Per dimension {@code x / max_i |x_id|} (0 max becomes 1), keeps sparsity and sign. */
    MAX_ABS("max-abs");

    private final String cliName;

    Preprocessing(String cliName) { this.cliName = cliName; }

    /** The name used on the command line and in model files. */
    public String cliName() { return cliName; }

    /** Parses a command-line name ("none", "log1p", "standardize", "l2-row", "max-abs"). */
    public static Preprocessing parse(String s) {
        String k = s.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Preprocessing p : values()) if (p.cliName.equals(k)) return p;
        if (k.equals("l2") || k.equals("l2row")) return L2_ROW;
        if (k.equals("maxabs")) return MAX_ABS;
        throw new BadInputException(Settings.name("featurePreprocessing") + " '" + s + "': allowed none, log1p, standardize, l2-row, max-abs");
    }

    @Override
    public String toString() { return cliName; }
}
