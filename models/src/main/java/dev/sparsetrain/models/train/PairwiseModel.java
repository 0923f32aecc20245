package dev.sparsetrain.models.train;

/**
 * A model trained on (user, positive item, negative item) triples by {@link PairwiseTrainer}.
 *
 * <p>Lifecycle per epoch: the trainer asks for one {@link Worker} per thread (once per run), then
 * for each round every thread calls {@link Worker#beginRound()}, {@link Worker#step} for its share
 * of samples and {@link Worker#endRound()}; after all threads finish a round the trainer calls
 * {@link #afterRound()} on one thread (where dense parameters accumulated per worker are reduced
 * and updated). Workers run concurrently and write shared sparse rows without locks (Hogwild).
 */
public interface PairwiseModel {

    /** A per-thread worker owning its scratch buffers. */
    Worker newWorker(int threadIndex, int threads);

    /** Called on the training thread before epoch {@code epoch} (1-based) of {@code epochs} (learning-rate schedules). */
    default void beginEpoch(int epoch, int epochs) {}

    /** Called once on one thread after every round (no worker is running). */
    default void afterRound() {}

    /** A deep copy of the trainable state (for early stopping's restore of the best epoch). */
    Object snapshot();

    /** Restores a {@link #snapshot()}. */
    void restore(Object snapshot);

    /** One thread's view of the model. */
    interface Worker {
        /**
         * One stochastic step on the triple; returns {@code -ln sigmoid(x_uij)} when
         * {@code wantLoss}, else any value (the trainer samples the loss on a fraction of steps).
         *
         * @param step this thread's estimate of the global step, 1-based (exact with one thread)
         */
        double step(int u, int i, int j, long step, boolean wantLoss);

        default void beginRound() {}

        default void endRound() {}
    }
}
