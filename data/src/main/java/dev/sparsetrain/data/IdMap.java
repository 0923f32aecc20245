package dev.sparsetrain.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A bijection between raw ids as they appear in files ({@code "196"}, {@code "a1b2"}) and dense
 * indices {@code 0..size()-1}, assigned in order of first appearance.
 *
 * <p>Numeric and string ids are treated alike (as strings, trimmed), so {@code "007"} and
 * {@code "7"} are different ids. Thread-safety: none while adding; safe to read concurrently once
 * no thread adds.
 */
public final class IdMap {
    private final Map<String, Integer> index;
    private final List<String> ids;

    public IdMap() {
        this.index = new HashMap<>();
        this.ids = new ArrayList<>();
    }

    /** A map of the given ids in order (index k is ids[k]); duplicates are refused. */
    public static IdMap of(List<String> ids) {
        IdMap m = new IdMap();
        for (String id : ids) {
            if (m.indexOf(id) >= 0) throw new IllegalArgumentException("duplicate id '" + id + "'");
            m.add(id);
        }
        return m;
    }

    /** The ids "1".."n" (index k is id k+1), as the synthetic generator uses. */
    public static IdMap sequential(int n) {
        IdMap m = new IdMap();
        for (int k = 1; k <= n; k++) m.add(Integer.toString(k));
        return m;
    }

    /** The index of {@code id}, adding it if new. */
    public int add(String id) {
        Integer k = index.get(id);
        if (k != null) return k;
        int n = ids.size();
        index.put(id, n);
        ids.add(id);
        return n;
    }

    /** The index of {@code id}, or -1 when unknown. */
    public int indexOf(String id) {
        Integer k = index.get(id);
        return k == null ? -1 : k;
    }

    /** The raw id of index {@code k}. */
    public String id(int k) {
        return ids.get(k);
    }

    public int size() {
        return ids.size();
    }

    /** The raw ids in index order (a copy). */
    public List<String> ids() {
        return List.copyOf(ids);
    }

    /** An independent copy. */
    public IdMap copy() {
        return of(ids);
    }

    @Override
    public String toString() {
        return "IdMap[" + ids.size() + " ids]";
    }
}
