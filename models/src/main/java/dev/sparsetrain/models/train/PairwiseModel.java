package dev.sparsetrain.models.train;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.Optimizer;
import java.util.List;

/**
 * A model trained on (user, positive item, negative item) triples in the spine's per-sample
 * Hogwild mode ({@link Hogwild}): BPR-MF and VBPR.
 *
 * <p>Lifecycle per epoch: {@link #beginEpoch}, then for each round every thread runs
 * {@link Worker#beginRound()}, a barrier, {@link Worker#step} for its share of the round's
 * samples, a barrier, {@link Worker#endRound()}, and a last barrier whose action is
 * {@link #afterRound()} on one thread (no worker running). Dense parameters fit there: each worker
 * accumulates its share in {@code step}, the workers reduce in parallel in {@code endRound}, and
 * {@code afterRound} applies one dense optimizer step; caches of the dense parameters (VBPR's item
 * projections) are refreshed in parallel in {@code beginRound}. Workers write shared sparse rows
 * without locks (Hogwild, Recht et al. 2011).
 */
public interface PairwiseModel {

    /** A per-thread worker owning its scratch buffers; called once per thread per run. */
    Worker newWorker(int threadIndex, int threads);

    /** Called on the training thread before epoch {@code epoch} (1-based) of {@code epochs} (learning-rate schedules). */
    default void beginEpoch(int epoch, int epochs) {}

    /** Called once per epoch after the last round, before {@link #epochDiagnostics()}. */
    default void endEpoch() {}

    /** Called once on one thread after every round (no worker is running). */
    default void afterRound() {}

    /** Every table the model trains. */
    List<Table> parameters();

    /** The optimizer holding every group of the model (its state rides in snapshots and checkpoints). */
    Optimizer optimizer();

    /** See {@link Trainable#parametersRestored()}. */
    default void parametersRestored() {}

    /** See {@link Trainable#epochDiagnostics()}. */
    default List<GroupDiagnostics> epochDiagnostics() { return List.of(); }

    /** See {@link Trainable#onDivergence}. */
    default String onDivergence(int epoch, List<GroupDiagnostics> lastEpoch) { return null; }

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
