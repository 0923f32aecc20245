package dev.sparsetrain.options;

import dev.sparsetrain.data.ctr.DynamicIdConfig;
import picocli.CommandLine.Option;

/**
 * Admission and eviction of dynamic embedding tables ({@code --admit-after}, {@code --evict}; see
 * {@link DynamicIdConfig}). Mixed into {@link ClickDataOptions} (with {@code --ids}) and into
 * {@code experiment dynamic-tables}. Not thread-safe (filled by picocli).
 */
public final class DynamicIdOptions {
    @Option(names = "--admit-after", paramLabel = "N", defaultValue = "1", description = "Dynamic tables: an id gets its own row at its N-th "
            + "training occurrence (counted in a bounded count-min sketch); before that it uses the feature's default row. Default: ${DEFAULT-VALUE}.")
    int admitAfter;

    @Option(names = "--evict", paramLabel = "POLICY", defaultValue = "lfu", description = "Dynamic tables, when no row is free: lfu (replace the "
            + "row with the lowest decayed count; counts halve every 1000 steps, or lfu:HALF_LIFE_STEPS) or ttl:STEPS (free rows whose id did "
            + "not occur for STEPS mini-batches). Default: ${DEFAULT-VALUE}.")
    String evict;

    /** The settings for tables of {@code capacity} rows; bad values refused in one line. */
    public DynamicIdConfig config(int capacity) {
        return DynamicIdConfig.parse(Math.max(2, capacity), admitAfter, evict);
    }
}
