package dev.sparsetrain.metrics.ctr;

import dev.sparsetrain.core.BadInputException;

/**
 * Frequency strata of an id feature by training impressions, as in the SparseNN multi-pass study
 * (frequent, medium and rare ads): a sample whose id was seen {@code c} times in training is
 * <em>rare</em> when {@code c < rareBelow}, <em>frequent</em> when {@code c >= frequentFrom}, else
 * <em>medium</em>. Defaults (10, 100) follow the usual long-tail split; both are configurable.
 *
 * @param rareBelow impressions below which an id is rare (>= 1)
 * @param frequentFrom impressions from which an id is frequent (> rareBelow)
 */
public record Strata(int rareBelow, int frequentFrom) {
    /** The stratum names, in index order. */
    public static final String[] NAMES = {"rare", "medium", "frequent"};

    public Strata {
        if (rareBelow < 1) throw new BadInputException("strata: rareBelow=" + rareBelow + ", must be >= 1");
        if (frequentFrom <= rareBelow) {
            throw new BadInputException("strata: frequentFrom=" + frequentFrom + ", must be > rareBelow=" + rareBelow);
        }
    }

    public static Strata defaults() { return new Strata(10, 100); }

    /**
     * Thresholds chosen from the data: the pair that puts the shares of {@code impressions} (one
     * entry per evaluated row, the training impressions of its id) in rare, medium and frequent
     * closest to thirds (least squares over every pair of distinct values), so that no stratum is
     * empty whenever the rows hold at least 3 distinct counts. Fixed thresholds such as
     * {@link #defaults()} leave strata empty on small or skewed logs (the Avazu head's device_ip:
     * 1,849 / 150 / 0 test rows). Returns null when fewer than 3 distinct counts exist.
     */
    public static Strata balanced(int[] impressions) {
        int[] v = impressions.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        // distinct values u[k] and cum[k] = rows with a count below u[k]
        int[] u = new int[n], cum = new int[n + 1];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || v[i] != v[i - 1]) {
                u[k] = v[i];
                cum[k] = i;
                k++;
            }
        }
        cum[k] = n;
        if (k < 3) return null;
        double best = Double.POSITIVE_INFINITY;
        int ba = -1, bb = -1;
        for (int a = 1; a < k - 1; a++) {
            double r = (double) cum[a] / n - 1.0 / 3;
            for (int b = a + 1; b < k; b++) {
                double m = (double) (cum[b] - cum[a]) / n - 1.0 / 3, f = (double) (n - cum[b]) / n - 1.0 / 3;
                double e = r * r + m * m + f * f;
                if (e < best) {
                    best = e;
                    ba = a;
                    bb = b;
                }
            }
        }
        return new Strata(Math.max(1, u[ba]), u[bb]);
    }

    /** Rows per stratum (rare, medium, frequent) of {@code impressions}. */
    public int[] sizes(int[] impressions) {
        int[] out = new int[3];
        for (int c : impressions) out[of(c)]++;
        return out;
    }

    /** 0 rare, 1 medium, 2 frequent. */
    public int of(int impressions) {
        return impressions < rareBelow ? 0 : impressions < frequentFrom ? 1 : 2;
    }

    /**
     * Metrics per stratum (index 0 rare, 1 medium, 2 frequent) plus all samples (index 3).
     *
     * @param impressions per evaluated sample, the training impressions of its id
     * @param backgroundCtr NaN to normalize NE by each stratum's own click rate; use one fixed value
     *     (e.g. the overall click rate) to compare strata on one scale
     */
    public CtrEvaluation[] evaluate(byte[] labels, float[] predictions, int[] impressions, double backgroundCtr) {
        int n = labels.length;
        int[][] idx = new int[3][n];
        int[] cnt = new int[3];
        for (int i = 0; i < n; i++) {
            int s = of(impressions[i]);
            idx[s][cnt[s]++] = i;
        }
        CtrEvaluation[] out = new CtrEvaluation[4];
        for (int s = 0; s < 3; s++) out[s] = CtrMetrics.evaluate(labels, predictions, idx[s], cnt[s], backgroundCtr);
        out[3] = CtrMetrics.evaluate(labels, predictions, backgroundCtr);
        return out;
    }
}
