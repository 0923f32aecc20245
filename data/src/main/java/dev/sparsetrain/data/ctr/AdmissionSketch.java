package dev.sparsetrain.data.ctr;

/**
 * Occurrence counts of ids that have no row yet, in bounded memory: a count-min sketch (Cormode
 * and Muthukrishnan 2005) of {@value #DEPTH} rows of {@code width} int counters with conservative
 * update (Estan and Varghese 2002: only the minimal counters grow, which lowers the
 * over-estimate), aged as in TinyLFU (Einziger, Friedman and Manes 2017): after
 * {@code 10 x width} additions every counter is halved, so ids that were frequent long ago do not
 * keep a claim forever. Estimates never fall below the true count since the last halving; they
 * exceed it only through collisions, which with width at least twice the ids in flight is rare.
 * Memory: {@code 4 x DEPTH x width} bytes, fixed. Not thread-safe; allocation-free.
 */
final class AdmissionSketch {
    static final int DEPTH = 4;
    private final int[] counts;
    private final int width, mask;
    private long additions;
    private final long resetAfter;

    /** A sketch of at least {@code minWidth} counters per row (rounded up to a power of two). */
    AdmissionSketch(int minWidth) {
        int w = Integer.highestOneBit(Math.max(64, minWidth) - 1) << 1;
        width = w;
        mask = w - 1;
        counts = new int[DEPTH * w];
        resetAfter = 10L * w;
    }

    private int slot(long id, int d) {
        return d * width + ((int) (CtrRawData.mix64(id + (d + 1) * 0x9E3779B97F4A7C15L) >>> 17) & mask);
    }

    /** Adds one occurrence of {@code id} and returns its estimated count afterwards. */
    int increment(long id) {
        int min = Integer.MAX_VALUE;
        for (int d = 0; d < DEPTH; d++) min = Math.min(min, counts[slot(id, d)]);
        int next = min == Integer.MAX_VALUE ? min : min + 1;
        for (int d = 0; d < DEPTH; d++) {
            int s = slot(id, d);
            if (counts[s] < next) counts[s] = next;   // conservative update
        }
        if (++additions >= resetAfter) halve();
        return next;
    }

    /** The estimated count of {@code id}. */
    int estimate(long id) {
        int min = Integer.MAX_VALUE;
        for (int d = 0; d < DEPTH; d++) min = Math.min(min, counts[slot(id, d)]);
        return min;
    }

    private void halve() {
        for (int i = 0; i < counts.length; i++) counts[i] >>>= 1;
        additions = 0;
    }

    long bytes() { return 4L * counts.length; }

    /** Counters per row (a power of two). */
    int width() { return width; }

    /** Additions since the last halving. */
    long additions() { return additions; }

    /** Longs {@link #exportTo} writes: two counters per long. */
    int stateLongs() { return counts.length / 2; }

    /** Writes every counter, two per long (high word first), from {@code out[at]} on. */
    void exportTo(long[] out, int at) {
        for (int i = 0; i < counts.length; i += 2) out[at + i / 2] = ((long) counts[i] << 32) | (counts[i + 1] & 0xffffffffL);
    }

    /**
     * Restores what {@link #exportTo} wrote (and {@code additions}); a negative counter or an
     * addition count past the halving point is refused ({@link IllegalArgumentException}).
     */
    void restore(long[] in, int at, long additions) {
        if (additions < 0 || additions >= resetAfter) throw new IllegalArgumentException("admission sketch: " + additions + " additions, allowed 0 to " + (resetAfter - 1));
        for (int i = 0; i < counts.length; i += 2) {
            long w = in[at + i / 2];
            counts[i] = (int) (w >>> 32);
            counts[i + 1] = (int) w;
            if (counts[i] < 0 || counts[i + 1] < 0) throw new IllegalArgumentException("admission sketch: a negative counter");
        }
        this.additions = additions;
    }
}
