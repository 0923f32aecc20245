package dev.sparsetrain.optim;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.kernel.RowKernel;

/**
 * The fused row update of one table in one group: gradient checks and transforms, catch-up,
 * decoupled decay, the optimizer kernel, projection, counters. Implements the per-row path.
 */
final class TableRuntime implements RowUpdater {
    final GroupRuntime g;
    final Table table;
    final int dim;
    final RowKernel kernel;
    /** Updates applied to each row (LAZY_ROWWISE_BIAS reads it; "first step" under lazy semantics; rows touched). */
    final int[] rowCount;
    /** CATCH_UP: the step up to which each row is up to date; null otherwise. */
    final long[] last;
    final RowBatch batch;
    /** Snapshot of rowCount at the start of the epoch, for the fraction of rows touched. */
    int[] epochStart;
    /** Batch path scratch: squared norms of the batch's rows; DENSE: rows touched in the step; a zero row. */
    double[] normScratch = new double[16];
    final boolean[] touched;
    final float[] zeroRow;
    private final ThreadLocal<float[]> scratch;

    TableRuntime(GroupRuntime g, Table table) {
        this.g = g;
        this.table = table;
        this.dim = table.dim();
        if (!g.frozen) {
            // refuse, before allocating it, state that cannot fit next to the table (-Xmx)
            long perRow = 4L * RowKernel.stateFloatsPerRow(g.optimizer, dim) + 4 + (g.semantics == SparseSemantics.CATCH_UP ? 8 : 0);
            Table.requireHeap("table '" + table.name() + "' " + table.rows() + " x " + dim + " floats with its " + g.group.chain().describe()
                    + " state (" + perRow + " bytes per row)", table.size() * 4 + perRow * table.rows());
        }
        this.kernel = g.frozen ? null : RowKernel.create(g.optimizer, table.rows(), dim, g.semantics == SparseSemantics.LAZY_ROWWISE_BIAS, g.feedback);
        this.rowCount = new int[g.frozen ? 0 : table.rows()];
        this.last = g.semantics == SparseSemantics.CATCH_UP && !g.frozen ? new long[table.rows()] : null;
        this.batch = new RowBatch(dim);
        this.epochStart = new int[rowCount.length];
        this.scratch = ThreadLocal.withInitial(() -> new float[dim]);
        this.touched = new boolean[g.semantics == SparseSemantics.DENSE ? table.rows() : 0];
        this.zeroRow = new float[dim];
    }

    /** A one-row kernel of the same optimizer, whose state arrays hold the initial state of one row (for {@link #resetRow}). */
    private RowKernel freshRow;

    /**
     * Puts row {@code row}'s optimizer state back to what a new table starts with: every per-row
     * state array of the kernel (an array of {@code rows x k} floats) gets the row's slice of a
     * freshly created one-row kernel (so initial accumulator values such as AdaGrad's are kept),
     * the row's update count becomes 0 and, under catch-up, the row counts as up to date at the
     * group's current step. State that is not per row (Adafactor's column factors, Eve's
     * feedback) is left alone. Used when a dynamic embedding table hands an evicted row to a new
     * id (Monolith, Liu et al. 2022, section 2.1). Single-threaded; allocates once per table.
     */
    void resetRow(int row) {
        if (g.frozen) return;
        if (freshRow == null) {
            freshRow = RowKernel.create(g.optimizer, 1, dim, g.semantics == SparseSemantics.LAZY_ROWWISE_BIAS, g.feedback);
        }
        java.util.Map<String, Table> fresh = freshRow.stateArrays();
        for (var e : kernel.stateArrays().entrySet()) {
            Table live = e.getValue(), one = fresh.get(e.getKey());
            if (one == null || one.rows() != 1 || live.rows() != table.rows() || one.dim() != live.dim()) continue;
            System.arraycopy(one.block(0), one.offset(0), live.block(row), live.offset(row), one.dim());
        }
        rowCount[row] = 0;
        epochStart[row] = 0;
        if (last != null) last[row] = g.step;
    }

    @Override public Table table() { return table; }
    @Override public String group() { return g.name; }

    @Override
    public void update(int row, float[] grad, int gradOffset, long step, GroupStats stats) {
        if (g.frozen) return;
        double gn2 = Kernels.squaredNorm(grad, gradOffset, dim);
        if (!Double.isFinite(gn2)) {
            gn2 = squaredNormChecked(grad, gradOffset, dim);
            if (Double.isNaN(gn2)) {
                if (stats != null) stats.nonFinite[GroupStats.PAD + g.index]++;
                return;
            }
        }
        apply(row, grad, gradOffset, step, gn2, 1f, stats);
    }

    /** Double-precision squared norm; NaN when an element is NaN or infinite. */
    static double squaredNormChecked(float[] a, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            float v = a[off + i];
            if (!Float.isFinite(v)) return Double.NaN;
            s += (double) v * v;
        }
        return s;
    }

    /**
     * Applies one finite gradient row: global scale, clipping, catch-up, decay, kernel, projection.
     * {@code gn2} is the squared norm of the raw gradient.
     */
    void apply(int row, float[] grad, int go, long step, double gn2, float globalScale, GroupStats stats) {
        float[] w = table.block(row);
        int wo = table.offset(row);
        if (stats != null) {
            int si = GroupStats.PAD + g.index;
            stats.gradSq[si] += gn2;
            stats.rows[si]++;
            if (step > stats.maxStep[si]) stats.maxStep[si] = step;
        }
        if (globalScale != 1f) Kernels.scale(grad, go, dim, globalScale);
        if (g.hasClip) clip(grad, go);
        if (last != null) {
            long from = last[row] + 1;
            if (from < step) idle(row, w, wo, from, step - 1);
            last[row] = step;
        }
        int count = rowCount[row];
        long t;
        boolean first;
        switch (g.semantics) {
            case LAZY -> { t = step; first = count == 0; }
            case LAZY_ROWWISE_BIAS -> { t = count + 1L; first = count == 0; }
            default -> { t = step; first = step == 1; }
        }
        float lr = g.lr(step);
        if (g.l2 != 0f) Kernels.axpy(g.l2, w, wo, grad, go, dim);
        if (g.decoupled != 0f) Kernels.scale(w, wo, dim, 1f - lr * g.decoupled);
        double gSq = globalScale == 1f && !g.hasClip && g.l2 == 0f ? gn2 : Double.NaN;
        kernel.apply(row, w, wo, grad, go, gSq, t, first, lr, stats, g.index);
        project(w, wo);
        rowCount[row] = count + 1;
        if (stats != null) stats.weightSq[GroupStats.PAD + g.index] += Kernels.squaredNorm(w, wo, dim);
    }

    private void clip(float[] grad, int go) {
        int[] kinds = g.clipKinds;
        float[] vals = g.clipValues;
        for (int k = 0; k < kinds.length; k++) {
            float c = vals[k];
            if (kinds[k] == 0) {
                for (int i = 0; i < dim; i++) {
                    float v = grad[go + i];
                    grad[go + i] = v > c ? c : (v < -c ? -c : v);
                }
            } else {
                double n = Math.sqrt(Kernels.squaredNorm(grad, go, dim));
                if (n > c) Kernels.scale(grad, go, dim, (float) (c / n));
            }
        }
    }

    private void project(float[] w, int wo) {
        if (g.maxNorm != 0f) {
            double n = Math.sqrt(Kernels.squaredNorm(w, wo, dim));
            if (n > g.maxNorm) Kernels.scale(w, wo, dim, (float) (g.maxNorm / n));
        } else if (g.constantNorm != 0f) {
            double n = Math.sqrt(Kernels.squaredNorm(w, wo, dim));
            if (n > 0) Kernels.scale(w, wo, dim, (float) (g.constantNorm / n));
        }
    }

    /**
     * Applies the dense optimizer's zero-gradient steps {@code from..to} (inclusive) to a row.
     * Closed forms first (plain SGD with weight decay: a power; momentum without decay: a
     * geometric sum; FTRL: one recomputation; an optimizer whose state no longer moves the
     * weights: one projection plus the state's decay, e.g. Adam's {@code v *= beta2^k} once m is
     * exactly zero; momentum with weight decay: a 2 x 2 matrix power); otherwise an exact loop of
     * at most {@code to - from + 1} zero-gradient steps that leaves as soon as the state has
     * decayed to exactly zero and no decay acts. With weight decay and an adaptive optimizer (Adam
     * with L2), or with a schedule or a row constraint and momentum with L2, the loop runs to the
     * end: O(idle steps x dim) per catch-up.
     */
    void idle(int row, float[] w, int wo, long from, long to) {
        boolean decay = g.hasDecay();
        boolean projects = g.maxNorm != 0f || g.constantNorm != 0f;
        long k = from;
        if (kernel.idleClosedForm(row, w, wo, k, to - k + 1, g.constantSchedule && !projects, g.lr(k), g.lr(to), g.l2, g.decoupled)) {
            project(w, wo);
            return;
        }
        float[] z = scratch.get();
        while (k <= to) {
            if (!decay && kernel.quiescent(row)) {
                // weights no longer move: one projection (idempotent) stands for all remaining steps
                project(w, wo);
                kernel.decayIdle(row, to - k + 1);
                return;
            }
            java.util.Arrays.fill(z, 0f);
            float lr = g.lr(k);
            if (g.l2 != 0f) Kernels.axpy(g.l2, w, wo, z, 0, dim);
            if (g.decoupled != 0f) Kernels.scale(w, wo, dim, 1f - lr * g.decoupled);
            kernel.apply(row, w, wo, z, 0, Double.NaN, k, k == 1, lr, null, g.index);
            project(w, wo);
            k++;
        }
    }

    /** Brings every row up to {@code step} (CATCH_UP only). */
    void flush(long step) {
        if (last == null) return;
        for (int r = 0; r < last.length; r++) {
            if (last[r] < step) {
                idle(r, table.block(r), table.offset(r), last[r] + 1, step);
                last[r] = step;
            }
        }
    }

    /** The latest step any row was brought up to (CATCH_UP), 0 otherwise. */
    long latestStamp() {
        long m = 0;
        if (last != null) for (long v : last) m = Math.max(m, v);
        return m;
    }

    long stateBytes() {
        if (kernel == null) return 0;
        return (long) table.rows() * (kernel.stateBytesPerRow() + 4 + (last != null ? 8 : 0));
    }

    long distinctTouchedSinceEpoch() {
        long n = 0;
        for (int r = 0; r < rowCount.length; r++) if (rowCount[r] != epochStart[r]) n++;
        return n;
    }
}
