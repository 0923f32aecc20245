package dev.sparsetrain.metrics.ctr;

import java.util.Arrays;

/**
 * Normalized entropy, logloss, ROC AUC and calibration of click predictions.
 *
 * <pre>
 *   logloss = -(1/N) sum_i [ y_i log p_i + (1 - y_i) log(1 - p_i) ]      (p clamped to [1e-7, 1 - 1e-7])
 *   NE      = logloss / H(p_bg),   H(q) = -(q log q + (1 - q) log(1 - q))
 *   AUC     = (sum of ranks of positives - P(P+1)/2) / (P N),  ties get their average rank
 *   calibration = mean(p) / mean(y)
 * </pre>
 * NE is from He et al., "Practical Lessons from Predicting Clicks on Ads at Facebook" (ADKDD 2014):
 * the logloss normalized by the entropy of the background click rate {@code p_bg}, so that a
 * model that always predicts the background rate scores 1. He et al. take {@code p_bg} from the
 * training data; {@link #evaluate(byte[], float[], double)} takes it as an argument, and passing
 * NaN uses the evaluated samples' own click rate (the common choice for a held-out day, and what
 * the tests and experiments here report unless they say otherwise).
 *
 * <p>Stateless and thread-safe; AUC sorts a packed {@code long[]} (O(N log N), no boxing).
 */
public final class CtrMetrics {
    private static final double EPS = 1e-7;

    private CtrMetrics() {}

    /** Binary entropy in nats. */
    public static double entropy(double q) {
        if (q <= 0 || q >= 1) return 0;
        return -(q * Math.log(q) + (1 - q) * Math.log(1 - q));
    }

    /** Metrics over all samples; {@code backgroundCtr} NaN means the samples' own click rate. */
    public static CtrEvaluation evaluate(byte[] labels, float[] predictions, double backgroundCtr) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + predictions.length + " predictions");
        }
        int[] all = new int[labels.length];
        for (int i = 0; i < all.length; i++) all[i] = i;
        return evaluate(labels, predictions, all, all.length, backgroundCtr);
    }

    /** Metrics over the samples {@code index[0..count)}. */
    public static CtrEvaluation evaluate(byte[] labels, float[] predictions, int[] index, int count, double backgroundCtr) {
        double ll = 0, sp = 0;
        long pos = 0;
        for (int k = 0; k < count; k++) {
            int i = index[k];
            double p = Math.min(1 - EPS, Math.max(EPS, predictions[i]));
            sp += predictions[i];
            if (labels[i] != 0) {
                pos++;
                ll -= Math.log(p);
            } else {
                ll -= Math.log(1 - p);
            }
        }
        if (count == 0) return new CtrEvaluation(0, Double.NaN, Double.NaN, Double.NaN, backgroundCtr, Double.NaN, Double.NaN, Double.NaN);
        double ctr = (double) pos / count;
        double bg = Double.isNaN(backgroundCtr) ? ctr : backgroundCtr;
        double logloss = ll / count;
        double h = entropy(bg);
        double ne = h > 0 ? logloss / h : Double.NaN;
        double auc = auc(labels, predictions, index, count);
        double cal = pos == 0 ? Double.NaN : (sp / count) / ctr;
        return new CtrEvaluation(count, ctr, sp / count, logloss, bg, ne, auc, cal);
    }

    /** ROC AUC of the samples {@code index[0..count)}; NaN when one class is absent. */
    public static double auc(byte[] labels, float[] predictions, int[] index, int count) {
        long[] keys = new long[count];
        long pos = 0;
        for (int k = 0; k < count; k++) {
            int i = index[k];
            int bits = Float.floatToIntBits(predictions[i] + 0.0f);
            int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
            keys[k] = ((long) sortable << 32) | (k & 0xffffffffL);
            if (labels[i] != 0) pos++;
        }
        long neg = count - pos;
        if (pos == 0 || neg == 0) return Double.NaN;
        Arrays.sort(keys);
        double rankSumPos = 0;
        int k = 0;
        while (k < count) {
            int j = k;
            int hi = (int) (keys[k] >> 32);
            while (j + 1 < count && (int) (keys[j + 1] >> 32) == hi) j++;
            double avgRank = (k + j) / 2.0 + 1; // 1-based average rank of the tie group
            for (int t = k; t <= j; t++) {
                int i = index[(int) keys[t]];
                if (labels[i] != 0) rankSumPos += avgRank;
            }
            k = j + 1;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
