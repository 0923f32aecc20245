package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.metrics.ranking.ColdStart;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.FeatureTransform;
import dev.sparsetrain.data.features.ItemFeatures;
import dev.sparsetrain.models.train.Checkpoint;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainable;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.OptimizerState;
import dev.sparsetrain.optim.Schedule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains a {@link VbprModel} with BPR on the training spine: {@link VbprSteps} is the model's
 * per-sample part ({@code PairwiseModel}), run by {@link Hogwild} in rounds of
 * {@code denseBatch} samples ({@code roundsPerEpoch = ceil(samples / denseBatch)}; see
 * {@link VbprSteps} for what a round does), and the one epoch loop ({@link Trainer}) does early
 * stopping on validation AUC with the best epoch restored, the divergence guard and
 * checkpoints ({@link VbprCheckpoint}, the spine's {@link Checkpoint} format).
 *
 * <pre>
 *   positives  a training pair uniformly (PAIRS)
 *   negatives  NegativeSampler.uniform: uniformly among all items not in train(u), cold-start items
 *              included, as in the PyTorch reference: they are in the catalogue (measured on
 *              tiktok-diffmm, drawing only from items seen in training lifts BPR-MF's cold-start
 *              AUC from ~0.2 to ~0.6 because unseen items then keep a score near 0 while seen
 *              items are pushed below it, an artifact rather than knowledge)
 *   validation AUC over the validation pairs (early stopping), and cold-start AUC (recorded)
 * </pre>
 * The spine's one call: {@code new Trainer(t.loop()).withValidator(t.validator()).fit(t.trainable())}.
 * What stays here, each small: restarts (best of several seeds: {@link #fit}, a thin wrapper over
 * that call), auto-balance ({@link AutoBalance}, in the trainable's {@code begin} on a fresh run)
 * and the learning-rate multipliers. Divergence guard (with
 * auto-balance on, as in the defaults; off, a run is exactly what was configured): an epoch whose
 * loss is not finite is undone by the spine and the multiplier of the group with the largest
 * update-to-weight ratio is divided by 10 ({@link VbprSteps#onDivergence}), at most 3 times
 * ({@code TrainerConfig.divergenceRetries}); each is recorded in the notes.
 *
 * <p>With {@code threads = 1} and a seed the run is deterministic, and resuming a checkpoint
 * continues it bit for bit (the spine's streams depend on (seed, epoch) only). Not thread-safe
 * itself: one trainer per run.
 */
public final class VbprTrainer {
    /**
     * One epoch's figures ({@code loss} NaN when it diverged). {@code validationColdAuc} is the AUC over validation pairs whose item
     * never occurs in training (NaN when the validation split has none); it is recorded, not used
     * for early stopping, which follows {@code validationAuc}.
     */
    public record Epoch(int epoch, double loss, double validationAuc, double validationColdAuc, double seconds,
                        double samplesPerSecond, GroupFigures[] groups) {}

    /**
     * One group's figures over a window (an epoch, or a {@link #runSamples} call), from the
     * optimizer runtime's {@link GroupDiagnostics} ({@link VbprSteps#figures}): {@code gradientNorm}
     * is {@link GroupDiagnostics#rmsRowGradientNorm()} (pre-clip, per updated row), {@code updateNorm}
     * the same per row, {@code updateToWeight} the update-to-weight ratio with the weight norm floored
     * at {@code initStd * sqrt(dim)} per updated row, {@code effectiveLr} the runtime's
     * {@code meanEffectiveLr}, {@code updates} its {@code rowsUpdated}. Sparse groups are sampled
     * on one update in 16 per thread; dense groups count every step.
     */
    public record GroupFigures(String group, double gradientNorm, double updateNorm, double updateToWeight,
                               double effectiveLr, long updates, long nonFinite, double multiplier) {}

    /** The outcome of {@link #fit}. */
    public record Result(VbprModel model, List<Epoch> history, int bestEpoch, double bestValidationAuc,
                         double trainSeconds, long samples, long seed, List<String> notes) {
        public double samplesPerSecond() { return trainSeconds > 0 ? samples / trainSeconds : 0; }
    }


    final FeatureDataset data;
    final VbprConfig cfg;
    /** The training and validation pairs. */
    final Interactions trainPairs, valPairs;
    final ItemFeatures features;
    final FeatureTransform transform;
    final String[] names;
    private final NegativeSampler sampler;
    VbprModel model;
    VbprSteps steps;
    Consumer<String> log = s -> { };
    Schedule schedule = Schedule.constant();
    int checkpointEvery;
    Checkpointer checkpointer;
    VbprCheckpoint.State resume;
    /** Notes of {@link #fit} before the run (auto-balance's choice), carried in checkpoints. */
    List<String> fitNotes = List.of();
    private GroupFigures[] lastFigures = new GroupFigures[0];

    public VbprTrainer(FeatureDataset data, VbprConfig cfg) {
        this.data = data;
        this.cfg = cfg;
        int widest = Math.max(cfg.variant().collaborative() ? cfg.factors() : 1, cfg.visualFactors());
        long cap = (Integer.MAX_VALUE - 16) / widest;
        if (data.users() > cap || data.items() > cap) {
            throw new BadInputException(data.name() + ": " + data.users() + " users, " + data.items() + " items x "
                    + widest + " factors exceed one Java array (at most " + cap + " rows); user and item ids must be dense 0-based indices");
        }
        this.trainPairs = data.interactions(data.train());
        this.valPairs = data.interactions(data.validation());
        this.names = VbprConfig.tableNames(cfg.variant());
        this.transform = FeatureTransform.fit(cfg.preprocessing(), data.features());
        this.features = transform.apply(data.features());
        if (data.train().size() == 0) throw new BadInputException(data.name() + ": no training pairs");
        this.sampler = NegativeSampler.uniform(trainPairs);
        init(cfg.seed());
    }

    /**
     * An epoch-level learning-rate schedule over every group (e.g. the optimizer runtime's
     * {@code Schedule.cosineWarmRestarts(t0, tMult, minFactor)}: SGDR, Loshchilov and Hutter 2017):
     * in epoch e each group's multiplier is its balanced multiplier times {@code factor(e)}.
     * Combined with {@code --restarts} (several seeds) it answers both ways of leaving a poor
     * minimum. Default: constant.
     */
    public VbprTrainer withSchedule(Schedule s) {
        s.validate(Settings.name("cosineRestarts"));
        this.schedule = s;
        return this;
    }

    /** Where progress lines go (default: nowhere). */
    public VbprTrainer logTo(Consumer<String> sink) {
        this.log = sink;
        return this;
    }

    /** Receives a checkpoint at the end of every {@code every}-th epoch ({@link #withCheckpoints}). */
    public interface Checkpointer {
        /** {@code state} holds the whole checkpoint; write it with {@link VbprCheckpoint#save}. */
        void save(VbprCheckpoint.State state);
    }

    /** Hands a checkpoint ({@link VbprCheckpoint.State}) to {@code sink} every {@code every} epochs (needs one restart). */
    public VbprTrainer withCheckpoints(int every, Checkpointer sink) {
        if (every <= 0) throw new BadInputException(Settings.name("checkpointEvery") + " " + every + ": must be > 0");
        if (cfg.restarts() != 1) throw new BadInputException(Settings.name("checkpointEvery") + " with " + Settings.name("restarts") + " " + cfg.restarts() + ": checkpoints need one run (" + Settings.name("restarts") + " 1)");
        this.checkpointEvery = every;
        this.checkpointer = sink;
        return this;
    }

    /**
     * Continues the run of checkpoint {@code s} in {@link #fit}: its parameters, optimizer state
     * (with the learning-rate multipliers: no new auto-balance probe), loop state (early stopping,
     * history) and the epoch streams. The trainer's configuration must be the checkpoint's (the
     * epoch limit, patience and thread count may differ); a mismatch is one line naming the checkpoint.
     */
    public VbprTrainer resumeFrom(VbprCheckpoint.State s) {
        VbprConfig c = s.config();
        VbprConfig mine = cfg.withEpochs(c.maxEpochs(), c.patience()).withThreads(c.threads());
        if (!mine.equals(c)) throw new BadInputException(s.where() + ": a checkpoint of another configuration");
        if (cfg.restarts() != 1) throw new BadInputException(s.where() + ": resuming needs " + Settings.name("restarts") + " 1");
        if (!schedule.toString().equals(s.schedule())) {
            throw new BadInputException(s.where() + ": written with learning-rate schedule " + s.schedule() + ", resumed with " + schedule);
        }
        this.resume = s;
        return this;
    }

    /** Fresh model and optimizer state from a seed; the multipliers are kept. */
    void init(long seed) {
        double[] old = steps == null ? null : multipliers();
        model = new VbprModel(cfg.variant(), data.users(), data.items(), cfg.factors(), cfg.visualFactors(), features, transform)
                .initialize(new SplittableRandom(seed), cfg.initStd());
        steps = new VbprSteps(model, cfg, seed);
        if (old != null) for (int g = 0; g < names.length; g++) steps.setMultiplier(g, old[g]);
    }

    public VbprModel model() { return model; }
    public String[] groupNames() { return names.clone(); }
    /** The training pairs (what test figures exclude from the ranking). */
    public Interactions trainIndex() { return trainPairs; }

    public double[] multipliers() {
        double[] m = new double[names.length];
        for (int g = 0; g < names.length; g++) m[g] = steps.multiplier(g);
        return m;
    }

    void setMultipliers(double[] m) {
        for (int g = 0; g < names.length; g++) steps.setMultiplier(g, m[g]);
    }

    public void setMultiplier(String group, double m) {
        for (int g = 0; g < names.length; g++) if (names[g].equals(group)) { steps.setMultiplier(g, m); return; }
        throw new BadInputException("group '" + group + "': not in a " + cfg.variant() + " model; groups: " + String.join(", ", names));
    }

    /**
     * The spine's settings for this configuration: epochs, patience, threads and seed, the
     * checkpoint interval of {@link #withCheckpoints}, and 3 divergence retries with auto-balance
     * on (none off). The per-sample settings (pairs drawn uniformly, rounds of {@code denseBatch}
     * samples) are the model's: {@link #trainable()} sets them whatever the loop says.
     */
    public TrainerConfig loop() { return loop(cfg.seed()); }

    private TrainerConfig loop(long seed) {
        return TrainerConfig.defaults().withEpochs(cfg.maxEpochs()).withThreads(cfg.threads()).withSeed(seed)
                .withPatience(cfg.patience()).withCheckpointEvery(checkpointer == null ? 0 : checkpointEvery)
                .withDivergenceRetries(cfg.autoBalance() ? 3 : 0);
    }

    /**
     * The per-sample settings of a run of {@code samples} per epoch over {@code loop}; the rounds
     * are {@link #hogwild()}'s dense batches, not the loop's {@code roundsPerEpoch}.
     */
    private TrainerConfig perSample(TrainerConfig loop, long samples) {
        return loop.withSamplesPerEpoch(samples).withLossSampleEvery(1).withPositives(TrainerConfig.PositiveSampling.PAIRS);
    }

    /**
     * Early stopping's figure: AUC over the validation pairs (higher is better), with the
     * validation cold-start AUC recorded beside it in the history ({@link #COLD_AUC}).
     */
    public Trainer.Validator validator() {
        return e -> {
            ColdStart.Figures vm = ColdStart.figures(model.scorer(), valPairs, trainPairs, 20, cfg.threads());
            Trainable.EpochRun r = run == null ? null : run.last;
            if (r != null) {
                log.accept(String.format(Locale.ROOT, "epoch %d: loss %.4f, val AUC %.4f%s, %.0f samples/s", e, r.loss(), vm.auc(),
                        vm.coldUsers() > 0 ? String.format(Locale.ROOT, " (cold-start %.4f)", vm.coldAuc()) : "", r.samples() / r.seconds()));
            }
            return new Trainer.Validation(vm.auc(), true, Map.of(COLD_AUC, vm.coldAuc()));
        };
    }

    /**
     * VBPR as the spine's {@link Trainable}, for {@code new Trainer(loop()).withValidator(validator()).fit(trainable())}:
     * {@link VbprSteps} run by {@link Hogwild} in rounds of {@code denseBatch} samples. On a fresh
     * run with auto-balance on, its {@link Trainable#begin} runs the probe first ({@link AutoBalance},
     * from a fresh initialisation by {@code loop.seed()}; its choice is the run's first note); the
     * divergence guard divides the runaway group's multiplier ({@link VbprSteps#onDivergence}).
     */
    public Trainable trainable() {
        run = new Run();
        return run;
    }

    /**
     * A thin wrapper over the spine: for each of {@code restarts} seeds, one
     * {@code new Trainer(loop).withValidator(validator()).withCheckpointer(...).fit(trainable(), from)},
     * keeping the run with the best validation AUC (or continues the checkpoint of {@link #resumeFrom}).
     */
    public Result fit() {
        if (resume != null) {
            init(resume.seed());
            fitNotes = resume.notes();
            return fitOnce(resume.seed(), resume);
        }
        Result best = null;
        List<String> notes = new ArrayList<>();
        final double[] start = multipliers();   // the user's multipliers; every restart balances from them
        for (int r = 0; r < cfg.restarts(); r++) {
            long seed = cfg.seed() + 1000003L * r;
            init(seed);
            setMultipliers(start);
            Result res = fitOnce(seed, null);
            log.accept(String.format(Locale.ROOT, "restart %d/%d (seed %d): best validation AUC %.4f at epoch %d",
                    r + 1, cfg.restarts(), seed, res.bestValidationAuc(), res.bestEpoch()));
            if (cfg.restarts() > 1) for (String n : res.notes()) notes.add("restart " + (r + 1) + ": " + n);
            if (best == null || res.bestValidationAuc() > best.bestValidationAuc() || Double.isNaN(best.bestValidationAuc())) best = res;
        }
        model = best.model();
        if (cfg.restarts() == 1) return best;
        notes.add("restarts: kept seed " + best.seed() + " (validation AUC " + String.format(Locale.ROOT, "%.4f", best.bestValidationAuc()) + ")");
        return new Result(best.model(), best.history(), best.bestEpoch(), best.bestValidationAuc(), best.trainSeconds(), best.samples(),
                best.seed(), notes);
    }

    /** One run through the spine with {@code seed}, continuing checkpoint {@code from} when not null. */
    Result fitOnce(long seed, VbprCheckpoint.State from) {
        TrainerConfig tc = loop(seed);
        Run run = (Run) trainable();
        Trainer.State start = Trainer.State.fresh();
        if (from != null) {
            // a loaded checkpoint holds its header only: the tables stream from the file into the model and optimizer
            start = from.contents().tables().isEmpty() ? Checkpoint.resume(java.nio.file.Path.of(from.where()), run)
                    : Checkpoint.resume(from.where(), from.contents(), run);
            double[] b = from.baseMultipliers();
            System.arraycopy(b, 0, steps.base, 0, b.length);
        }
        Trainer.Checkpointer ck = checkpointer == null ? null
                : s -> checkpointer.save(VbprCheckpoint.of(cfg, steps, s, seed, fitNotes, schedule.toString(), run));
        Trainer.Result r = new Trainer(tc).withValidator(validator()).withCheckpointer(ck).fit(run, start);
        List<Epoch> hist = new ArrayList<>();
        for (Trainer.EpochRecord e : r.history()) {
            GroupFigures[] f = run.figures.get(e.epoch());
            hist.add(new Epoch(e.epoch(), Double.isFinite(e.loss()) ? e.loss() : Double.NaN, e.validation(), e.extra().getOrDefault(COLD_AUC, Double.NaN), e.seconds(),
                    e.samplesPerSecond(), f != null ? f : steps.figures(e.groups())));
        }
        for (String n : r.notes()) if (!start.notes().contains(n)) log.accept(n);
        return new Result(model, hist, r.bestEpoch(), r.bestValidation(), r.trainSeconds(), r.samples(), seed, r.notes());
    }

    /** The per-sample mode over the training pairs; a visual model's rounds are dense batches of {@code denseBatch} samples, the remainder last. */
    private Hogwild hogwild() {
        return Hogwild.of(steps, trainPairs, sampler).withRoundSamples(cfg.denseBatch());
    }

    /** The key of the validation cold-start AUC in {@link Trainer.EpochRecord#extra()}. */
    public static final String COLD_AUC = "cold_start_auc";

    /** The current run's trainable (the last {@link #trainable()}). */
    private Run run;

    /**
     * The Hogwild epochs over the current {@link #steps} (a new Hogwild when auto-balance made new
     * ones), remembering the last epoch's run and the per-group figures (with the multipliers of the time).
     */
    private final class Run implements Trainable {
        final Map<Integer, GroupFigures[]> figures = new HashMap<>();
        private Hogwild h;
        EpochRun last;
        int epoch;

        Hogwild h() {
            if (h == null || h.model() != steps) h = hogwild();
            return h;
        }

        @Override
        public String begin(TrainerConfig loop, Trainer.State from) {
            String note = null;
            if (from.epoch() == 0 && from.history().isEmpty() && cfg.autoBalance()) {
                AutoBalance.Choice c = AutoBalance.balance(VbprTrainer.this, cfg.balanceTarget());
                note = c.describe();
                log.accept(note);
                init(loop.seed());  // the probe's updates are discarded; the multipliers stay
                setMultipliers(c.multipliers());
                fitNotes = List.of(note);
            } else if (from.epoch() == 0) {
                fitNotes = List.of();
            }
            steps.schedule = schedule;
            h().begin(perSample(loop, data.train().size()), from);
            return note;
        }

        @Override public List<Table> parameters() { return h().parameters(); }
        @Override public OptimizerState exportState() { return h().exportState(); }
        @Override public void importState(String where, OptimizerState s) { h().importState(where, s); }
        @Override public OptimizerState.Reader stateReader(String where, Map<String, String> meta) { return h().stateReader(where, meta); }
        @Override public long samplesPerEpoch() { return h().samplesPerEpoch(); }
        @Override public void parametersRestored() { h().parametersRestored(); }
        @Override public String onDivergence(int e, List<GroupDiagnostics> d) { return h().onDivergence(e, d); }

        @Override
        public EpochRun trainEpoch(int e, int epochs, Progress p) {
            epoch = e;
            return last = h().trainEpoch(e, epochs, p);
        }

        @Override
        public List<GroupDiagnostics> epochDiagnostics() {
            List<GroupDiagnostics> d = h().epochDiagnostics();
            figures.put(epoch, steps.figures(d));
            return d;
        }
    }

    /**
     * Runs {@code total} BPR samples on the current model (one spine epoch of that size, outside
     * any loop: probes, lr-find, benchmarks) and returns the mean BPR loss (NaN if it diverged);
     * {@link #lastFigures()} then holds the per-group figures of these samples.
     */
    public double runSamples(long total, SplittableRandom rnd) {
        long seed = rnd.nextLong();
        steps.reseed(seed);
        steps.optimizer.endEpoch();   // a fresh window for the figures
        steps.schedule = null;        // probes see the multipliers as set (a run's begin sets the schedule again)
        Hogwild h = hogwild();
        h.begin(perSample(loop(seed), total), Trainer.State.fresh());
        Trainable.EpochRun r = h.trainEpoch(1, 1, Progress.silent());
        lastFigures = steps.figures(steps.epochDiagnostics());
        return Double.isFinite(r.loss()) ? r.loss() : Double.NaN;
    }

    /** The per-group figures of the last {@link #runSamples}. */
    public GroupFigures[] lastFigures() { return lastFigures.clone(); }
}
