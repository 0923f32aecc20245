package dev.sparsetrain.data.ctr;

import java.util.Arrays;

/**
 * An open-addressing map from long keys to int values (no boxing); -1 means absent. Linear
 * probing over a power-of-two table kept at most half full, keys spread by {@link CtrRawData#mix64};
 * {@link #remove} uses backward-shift deletion (Knuth, TAOCP vol. 3, 6.4, algorithm R), so there
 * are no tombstones and lookups stay short after many evictions. Not thread-safe for writes;
 * concurrent {@link #get}s with no writer are safe.
 */
final class LongIntMap {
    private long[] keys;
    private int[] values;
    private boolean[] used;
    private int size;
    private int mask;

    LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2) - 1) << 1;
        keys = new long[cap];
        values = new int[cap];
        used = new boolean[cap];
        mask = cap - 1;
    }

    int size() { return size; }

    int get(long k) {
        int i = (int) CtrRawData.mix64(k) & mask;
        while (used[i]) {
            if (keys[i] == k) return values[i];
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Adds {@code delta} to the value of {@code k} (starting from 0). */
    void add(long k, int delta) {
        int i = (int) CtrRawData.mix64(k) & mask;
        while (used[i]) {
            if (keys[i] == k) { values[i] += delta; return; }
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = k;
        values[i] = delta;
        if (++size * 2 > keys.length) grow();
    }

    void put(long k, int v) {
        int i = (int) CtrRawData.mix64(k) & mask;
        while (used[i]) {
            if (keys[i] == k) { values[i] = v; return; }
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = k;
        values[i] = v;
        if (++size * 2 > keys.length) grow();
    }

    /**
     * Removes {@code k}; returns its value or -1 when absent. Later entries of the probe run are
     * shifted back into the hole when their home slot does not lie cyclically in (hole, slot].
     */
    int remove(long k) {
        int i = (int) CtrRawData.mix64(k) & mask;
        while (used[i]) {
            if (keys[i] == k) break;
            i = (i + 1) & mask;
        }
        if (!used[i]) return -1;
        int v = values[i];
        int hole = i;
        int j = (i + 1) & mask;
        while (used[j]) {
            int home = (int) CtrRawData.mix64(keys[j]) & mask;
            // keys[j] may move to the hole unless its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
            j = (j + 1) & mask;
        }
        used[hole] = false;
        size--;
        return v;
    }

    /** Slots of the table (for the memory report: 13 bytes each). */
    int slots() { return keys.length; }

    /** The keys, in slot order. */
    long[] keysArray() {
        long[] out = new long[size];
        int n = 0;
        for (int i = 0; i < keys.length; i++) if (used[i]) out[n++] = keys[i];
        return out;
    }

    private void grow() {
        long[] ok = keys;
        int[] ov = values;
        boolean[] ou = used;
        keys = new long[ok.length * 2];
        values = new int[ok.length * 2];
        used = new boolean[ok.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < ok.length; i++) if (ou[i]) put(ok[i], ov[i]);
    }

    @Override
    public String toString() { return "LongIntMap[" + size + "]" + Arrays.toString(new int[0]); }
}
