package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.RAdam;

/** RAdam (see {@link RAdam}). State: exp_avg, exp_avg_sq. Scalar loop; step scalars computed per call. */
final class RAdamKernel extends MomentKernel {
    private final double rhoInf;

    RAdamKernel(int rows, int dim, RAdam a) {
        super(rows, dim, a.beta1(), a.beta2(), a.eps(), "exp_avg", "exp_avg_sq");
        rhoInf = 2 / (1 - b2d) - 1;
    }

    @Override
    public void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr, GroupStats stats, int gi) {
        double td = (double) t;
        double bc1 = 1 - Math.pow(b1d, td), b2t = Math.pow(b2d, td), bc2 = 1 - b2t;
        double rhoT = rhoInf - 2 * td * b2t / bc2;
        boolean adaptive = rhoT > 5;
        float stepSize;
        if (adaptive) {
            double rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            stepSize = (float) (lr * rect * Math.sqrt(bc2) / bc1);
        } else {
            stepSize = (float) (lr / bc1);
        }
        if (adaptive) adamRow(row, w, wo, g, go, stepSize, 1f, eps, stats, gi);
        else adamRow(row, w, wo, g, go, stepSize, 0f, 1f, stats, gi);   // den = 1: SGD with momentum
    }

    @Override public String describeState() { return "exp_avg, exp_avg_sq: 2 x dim floats"; }
}
