package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which {@link IdMode} each sparse feature uses: a default for every feature and overrides by
 * feature name, as {@code --ids} spells it: {@code hash}, {@code dynamic}, or
 * {@code hash,C3=dynamic,C12=dynamic} (the first bare mode is the default). {@code dynamic}
 * holds the admission and eviction settings of every dynamic feature (its capacity is replaced
 * by the encoder's {@code buckets}, so hashing and dynamic tables compare at equal rows).
 *
 * @param defaultMode mode of features not named in {@code perFeature}
 * @param perFeature  feature name -&gt; mode (insertion order kept)
 * @param dynamic     settings of dynamic features (used only when some feature is dynamic)
 */
public record IdSpec(IdMode defaultMode, Map<String, IdMode> perFeature, DynamicIdConfig dynamic) {
    public IdSpec {
        if (defaultMode == null) throw new BadInputException(Settings.name("ids") + ": default mode missing, allowed: hash, vocab, dynamic");
        perFeature = Map.copyOf(new LinkedHashMap<>(perFeature));
        if (dynamic == null) dynamic = DynamicIdConfig.lfu(2, 1);
    }

    /** What the encoder did before {@code --ids} existed: hashing, or a vocabulary when {@code minCount >= 1}. */
    public static IdSpec legacy(int minCount) {
        return new IdSpec(minCount > 0 ? IdMode.VOCAB : IdMode.HASH, Map.of(), null);
    }

    /** Every feature {@code mode}. */
    public static IdSpec all(IdMode mode, DynamicIdConfig dynamic) {
        return new IdSpec(mode, Map.of(), dynamic);
    }

    /** The mode of feature {@code name}. */
    public IdMode modeOf(String name) {
        return perFeature.getOrDefault(name, defaultMode);
    }

    /** Whether some feature (of any name) may use {@code m}. */
    public boolean uses(IdMode m) {
        return defaultMode == m || perFeature.containsValue(m);
    }

    /**
     * Parses {@code --ids}: comma-separated entries, each {@code MODE} (the default, at most one)
     * or {@code FEATURE=MODE}; modes hash, vocab, dynamic. Refused in one line otherwise.
     */
    public static IdSpec parse(String spec, DynamicIdConfig dynamic) {
        String allowed = "allowed: hash, vocab, dynamic, or per feature e.g. 'hash,C3=dynamic'";
        if (spec == null || spec.isBlank()) throw new BadInputException(Settings.name("ids") + " is empty, " + allowed);
        IdMode def = null;
        Map<String, IdMode> per = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq < 0) {
                if (def != null) throw new BadInputException(Settings.name("ids") + " '" + spec + "': two default modes ('" + def.optionName() + "' and '" + p + "'), " + allowed);
                def = mode(spec, p, allowed);
            } else {
                String name = p.substring(0, eq).trim();
                if (name.isEmpty()) throw new BadInputException(Settings.name("ids") + " '" + spec + "': entry '" + p + "' has no feature name, " + allowed);
                if (per.put(name, mode(spec, p.substring(eq + 1).trim(), allowed)) != null) {
                    throw new BadInputException(Settings.name("ids") + " '" + spec + "': feature " + name + " given twice");
                }
            }
        }
        return new IdSpec(def == null ? IdMode.HASH : def, per, dynamic);
    }

    private static IdMode mode(String spec, String m, String allowed) {
        try {
            return IdMode.valueOf(m.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(Settings.name("ids") + " '" + spec + "': unknown mode '" + m + "', " + allowed);
        }
    }

    /** The {@code --ids} spelling. */
    public String format() {
        StringBuilder sb = new StringBuilder(defaultMode.optionName());
        for (var e : perFeature.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            sb.append(',').append(e.getKey()).append('=').append(e.getValue().optionName());
        }
        return sb.toString();
    }
}
