package dev.sparsetrain.core;

/**
 * Derived seeds: one function, so that every place that splits a run's seed into per-epoch,
 * per-partition or per-row seeds gets the same, well-mixed values (Steele, Lea, Flood, "Fast
 * splittable pseudorandom number generators", OOPSLA 2014).
 */
public final class Seeds {
    private Seeds() {}

    /** SplitMix64's finaliser of {@code seed + salt * golden}: decorrelated seeds for consecutive salts. */
    public static long mix(long seed, long salt) {
        long z = seed + salt * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
