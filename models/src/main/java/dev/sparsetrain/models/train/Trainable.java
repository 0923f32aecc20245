package dev.sparsetrain.models.train;

import dev.sparsetrain.core.Progress;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.OptimizerState;
import java.util.List;

/**
 * A model as the training spine ({@link Trainer}) sees it: parameters in tables, optimizer state
 * beside them, and one epoch (a pass over the data) at a time.
 *
 * <p>The spine owns everything around the epoch, once for every model: the epoch loop, validation
 * and early stopping with restore of the best epoch, checkpoints and exact resume, the divergence
 * guard, per-epoch history and progress. A model owns only how an epoch runs. Two modes exist:
 * <ul>
 *   <li><b>per-sample Hogwild</b> ({@link Hogwild}): BPR-MF and VBPR, lock-free row updates per
 *       (u, i, j) triple, with dense tensors reduced and stepped between rounds;</li>
 *   <li><b>mini-batch data-parallel</b> (the click models): fixed-size chunks, gradients reduced in
 *       a fixed order, one optimizer step per batch.</li>
 * </ul>
 * Snapshots and checkpoints are generic: they copy {@link #parameters()} and
 * {@link #exportState()}, so a model needs no snapshot code of its own; a model with state beyond
 * both (the click models' dynamic id maps) hands the in-memory snapshots a copy of it through
 * {@link #captureExtraState()}.
 */
public interface Trainable {

    /** Every table the model trains, by unique name (snapshots, checkpoints, saved models). */
    List<Table> parameters();

    /** The optimizer state (moments, accumulators, counts, multipliers) to carry with the parameters. */
    OptimizerState exportState();

    /** Restores {@link #exportState()}; {@code where} names the source in error messages. */
    void importState(String where, OptimizerState state);

    /**
     * Called once by {@link Trainer#fit(Trainable, Trainer.State)} before the first epoch it runs:
     * the model takes the loop's settings ({@link Hogwild}: threads, seed, samples and rounds per
     * epoch, positive sampling) and does its own set-up (VBPR: the auto-balance probe on a fresh
     * run). Returns a note for the run's notes (what the set-up chose), or null.
     *
     * @param from the loop state the run continues ({@link Trainer.State#fresh()} for a new run)
     */
    default String begin(TrainerConfig loop, Trainer.State from) { return null; }

    /**
     * The optimizer state as a live view over the optimizer's own arrays, for a checkpoint written
     * at once (no copy; {@link Checkpoint#write}). Default: {@link #exportState()}.
     */
    default OptimizerState stateView() { return exportState(); }

    /**
     * A reader of saved state (metadata {@code meta}) straight into the optimizer's own arrays, for
     * a checkpoint read chunk by chunk ({@link Checkpoint#resume(java.nio.file.Path, Trainable)}); null
     * (the default): the state is read into new tables and given to {@link #importState}.
     */
    default OptimizerState.Reader stateReader(String where, java.util.Map<String, String> meta) { return null; }

    /**
     * Trains epoch {@code epoch} (1-based) of {@code epochs}. A result whose loss is not finite
     * means the epoch diverged.
     */
    EpochRun trainEpoch(int epoch, int epochs, Progress progress);

    /** Samples an epoch will process, for the progress line (0 when unknown). */
    default long samplesPerEpoch() { return 0; }

    /**
     * State that is neither a parameter table nor optimizer state but must move with them when the
     * spine's in-memory snapshots ({@link Trainer.Snapshot}: the best epoch under a validator, the
     * start of an epoch that may diverge) put an earlier moment back: e.g. the id -&gt; row maps
     * of dynamic embedding tables, without which the best epoch's rows would be read through the
     * last epoch's maps. Returns an action that restores a copy taken now (it may run more than
     * once), or null (the default) when the model has no such state. Called between epochs.
     */
    default Runnable captureExtraState() { return null; }

    /** Called after the spine copied parameters back (best epoch, undone epoch, checkpoint): refresh caches. */
    default void parametersRestored() {}

    /** Per-group optimizer figures of the epoch just trained (empty when not collected). */
    default List<GroupDiagnostics> epochDiagnostics() { return List.of(); }

    /**
     * The epoch diverged and was undone (parameters and optimizer state as at its start): change
     * something (e.g. divide a learning-rate multiplier) and return a note saying what, or null to
     * give up. Called only when {@link TrainerConfig#divergenceRetries()} allows another retry.
     */
    default String onDivergence(int epoch, List<GroupDiagnostics> lastEpoch) { return null; }

    /**
     * What one epoch did.
     *
     * @param samples    samples (triples, rows) processed
     * @param loss       mean training loss (NaN: diverged, or not computed when {@code samples} is 0)
     * @param seconds    wall time of the training steps only
     * @param cpuSeconds CPU time the worker threads spent (summed over threads; 0 when unknown)
     */
    record EpochRun(long samples, double loss, double seconds, double cpuSeconds) {}
}
