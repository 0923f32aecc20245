package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrRawData;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The sample order of a pass over rows streamed from disk in file order, through a bounded shuffle
 * buffer of {@code B} rows: the streaming counterpart of {@link PassOrder}, mode by mode.
 *
 * <p>Each mode of {@link TrainConfig.Shuffle} cuts the {@code n} training rows into segments of
 * contiguous file rows, shuffled independently: {@code NONE} one unshuffled segment, {@code ALL}
 * one segment of all rows, {@code WITHIN_PARTITION} the {@code partitions} ranges
 * {@code [n k / p, n (k+1) / p)} of {@link PassOrder}. Then:
 * <ul>
 *   <li><b>Exact</b>, when every segment fits the buffer ({@code ALL} with {@code B >= n},
 *       {@code WITHIN_PARTITION} with {@code B >= ceil(n / p)}, and {@code NONE} always): a segment
 *       is read whole into the buffer and emitted in the permutation that {@link PassOrder} draws
 *       for it, from the same generator (seeded with the seed, earlier passes' draws replayed:
 *       {@code n - 1} bounded draws each, no memory). The order is then identical to the
 *       in-memory trainer's, so the trained model is too, bit for bit.</li>
 *   <li><b>Windowed</b> otherwise (the approximation): within each segment a shuffle buffer as in
 *       {@code tf.data.Dataset.shuffle(B)}: the first {@code B} rows fill it; then each output row
 *       is a uniformly drawn buffer slot, refilled with the next incoming row; at the segment's end
 *       the buffer is emitted in a random permutation. A row never leaves its segment (partitions
 *       stay partitions) and never moves more than {@code B} positions earlier than its file
 *       position, but it may move arbitrarily later, so a log sorted by time stays roughly in time
 *       order at window scale: a global permutation ({@code ALL}) is approximated, not achieved.
 *       The generator is seeded by (seed, pass), so a pass is reproducible.</li>
 * </ul>
 * Memory: the buffer, {@code min(B, largest segment)} rows of {@code 1 + 4 numDense + 4 numSparse}
 * bytes (157 bytes a Criteo row: 157 MB for the default million), plus a permutation of as many
 * ints, plus 8 bytes a row per dynamic feature ({@code --ids dynamic}: the raw id travels with the
 * row, since its table row is only assigned when the batch trains). Single-valued sparse features
 * only. Not thread-safe.
 */
public final class StreamOrder {
    private final TrainConfig.Shuffle mode;
    private final long seed;
    private final int rows, buffer;
    private final int[] segStart;   // segments: [segStart[s], segStart[s+1])
    private final boolean exact;
    private final int window;       // buffer slots allocated

    /**
     * @param rows   training rows per pass
     * @param buffer the shuffle buffer's rows ({@code --shuffle-buffer}), >= 1
     */
    public StreamOrder(int rows, TrainConfig config, int buffer) {
        if (buffer < 1) throw new BadInputException("shuffle buffer of " + buffer + " rows, must be >= 1 row");
        if (rows < 1) throw new BadInputException("training data has no rows");
        this.mode = config.shuffle();
        this.seed = config.seed();
        this.rows = rows;
        this.buffer = buffer;
        int p = switch (mode) {
            case NONE, ALL -> 1;
            case WITHIN_PARTITION -> Math.min(config.partitions(), rows);
        };
        segStart = new int[p + 1];
        int largest = 0;
        for (int k = 0; k <= p; k++) segStart[k] = (int) ((long) rows * k / p);
        for (int k = 0; k < p; k++) largest = Math.max(largest, segStart[k + 1] - segStart[k]);
        exact = mode == TrainConfig.Shuffle.NONE || largest <= buffer;
        window = mode == TrainConfig.Shuffle.NONE ? 0 : Math.min(buffer, largest);
    }

    /** Whether the order equals {@link PassOrder}'s (see the class comment). */
    public boolean exact() { return exact; }

    /** One line for the run's output: the mode, the buffer, and whether the order is exact or windowed. */
    public String describe() {
        if (mode == TrainConfig.Shuffle.NONE) return "shuffle none: file order, as in memory (no buffer)";
        String what = mode == TrainConfig.Shuffle.ALL ? "shuffle all" : "shuffle within " + (segStart.length - 1) + " partitions";
        if (exact) {
            return String.format(Locale.ROOT, "%s: exact, the in-memory trainer's order (each %s fits the %,d-row shuffle buffer)", what,
                    mode == TrainConfig.Shuffle.ALL ? "pass" : "partition", buffer);
        }
        return String.format(Locale.ROOT, "%s: approximated by a %,d-row shuffle buffer (tf.data-style window%s; a row moves at most "
                + "%,d rows earlier, arbitrarily later), not a global permutation", what, buffer,
                mode == TrainConfig.Shuffle.ALL ? "" : " within each partition", buffer);
    }

    /** A short tag for the progress line. */
    public String tag() {
        if (mode == TrainConfig.Shuffle.NONE) return "stream, file order";
        return exact ? "stream, exact shuffle" : String.format(Locale.ROOT, "stream, ~shuffle (window %s)", dev.sparsetrain.core.Progress.human(buffer));
    }

    /** Bytes of the buffer and its permutation for {@code numDense} / {@code numSparse} features. */
    public long bufferBytes(int numDense, int numSparse) { return bufferBytes(numDense, numSparse, 0); }

    /** Bytes of the buffer and its permutation, with {@code numDynamic} of the sparse features dynamic (a raw id each). */
    public long bufferBytes(int numDense, int numSparse, int numDynamic) {
        return (long) window * (1 + 4L * numDense + 4L * numSparse + 8L * numDynamic + 4);
    }

    /** Pass {@code pass} (1-based) over the blocks {@code blocks} delivers in file order (null at the end), without dynamic features. */
    Pass open(int pass, int numDense, int numSparse, Supplier<CtrData> blocks) {
        return open(pass, numDense, new boolean[numSparse], blocks);
    }

    /**
     * Pass {@code pass} (1-based) over the blocks {@code blocks} delivers in file order (null at
     * the end); the features flagged in {@code dynamic} carry their raw ids ({@link CtrData#rawIds})
     * into the rows handed out, beside their fallback rows.
     */
    Pass open(int pass, int numDense, boolean[] dynamic, Supplier<CtrData> blocks) {
        SplittableRandom rnd;
        if (exact) {
            rnd = new SplittableRandom(seed);
            for (int q = 1; q < pass; q++) {
                for (int s = 0; s + 1 < segStart.length && mode != TrainConfig.Shuffle.NONE; s++) {
                    int m = segStart[s + 1] - segStart[s];
                    for (int i = m - 1; i > 0; i--) rnd.nextInt(i + 1);
                }
            }
        } else {
            rnd = new SplittableRandom(CtrRawData.mix64(seed * 0x9E3779B97F4A7C15L + pass));
        }
        return new Pass(rnd, numDense, dynamic, blocks);
    }

    /** One pass: hands out the rows in the pass's order, batch by batch. */
    final class Pass {
        private final SplittableRandom rnd;
        private final int nd, ns;
        private final Supplier<CtrData> blocks;
        private final byte[] wl;
        private final float[] wd;
        private final int[] wi;
        /** Dynamic features: their indices, and the buffered rows' raw ids (row-major, nr per row). */
        private final int[] dyn;
        private final int nr;
        private final long[] wr;
        private final int[] perm;
        private CtrData blk;
        private int bp;
        private long incoming;     // rows taken from the blocks
        private int seg = -1, segRead, emitted, loaded, permAt;
        private boolean draining;
        private long out;          // rows handed out

        Pass(SplittableRandom rnd, int nd, boolean[] dynamic, Supplier<CtrData> blocks) {
            this.rnd = rnd;
            this.nd = nd;
            this.ns = dynamic.length;
            this.blocks = blocks;
            int k = 0;
            for (boolean d : dynamic) if (d) k++;
            dyn = new int[k];
            k = 0;
            for (int f = 0; f < dynamic.length; f++) if (dynamic[f]) dyn[k++] = f;
            nr = k;
            wl = new byte[window];
            wd = new float[window * nd];
            wi = new int[window * ns];
            wr = new long[window * nr];
            perm = new int[window];
        }

        /** Whether a row is ready at (blk, bp), pulling the next block when needed. */
        private boolean incomingReady() {
            while (blk == null || bp >= blk.rows()) {
                blk = blocks.get();
                bp = 0;
                if (blk == null) return false;
                for (int f = 0; f < ns; f++) {
                    if (blk.offsets()[f] != null) throw new BadInputException("feature '" + blk.names()[f] + "' is multi-valued; streaming trains single-valued features only");
                }
                for (int f : dyn) {
                    if (!blk.isDynamic(f)) throw new IllegalStateException("feature '" + blk.names()[f] + "' is dynamic, but the block carries no raw ids");
                }
            }
            return true;
        }

        private BadInputException ended() {
            return new BadInputException("the click log ended after " + incoming + " of the " + rows
                    + " training rows of a pass; did the file change during training?");
        }

        private void takeInto(int slot) {
            wl[slot] = blk.labels()[bp];
            if (nd > 0) System.arraycopy(blk.dense(), bp * nd, wd, slot * nd, nd);
            int[][] ids = blk.ids();
            int o = slot * ns;
            for (int f = 0; f < ns; f++) wi[o + f] = ids[f][bp];
            if (nr > 0) {
                long[][] raw = blk.rawIds();
                for (int q = 0; q < nr; q++) wr[slot * nr + q] = raw[dyn[q]][bp];
            }
            bp++;
            incoming++;
        }

        private void emitSlot(int slot, CtrData dst, int k) {
            dst.labels()[k] = wl[slot];
            if (nd > 0) System.arraycopy(wd, slot * nd, dst.dense(), k * nd, nd);
            int[][] ids = dst.ids();
            int o = slot * ns;
            for (int f = 0; f < ns; f++) ids[f][k] = wi[o + f];
            if (nr > 0) {
                long[][] raw = dst.rawIds();
                for (int q = 0; q < nr; q++) raw[dyn[q]][k] = wr[slot * nr + q];
            }
        }

        private void emitIncoming(CtrData dst, int k) {
            dst.labels()[k] = blk.labels()[bp];
            if (nd > 0) System.arraycopy(blk.dense(), bp * nd, dst.dense(), k * nd, nd);
            int[][] src = blk.ids(), ids = dst.ids();
            for (int f = 0; f < ns; f++) ids[f][k] = src[f][bp];
            for (int f : dyn) dst.rawIds()[f][k] = blk.rawIds()[f][bp];
            bp++;
            incoming++;
        }

        /** PassOrder's Fisher-Yates over perm[0, m): position t gets local row perm[t]. */
        private void permute(int m) {
            for (int i = 0; i < m; i++) perm[i] = i;
            for (int i = m - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
        }

        /** Starts the next segment: loads min(window, its rows) rows. */
        private void startSegment() {
            seg++;
            int m = segStart[seg + 1] - segStart[seg];
            loaded = Math.min(window, m);
            for (int s = 0; s < loaded; s++) {
                if (!incomingReady()) throw ended();
                takeInto(s);
            }
            segRead = loaded;
            emitted = 0;
            draining = loaded == m;
            if (draining) {
                permute(loaded);
                permAt = 0;
            }
        }

        /** Writes the next {@code count} rows of the pass into {@code dst}'s rows {@code [0, count)}. */
        void fill(CtrData dst, int count) {
            for (int k = 0; k < count; k++) {
                if (out >= rows) throw new IllegalStateException("pass over: " + rows + " rows handed out");
                if (mode == TrainConfig.Shuffle.NONE) {
                    if (!incomingReady()) throw ended();
                    emitIncoming(dst, k);
                    out++;
                    continue;
                }
                if (seg < 0 || emitted == segStart[seg + 1] - segStart[seg]) startSegment();
                int m = segStart[seg + 1] - segStart[seg];
                if (!draining) {
                    int j = rnd.nextInt(loaded);
                    emitSlot(j, dst, k);
                    if (!incomingReady()) throw ended();
                    takeInto(j);
                    segRead++;
                    if (segRead == m) {
                        draining = true;
                        permute(loaded);
                        permAt = 0;
                    }
                } else {
                    emitSlot(perm[permAt++], dst, k);
                }
                emitted++;
                out++;
            }
        }

        /** Rows handed out so far. */
        long handedOut() { return out; }
    }
}
