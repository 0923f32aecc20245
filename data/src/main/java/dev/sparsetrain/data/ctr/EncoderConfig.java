package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.BadInputException;

/**
 * How raw features become model inputs.
 *
 * <p>Sparse ids are either hashed ({@code minCount == 0}: row = hash(id) mod {@code buckets}, the
 * hashing trick of Weinberger et al. 2009) or mapped exactly through a vocabulary built on the
 * training rows ({@code minCount >= 1}: ids seen at least {@code minCount} times get their own row,
 * all others share row 0, the out-of-vocabulary row). With a vocabulary, {@code buckets} caps the
 * table: when more ids qualify, the most frequent {@code buckets - 1} keep their rows and the rest
 * go to the out-of-vocabulary row.
 *
 * @param dense transform of dense features
 * @param buckets rows per sparse feature table (hashing) or cap (vocabulary); >= 1
 * @param minCount 0 for hashing, else the minimum training count for a vocabulary entry
 * @param hashSeed seed of the bucket hash
 */
public record EncoderConfig(DenseTransform dense, int buckets, int minCount, long hashSeed) {
    public EncoderConfig {
        if (dense == null) throw new BadInputException("encoder: dense transform missing, allowed: NONE, LOG1P, STANDARDIZE, LOG1P_STANDARDIZE");
        if (buckets < 1) throw new BadInputException("encoder: buckets=" + buckets + ", must be >= 1");
        if (minCount < 0) throw new BadInputException("encoder: minCount=" + minCount + ", must be >= 0 (0 = hashing)");
    }

    /** Hashing into {@code buckets} rows per feature with log1p dense features. */
    public static EncoderConfig hashing(int buckets) {
        return new EncoderConfig(DenseTransform.LOG1P, buckets, 0, 0);
    }

    /** A vocabulary of ids seen at least {@code minCount} times, capped at {@code buckets} rows. */
    public static EncoderConfig vocabulary(int minCount, int buckets) {
        return new EncoderConfig(DenseTransform.LOG1P, buckets, minCount, 0);
    }

    public EncoderConfig withDense(DenseTransform t) { return new EncoderConfig(t, buckets, minCount, hashSeed); }

    public EncoderConfig withBuckets(int b) { return new EncoderConfig(dense, b, minCount, hashSeed); }
}
