package dev.sparsetrain.metrics.ranking;

import dev.sparsetrain.data.Interactions;

/**
 * The popularity baseline: every user gets the same ranking, items ordered by how many training
 * users interacted with them. Any personalised model should beat it; the evaluation reports it
 * beside each model. Immutable and thread-safe.
 */
public final class PopularityScorer implements Scorer {
    private final float[] scores;

    public PopularityScorer(Interactions train) {
        int[] c = train.itemCounts();
        scores = new float[c.length];
        for (int i = 0; i < c.length; i++) scores[i] = c[i];
    }

    @Override
    public int numItems() {
        return scores.length;
    }

    @Override
    public void scoreAll(int user, float[] out) {
        System.arraycopy(scores, 0, out, 0, scores.length);
    }
}
