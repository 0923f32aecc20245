package dev.sparsetrain.data.features;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.data.ScaleCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 003's scale warning for item features, as {@code ctr-train} gives it for click-log dense
 * columns: the feature columns (dimensions) that would reach the model spanning orders of magnitude
 * under the chosen {@link Preprocessing} ({@link ScaleCheck}'s rule: largest |x| at least 100 times
 * the median non-zero |x| and at least 1,000). Under {@code l2-row} (the default) or
 * {@code max-abs} every value is at most 1 and nothing is flagged; under {@code none} a raw count
 * or pixel-sum feature is. Costs one fit of the transform and one pass over the features.
 */
public final class FeatureScale {
    /** Most columns named one line each; the rest are counted in one more line. */
    public static final int MAX_LINES = 20;

    private FeatureScale() {}

    /** The flagged columns of {@code f} after {@code p} is fitted and applied; named {@code f0, f1, ...}. */
    public static List<ScaleCheck.Wide> wideColumns(ItemFeatures f, Preprocessing p) {
        ItemFeatures t = p == Preprocessing.NONE ? f : FeatureTransform.fit(p, f).apply(f);
        String[] names = new String[t.dim()];
        for (int d = 0; d < names.length; d++) names[d] = "f" + d;
        return ScaleCheck.wideColumns(names, t.values(), t.rows(), t.dim());
    }

    /**
     * The warning lines for {@code f} read from {@code source} under {@code p}: one per flagged
     * column (at most {@link #MAX_LINES}, then one line counting the rest); empty when none is.
     */
    public static List<String> warnings(String source, ItemFeatures f, Preprocessing p) {
        List<ScaleCheck.Wide> wide = wideColumns(f, p);
        List<String> out = new ArrayList<>();
        String fix = "use " + Settings.name("featurePreprocessing") + " log1p, standardize or l2-row (now " + p.cliName() + ")";
        for (int i = 0; i < Math.min(MAX_LINES, wide.size()); i++) {
            out.add("sparsetrain: warning: " + source + ": feature " + wide.get(i).describe(fix));
        }
        if (wide.size() > MAX_LINES) {
            out.add("sparsetrain: warning: " + source + ": " + (wide.size() - MAX_LINES) + " more feature columns of " + f.dim()
                    + " span orders of magnitude; " + fix);
        }
        return out;
    }
}
