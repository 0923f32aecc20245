package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;

/**
 * {@link CtrMetrics}' figures accumulated block by block, for test rows that are streamed and never
 * all in memory: log loss, NE, calibration exactly (sums over the samples, the same clamping), and
 * ROC AUC from a histogram of the predictions instead of a sort.
 *
 * <p>AUC: each prediction p in [0, 1] falls into bin {@code floatToIntBits(p) >>> 10} (about 10^6
 * bins, 2^13 per factor of two of p: a relative width of 1.2e-4); with P(b), N(b) the positives
 * and negatives in bin b,
 * <pre>
 *   AUC = sum_b P(b) (N(bins below b) + N(b) / 2) / (P N)
 * </pre>
 * which is the exact rank-sum AUC ({@link CtrMetrics#auc}, ties count one half) except that a
 * positive and a negative whose predictions differ but share a bin also count one half: the error
 * is at most half the fraction of positive-negative pairs sharing a bin (the test checks it against
 * the exact AUC). 16 MB of counts, whatever the sample count. Not thread-safe.
 */
public final class StreamingCtrMetrics {
    private static final double EPS = 1e-7;
    private static final int SHIFT = 10;
    private final long[] pos = new long[(Float.floatToIntBits(1f) >>> SHIFT) + 1];
    private final long[] neg = new long[pos.length];
    private double logLoss, sumP;
    private long count, clicks;

    /** Adds samples {@code [0, n)} of {@code labels} and {@code predictions}. */
    public void add(byte[] labels, float[] predictions, int n) {
        for (int i = 0; i < n; i++) add(labels[i], predictions[i]);
    }

    /** Adds one sample (the figures of a subset of a block's rows, e.g. one stratum's). */
    public void add(byte label, float q) {
        double p = Math.min(1 - EPS, Math.max(EPS, q));
        sumP += q;
        int b = Float.floatToIntBits(Math.min(1f, Math.max(0f, q)) + 0.0f) >>> SHIFT;
        if (label != 0) {
            clicks++;
            logLoss -= Math.log(p);
            pos[b]++;
        } else {
            logLoss -= Math.log(1 - p);
            neg[b]++;
        }
        count++;
    }

    public long count() { return count; }

    /** The figures so far; {@code backgroundCtr} NaN means the samples' own click rate (as {@link CtrMetrics#evaluate}). */
    public CtrEvaluation result(double backgroundCtr) {
        if (count == 0) return new CtrEvaluation(0, Double.NaN, Double.NaN, Double.NaN, backgroundCtr, Double.NaN, Double.NaN, Double.NaN);
        double ctr = (double) clicks / count;
        double bg = Double.isNaN(backgroundCtr) ? ctr : backgroundCtr;
        double ll = logLoss / count;
        double h = CtrMetrics.entropy(bg);
        double auc = Double.NaN;
        long nNeg = count - clicks;
        if (clicks > 0 && nNeg > 0) {
            double s = 0;
            long below = 0;
            for (int b = 0; b < pos.length; b++) {
                if (pos[b] != 0) s += pos[b] * (below + neg[b] / 2.0);
                below += neg[b];
            }
            auc = s / ((double) clicks * nNeg);
        }
        return new CtrEvaluation(count, ctr, sumP / count, ll, bg, h > 0 ? ll / h : Double.NaN, auc,
                clicks == 0 ? Double.NaN : (sumP / count) / ctr);
    }
}
