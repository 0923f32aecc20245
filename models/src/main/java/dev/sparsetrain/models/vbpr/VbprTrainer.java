package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.FeatureTransform;
import dev.sparsetrain.data.features.ItemFeatures;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.ParamGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Consumer;

/**
 * Trains a {@link VbprModel} with BPR on all cores: sparse rows per sample (Hogwild), dense
 * tensors per mini-batch.
 *
 * <h2>Design</h2>
 * Training runs in phases of {@code denseBatch} samples split over the worker threads; E and
 * beta' are fixed within a phase:
 * <ol>
 *   <li><b>project</b> (parallel over items): {@code p_i = E f_i}, {@code b'_i = beta' . f_i} for
 *       every item into the model's cache, so a sample costs O(K + K') rather than O(K' F);</li>
 *   <li><b>samples</b> (parallel, Hogwild): each worker draws (u, i) uniformly from the training
 *       pairs and a negative j uniformly from all items not in train(u) (cold-start items
 *       included, as in the PyTorch reference: they are in the catalogue; measured on
 *       tiktok-diffmm, drawing negatives only from items seen in training lifts BPR-MF's
 *       cold-start AUC from ~0.2 to ~0.6 because unseen items then keep a score near 0 while
 *       seen items are pushed below it, an artifact rather than knowledge). Then it computes the hand-written
 *       gradients ({@link VbprModel#sampleGradients}) and immediately updates the rows beta_i,
 *       beta_j, gamma_u, gamma_i, gamma_j and theta_u through each group's {@link GroupRule}
 *       (lock-free, Recht et al. 2011). For E and beta' it only accumulates, per item,
 *       {@code a_i += g theta_u} and {@code c_i += g} ({@code -} for j) in its own buffers, O(K');</li>
 *   <li><b>reduce</b> (parallel): worker t takes the items of its index range that any worker
 *       touched, sums all workers' {@code a_i, c_i} for them, and forms its partial
 *       {@code dE = -sum_i a_i f_i^T}, {@code d beta' = -sum_i c_i f_i} with a register-blocked
 *       kernel ({@link DenseKernels}; O(touched K' F) per phase instead of O(samples K' F));
 *       then one thread sums the partials and applies one dense update per group (e.g. Adam
 *       over all of E: DENSE semantics). The dense gradient is the <i>sum</i> over the phase's
 *       samples, so plain SGD on E is per-sample SGD
 *       with delayed application, the user's set-up.</li>
 * </ol>
 * No thread writes E or beta' while another reads them (barriers between phases). With
 * {@code threads = 1} and a seed the run is deterministic.
 *
 * <p>Per-group figures (gradient norm, update norm, update-to-weight ratio, effective learning
 * rate) are recorded every epoch from one sparse update in 16 and every dense update.
 *
 * <p>Optimizer runtime: one project {@code dev.sparsetrain.optim.Optimizer} holds the six
 * groups: the sparse ones (LAZY semantics; LAZY_ROWWISE_BIAS for the Adam family, {@link GroupSpec#semantics}) are updated per sample
 * through their {@code RowUpdater} (Hogwild; the step passed is the worker's sample count), the
 * dense E and beta' (DENSE semantics) through the batch path, one {@code step()} per phase.
 * Per-group figures come from the runtime's per-thread {@code GroupStats}, with the weight norm
 * floored at {@code initStd * sqrt(dim)} per row so that a zero-initialised bias does not show a
 * ratio near 1 whatever its rate.
 *
 * <p>Not thread-safe itself: one trainer per run.
 */
public final class VbprTrainer {

    /**
     * One epoch's figures. {@code validationColdAuc} is the AUC over validation pairs whose item
     * never occurs in training (NaN when the validation split has none); it is recorded, not used
     * for early stopping, which follows {@code validationAuc}.
     */
    public record Epoch(int epoch, double loss, double validationAuc, double validationColdAuc, double seconds,
                        double samplesPerSecond, GroupFigures[] groups) {}

    /** One group's figures over a window. */
    public record GroupFigures(String group, double gradientNorm, double updateNorm, double updateToWeight,
                               double effectiveLr, long updates, long nonFinite, double multiplier) {}

    /** The outcome of {@link #fit}. */
    public record Result(VbprModel model, List<Epoch> history, int bestEpoch, double bestValidationAuc,
                         double trainSeconds, long samples, long seed, List<String> notes) {
        public double samplesPerSecond() { return trainSeconds > 0 ? samples / trainSeconds : 0; }
    }

    final FeatureDataset data;
    final VbprConfig cfg;
    final UserItems trainIndex, valIndex;
    final boolean[] cold;
    final ItemFeatures features;
    final FeatureTransform transform;
    VbprModel model;
    GroupRule[] rules;         // slot per table name of the variant
    /**
     * E and beta' are updated by the project optimizer runtime through its batch path (one
     * {@code step()} per phase, DENSE semantics); their {@link GroupRule}s only hold the
     * learning-rate multiplier and the spec.
     */
    Optimizer denseOptimizer;
    /** The runtime's per-row path of each sparse group (null for the dense groups). */
    dev.sparsetrain.optim.RowUpdater[] updaters;
    /** Per-sample step counter carried across runs (reset with the optimizer in {@link #init}). */
    long stepBase;
    final String[] names;
    Consumer<String> log = s -> { };

    public VbprTrainer(FeatureDataset data, VbprConfig cfg) {
        this.data = data;
        this.cfg = cfg;
        int widest = Math.max(cfg.variant().collaborative() ? cfg.factors() : 1, cfg.variant().visual() ? cfg.visualFactors() : 1);
        long cap = (Integer.MAX_VALUE - 16) / widest;
        if (data.users() > cap || data.items() > cap) {
            throw new dev.sparsetrain.core.BadInputException(data.name() + ": " + data.users() + " users, " + data.items() + " items x "
                    + widest + " factors exceed one Java array (at most " + cap + " rows); user and item ids must be dense 0-based indices");
        }
        this.trainIndex = new UserItems(data.users(), data.train());
        this.valIndex = new UserItems(data.users(), data.validation());
        this.cold = data.coldItems();
        this.names = VbprConfig.tableNames(cfg.variant());
        if (cfg.variant().visual()) {
            this.transform = FeatureTransform.fit(cfg.preprocessing(), data.features());
            this.features = transform.apply(data.features());
        } else {
            this.transform = null;
            this.features = null;
        }
        if (data.train().size() == 0) throw new dev.sparsetrain.core.BadInputException(data.name() + ": no training pairs");
        init(cfg.seed());
    }

    /**
     * An epoch-level learning-rate schedule over every group (e.g. the optimizer runtime's
     * {@code Schedule.cosineWarmRestarts(t0, tMult, minFactor)}: SGDR, Loshchilov and Hutter 2017):
     * in epoch e each group's multiplier is its balanced multiplier times {@code factor(e)}.
     * Combined with {@code --restarts} (several seeds) it answers both ways of leaving a poor
     * minimum. Default: constant.
     */
    public VbprTrainer withSchedule(dev.sparsetrain.optim.Schedule s) {
        s.validate("--cosine-restarts");
        this.schedule = s;
        return this;
    }

    dev.sparsetrain.optim.Schedule schedule = dev.sparsetrain.optim.Schedule.constant();

    /** Where progress lines go (default: nowhere). */
    public VbprTrainer logTo(Consumer<String> sink) {
        this.log = sink;
        return this;
    }

    /** Receives a checkpoint at the end of every {@code every}-th epoch ({@link #withCheckpoints}). */
    public interface Checkpointer {
        /** {@code current} is the live model of that epoch (read it before returning). */
        void save(VbprCheckpoint.State state, VbprModel current);
    }

    int checkpointEvery;
    Checkpointer checkpointer;
    VbprCheckpoint.State resume;
    /** Notes of {@link #fit} before the run (auto-balance's choice), carried in checkpoints. */
    List<String> fitNotes = List.of();

    /** Hands a checkpoint ({@link VbprCheckpoint.State}) to {@code sink} every {@code every} epochs (needs one restart). */
    public VbprTrainer withCheckpoints(int every, Checkpointer sink) {
        if (every <= 0) throw new dev.sparsetrain.core.BadInputException("--checkpoint-every " + every + ": must be > 0");
        if (cfg.restarts() != 1) throw new dev.sparsetrain.core.BadInputException("--checkpoint-every with --restarts " + cfg.restarts() + ": checkpoints need one run (--restarts 1)");
        this.checkpointEvery = every;
        this.checkpointer = sink;
        return this;
    }

    /**
     * Continues the run of checkpoint {@code s} in {@link #fit}: its parameters, optimizer state,
     * learning-rate multipliers (no new auto-balance probe), early-stopping state and RNG
     * position. The trainer's configuration must be the checkpoint's (the epoch limit,
     * patience and thread count may differ); a mismatch is one line naming the checkpoint.
     */
    public VbprTrainer resumeFrom(VbprCheckpoint.State s) {
        VbprConfig c = s.config();
        VbprConfig mine = cfg.withEpochs(c.maxEpochs(), c.patience()).withThreads(c.threads());
        if (!mine.equals(c)) throw new dev.sparsetrain.core.BadInputException(s.where() + ": a checkpoint of another configuration");
        if (cfg.restarts() != 1) throw new dev.sparsetrain.core.BadInputException(s.where() + ": resuming needs --restarts 1");
        if (!schedule.toString().equals(s.schedule())) {
            throw new dev.sparsetrain.core.BadInputException(s.where() + ": written with learning-rate schedule " + s.schedule() + ", resumed with " + schedule);
        }
        this.resume = s;
        return this;
    }

    /** Fresh model and optimizer state from a seed. */
    void init(long seed) {
        model = new VbprModel(cfg.variant(), data.users(), data.items(), cfg.factors(), cfg.visualFactors(), features, transform)
                .initialize(new SplittableRandom(seed), cfg.initStd());
        double[] old = multipliers();
        rules = new GroupRule[names.length];
        for (int s = 0; s < names.length; s++) {
            Table t = model.table(names[s]);
            boolean dense = t.kind() == Table.Kind.DENSE;
            rules[s] = new GroupRule(names[s], cfg.groups().get(names[s]), dense ? 1 : t.rows(), dense ? t.rows() * t.dim() : t.dim());
            if (old != null) rules[s].setMultiplier(old[s]);
        }
        List<ParamGroup> groups = new ArrayList<>();
        List<Table> tabs = new ArrayList<>();
        updaters = new dev.sparsetrain.optim.RowUpdater[names.length];
        for (String name : names) {
            GroupSpec spec = cfg.groups().get(name);
            Table t = model.table(name);
            groups.add(ParamGroup.of(name, spec.chain(name), name).withSemantics(spec.semantics(t.kind() == Table.Kind.DENSE)));
            tabs.add(t);
        }
        denseOptimizer = Optimizer.build(groups, tabs);
        stepBase = 0;
        for (int s = 0; s < names.length; s++) {
            Table t = model.table(names[s]);
            if (t.kind() == Table.Kind.EMBEDDING) updaters[s] = denseOptimizer.updater(t);
        }
    }

    public VbprModel model() { return model; }
    public String[] groupNames() { return names.clone(); }
    public UserItems trainIndex() { return trainIndex; }

    public double[] multipliers() {
        if (rules == null) return null;
        double[] m = new double[rules.length];
        for (int s = 0; s < rules.length; s++) m[s] = rules[s].multiplier();
        return m;
    }

    public void setMultiplier(String group, double m) {
        for (int s = 0; s < names.length; s++) if (names[s].equals(group)) { rules[s].setMultiplier(m); return; }
        throw new dev.sparsetrain.core.BadInputException("group '" + group + "': not in a " + cfg.variant() + " model; groups: " + String.join(", ", names));
    }

    /** Trains with restarts and early stopping; returns the best model on validation. */
    public Result fit() {
        Result best = null;
        List<String> notes = new ArrayList<>();
        final double[] start = multipliers();   // the user's multipliers; every restart balances from them
        if (resume != null) {
            init(resume.seed());
            fitNotes = resume.notes();
            Result res = fitOnce(resume.seed(), resume);
            model = res.model();
            List<String> all = new ArrayList<>(fitNotes);
            all.addAll(res.notes());
            return new Result(res.model(), res.history(), res.bestEpoch(), res.bestValidationAuc(), res.trainSeconds(), res.samples(), res.seed(), all);
        }
        for (int r = 0; r < cfg.restarts(); r++) {
            long seed = cfg.seed() + 1000003L * r;
            init(seed);
            for (int s = 0; s < names.length; s++) rules[s].setMultiplier(start[s]);
            if (cfg.autoBalance()) {
                AutoBalance.Choice c = AutoBalance.balance(this, cfg.balanceTarget());
                notes.add(c.describe());
                log.accept(c.describe());
                init(seed);  // the probe's updates are discarded; the multipliers stay
                for (int s = 0; s < names.length; s++) rules[s].setMultiplier(c.multipliers()[s]);
            }
            fitNotes = List.copyOf(notes);
            Result res = fitOnce(seed);
            log.accept(String.format(java.util.Locale.ROOT, "restart %d/%d (seed %d): best validation AUC %.4f at epoch %d",
                    r + 1, cfg.restarts(), seed, res.bestValidationAuc(), res.bestEpoch()));
            if (best == null || res.bestValidationAuc() > best.bestValidationAuc() || Double.isNaN(best.bestValidationAuc())) best = res;
        }
        if (cfg.restarts() > 1) notes.add("restarts: kept seed " + best.seed() + " (validation AUC " + String.format(java.util.Locale.ROOT, "%.4f", best.bestValidationAuc()) + ")");
        model = best.model();
        List<String> all = new ArrayList<>(notes);
        all.addAll(best.notes());
        return new Result(best.model(), best.history(), best.bestEpoch(), best.bestValidationAuc(), best.trainSeconds(), best.samples(), best.seed(), all);
    }

    /** How many times one run may recover from a diverged epoch (see {@link #fitOnce}). */
    static final int MAX_RECOVERIES = 3;

    /**
     * One run with early stopping on validation AUC. Divergence guard (with auto-balance on, as in
     * the defaults; off, a run is exactly what was configured): an epoch whose loss is not
     * finite is undone (parameters restored from the epoch's start, optimizer state reset) and the
     * learning-rate multiplier of the group with the largest update-to-weight ratio is divided by
     * 10, at most {@link #MAX_RECOVERIES} times; each recovery is recorded in the result's notes.
     */
    Result fitOnce(long seed) {
        return fitOnce(seed, null);
    }

    /** {@link #fitOnce(long)}, continuing checkpoint {@code from} when not null. */
    Result fitOnce(long seed, VbprCheckpoint.State from) {
        List<Epoch> hist = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        VbprModel bestModel = model.copy(), epochStart = model.copy();
        double bestAuc = Double.NEGATIVE_INFINITY;
        int bestEpoch = 0, since = 0, recoveries = 0;
        double trainSec = 0;
        long samples = 0;
        long perEpoch = data.train().size();
        SplittableRandom master = new SplittableRandom(seed ^ 0x5DEECE66DL);
        GroupStats stats = new GroupStats(names.length);
        double[] base = multipliers();
        long splits = 0;   // epoch streams handed out by master (the RNG position a checkpoint records)
        int firstEpoch = 1;
        if (from != null) {
            restore(from);
            hist.addAll(from.history());
            notes.addAll(from.runNotes());
            for (Table t : bestModel.tables()) copyInto(from, from.best(), t);
            if (bestModel.visualFactors() > 0) bestModel.project(0, bestModel.items());
            bestAuc = from.bestAuc();
            bestEpoch = from.bestEpoch();
            since = from.since();
            recoveries = from.recoveries();
            trainSec = from.trainSeconds();
            samples = from.samples();
            base = from.baseMultipliers().clone();
            for (; splits < from.rngSplits(); splits++) master.split();
            firstEpoch = from.stopped() ? cfg.maxEpochs() + 1 : from.epoch() + 1;
        }
        for (int e = firstEpoch; e <= cfg.maxEpochs(); e++) {
            stats.clear();
            epochStart.copyFrom(model);
            if (!schedule.isConstant()) {
                double f = schedule.factor(e);
                for (int g = 0; g < names.length; g++) rules[g].setMultiplier(base[g] * f);
            }
            long t0 = System.nanoTime();
            splits++;
            double loss = runSamples(perEpoch, master.split(), cfg.recordStats() ? stats : null);
            double sec = (System.nanoTime() - t0) / 1e9;
            trainSec += sec;
            samples += perEpoch;
            if (!Double.isFinite(loss) && cfg.autoBalance() && recoveries < MAX_RECOVERIES) {
                recoveries++;
                int worst = 0;
                for (int g = 1; g < names.length; g++) {
                    double r = stats.updateToWeight(g), w = stats.updateToWeight(worst);
                    if (!(r <= w)) worst = g;
                }
                model.copyFrom(epochStart);
                {
                    double[] keep = multipliers();
                    VbprModel restored = model;
                    init(seed);            // fresh optimizer state (the dense Adam moments may hold NaN)
                    model.copyFrom(restored);
                    for (int g = 0; g < names.length; g++) rules[g].setMultiplier(keep[g]);
                }
                rules[worst].setMultiplier(rules[worst].multiplier() / 10);
                base[worst] /= 10;
                String note = String.format(java.util.Locale.ROOT, "epoch %d diverged (non-finite loss): undone; group '%s' learning-rate multiplier divided by 10 to %.3g",
                        e, names[worst], rules[worst].multiplier());
                notes.add(note);
                log.accept(note);
                e--;
                continue;
            }
            VbprEvaluator.Metrics vm = Double.isFinite(loss) ? VbprEvaluator.evaluate(model, trainIndex, valIndex, cold, 20, cfg.threads()) : null;
            double auc = vm != null ? vm.auc() : Double.NaN;
            Epoch ep = new Epoch(e, loss, auc, vm != null ? vm.coldAuc() : Double.NaN, sec, perEpoch / sec, figures(stats));
            hist.add(ep);
            log.accept(String.format(java.util.Locale.ROOT, "epoch %d: loss %.4f, val AUC %.4f%s, %.0f samples/s", e, loss, auc,
                    vm != null && vm.coldUsers() > 0 ? String.format(java.util.Locale.ROOT, " (cold-start %.4f)", vm.coldAuc()) : "", ep.samplesPerSecond()));
            boolean stop = false;
            if (auc > bestAuc) {
                bestAuc = auc;
                bestEpoch = e;
                since = 0;
                bestModel.copyFrom(model);
            } else {
                stop = ++since >= cfg.patience() || !Double.isFinite(loss);
            }
            if (checkpointer != null && e % checkpointEvery == 0) {
                checkpointer.save(new VbprCheckpoint.State("", cfg, e, copies(model), copies(bestModel), denseOptimizer.exportState(),
                        multipliers(), base.clone(), stepBase, splits, seed, bestAuc, bestEpoch, since, recoveries, stop, trainSec, samples,
                        List.copyOf(hist), fitNotes, List.copyOf(notes), schedule.toString()), model);
            }
            if (stop) break;
        }
        if (bestEpoch == 0) bestAuc = Double.NaN;
        return new Result(bestModel, hist, bestEpoch, bestAuc, trainSec, samples, seed, notes);
    }

    private static List<Table> copies(VbprModel m) {
        List<Table> out = new ArrayList<>();
        for (Table t : m.tables()) out.add(t.copy());
        return out;
    }

    /** Copies the table of {@code from} named like {@code into} into it; a missing or misshapen table is one line. */
    private static void copyInto(VbprCheckpoint.State from, List<Table> tables, Table into) {
        for (Table t : tables) {
            if (!t.name().equals(into.name())) continue;
            if (t.rows() != into.rows() || t.dim() != into.dim()) {
                throw new dev.sparsetrain.core.BadInputException(from.where() + ": checkpoint table '" + t.name() + "' is " + t.rows() + " x " + t.dim()
                        + ", this data and configuration need " + into.rows() + " x " + into.dim());
            }
            System.arraycopy(t.data(), 0, into.data(), 0, into.data().length);
            return;
        }
        throw new dev.sparsetrain.core.BadInputException(from.where() + ": checkpoint has no table '" + into.name() + "'");
    }

    /** Parameters, optimizer state, multipliers and step of a checkpoint into the fresh model and optimizer. */
    private void restore(VbprCheckpoint.State from) {
        for (Table t : model.tables()) copyInto(from, from.tables(), t);
        denseOptimizer.importState(from.where(), from.optimizer());
        for (int g = 0; g < names.length; g++) rules[g].setMultiplier(from.multipliers()[g]);
        stepBase = from.stepBase();
        if (model.visualFactors() > 0) model.project(0, model.items());
    }

    GroupFigures[] figures(GroupStats s) {
        GroupFigures[] f = new GroupFigures[names.length];
        for (int g = 0; g < names.length; g++) {
            f[g] = new GroupFigures(names[g], s.gradientNorm(g), s.updateNorm(g), s.updateToWeight(g), s.effectiveLearningRate(g),
                    s.updates(g), s.nonFinite(g), rules[g].multiplier());
        }
        return f;
    }

    /**
     * Runs {@code total} BPR samples over {@code cfg.threads()} workers in dense-batch phases and
     * returns the mean BPR loss (NaN if it diverged). {@code stats} (may be null) receives the
     * merged per-group figures.
     */
    public double runSamples(long total, SplittableRandom rnd, GroupStats stats) {
        final int T = cfg.threads();
        // A multiplier of 0 (a group held fixed by lr-find) freezes the group in the runtime too.
        for (int g = 0; g < names.length; g++) denseOptimizer.setLearningRateMultiplier(names[g], rules[g].multiplier());
        Worker[] ws = new Worker[T];
        for (int t = 0; t < T; t++) ws[t] = new Worker(t, T, rnd.split(), total, stats != null);
        CyclicBarrier barrier = new CyclicBarrier(T);
        for (Worker w : ws) {
            w.barrier = barrier;
            w.all = ws;
        }
        Thread[] th = new Thread[T - 1];
        for (int t = 1; t < T; t++) {
            th[t - 1] = new Thread(ws[t], "vbpr-worker-" + t);
            th[t - 1].start();
        }
        ws[0].run();
        for (Thread x : th) {
            try {
                x.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        double loss = 0;
        long n = 0;
        for (Worker w : ws) {
            if (w.failure != null) throw new IllegalStateException("worker failed", w.failure);
            loss += w.lossSum;
            n += w.done;
            if (stats != null) {
                stats.merge(w.stats);
                for (int g = 0; g < names.length; g++) {
                    if (updaters[g] == null) continue;
                    long rows = w.runtimeStats.rowsUpdated(g);
                    double floor2 = cfg.initStd() * cfg.initStd() * rules[g].dim * rows;
                    stats.addBulk(g, w.runtimeStats.gradientSquaredSum(g), w.runtimeStats.updateSquaredSum(g),
                            Math.max(w.runtimeStats.weightSquaredSum(g), floor2), rows, w.runtimeStats.nonFiniteGradients(g));
                }
            }
        }
        if (model.visualFactors() > 0) model.project(0, model.items());  // E changed in the last phase
        stepBase += (total + T - 1) / T;
        double mean = loss / Math.max(1, n);
        return Double.isFinite(mean) ? mean : Double.NaN;
    }

    /** Slot indices of the groups (-1 when absent). */
    private int slot(String name) {
        for (int s = 0; s < names.length; s++) if (names[s].equals(name)) return s;
        return -1;
    }

    final class Worker implements Runnable {
        final int id, T;
        final SplittableRandom rnd;
        final long total;
        final GroupStats stats;
        final dev.sparsetrain.optim.GroupStats runtimeStats;
        final VbprModel.Scratch scratch;
        final float[] accA, accC, dE, dB;
        final int[] touched;
        final boolean[] mark;
        CyclicBarrier barrier;
        Worker[] all;
        double lossSum;
        long done;
        Throwable failure;

        Worker(int id, int T, SplittableRandom rnd, long total, boolean rec) {
            this.id = id;
            this.T = T;
            this.rnd = rnd;
            this.total = total;
            this.stats = rec ? new GroupStats(names.length) : null;
            this.runtimeStats = rec ? denseOptimizer.newStats() : null;
            this.scratch = new VbprModel.Scratch(model.factors(), model.visualFactors());
            int kv = model.visualFactors(), fd = model.featureDim(), items = model.items();
            boolean vis = kv > 0;
            accA = vis ? new float[items * kv] : null;
            accC = vis ? new float[items] : null;
            dE = vis ? new float[kv * fd] : null;
            dB = vis ? new float[fd] : null;
            touched = vis ? new int[items] : null;
            mark = vis ? new boolean[items] : null;
        }

        private void await() throws InterruptedException, BrokenBarrierException {
            if (T > 1) barrier.await();
        }

        @Override
        public void run() {
            try {
                loop();
            } catch (Throwable e) {
                failure = e;
                if (barrier != null) barrier.reset();
            }
        }

        private void loop() throws InterruptedException, BrokenBarrierException {
            final VbprModel m = model;
            final int items = m.items(), kv = m.visualFactors(), k = m.factors();
            final boolean vis = kv > 0;
            final int lo = (int) ((long) items * id / T), hi = (int) ((long) items * (id + 1) / T);
            final int batch = cfg.denseBatch();
            final int[] tu = data.train().users(), ti = data.train().items();
            final int nTrain = tu.length;
            final UserItems pos = trainIndex;
            final int sB = slot(VbprModel.ITEM_BIAS), sU = slot(VbprModel.USER_FACTORS), sI = slot(VbprModel.ITEM_FACTORS),
                    sT = slot(VbprModel.USER_VISUAL), sE = slot(VbprModel.PROJECTION), sV = slot(VbprModel.VISUAL_BIAS);
            final dev.sparsetrain.optim.RowUpdater rB = sB >= 0 ? updaters[sB] : null, rU = sU >= 0 ? updaters[sU] : null,
                    rI = sI >= 0 ? updaters[sI] : null, rT = sT >= 0 ? updaters[sT] : null;
            long step = stepBase;   // the runtime's step: this worker's sample count since init
            final float[] ib = k > 0 ? m.itemBias.data() : null, uf = k > 0 ? m.userFactors.data() : null,
                    itf = k > 0 ? m.itemFactors.data() : null, th = vis ? m.userVisual.data() : null;
            final VbprModel.Scratch sc = scratch;
            final float[] buf = sc.buf;
            final float[] A = accA, C = accC;
            // item-ID dropout only where there is a visual term to fall back on (VBPR)
            final double dropout = (k > 0 && vis) ? cfg.itemIdDropout() : 0;
            for (long start = 0; start < total; start += batch) {
                int inPhase = (int) Math.min(batch, total - start);
                int mine = inPhase / T + (id < inPhase % T ? 1 : 0);
                if (vis) {
                    m.project(lo, hi);
                    await();
                }
                for (int s = 0; s < mine; s++) {
                    int r = rnd.nextInt(nTrain);
                    int u = tu[r], i = ti[r], j;
                    do {
                        j = rnd.nextInt(items);
                    } while (pos.contains(u, j));
                    boolean dropI = false, dropJ = false;
                    if (dropout > 0) {
                        dropI = rnd.nextDouble() < dropout;
                        dropJ = rnd.nextDouble() < dropout;
                    }
                    float g = m.sampleGradients(u, i, j, dropI, dropJ, sc);
                    lossSum -= Math.log1p(-g);
                    dev.sparsetrain.optim.GroupStats st = (runtimeStats != null && (s & 15) == 0) ? runtimeStats : null;
                    step++;
                    if (k > 0) {
                        if (!dropI) rB.update(i, buf, sc.bi, step, st);
                        if (!dropJ) rB.update(j, buf, sc.bj, step, st);
                        if (!dropI || !dropJ) rU.update(u, buf, VbprModel.Scratch.U, step, st);
                        if (!dropI) rI.update(i, buf, sc.gi, step, st);
                        if (!dropJ) rI.update(j, buf, sc.gj, step, st);
                    }
                    if (vis) {
                        rT.update(u, buf, sc.th, step, st);
                        Kernels.axpy(g, buf, sc.thOld, A, i * kv, kv);
                        Kernels.axpy(-g, buf, sc.thOld, A, j * kv, kv);
                        C[i] += g;
                        C[j] -= g;
                        mark[i] = true;
                        mark[j] = true;
                    }
                }
                done += mine;
                if (vis) {
                    await();
                    partialDense(m, lo, hi);
                    await();
                    if (id == 0) applyDense(m, sE, sV);
                    await();
                }
            }
        }

        /**
         * This worker's share of {@code dE = -sum_i a_i f_i^T} and {@code d beta' = -sum_i c_i f_i}:
         * the items of its own index range [lo, hi) touched by any worker, with every worker's
         * buffers for those items summed first (the workers touch mostly the same items, so
         * reducing the union once beats reducing each worker's set). Clears those buffers.
         */
        private void partialDense(VbprModel m, int lo, int hi) {
            final int kv = m.visualFactors(), fd = m.featureDim();
            final float[] f = m.features().values();
            java.util.Arrays.fill(dE, 0f);
            java.util.Arrays.fill(dB, 0f);
            int n = 0;
            for (int i = lo; i < hi; i++) {
                boolean any = false;
                for (Worker w : all) if (w.mark[i]) { any = true; break; }
                if (!any) continue;
                float c = 0;
                for (Worker w : all) {
                    if (w != this && w.mark[i]) Kernels.axpy(1f, w.accA, i * kv, accA, i * kv, kv);
                    c += w.accC[i];
                }
                if (c != 0f) Kernels.axpy(-c, f, i * fd, dB, 0, fd);
                touched[n++] = i;
            }
            DenseKernels.INSTANCE.reduce(accA, kv, f, fd, touched, n, -1f, dE);
            for (int q = 0; q < n; q++) {
                int i = touched[q];
                java.util.Arrays.fill(accA, i * kv, i * kv + kv, 0f);   // holds the sum now, marked or not
                for (Worker w : all) {
                    if (w.mark[i]) {
                        java.util.Arrays.fill(w.accA, i * kv, i * kv + kv, 0f);
                        w.accC[i] = 0f;
                        w.mark[i] = false;
                    }
                }
            }
        }

        private void applyDense(VbprModel m, int sE, int sV) {
            final int n = dE.length, nb = dB.length;
            for (int t = 1; t < all.length; t++) {
                Kernels.axpy(1f, all[t].dE, 0, dE, 0, n);
                Kernels.axpy(1f, all[t].dB, 0, dB, 0, nb);
            }
            Optimizer opt = denseOptimizer;
            RowBatch bE = opt.gradients(m.projection), bB = opt.gradients(m.visualBias);
            final int fd = m.featureDim();
            for (int r = 0; r < m.visualFactors(); r++) bE.add(r, dE, r * fd);
            bB.add(0, dB, 0);
            opt.step();
            if (stats != null) {
                for (GroupDiagnostics d : opt.lastStep()) {
                    if (!d.group().equals(VbprModel.PROJECTION) && !d.group().equals(VbprModel.VISUAL_BIAS)) continue;
                    int slot = d.group().equals(VbprModel.PROJECTION) ? sE : sV;
                    double un = d.updateNorm(), wn = d.updateToWeightRatio() > 0 ? un / d.updateToWeightRatio() : 0;
                    long size = d.group().equals(VbprModel.PROJECTION) ? m.projection.size() : m.visualBias.size();
                    double floor2 = cfg.initStd() * cfg.initStd() * size;
                    stats.add(slot, d.gradientNorm() * d.gradientNorm(), un * un, Math.max(wn * wn, floor2), (int) d.nonFiniteGradients());
                }
            }
        }
    }
}
