package dev.sparsetrain.models.train;

import dev.sparsetrain.core.Progress;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.OptimizerState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The training spine: the one epoch loop every model runs through (BPR-MF, VBPR, the click
 * models), whatever runs inside an epoch ({@link Trainable}).
 *
 * <pre>
 *   note = model.begin(config, from)                        (the model's own set-up, e.g. a probe)
 *   for epoch e = start+1 .. epochs:
 *     keep   = copy of parameters and optimizer state       (only with divergence retries)
 *     run    = model.trainEpoch(e)
 *     if run.loss is not finite and retries are left:       (the divergence guard)
 *       restore keep; note = model.onDivergence(e); if note != null: retry e
 *     v = validator(e)                 every validateEvery epochs and at the last one
 *     if v improves on the best: best = e, snapshot parameters (unless e is the last epoch)
 *     checkpointer(state)              every checkpointEvery epochs
 *     stop after `patience` validations without improvement, or at a diverged epoch
 *   restore the best snapshot when it is not the last epoch
 * </pre>
 * The loop state ({@link State}: epoch, best epoch and value, validations since the best, the
 * history and the best snapshot) is what a checkpoint carries beside the parameters and the
 * optimizer state ({@link Checkpoint}), so a resumed run continues exactly where it stopped,
 * early stopping included.
 *
 * <p>One call shape for every model, in the spirit of torch/optax training loops (small,
 * explicit, composable): the model's own factory makes the {@link Trainable}, the loop settings
 * are a {@link TrainerConfig}, and the optional parts are set with {@code with...} methods, each
 * returning a changed copy:
 * <pre>{@code
 *   Trainer.Result r = new Trainer(loop).withValidator(v).withCheckpointer(c).withProgress(p).fit(trainable);
 *   // trainable: Hogwild.of(bprModel, train, sampler), vbprTrainer.trainable(), ctrTrainer.trainable(trainData)
 * }</pre>
 *
 * <p>Immutable; {@link #fit} is not reentrant for one {@link Trainable}.
 */
public final class Trainer {
    private final TrainerConfig config;
    private final Validator validator;
    private final Checkpointer checkpointer;
    private final BiFunction<String, Long, Progress> progress;

    /** A trainer with no validator, no checkpointer and no progress line. */
    public Trainer(TrainerConfig config) {
        this(config, null, null, null);
    }

    private Trainer(TrainerConfig config, Validator validator, Checkpointer checkpointer, BiFunction<String, Long, Progress> progress) {
        this.config = Objects.requireNonNull(config, "config");
        this.validator = validator;
        this.checkpointer = checkpointer;
        this.progress = progress;
    }

    public TrainerConfig config() { return config; }

    /**
     * A copy that calls {@code v} after every {@code validateEvery}-th epoch and at the last one
     * (null: none); with {@code patience > 0} it stops early, and it restores the best epoch.
     */
    public Trainer withValidator(Validator v) { return new Trainer(config, v, checkpointer, progress); }

    /** A copy that hands the loop state to {@code c} every {@code checkpointEvery} epochs (null: none). */
    public Trainer withCheckpointer(Checkpointer c) { return new Trainer(config, validator, c, progress); }

    /**
     * A copy that draws each epoch's progress line with {@code p}, made from the epoch's label and
     * its total samples (e.g. {@code Progress::toStderr}; null: silence).
     */
    public Trainer withProgress(BiFunction<String, Long, Progress> p) { return new Trainer(config, validator, checkpointer, p); }

    /** Computes the validation figure after an epoch. */
    @FunctionalInterface
    public interface Validator {
        Validation validate(int epoch);
    }

    /**
     * A validation figure and what it means.
     *
     * @param value          the figure early stopping follows
     * @param higherIsBetter AUC, NDCG: true; normalized entropy, log loss: false
     * @param extra          further figures recorded in the history (e.g. cold-start AUC), in order
     */
    public record Validation(double value, boolean higherIsBetter, Map<String, Double> extra) {
        public Validation {
            extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        }

        /** A figure where higher is better, with no extras. */
        public static Validation higher(double value) { return new Validation(value, true, Map.of()); }

        /** A figure where lower is better, with no extras. */
        public static Validation lower(double value) { return new Validation(value, false, Map.of()); }

        /** Whether this figure beats {@code best} (NaN never does; anything beats a missing best). */
        boolean beats(double best) {
            if (Double.isNaN(value)) return false;
            if (Double.isNaN(best)) return true;
            return higherIsBetter ? value > best : value < best;
        }
    }

    /** Saves a checkpoint at the end of an epoch. */
    @FunctionalInterface
    public interface Checkpointer {
        /** {@code state} is the loop state after the epoch; the model holds that epoch's parameters. */
        void save(State state);
    }

    /**
     * The figures of one epoch.
     *
     * @param validation the validation figure (NaN when not validated this epoch)
     * @param extra      the validator's further figures
     * @param groups     per-group optimizer figures of the epoch (empty when not collected)
     */
    public record EpochRecord(int epoch, long samples, double seconds, double cpuSeconds, double loss, double validation,
                              Map<String, Double> extra, List<GroupDiagnostics> groups) {
        public EpochRecord {
            extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
            groups = groups == null ? List.of() : List.copyOf(groups);
        }

        public double samplesPerSecond() { return seconds > 0 ? samples / seconds : 0; }

        /** One line: epoch, throughput, loss, validation. */
        public String line() {
            return String.format(Locale.ROOT, "epoch %d: %s samples/s, loss %.4f%s", epoch, Progress.human(samplesPerSecond()), loss,
                    Double.isNaN(validation) ? "" : String.format(Locale.ROOT, ", validation %.4f", validation));
        }
    }

    /**
     * Parameters, optimizer state and the model's extra state ({@link Trainable#captureExtraState},
     * null when it has none) at one moment (the best epoch, or an epoch's start). A snapshot read
     * back from a checkpoint carries no extra state.
     */
    public record Snapshot(List<Table> tables, OptimizerState optimizer, Runnable extra) {
        /** Parameters and optimizer state without extra state. */
        public Snapshot(List<Table> tables, OptimizerState optimizer) { this(tables, optimizer, null); }

        /** Deep copies of the model's parameters, its optimizer state and its extra state. */
        public static Snapshot of(Trainable m) {
            List<Table> copies = new ArrayList<>();
            for (Table t : m.parameters()) copies.add(t.copy());
            return new Snapshot(List.copyOf(copies), m.exportState(), m.captureExtraState());
        }

        /** Copies this snapshot back into {@code m} (same table names and shapes), extra state included. */
        public void restoreInto(Trainable m, String where) {
            Checkpoint.copyTables(where, tables, m.parameters());
            m.importState(where, optimizer);
            if (extra != null) extra.run();
            m.parametersRestored();
        }
    }

    /**
     * The loop's state after an epoch: what a checkpoint carries so that training resumes exactly.
     *
     * @param epoch          epochs done
     * @param bestEpoch      the best validated epoch (the last epoch without validation; 0 before any)
     * @param bestValidation its figure (NaN before any validation)
     * @param sinceBest      validations since the best one
     * @param stopped        early stopping ended the run at {@code epoch}
     * @param retries        diverged epochs undone so far
     * @param best           the best epoch's snapshot when it is not the current parameters (else null)
     */
    public record State(int epoch, int bestEpoch, double bestValidation, int sinceBest, boolean stopped, int retries,
                        long samples, double trainSeconds, double cpuSeconds, List<EpochRecord> history, List<String> notes,
                        Snapshot best) {
        public State {
            history = List.copyOf(history);
            notes = List.copyOf(notes);
        }

        /**
         * The state of a model trained {@code epochs} epochs outside the spine's bookkeeping (a
         * saved model, not a checkpoint): the epoch count only.
         */
        public static State after(int epochs) {
            return new State(epochs, epochs, Double.NaN, 0, false, 0, 0, 0, 0, List.of(), List.of(), null);
        }

        /** The state of a model not trained yet. */
        public static State fresh() {
            return new State(0, 0, Double.NaN, 0, false, 0, 0, 0, 0, List.of(), List.of(), null);
        }
    }

    /**
     * What a run did.
     *
     * @param lastEpoch      the last epoch trained
     * @param bestEpoch      the epoch whose parameters the model holds at the end (the best
     *                       validated one when validating, else the last; 0 when none)
     * @param bestValidation its validation figure (NaN without validation)
     * @param stoppedEarly   early stopping (or a diverged epoch) ended the run
     * @param samples        samples processed over the whole run (a resumed run: since epoch 1)
     * @param trainSeconds   wall time of the training steps only (no validation, no checkpoints)
     * @param cpuSeconds     CPU time the worker threads spent on them
     * @param notes          what the divergence guard did, in order
     */
    public record Result(int lastEpoch, int bestEpoch, double bestValidation, boolean stoppedEarly, long samples,
                         double trainSeconds, double cpuSeconds, List<EpochRecord> history, List<String> notes) {
        public double samplesPerSecond() { return trainSeconds > 0 ? samples / trainSeconds : 0; }

        /** Samples per CPU-second of one worker: what one core delivers when not descheduled. */
        public double samplesPerCpuSecond() { return cpuSeconds > 0 ? samples / cpuSeconds : 0; }

        public double finalLoss() { return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).loss(); }

        /** Whether the run ended at an epoch whose loss was not finite. */
        public boolean diverged() { return !history.isEmpty() && !Double.isFinite(finalLoss()); }
    }

    /**
     * {@code diverged at epoch E (group G)}: G is the group with non-finite gradients skipped, or
     * else the one with the largest update-to-weight ratio (the first to blow up), when known.
     */
    static String divergedNote(int epoch, List<GroupDiagnostics> groups) {
        GroupDiagnostics worst = null;
        for (GroupDiagnostics g : groups) {
            if (worst == null || g.nonFiniteGradients() > worst.nonFiniteGradients()
                    || (g.nonFiniteGradients() == worst.nonFiniteGradients() && !(g.updateToWeightRatio() <= worst.updateToWeightRatio()))) {
                worst = g;
            }
        }
        return "diverged at epoch " + epoch + (worst == null ? "" : " (group " + worst.group() + ")") + ": the loss is not finite";
    }

    /** {@link #fit(Trainable, State)} from a fresh state: trains epochs 1 .. {@code config.epochs()}. */
    public Result fit(Trainable model) {
        return fit(model, State.fresh());
    }

    /**
     * Trains epochs {@code from.epoch()+1 .. config.epochs()} of {@code model}, with this trainer's
     * validator, checkpointer and progress line (each optional, see the {@code with...} methods).
     *
     * @param from the loop state to continue (a checkpoint's, {@link Checkpoint#resume}; {@link State#fresh()} for a new model)
     */
    public Result fit(Trainable model, State from) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(from, "from");
        String began = model.begin(config, from);
        List<EpochRecord> history = new ArrayList<>(from.history());
        List<String> notes = new ArrayList<>(from.notes());
        if (began != null) notes.add(began);
        double best = from.bestValidation();
        int bestEpoch = from.bestEpoch(), sinceBest = from.sinceBest(), retries = from.retries();
        Snapshot bestSnapshot = from.best();
        // a checkpoint written at its best epoch holds no separate best copy (the parameters are
        // the best): take it now, or a later worse epoch could not be undone at the end
        if (validator != null && bestSnapshot == null && from.bestEpoch() > 0 && from.bestEpoch() == from.epoch()
                && !from.stopped() && from.epoch() < config.epochs()) {
            bestSnapshot = Snapshot.of(model);
        }
        boolean stopped = from.stopped();
        long total = from.samples();
        double trainSeconds = from.trainSeconds(), cpuSeconds = from.cpuSeconds();
        int epoch = from.epoch();
        final int epochs = config.epochs();
        while (!stopped && epoch < epochs) {
            int e = epoch + 1;
            Snapshot start = retries < config.divergenceRetries() ? Snapshot.of(model) : null;
            Progress p = progress == null ? Progress.silent()
                    : progress.apply(String.format(Locale.ROOT, "epoch %d/%d", e, epochs), model.samplesPerEpoch());
            Trainable.EpochRun run = model.trainEpoch(e, epochs, p);
            trainSeconds += run.seconds();
            cpuSeconds += run.cpuSeconds();
            total += run.samples();
            List<GroupDiagnostics> groups = model.epochDiagnostics();
            boolean diverged = run.samples() > 0 && !Double.isFinite(run.loss());
            if (diverged && start != null) {
                start.restoreInto(model, "epoch " + e + " start");
                String note = model.onDivergence(e, groups);
                if (note != null) {
                    retries++;
                    notes.add(note);
                    p.finish(run.samples(), "diverged: " + note);
                    p.close();
                    continue;   // the same epoch again
                }
            }
            epoch = e;
            Validation val = null;
            boolean last = epoch == epochs;
            if (validator != null && !diverged && (epoch % config.validateEvery() == 0 || last)) {
                val = validator.validate(epoch);
                if (val.beats(best)) {
                    best = val.value();
                    bestEpoch = epoch;
                    sinceBest = 0;
                    bestSnapshot = null;   // the current parameters are the best
                } else {
                    sinceBest++;
                }
            } else if (validator == null && !diverged) {
                bestEpoch = epoch;
            }
            double v = val == null ? Double.NaN : val.value();
            p.finish(run.samples(), diverged ? "diverged (loss not finite)"
                    : String.format(Locale.ROOT, "%s%s", Progress.figure("train loss (epoch mean)", run.loss()),
                    Double.isNaN(v) ? "" : String.format(Locale.ROOT, "  validation %.4f%s", v, bestEpoch == epoch ? " *" : "")));
            p.close();
            history.add(new EpochRecord(epoch, run.samples(), run.seconds(), run.cpuSeconds(), run.loss(), v,
                    val == null ? Map.of() : val.extra(), groups));
            if (diverged) notes.add(divergedNote(epoch, groups));
            boolean stop = diverged || (config.patience() > 0 && validator != null && sinceBest >= config.patience());
            // the best epoch's parameters must survive the next epoch: copy them now, unless this is the end
            if (bestEpoch == epoch && validator != null && !last && !stop) bestSnapshot = Snapshot.of(model);
            stopped = stop;
            if (checkpointer != null && config.checkpointEvery() > 0 && epoch % config.checkpointEvery() == 0) {
                checkpointer.save(new State(epoch, bestEpoch, best, sinceBest, stopped, retries, total, trainSeconds, cpuSeconds,
                        history, notes, bestEpoch == epoch ? null : bestSnapshot));
            }
        }
        if (validator != null && bestSnapshot != null && bestEpoch != epoch && bestEpoch > 0) {
            bestSnapshot.restoreInto(model, "best epoch " + bestEpoch);
        }
        if (validator != null && bestEpoch == 0) best = Double.NaN;
        return new Result(epoch, bestEpoch, validator == null ? Double.NaN : best, stopped, total, trainSeconds, cpuSeconds,
                List.copyOf(history), List.copyOf(notes));
    }
}
