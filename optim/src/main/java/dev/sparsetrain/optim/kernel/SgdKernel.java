package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.optim.GroupStats;

/** Plain SGD, {@code w -= lr * g}: one vectorized axpy ({@link Kernels#axpy}). No state. */
final class SgdKernel extends RowKernel {
    SgdKernel(int rows, int dim) { super(rows, dim); }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, long t, boolean first, float lr, GroupStats stats, int gi) {
        Kernels.axpy(-lr, g, go, w, wo, dim);
        if (stats != null) stats.addUpdate(gi, (double) lr * lr * Kernels.squaredNorm(g, go, dim), lr);
    }

    @Override public boolean quiescent(int row) { return true; }
    @Override public long stateBytesPerRow() { return 0; }
    @Override public String describeState() { return "none"; }
    @Override public float state(int slot, int row, int c) { throw new IndexOutOfBoundsException("sgd has no state"); }
}
