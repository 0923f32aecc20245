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
 * row, since its table row is only assigned when the batch trains). A multi-valued feature's ids
 * (and raw ids) are kept per buffered row in an array of their own (about 16 bytes plus 4 an id),
 * and laid into the batch with its offsets. Not thread-safe.
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
        return open(pass, numDense, new boolean[numSparse], new boolean[numSparse], blocks);
    }

    /**
     * Pass {@code pass} (1-based) over the blocks {@code blocks} delivers in file order (null at
     * the end); the features flagged in {@code dynamic} carry their raw ids ({@link CtrData#rawIds})
     * into the rows handed out, beside their fallback rows; those flagged in {@code multi} are
     * multi-valued (offsets in the blocks and in the batch).
     */
    Pass open(int pass, int numDense, boolean[] dynamic, boolean[] multi, Supplier<CtrData> blocks) {
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
        return new Pass(rnd, numDense, dynamic, multi, blocks);
    }

    /** One pass: hands out the rows in the pass's order, batch by batch. */
    final class Pass {
        private final SplittableRandom rnd;
        private final int nd, ns;
        private final Supplier<CtrData> blocks;
        private final byte[] wl;
        private final float[] wd;
        private final int[] wi;
        /** Single-valued features: their indices. */
        private final int[] single;
        /** Single-valued dynamic features: their indices, and the buffered rows' raw ids (row-major, nr per row). */
        private final int[] dyn;
        private final int nr;
        private final long[] wr;
        /** Multi-valued features: their indices, whether dynamic, and per buffered row their ids and raw ids (row-major, nm per row). */
        private final int[] mv;
        private final boolean[] mvDynamic;
        private final int nm;
        private final int[][] wm;
        private final long[][] wmr;
        private final int[] perm;
        private CtrData blk;
        private int bp;
        private long incoming;     // rows taken from the blocks
        private int seg = -1, segRead, emitted, loaded, permAt;
        private boolean draining;
        private long out;          // rows handed out

        Pass(SplittableRandom rnd, int nd, boolean[] dynamic, boolean[] multi, Supplier<CtrData> blocks) {
            this.rnd = rnd;
            this.nd = nd;
            this.ns = dynamic.length;
            this.blocks = blocks;
            java.util.List<Integer> sg = new java.util.ArrayList<>(), dy = new java.util.ArrayList<>(), mu = new java.util.ArrayList<>();
            for (int f = 0; f < ns; f++) {
                if (multi[f]) {
                    mu.add(f);
                } else {
                    sg.add(f);
                    if (dynamic[f]) dy.add(f);
                }
            }
            single = sg.stream().mapToInt(Integer::intValue).toArray();
            dyn = dy.stream().mapToInt(Integer::intValue).toArray();
            mv = mu.stream().mapToInt(Integer::intValue).toArray();
            nr = dyn.length;
            nm = mv.length;
            mvDynamic = new boolean[nm];
            for (int q = 0; q < nm; q++) mvDynamic[q] = dynamic[mv[q]];
            wl = new byte[window];
            wd = new float[window * nd];
            wi = new int[window * ns];
            wr = new long[window * nr];
            wm = new int[window * nm][];
            wmr = new long[window * nm][];
            perm = new int[window];
        }

        /** Whether a row is ready at (blk, bp), pulling the next block when needed. */
        private boolean incomingReady() {
            while (blk == null || bp >= blk.rows()) {
                blk = blocks.get();
                bp = 0;
                if (blk == null) return false;
                for (int f : single) {
                    if (blk.offsets()[f] != null) throw new IllegalStateException("feature '" + blk.names()[f] + "' is multi-valued in the block, single-valued in the pass");
                }
                for (int f : mv) {
                    if (blk.offsets()[f] == null) throw new IllegalStateException("feature '" + blk.names()[f] + "' is single-valued in the block, multi-valued in the pass");
                }
                for (int f : dyn) {
                    if (!blk.isDynamic(f)) throw new IllegalStateException("feature '" + blk.names()[f] + "' is dynamic, but the block carries no raw ids");
                }
                for (int q = 0; q < nm; q++) {
                    if (mvDynamic[q] && !blk.isDynamic(mv[q])) throw new IllegalStateException("feature '" + blk.names()[mv[q]] + "' is dynamic, but the block carries no raw ids");
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
            for (int f : single) wi[o + f] = ids[f][bp];
            if (nr > 0) {
                long[][] raw = blk.rawIds();
                for (int q = 0; q < nr; q++) wr[slot * nr + q] = raw[dyn[q]][bp];
            }
            for (int q = 0; q < nm; q++) {
                int f = mv[q], b = blk.begin(f, bp), e = blk.end(f, bp);
                wm[slot * nm + q] = java.util.Arrays.copyOfRange(ids[f], b, e);
                if (mvDynamic[q]) wmr[slot * nm + q] = java.util.Arrays.copyOfRange(blk.rawIds()[f], b, e);
            }
            bp++;
            incoming++;
        }

        /** Lays {@code n} ids (and raw ids, when {@code raw} is not null) of multi-valued feature {@code f} into row {@code k} of {@code dst}, after its rows before k. */
        private void putMulti(CtrData dst, int k, int f, int[] src, int from, long[] raw, int n) {
            int[] off = dst.offsets()[f];
            if (k == 0) off[0] = 0;
            int at = off[k];
            if (dst.ids()[f].length < at + n) dst.ids()[f] = java.util.Arrays.copyOf(dst.ids()[f], Math.max(2 * dst.ids()[f].length, at + n));
            System.arraycopy(src, from, dst.ids()[f], at, n);
            if (raw != null) {
                long[][] r = dst.rawIds();
                if (r[f].length < at + n) r[f] = java.util.Arrays.copyOf(r[f], Math.max(2 * r[f].length, at + n));
                System.arraycopy(raw, from, r[f], at, n);
            }
            off[k + 1] = at + n;
        }

        private void emitSlot(int slot, CtrData dst, int k) {
            dst.labels()[k] = wl[slot];
            if (nd > 0) System.arraycopy(wd, slot * nd, dst.dense(), k * nd, nd);
            int[][] ids = dst.ids();
            int o = slot * ns;
            for (int f : single) ids[f][k] = wi[o + f];
            if (nr > 0) {
                long[][] raw = dst.rawIds();
                for (int q = 0; q < nr; q++) raw[dyn[q]][k] = wr[slot * nr + q];
            }
            for (int q = 0; q < nm; q++) {
                int[] m = wm[slot * nm + q];
                putMulti(dst, k, mv[q], m, 0, mvDynamic[q] ? wmr[slot * nm + q] : null, m.length);
            }
        }

        private void emitIncoming(CtrData dst, int k) {
            dst.labels()[k] = blk.labels()[bp];
            if (nd > 0) System.arraycopy(blk.dense(), bp * nd, dst.dense(), k * nd, nd);
            int[][] src = blk.ids(), ids = dst.ids();
            for (int f : single) ids[f][k] = src[f][bp];
            for (int f : dyn) dst.rawIds()[f][k] = blk.rawIds()[f][bp];
            for (int q = 0; q < nm; q++) {
                int f = mv[q], b = blk.begin(f, bp);
                putMulti(dst, k, f, src[f], b, mvDynamic[q] ? blk.rawIds()[f] : null, blk.end(f, bp) - b);
            }
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
