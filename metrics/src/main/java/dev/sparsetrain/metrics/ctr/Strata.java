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
