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
    public static Strata balanced(int[] impressions) { return balanced(Histogram.of(impressions)); }

    /**
     * {@link #balanced(int[])} from the rows' impression counts tallied ({@link Histogram}), for
     * rows that are streamed and never all in memory: the same thresholds as from the rows.
     */
    public static Strata balanced(Histogram h) {
        int[] u = h.values();
        long[] r = h.rows();
        int k = u.length;
        // cum[j] = rows with a count below u[j]
        long[] cum = new long[k + 1];
        for (int j = 0; j < k; j++) cum[j + 1] = cum[j] + r[j];
        long n = cum[k];
        if (k < 3) return null;
        double best = Double.POSITIVE_INFINITY;
        int ba = -1, bb = -1;
        for (int a = 1; a < k - 1; a++) {
            double ra = (double) cum[a] / n - 1.0 / 3;
            for (int b = a + 1; b < k; b++) {
                double m = (double) (cum[b] - cum[a]) / n - 1.0 / 3, f = (double) (n - cum[b]) / n - 1.0 / 3;
                double e = ra * ra + m * m + f * f;
                if (e < best) {
                    best = e;
                    ba = a;
                    bb = b;
                }
            }
        }
        return new Strata(Math.max(1, u[ba]), u[bb]);
    }

    /** Rows per stratum (rare, medium, frequent) of the tallied rows {@code h}. */
    public long[] sizes(Histogram h) {
        long[] out = new long[3];
        for (int j = 0; j < h.values().length; j++) out[of(h.values()[j])] += h.rows()[j];
        return out;
    }

    /**
     * Evaluated rows tallied by the training impressions of their id: {@code values} the distinct
     * counts in ascending order, {@code rows[j]} how many rows have count {@code values[j]} (each
     * at least 1). What {@link #balanced(Histogram)} needs, in memory proportional to the distinct
     * counts instead of the rows.
     */
    public record Histogram(int[] values, long[] rows) {
        public Histogram {
            if (values.length != rows.length) throw new IllegalArgumentException(values.length + " values but " + rows.length + " row counts");
            for (int j = 0; j < values.length; j++) {
                if (rows[j] < 1 || (j > 0 && values[j] <= values[j - 1])) {
                    throw new IllegalArgumentException("histogram: values must ascend strictly and every count be >= 1 (at " + j + ")");
                }
            }
        }

        /** The histogram of one count per row. */
        public static Histogram of(int[] impressions) {
            int[] v = impressions.clone();
            java.util.Arrays.sort(v);
            int k = 0;
            for (int i = 0; i < v.length; i++) if (i == 0 || v[i] != v[i - 1]) k++;
            int[] u = new int[k];
            long[] r = new long[k];
            int j = -1;
            for (int i = 0; i < v.length; i++) {
                if (i == 0 || v[i] != v[i - 1]) u[++j] = v[i];
                r[j]++;
            }
            return new Histogram(u, r);
        }

        /**
         * The histogram of {@code tally[j]} rows with count {@code candidates[j]} ({@code candidates}
         * ascending and distinct), leaving out counts no row has.
         */
        public static Histogram ofTally(int[] candidates, long[] tally) {
            int k = 0;
            for (long t : tally) if (t > 0) k++;
            int[] u = new int[k];
            long[] r = new long[k];
            for (int j = 0, p = 0; j < tally.length; j++) {
                if (tally[j] == 0) continue;
                u[p] = candidates[j];
                r[p++] = tally[j];
            }
            return new Histogram(u, r);
        }
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
