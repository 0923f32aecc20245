package dev.sparsetrain.data.ctr;

import java.util.Arrays;

/** An open-addressing map from long keys to int values (no boxing); -1 means absent. Not thread-safe. */
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
