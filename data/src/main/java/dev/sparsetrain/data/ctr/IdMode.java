package dev.sparsetrain.data.ctr;

/**
 * How a sparse feature's ids become embedding rows.
 * <ul>
 *   <li>{@link #HASH}: row = hash(id) mod buckets (the hashing trick, Weinberger et al. 2009);
 *       unrelated ids share rows when the buckets are few (the seed 002 complaint).</li>
 *   <li>{@link #VOCAB}: an exact vocabulary of the training ids seen at least {@code minCount}
 *       times, fixed when the encoder is fitted; all other ids share row 0.</li>
 *   <li>{@link #DYNAMIC}: a collisionless id -&gt; row table filled while training in batch order,
 *       with admission and eviction ({@link DynamicIdMap}, after Monolith, Liu et al. 2022).</li>
 * </ul>
 */
public enum IdMode {
    HASH, VOCAB, DYNAMIC;

    /** The option spelling: hash, vocab, dynamic. */
    public String optionName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
