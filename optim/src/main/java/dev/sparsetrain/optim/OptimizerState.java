package dev.sparsetrain.optim;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of an {@link Optimizer}'s state, in the shape a model file stores: string metadata
 * and named float tables. Written into checkpoints next to the parameter tables so that a resumed
 * run continues the optimizer exactly (Adam moments, AdaGrad accumulators, row update counts,
 * catch-up stamps, group step counters, learning-rate multipliers) instead of restarting it.
 *
 * <pre>
 *   metadata  optim.format = 1, optim.groups = g1,g2,...
 *             optim.&lt;group&gt;.chain        chain, schedule, semantics, frozen (must match on load)
 *             optim.&lt;group&gt;.step / .observedStep / .multiplier / .lastClipNorm
 *   tables    optim/&lt;group&gt;/&lt;table&gt;/&lt;slot&gt;   kernel state, rows x dim (rows x 1 if one value per row)
 *             optim/&lt;group&gt;/&lt;table&gt;/rowCount  rows x 2: the row's update count in 16-bit pieces
 *             optim/&lt;group&gt;/&lt;table&gt;/last      rows x 4: CATCH_UP stamp (long) in 16-bit pieces
 * </pre>
 * Integers are split into 16-bit pieces held as exact floats, so that no bit pattern becomes a
 * NaN on the way through a float file. Load with {@link Optimizer#importState}: the optimizer
 * kind, hyperparameters, semantics and every shape must match, else one line names the file
 * and the mismatch. Immutable (the tables are copies taken at export).
 *
 * @param metadata the scalar state and the signatures checked on load
 * @param tables   the array state
 */
public record OptimizerState(Map<String, String> metadata, List<Table> tables) {
    /** Metadata key present in every exported state. */
    public static final String FORMAT_KEY = "optim.format";
    /** Prefix of every state table name. */
    public static final String TABLE_PREFIX = "optim/";

    public OptimizerState {
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
        tables = List.copyOf(tables);
    }

    /** Whether a model file's metadata holds optimizer state. */
    public static boolean present(Map<String, String> metadata) {
        return metadata != null && metadata.containsKey(FORMAT_KEY);
    }

    /** Whether a table of a model file is optimizer state rather than a parameter table. */
    public static boolean isStateTable(Table t) {
        return t.name().startsWith(TABLE_PREFIX);
    }

    /** Picks the optimizer state out of a model file's metadata and tables. */
    public static OptimizerState from(Map<String, String> metadata, List<Table> tables) {
        Map<String, String> m = new LinkedHashMap<>();
        for (var e : metadata.entrySet()) if (e.getKey().startsWith("optim.")) m.put(e.getKey(), e.getValue());
        List<Table> t = new ArrayList<>();
        for (Table x : tables) if (isStateTable(x)) t.add(x);
        return new OptimizerState(m, t);
    }

    /** Metadata without the optimizer keys (what a model's own code should see). */
    public static Map<String, String> withoutState(Map<String, String> metadata) {
        Map<String, String> m = new LinkedHashMap<>();
        for (var e : metadata.entrySet()) if (!e.getKey().startsWith("optim.")) m.put(e.getKey(), e.getValue());
        return m;
    }

    static void putInt(float[] d, int off, int v) {
        d[off] = (v >>> 16) & 0xffff;
        d[off + 1] = v & 0xffff;
    }

    static void putLong(float[] d, int off, long v) {
        for (int k = 0; k < 4; k++) d[off + k] = (v >>> (48 - 16 * k)) & 0xffff;
    }

    static int piece(float f, String where, String table) {
        int p = (int) f;
        if (p != f || p < 0 || p > 0xffff) throw new BadInputException(where + ": damaged optimizer state (table '" + table + "' holds " + f + ", not a 16-bit piece)");
        return p;
    }

    static int getInt(float[] d, int off, String where, String table) {
        return (piece(d[off], where, table) << 16) | piece(d[off + 1], where, table);
    }

    static long getLong(float[] d, int off, String where, String table) {
        long v = 0;
        for (int k = 0; k < 4; k++) v = (v << 16) | piece(d[off + k], where, table);
        return v;
    }
}
