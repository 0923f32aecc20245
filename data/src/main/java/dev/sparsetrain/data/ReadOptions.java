package dev.sparsetrain.data;

import dev.sparsetrain.core.BadInputException;
import java.util.Objects;

/**
 * Options of {@link InteractionReader}.
 *
 * @param threshold       a pair counts as a positive only when its weight is {@code >= threshold};
 *                        NaN (the default) keeps every pair ("all positives counted")
 * @param skipMalformed   skip and count malformed lines instead of failing on the first one
 * @param duplicates      how repeated pairs are merged (MAX for ratings, SUM for play counts)
 */
public record ReadOptions(double threshold, boolean skipMalformed, Interactions.DuplicatePolicy duplicates) {

    public ReadOptions {
        Objects.requireNonNull(duplicates, "duplicates");
        if (Double.isInfinite(threshold)) throw new BadInputException("threshold: " + threshold + ", must be a finite number");
    }

    /** Every pair is a positive, malformed lines fail, duplicates keep the largest weight. */
    public static ReadOptions defaults() {
        return new ReadOptions(Double.NaN, false, Interactions.DuplicatePolicy.MAX);
    }

    public ReadOptions withThreshold(double t) { return new ReadOptions(t, skipMalformed, duplicates); }
    public ReadOptions withSkipMalformed(boolean s) { return new ReadOptions(threshold, s, duplicates); }
    public ReadOptions withDuplicates(Interactions.DuplicatePolicy d) { return new ReadOptions(threshold, skipMalformed, d); }
}
