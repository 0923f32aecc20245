package dev.sparsetrain.core;

import java.util.Arrays;

/**
 * The gradient of one optimizer step for one table: row ids and a slab of {@code dim} floats per
 * id, in the order they were added.
 *
 * <p>Duplicate ids are allowed while accumulating; {@link #coalesce(int)} sums them (PyTorch's
 * {@code coalesce()} of a sparse gradient) so that each row is updated once per step, which every
 * optimizer in this project requires. The batch grows as needed and is reused across steps with
 * {@link #clear()}: after warm-up it allocates nothing.
 *
 * <p>Thread-safety: none; one batch per worker.
 */
public final class RowBatch {
    private final int dim;
    private int size;
    private int[] rows;
    private float[] grads;
    /** rows -> slot+1 while coalescing; sized lazily to the table's row count. */
    private int[] slotOf = new int[0];

    public RowBatch(int dim) {
        this(dim, 16);
    }

    public RowBatch(int dim, int initialCapacity) {
        if (dim <= 0) throw new IllegalArgumentException("dim=" + dim + ", must be > 0");
        this.dim = dim;
        int cap = Math.max(1, initialCapacity);
        this.rows = new int[cap];
        this.grads = new float[cap * dim];
    }

    public int dim() { return dim; }
    public int size() { return size; }
    public int row(int i) { return rows[i]; }
    /** The gradient slab; entry {@code i} starts at {@link #gradOffset(int)}. */
    public float[] grads() { return grads; }
    public int gradOffset(int i) { return i * dim; }
    public int[] rowIds() { return rows; }

    public void clear() { size = 0; }

    /** Appends a zero gradient for {@code row} and returns its offset in {@link #grads()}. */
    public int add(int row) {
        if (size == rows.length) grow();
        rows[size] = row;
        int off = size * dim;
        Arrays.fill(grads, off, off + dim, 0f);
        size++;
        return off;
    }

    /** Appends {@code row} with a copy of {@code dim} gradient values from {@code g[off..]}. */
    public void add(int row, float[] g, int off) {
        int o = add(row);
        System.arraycopy(g, off, grads, o, dim);
    }

    /** Appends {@code row} with {@code scale * g[off..off+dim)}. */
    public void addScaled(int row, float scale, float[] g, int off) {
        int o = add(row);
        for (int c = 0; c < dim; c++) grads[o + c] = scale * g[off + c];
    }

    /**
     * Sums gradients of duplicate row ids in place, keeping the order of first appearance.
     *
     * @param tableRows the table's row count; every id must be in [0, tableRows)
     */
    public void coalesce(int tableRows) {
        if (slotOf.length < tableRows) slotOf = new int[tableRows];
        int out = 0;
        for (int i = 0; i < size; i++) {
            int r = rows[i];
            if (r < 0 || r >= tableRows) {
                throw new IndexOutOfBoundsException("row id " + r + " outside [0, " + tableRows + ")");
            }
            int s = slotOf[r];
            if (s == 0) {
                if (out != i) {
                    rows[out] = r;
                    System.arraycopy(grads, i * dim, grads, out * dim, dim);
                }
                slotOf[r] = ++out;
            } else {
                int dst = (s - 1) * dim, src = i * dim;
                for (int c = 0; c < dim; c++) grads[dst + c] += grads[src + c];
            }
        }
        for (int i = 0; i < out; i++) slotOf[rows[i]] = 0;
        size = out;
    }

    private void grow() {
        int cap = rows.length * 2;
        rows = Arrays.copyOf(rows, cap);
        grads = Arrays.copyOf(grads, cap * dim);
    }
}
