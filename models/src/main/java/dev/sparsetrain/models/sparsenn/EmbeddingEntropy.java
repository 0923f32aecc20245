package dev.sparsetrain.models.sparsenn;

/**
 * The "maximum entropy regularizer" the SparseNN study asks about: a penalty that keeps an
 * embedding row's energy spread over its dimensions, so that the row describes an id by several
 * shared factors instead of memorising one user-ad pair in a few coordinates.
 *
 * <p>For a row {@code e} of dimension d, the energy distribution over dimensions and its entropy:
 * <pre>
 *   p_m  = e_m^2 / S,   S = sum_k e_k^2
 *   H(e) = -sum_m p_m ln p_m                    (0 for a one-hot row, ln d for |e_m| all equal)
 *   loss += -lambda * H(e)                      per embedding row active in the mini-batch
 *   dH/de_m = -(2 e_m / S) (ln p_m + H)          (0 where e_m = 0: e_m ln e_m^2 -> 0)
 *   g_m  += lambda * (2 e_m / S) (ln p_m + H)
 * </pre>
 * The gradient is orthogonal to {@code e} ({@code sum_m e_m dH/de_m = 0}): the penalty turns a
 * row without changing its norm to first order, so it combines with max-norm and constant-norm
 * rows. Like coupled L2 on active rows, it is added once per row per mini-batch (after duplicate ids
 * are summed), before the optimizer and its row clipping.
 *
 * <p>The study's article proposes the idea without a definition; this is one reading of it,
 * measured in {@code experiment sparsenn-passes} (variant {@code max_entropy}). Stateless and
 * allocation-free; thread-safe for distinct rows.
 */
public final class EmbeddingEntropy {
    private EmbeddingEntropy() {}

    /** The entropy H of a row's energy distribution, in nats (0 for an all-zero row). */
    public static double entropy(float[] w, int off, int dim) {
        double s = 0;
        for (int m = 0; m < dim; m++) s += (double) w[off + m] * w[off + m];
        if (!(s > 0)) return 0;
        double h = 0;
        for (int m = 0; m < dim; m++) {
            double p = (double) w[off + m] * w[off + m] / s;
            if (p > 0) h -= p * Math.log(p);
        }
        return h;
    }

    /**
     * Adds {@code lambda * d(-H)/de} of the row {@code w[wOff .. wOff+dim)} to the gradient
     * {@code g[gOff .. gOff+dim)}. Rows of zero norm, or of one dimension (H = 0 always), get nothing.
     */
    public static void addGradient(float[] w, int wOff, float[] g, int gOff, int dim, float lambda) {
        if (dim < 2) return;
        double s = 0;
        for (int m = 0; m < dim; m++) s += (double) w[wOff + m] * w[wOff + m];
        if (!(s > 0) || Double.isInfinite(s)) return;
        double h = 0;
        for (int m = 0; m < dim; m++) {
            double p = (double) w[wOff + m] * w[wOff + m] / s;
            if (p > 0) h -= p * Math.log(p);
        }
        double c = 2.0 * lambda / s;
        for (int m = 0; m < dim; m++) {
            float e = w[wOff + m];
            if (e == 0f) continue;
            double p = (double) e * e / s;
            g[gOff + m] += (float) (c * e * (Math.log(p) + h));
        }
    }
}
