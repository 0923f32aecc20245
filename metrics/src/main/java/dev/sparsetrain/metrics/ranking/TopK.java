package dev.sparsetrain.metrics.ranking;

import dev.sparsetrain.core.BadInputException;

/**
 * Selects the {@code k} best items of a score array with a bounded min-heap: O(n log k) per
 * selection, no sort of the catalogue, no allocation after construction. One instance is scratch
 * for one thread; reuse it across users with {@link #reset}.
 *
 * <p>Order: a higher score ranks first, and equal scores rank by lower item index first, the
 * order of a stable sort by descending score. This is the ranking {@link RankingEvaluator}
 * evaluates and {@link Recommendations} serves, so both see the same top-K.
 * <pre>
 *   a before b  &lt;=&gt;  s[a] &gt; s[b]  or  (s[a] == s[b] and a &lt; b)      (NaN: after every number)
 * </pre>
 * NaN scores (a diverged model) rank after every number, ties among them by lower index, so a
 * NaN item is listed only when fewer than {@code k} items have a score.
 */
public final class TopK {
    private final int[] heap;
    private float[] scores;
    private int size;

    /** A selector of at most {@code k} items ({@code k >= 0}). */
    public TopK(int k) {
        if (k < 0) throw new BadInputException("top-K: k " + k + ", must be >= 0");
        heap = new int[k];
    }

    /** The capacity k. */
    public int capacity() {
        return heap.length;
    }

    /** Items kept so far. */
    public int size() {
        return size;
    }

    /** Starts a new selection over {@code scores} (not copied: keep it unchanged until {@link #drainBestFirst}). */
    public void reset(float[] scores) {
        this.scores = scores;
        size = 0;
    }

    /** Whether item a ranks before item b under the current scores. */
    public boolean before(int a, int b) {
        return before(scores, a, b);
    }

    /** The order of this class over {@code s}: higher score first, NaN after every number, ties by lower index. */
    static boolean before(float[] s, int a, int b) {
        float sa = s[a], sb = s[b];
        if (sa > sb) return true;
        if (sa < sb) return false;
        // equal, or at least one NaN: the order must stay total, or a NaN at the heap's root
        // (comparing before nothing and after nothing) would keep every later item out
        boolean na = sa != sa, nb = sb != sb;
        return na == nb ? a < b : nb;
    }

    /** Offers one item; it is kept when the heap is not full or it ranks before the worst kept. */
    public void offer(int item) {
        if (size < heap.length) {
            heap[size] = item;
            siftUp(size++);
        } else if (size > 0 && before(item, heap[0])) {
            heap[0] = item;
            siftDown(0, size);
        }
    }

    /**
     * Writes the kept items best-first into {@code out[0..size)}, returns their count and empties
     * the selector. {@code out} may be shorter than the capacity only if it holds {@link #size()}.
     */
    public int drainBestFirst(int[] out) {
        int m = size;
        for (int end = m - 1; end >= 0; end--) {   // the worst comes off first and goes last
            out[end] = heap[0];
            heap[0] = heap[end];
            siftDown(0, end);
        }
        size = 0;
        return m;
    }

    /**
     * Orders the kept items best-first inside the heap's own array and returns it (valid in
     * {@code [0, size)} until the next {@link #reset} or {@link #offer}); the selector is left
     * empty. For callers that read the ranking once and keep no copy.
     */
    public int[] sortInPlace() {
        for (int end = size - 1; end > 0; end--) {
            int t = heap[0];
            heap[0] = heap[end];
            heap[end] = t;
            siftDown(0, end);
        }
        // a min-heap (root = worst) popped to the back leaves the array best-first
        size = 0;
        return heap;
    }

    /** Convenience for a single selection: the best {@code k} items not {@code excluded} (null = none), best-first. */
    public static int[] select(float[] scores, boolean[] excluded, int k) {
        TopK t = new TopK(Math.min(k, scores.length));   // k may exceed the catalogue (recommend -k 1000000000)
        t.reset(scores);
        for (int i = 0; i < scores.length; i++) if (excluded == null || !excluded[i]) t.offer(i);
        int[] out = new int[t.size()];
        t.drainBestFirst(out);
        return out;
    }

    private void siftUp(int c) {
        // min-heap on rank: the root is the item ranked last among those kept
        while (c > 0) {
            int p = (c - 1) >>> 1;
            if (!before(heap[p], heap[c])) return;
            int t = heap[p];
            heap[p] = heap[c];
            heap[c] = t;
            c = p;
        }
    }

    private void siftDown(int c, int n) {
        while (true) {
            int l = 2 * c + 1;
            if (l >= n) return;
            int r = l + 1;
            int worst = (r < n && before(heap[l], heap[r])) ? r : l;
            if (!before(heap[c], heap[worst])) return;
            int t = heap[c];
            heap[c] = heap[worst];
            heap[worst] = t;
            c = worst;
        }
    }
}
