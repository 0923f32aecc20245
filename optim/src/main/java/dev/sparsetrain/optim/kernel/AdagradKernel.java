package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.Adagrad;

/** Element-wise AdaGrad (see {@link Adagrad}); loop in {@link OptimMath#adagrad}. State: sum of squares s. */
final class AdagradKernel extends RowKernel {
    private final double lrDecay;
    private final float eps;
    private final Table s;
    private final OptimMath math = OptimMath.get();

    AdagradKernel(int rows, int dim, Adagrad a) {
        super(rows, dim);
        lrDecay = a.lrDecay();
        eps = (float) a.eps();
        s = stateTable("sum", (float) a.initialAccumulatorValue());
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        int so = this.s.offset(row);
        float[] s = this.s.block(row);
        float clr = (float) (lr / (1 + (t - 1) * lrDecay));
        float u2 = math.adagrad(w, wo, g, go, s, so, dim, clr, eps);
        if (stats != null) stats.addUpdate(gi, u2, clr * math.sumInverseDenominator(s, so, dim, 1f, eps) / dim);   // over elements with history
    }

    @Override public boolean quiescent(int row) { return true; }

    @Override public String describeState() { return "sum of squares: 1 x dim floats"; }
}
