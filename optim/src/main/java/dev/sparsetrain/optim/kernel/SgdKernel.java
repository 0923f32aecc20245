package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.optim.GroupStats;

/** Plain SGD, {@code w -= lr * g}: one vectorized axpy ({@link Kernels#axpy}). No state. */
final class SgdKernel extends RowKernel {
    SgdKernel(int rows, int dim) { super(rows, dim); }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        Kernels.axpy(-lr, g, go, w, wo, dim);
        if (stats != null) stats.addUpdate(gi, (double) lr * lr * (Double.isNaN(gSq) ? Kernels.squaredNorm(g, go, dim) : gSq), lr);
    }

    @Override public boolean quiescent(int row) { return true; }

    /**
     * k idle steps with weight decay and a constant lr: each is {@code w <- w (1 - lr wd) - lr l2 w},
     * so {@code w <- w (1 - lr (wd + l2))^k}.
     */
    @Override
    public boolean idleClosedForm(int row, float[] w, int wo, long t0, long k, boolean constantLr, float lr, float lrLast,
                                  float l2, float wd) {
        if (l2 == 0f && wd == 0f) return true;
        if (!constantLr) return false;
        // (1 - lr wd) is rounded to float first, as the step-by-step update does
        double f = Math.pow((double) (1f - lr * wd) - (double) lr * l2, (double) k);
        Kernels.scale(w, wo, dim, (float) f);
        return true;
    }
    @Override public String describeState() { return "none"; }
    @Override public float state(int slot, int row, int c) { throw new IndexOutOfBoundsException("sgd has no state"); }
}
