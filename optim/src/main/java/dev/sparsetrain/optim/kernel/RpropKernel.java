package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Rprop;

/** Rprop (see {@link Rprop}). State: prev (the last applied gradient), step_size. */
final class RpropKernel extends RowKernel {
    private final float etaMinus, etaPlus, min, max;
    private final Table prev, step;

    RpropKernel(int rows, int dim, Rprop r) {
        super(rows, dim);
        etaMinus = (float) r.etaMinus();
        etaPlus = (float) r.etaPlus();
        min = (float) r.stepSizeMin();
        max = (float) r.stepSizeMax();
        prev = stateTable("prev", 0f);
        step = stateTable("step_size", 0f);
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        int so = this.prev.offset(row);
        float[] prev = this.prev.block(row), step = this.step.block(row);
        if (first) {
            java.util.Arrays.fill(prev, so, so + dim, 0f);
            java.util.Arrays.fill(step, so, so + dim, lr);
        }
        float u2 = 0, sum = 0;
        for (int i = 0; i < dim; i++) {
            float gv = g[go + i];
            float s = gv * prev[so + i];
            float f = s > 0 ? etaPlus : s < 0 ? etaMinus : 1f;
            float st = Math.min(Math.max(step[so + i] * f, min), max);
            step[so + i] = st;
            if (s < 0) gv = 0f;
            float up = Math.signum(gv) * st;
            w[wo + i] -= up;
            prev[so + i] = gv;
            u2 += up * up;
            sum += st;
        }
        if (stats != null) stats.addUpdate(gi, u2, sum / dim);
    }

    /** A zero gradient never moves the weights; the state is only settled once the row is initialised. */
    @Override public boolean quiescent(int row) { return allZero(prev.block(row), prev.offset(row), dim) && !allZero(step.block(row), step.offset(row), dim); }

    /** With prev = 0 and g = 0: the factor is 1, step sizes are clamped (idempotent), prev stays 0. */
    @Override
    public void decayIdle(int row, long k) {
        int so = this.prev.offset(row);
        float[] prev = this.prev.block(row), step = this.step.block(row);
        for (int i = 0; i < dim; i++) step[so + i] = Math.min(Math.max(step[so + i], min), max);
    }

    @Override public String describeState() { return "prev, step_size: 2 x dim floats"; }
}
