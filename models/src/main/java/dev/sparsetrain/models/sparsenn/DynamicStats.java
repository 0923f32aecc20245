package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.data.ctr.DynamicIdMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A snapshot of one dynamic embedding table's figures ({@link DynamicIdMap}), for the diagnostics
 * and the summary: capacity, ids owning a row, the id map's memory (next to the embedding rows'
 * own), and the counters of admissions, evictions (LFU), expirations (TTL), default-row hits and
 * training occurrences. {@link #since} gives the figures of one pass from two snapshots.
 *
 * @param feature feature name
 * @param capacity table rows, the default row included
 * @param ids ids owning a row now
 * @param mapBytes bytes of the id map, its per-row bookkeeping and admission sketch
 * @param embeddingBytes bytes of the feature's parameter rows (embedding and linear), for comparison
 */
public record DynamicStats(String feature, int capacity, int ids, long mapBytes, long embeddingBytes, long admissions, long evictions,
                           long expirations, long defaultHits, long observations) {

    /** The figures of every dynamic feature of {@code m}, in feature order (empty without dynamic tables). */
    public static List<DynamicStats> of(SparseNN m) {
        List<DynamicStats> out = new ArrayList<>();
        if (!m.hasDynamicIds()) return out;
        String[] names = m.sparseNames();
        for (int f = 0; f < names.length; f++) {
            DynamicIdMap d = m.dynamicIds(f);
            if (d == null) continue;
            long emb = 0;
            for (var t : m.sparseTables()) {
                if (t.name().equals("emb." + names[f]) || t.name().equals("lin." + names[f])) emb += 4L * t.size();
            }
            out.add(new DynamicStats(names[f], d.capacity(), d.size(), d.bytes(), emb, d.admissions(), d.evictions(), d.expirations(),
                    d.defaultHits(), d.observations()));
        }
        return out;
    }

    /** The counters since {@code before} (same feature); sizes are this snapshot's. */
    public DynamicStats since(DynamicStats before) {
        return new DynamicStats(feature, capacity, ids, mapBytes, embeddingBytes, admissions - before.admissions, evictions - before.evictions,
                expirations - before.expirations, defaultHits - before.defaultHits, observations - before.observations);
    }

    /** Per-feature figures of {@code now} since {@code before} (null or empty: since the start). */
    public static List<DynamicStats> since(List<DynamicStats> now, List<DynamicStats> before) {
        if (before == null || before.isEmpty()) return now;
        List<DynamicStats> out = new ArrayList<>();
        for (int i = 0; i < now.size(); i++) out.add(now.get(i).since(before.get(i)));
        return out;
    }

    /** A table, one line per feature and a total. */
    public static String format(List<DynamicStats> s) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-12s %9s %9s %10s %10s %9s %9s %9s %9s%n", "feature", "capacity", "ids",
                "map", "rows", "admitted", "evicted", "expired", "default%"));
        long cap = 0, ids = 0, mb = 0, eb = 0, ad = 0, ev = 0, ex = 0, dh = 0, ob = 0;
        for (DynamicStats d : s) {
            sb.append(line(d.feature, d.capacity, d.ids, d.mapBytes, d.embeddingBytes, d.admissions, d.evictions, d.expirations, d.defaultHits, d.observations));
            cap += d.capacity; ids += d.ids; mb += d.mapBytes; eb += d.embeddingBytes; ad += d.admissions; ev += d.evictions; ex += d.expirations;
            dh += d.defaultHits; ob += d.observations;
        }
        if (s.size() > 1) sb.append(line("total", cap, ids, mb, eb, ad, ev, ex, dh, ob));
        return sb.toString();
    }

    private static String line(String f, long cap, long ids, long mb, long eb, long ad, long ev, long ex, long dh, long ob) {
        return String.format(Locale.ROOT, "  %-12s %9d %9d %10s %10s %9d %9d %9d %8.2f%%%n", f, cap, ids, bytes(mb), bytes(eb), ad, ev, ex,
                ob == 0 ? 0 : 100.0 * dh / ob);
    }

    /** Bytes as B, KB, MB or GB (powers of 1024). */
    public static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024L * 1024) return String.format(Locale.ROOT, "%.1f KB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MB", b / 1048576.0);
        return String.format(Locale.ROOT, "%.2f GB", b / 1073741824.0);
    }
}
