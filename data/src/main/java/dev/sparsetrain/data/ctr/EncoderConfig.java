package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;

/**
 * How raw features become model inputs.
 *
 * <p>Each sparse feature's ids are mapped as {@code ids} says ({@link IdMode}): hashed (row =
 * hash(id) mod {@code buckets}, the hashing trick of Weinberger et al. 2009), mapped exactly
 * through a vocabulary built on the training rows (ids seen at least {@code minCount} times get
 * their own row, all others share row 0, the out-of-vocabulary row; {@code buckets} caps the
 * table: when more ids qualify, the most frequent {@code buckets - 1} keep their rows), or kept
 * as raw 64-bit ids for a dynamic table of {@code buckets} rows that the model fills while
 * training ({@link DynamicIdMap}). Equal {@code buckets} means equal embedding memory in all three.
 *
 * @param dense transform of dense features
 * @param buckets rows per sparse feature table (hashing, dynamic capacity) or cap (vocabulary); >= 1
 * @param minCount the minimum training count for a vocabulary entry (0 when no feature uses a vocabulary)
 * @param hashSeed seed of the bucket hash
 * @param ids the id mode of each feature, and the dynamic tables' admission and eviction
 */
public record EncoderConfig(DenseTransform dense, int buckets, int minCount, long hashSeed, IdSpec ids) {
    public EncoderConfig {
        if (dense == null) throw new BadInputException("encoder: dense transform missing, allowed: NONE, LOG1P, STANDARDIZE, LOG1P_STANDARDIZE");
        if (buckets < 1) throw new BadInputException("encoder: buckets=" + buckets + ", must be >= 1");
        if (minCount < 0) throw new BadInputException("encoder: minCount=" + minCount + ", must be >= 0 (0 = hashing)");
        if (ids == null) ids = IdSpec.legacy(minCount);
        // the dynamic tables' capacity is the bucket count (equal rows to hashing), whatever the caller put there
        ids = new IdSpec(ids.defaultMode(), ids.perFeature(), ids.dynamic().withCapacity(Math.max(2, buckets)));
        if (ids.uses(IdMode.VOCAB) && minCount < 1) throw new BadInputException("encoder: vocabulary ids need minCount >= 1 (" + Settings.name("minCount") + "), got " + minCount);
        if (ids.uses(IdMode.DYNAMIC) && buckets < 2) {
            throw new BadInputException(Settings.name("buckets") + " " + buckets + ": a dynamic table needs >= 2 rows (its default row and one id row)");
        }
    }

    /** Hashing or (minCount >= 1) a vocabulary for every feature, as before per-feature modes. */
    public EncoderConfig(DenseTransform dense, int buckets, int minCount, long hashSeed) {
        this(dense, buckets, minCount, hashSeed, IdSpec.legacy(minCount));
    }

    /** Hashing into {@code buckets} rows per feature with log1p dense features. */
    public static EncoderConfig hashing(int buckets) {
        return new EncoderConfig(DenseTransform.LOG1P, buckets, 0, 0);
    }

    /** A vocabulary of ids seen at least {@code minCount} times, capped at {@code buckets} rows. */
    public static EncoderConfig vocabulary(int minCount, int buckets) {
        return new EncoderConfig(DenseTransform.LOG1P, buckets, minCount, 0);
    }

    /** Every feature a dynamic table of {@code buckets} rows with {@code dynamic}'s admission and eviction. */
    public static EncoderConfig dynamic(int buckets, DynamicIdConfig dynamic) {
        return new EncoderConfig(DenseTransform.LOG1P, buckets, 0, 0, IdSpec.all(IdMode.DYNAMIC, dynamic));
    }

    /** The mode of feature {@code name}. */
    public IdMode modeOf(String name) { return ids.modeOf(name); }

    /** The settings of this encoder's dynamic tables: capacity {@code buckets}. */
    public DynamicIdConfig dynamicConfig() { return ids.dynamic().withCapacity(buckets); }

    /** How the ids are mapped, in words (for data descriptions). */
    public String describeIds() {
        String base = switch (ids.defaultMode()) {
            case HASH -> "hashing into " + buckets + " buckets";
            case VOCAB -> "vocabulary min count " + minCount + ", cap " + buckets;
            case DYNAMIC -> "dynamic tables (" + dynamicConfig() + ")";
        };
        if (ids.perFeature().isEmpty()) return base;
        return base + "; per feature " + Settings.name("ids") + " " + ids.format() + (ids.uses(IdMode.DYNAMIC) && ids.defaultMode() != IdMode.DYNAMIC
                ? " (" + dynamicConfig() + ")" : "");
    }

    public EncoderConfig withDense(DenseTransform t) { return new EncoderConfig(t, buckets, minCount, hashSeed, ids); }

    public EncoderConfig withBuckets(int b) { return new EncoderConfig(dense, b, minCount, hashSeed, ids); }
}
