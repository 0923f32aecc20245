package dev.sparsetrain.metrics.ranking;

/**
 * Scores every item of the catalogue for one user; higher is better. The evaluator calls it from
 * several threads at once, each with its own output array, so implementations must be safe for
 * concurrent reads (a trained model is).
 */
public interface Scorer {
    /** Number of items scored. */
    int numItems();

    /** Writes the score of every item {@code 0..numItems()-1} for {@code user} into {@code out}. */
    void scoreAll(int user, float[] out);
}
