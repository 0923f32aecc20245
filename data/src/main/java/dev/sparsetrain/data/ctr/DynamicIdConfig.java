package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import java.util.Locale;

/**
 * Settings of a dynamic (collisionless) embedding table, see {@link DynamicIdMap}.
 *
 * <p>{@code capacity} is the table's row budget including the shared default row 0, so a dynamic
 * table of capacity B costs the same embedding and optimizer memory as hashing into B buckets
 * (the id map's own bytes come on top and are reported). An id gets its own row at its
 * {@code admitAfter}-th training occurrence (DeepRec's {@code CounterFilter}; Monolith's
 * occurrence filter); earlier occurrences use the default row. When no row is free, eviction
 * follows {@code eviction}: {@link Eviction#LFU} replaces the row with the lowest decayed count
 * (counts halve every {@code halfLifeSteps} steps; DeepRec's {@code L2WeightEvict}/LFU family),
 * {@link Eviction#TTL} frees rows whose id has not occurred for {@code ttlSteps} steps
 * (Monolith's expirable embeddings, DeepRec's {@code GlobalStepEvict}); under TTL a full table
 * with no expired row leaves new ids on the default row. A step is one optimizer step (one
 * mini-batch).
 *
 * @param capacity      rows including the default row, >= 2
 * @param admitAfter    occurrences before an id gets a row, >= 1 (1 = at first sight)
 * @param eviction      LFU or TTL
 * @param halfLifeSteps LFU count half-life in steps, >= 1
 * @param ttlSteps      TTL in steps, >= 1 (ignored under LFU)
 */
public record DynamicIdConfig(int capacity, int admitAfter, Eviction eviction, long halfLifeSteps, long ttlSteps) {
    /** Which row gives way when a new id needs one and none is free. */
    public enum Eviction { LFU, TTL }

    /** The default LFU half-life: 1000 steps. */
    public static final long DEFAULT_HALF_LIFE = 1000;

    public DynamicIdConfig {
        if (capacity < 2) throw new BadInputException("dynamic ids: capacity " + capacity + ", must be >= 2 (one default row plus at least one id row)");
        if (admitAfter < 1) throw new BadInputException(Settings.name("admitAfter") + " " + admitAfter + ", must be >= 1 (1 = an id gets a row at first sight)");
        if (eviction == null) throw new BadInputException(Settings.name("evict") + " missing, allowed: lfu, lfu:HALF_LIFE_STEPS, ttl:STEPS");
        if (halfLifeSteps < 1) throw new BadInputException(Settings.name("evict") + " lfu:" + halfLifeSteps + ", the half-life must be >= 1 step");
        if (eviction == Eviction.TTL && ttlSteps < 1) throw new BadInputException(Settings.name("evict") + " ttl:" + ttlSteps + ", the time-to-live must be >= 1 step");
    }

    /** Admission after {@code admitAfter} occurrences, LFU eviction with the default half-life. */
    public static DynamicIdConfig lfu(int capacity, int admitAfter) {
        return new DynamicIdConfig(capacity, admitAfter, Eviction.LFU, DEFAULT_HALF_LIFE, 0);
    }

    public DynamicIdConfig withCapacity(int c) { return new DynamicIdConfig(c, admitAfter, eviction, halfLifeSteps, ttlSteps); }

    /**
     * Parses {@code --evict}: {@code lfu}, {@code lfu:HALF_LIFE_STEPS} or {@code ttl:STEPS};
     * anything else is refused in one line naming the allowed forms.
     */
    public static DynamicIdConfig parse(int capacity, int admitAfter, String evict) {
        String e = evict == null ? "" : evict.trim().toLowerCase(Locale.ROOT);
        String allowed = "allowed: lfu, lfu:HALF_LIFE_STEPS, ttl:STEPS (steps are mini-batches, e.g. ttl:500)";
        try {
            if (e.equals("lfu")) return new DynamicIdConfig(capacity, admitAfter, Eviction.LFU, DEFAULT_HALF_LIFE, 0);
            if (e.startsWith("lfu:")) return new DynamicIdConfig(capacity, admitAfter, Eviction.LFU, Long.parseLong(e.substring(4)), 0);
            if (e.startsWith("ttl:")) return new DynamicIdConfig(capacity, admitAfter, Eviction.TTL, DEFAULT_HALF_LIFE, Long.parseLong(e.substring(4)));
        } catch (NumberFormatException x) {
            throw new BadInputException(Settings.name("evict") + " '" + evict + "': the number is not an integer; " + allowed);
        }
        throw new BadInputException(Settings.name("evict") + " '" + evict + "', " + allowed);
    }

    /** The {@code --evict} spelling of this configuration. */
    public String evictSpec() {
        return eviction == Eviction.TTL ? "ttl:" + ttlSteps : "lfu:" + halfLifeSteps;
    }

    @Override
    public String toString() {
        return "dynamic capacity " + capacity + ", admit after " + admitAfter + ", evict " + evictSpec();
    }
}
