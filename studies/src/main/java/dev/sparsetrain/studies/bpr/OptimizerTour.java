package dev.sparsetrain.studies.bpr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.Optimizers;
import dev.sparsetrain.optim.Schedule;
import dev.sparsetrain.optim.SparseSemantics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The optimizer tour: BPR-MF trained with each optimizer through the generic per-row path
 * ({@code RowUpdater}), measuring what each optimizer does to each item row as a function of how
 * often the row is updated. Answers "does AdaGrad give infrequent parameters larger steps, or is it
 * the gradient magnitude that matters?" with measurements instead of prose.
 *
 * <pre>
 *   per row update of an item row (BprModel's generic per-row worker, watched by an ItemRowObserver):
 *     g      = dLoss/dq (BPR gradient) + lambda q            (the gradient the optimizer's scaling sees: coupled L2 included)
 *     before = copy of the row;  updater.update(row, g);  dw = row - before
 *     effective lr of the update = |dw| / |g|               (plain SGD: exactly lr, up to float rounding of the row)
 *   per item, over the last epoch: updates n, sum |dw|, sum |dw|/|g|, sum |g|; over the run: all updates
 *   items are binned by updates over the run (log-spaced bins); a bin's figure is the mean over its updates
 * </pre>
 *
 * <p>Protocol: the training split is split again (leave-one-out, {@code Splits.validation}) into
 * fit and validation. Each optimizer's learning rate is either given or chosen by a sweep over a
 * half-decade grid around its usual range ({@link #grid}) on the validation AUC of one run (seed
 * {@code seed}); then {@code seeds} runs (seeds {@code seed, seed+1, ...}) at that rate, validated
 * every epoch; the trainer keeps each run's best-validated epoch, whose test AUC is reported.
 * Best-of-seeds = the test AUC of the run with the highest validation AUC (choosing on validation,
 * never on test). The row measurement is taken on the first seed's run. One thread everywhere so
 * runs are exactly reproducible and the row counts exact. A {@code "+sgdr"} suffix (e.g.
 * {@code adam+sgdr}) multiplies the factor group's rate per epoch by SGDR's cosine with warm
 * restarts ({@link Schedule#cosineWarmRestarts}, first period {@code max(1, round(epochs / 7))}
 * epochs, doubling, floor 0.01).
 *
 * <p>Model settings: {@link BprConfig#defaults()} but a constant learning rate
 * ({@code finalLearningRate = 1}) so the optimizers, not a decay, shape the steps; item biases
 * always plain SGD at the default rate (only the factor group's optimizer varies); LAZY sparse
 * semantics (BprModel's default). Not thread-safe; allocation per run only.
 */
public final class OptimizerTour {
    private OptimizerTour() {}

    /** The optimizers of the default tour. */
    public static final List<String> DEFAULT_OPTIMIZERS = List.of("sgd", "adagrad", "rowwise_adagrad", "rmsprop", "adadelta", "adam");

    /**
     * Settings of the tour.
     *
     * @param optimizers      optimizer names of {@link Optimizers#NAMES} (not ftrl), optionally with {@code +sgdr}
     * @param rates           learning rates given per name (not swept); others are swept over {@link #grid}
     * @param epochs          epochs per run
     * @param seeds           runs per optimizer at the chosen rate
     * @param factors         latent factors
     * @param regularization  coupled L2 on touched factor rows
     * @param seed            first seed (seed s of S is {@code seed + s})
     * @param validationUsers validate on a seeded sample of this many users (0 = all)
     * @param bins            log-spaced frequency bins
     * @param semantics       sparse semantics of the factor group: LAZY (default), LAZY_ROWWISE_BIAS
     *                        (Adam family only; other optimizers stay LAZY, where it means the same)
     *                        or CATCH_UP; not DENSE
     */
    public record Config(List<String> optimizers, Map<String, Double> rates, int epochs, int seeds, int factors, double regularization,
                         long seed, int validationUsers, int bins, SparseSemantics semantics) {
        public Config {
            if (semantics == null) semantics = SparseSemantics.LAZY;
            if (semantics == SparseSemantics.DENSE) {
                throw new BadInputException(Settings.name("semantics") + " dense: the per-row path updates only touched rows; use lazy, lazy_rowwise_bias or catch_up");
            }
            if (optimizers == null || optimizers.isEmpty()) throw new BadInputException(Settings.name("optimizers") + ": empty, give one or more of " + allowed());
            List<String> canon = new ArrayList<>();
            for (String o : optimizers) canon.add(canonical(o));
            optimizers = List.copyOf(canon);
            Map<String, Double> r = new LinkedHashMap<>();
            if (rates != null) {
                for (var e : rates.entrySet()) {
                    String n;
                    try {
                        n = canonical(e.getKey());
                    } catch (BadInputException bad) {
                        throw new BadInputException(Settings.name("lr") + " " + e.getKey() + "=" + e.getValue() + ": unknown optimizer; allowed " + allowed());
                    }
                    if (!optimizers.contains(n)) {   // it would be silently ignored
                        throw new BadInputException(Settings.name("lr") + " " + e.getKey() + "=" + e.getValue() + ": " + n + " is not in " + Settings.name("optimizers") + " "
                                + String.join(",", optimizers) + "; add it there or drop its rate");
                    }
                    double v = e.getValue();
                    if (!(v > 0 && v <= 10)) throw new BadInputException(Settings.name("lr") + " " + e.getKey() + "=" + v + ": must be in (0, 10]");
                    r.put(n, v);
                }
            }
            rates = Map.copyOf(r);
            if (epochs < 1 || epochs > 10_000) throw new BadInputException(Settings.name("epochs") + " " + epochs + ": must be in [1, 10000]");
            if (seeds < 1 || seeds > 1000) throw new BadInputException(Settings.name("seeds") + " " + seeds + ": must be in [1, 1000]");
            if (factors < 1 || factors > 4096) throw new BadInputException(Settings.name("factors") + " " + factors + ": must be in [1, 4096]");
            if (!(regularization >= 0 && regularization <= 10)) throw new BadInputException(Settings.name("reg") + " " + regularization + ": must be in [0, 10]");
            if (validationUsers < 0) throw new BadInputException(Settings.name("validationUsers") + " " + validationUsers + ": must be >= 0 (0 = all)");
            if (bins < 2 || bins > 100) throw new BadInputException(Settings.name("bins") + " " + bins + ": must be in [2, 100]");
        }
    }

    /** The names the tour accepts, for messages. */
    public static String allowed() {
        return String.join(", ", Optimizers.NAMES.stream().filter(n -> !n.equals("ftrl")).toList()) + " (each optionally +sgdr)";
    }

    /** Canonical form of a tour optimizer name ({@code adam}, {@code adam+sgdr}); anything else is refused in one line. */
    public static String canonical(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        boolean sgdr = n.endsWith("+sgdr");
        String base = sgdr ? n.substring(0, n.length() - 5) : n;
        if (!Optimizers.NAMES.contains(base) || base.equals("ftrl")) {
            throw new BadInputException(Settings.name("optimizers") + " '" + name + "': allowed " + allowed());
        }
        return sgdr ? base + "+sgdr" : base;
    }

    static String base(String name) {
        return name.endsWith("+sgdr") ? name.substring(0, name.length() - 5) : name;
    }

    /**
     * The sweep grid of an optimizer: four rates half a decade apart around where BPR-MF with
     * {@code initStd 0.1} trains. SGD-like rates multiply the raw gradient (|g| ~ 0.01-0.1 here),
     * so they sit higher; Adam and RMSProp normalise the gradient, so a step is ~lr per coordinate
     * and lr must be small against weights of ~0.1; AdaDelta's lr multiplies an already unit-free
     * ratio (PyTorch's default 1.0).
     */
    public static double[] grid(String name) {
        return switch (base(name)) {
            case "sgd" -> new double[] {0.01, 0.03, 0.1, 0.3};
            case "momentum", "nesterov" -> new double[] {0.001, 0.003, 0.01, 0.03}; // heavy ball 0.9: ~10x the step of SGD at the same lr
            case "adagrad", "rowwise_adagrad" -> new double[] {0.01, 0.03, 0.1, 0.3};
            case "adadelta" -> new double[] {0.3, 1, 3, 10};
            default -> new double[] {0.0003, 0.001, 0.003, 0.01}; // rmsprop, adam family
        };
    }

    /** Figures of one epoch of one run. */
    public record EpochFigures(int epoch, double loss, double validationAuc, double meanEffectiveLr, double updateToWeight) {}

    /** One run at one seed. */
    public record SeedRun(long seed, int bestEpoch, double validationAuc, double testAuc, double trainSeconds, List<EpochFigures> epochs) {}

    /** One point of the learning-rate sweep. */
    public record SweepPoint(double lr, double validationAuc) {}

    /**
     * Per item row: updates over the run and, over the last epoch, updates and the sums of
     * |dw|, |dw|/|g| and |g|; over the run the sum of |g|^2 (what an AdaGrad accumulator sums);
     * {@code minRatio}/{@code maxRatio} over every measured update.
     */
    public record RowFigures(long[] runUpdates, long[] lastUpdates, double[] sumStep, double[] sumRatio, double[] sumGradient,
                             double[] runGradientSq, double minRatio, double maxRatio) {
        /** The mean effective learning rate of row {@code r} over its last-epoch updates (NaN without any). */
        public double meanRatio(int r) { return lastUpdates[r] == 0 ? Double.NaN : sumRatio[r] / lastUpdates[r]; }
    }

    /**
     * A frequency bin: items whose updates over the run lie in [lo, hi); figures are means over
     * the bin's last-epoch updates.
     */
    public record Bin(double lo, double hi, int items, double meanUpdatesPerEpoch, long measuredUpdates, double effectiveLr,
                      double meanStep, double meanGradient) {}

    /** What the tour found for one optimizer. */
    public record OptimizerResult(String name, double lr, boolean swept, List<SweepPoint> sweep, List<SeedRun> runs, RowFigures rows,
                                  List<Bin> bins, double rareLr, double mediumLr, double frequentLr, Elasticity elasticity, double wallSeconds) {
        public double meanTestAuc() { return runs.stream().mapToDouble(SeedRun::testAuc).average().orElse(Double.NaN); }

        /** Sample standard deviation of the test AUC over seeds (0 with one seed). */
        public double sdTestAuc() {
            if (runs.size() < 2) return 0;
            double m = meanTestAuc(), s = 0;
            for (SeedRun r : runs) s += (r.testAuc() - m) * (r.testAuc() - m);
            return Math.sqrt(s / (runs.size() - 1));
        }

        /** The run chosen on validation AUC among the seeds. */
        public SeedRun bestOnValidation() {
            SeedRun b = runs.get(0);
            for (SeedRun r : runs) if (r.validationAuc() > b.validationAuc()) b = r;
            return b;
        }

        public double minTestAuc() { return runs.stream().mapToDouble(SeedRun::testAuc).min().orElse(Double.NaN); }

        public double maxTestAuc() { return runs.stream().mapToDouble(SeedRun::testAuc).max().orElse(Double.NaN); }

        /** Whether the swept rate is at an end of the grid (the optimum may lie beyond). */
        public boolean atGridEdge() {
            if (!swept) return false;
            double[] g = grid(name);
            return lr == g[0] || lr == g[g.length - 1];
        }
    }

    /**
     * Runs the tour. {@code fit} trains, {@code validation} selects rates and epochs, {@code test}
     * is reported; {@code log} receives one line per finished run (null for silence).
     */
    public static List<OptimizerResult> run(Interactions fit, Interactions validation, Interactions test, Config c, Consumer<String> log) {
        NegativeSampler sampler = NegativeSampler.uniform(fit);
        List<OptimizerResult> out = new ArrayList<>();
        for (String name : c.optimizers()) {
            long t0 = System.nanoTime();
            Double given = c.rates().get(name);
            List<SweepPoint> sweep = new ArrayList<>();
            double lr;
            if (given != null) {
                lr = given;
            } else {
                double best = Double.NEGATIVE_INFINITY;
                lr = Double.NaN;
                for (double cand : grid(name)) {
                    SeedRun r = runOnce(fit, validation, null, sampler, c, name, cand, c.seed(), null);
                    sweep.add(new SweepPoint(cand, r.validationAuc()));
                    if (log != null) log.accept(String.format(Locale.ROOT, "%s sweep lr %s: validation AUC %.4f (%.1f s)", name, rate(cand), r.validationAuc(), r.trainSeconds()));
                    if (r.validationAuc() > best) {
                        best = r.validationAuc();
                        lr = cand;
                    }
                }
            }
            List<SeedRun> runs = new ArrayList<>();
            Measure measure = new Measure(fit.numItems());
            for (int s = 0; s < c.seeds(); s++) {
                SeedRun r = runOnce(fit, validation, test, sampler, c, name, lr, c.seed() + s, s == 0 ? measure : null);
                runs.add(r);
                if (log != null) {
                    log.accept(String.format(Locale.ROOT, "%s lr %s seed %d: best epoch %d, validation AUC %.4f, test AUC %.4f (%.1f s)", name, rate(lr),
                            r.seed(), r.bestEpoch(), r.validationAuc(), r.testAuc(), r.trainSeconds()));
                }
            }
            RowFigures rows = measure.figures();
            List<Bin> bins = bins(rows, c.bins(), c.epochs());
            double[] rmf = rareMediumFrequent(rows);
            out.add(new OptimizerResult(name, lr, given == null, sweep, runs, rows, bins, rmf[0], rmf[1], rmf[2], elasticity(rows),
                    (System.nanoTime() - t0) / 1e9));
        }
        return out;
    }

    /** The BPR-MF configuration of a tour run. */
    public static BprConfig modelConfig(Config c, String name, double lr) {
        return BprConfig.defaults().withFactors(c.factors()).withRegularization(c.regularization()).withFinalLearningRate(1.0)
                .withLearningRate(lr).withOptimizers(base(name), "sgd");
    }

    /** SGDR's per-epoch factor schedule for a run of {@code epochs} epochs. */
    public static Schedule sgdr(int epochs) {
        return Schedule.cosineWarmRestarts(Math.max(1, Math.round(epochs / 7.0)), 2, 0.01);
    }

    private static SeedRun runOnce(Interactions fit, Interactions validation, Interactions test, NegativeSampler sampler, Config c,
                                   String name, double lr, long seed, Measure measure) {
        BprModel m = new BprModel(fit.numUsers(), fit.numItems(), modelConfig(c, name, lr), seed, semantics(c.semantics(), name))
                .withFactorSchedule(name.endsWith("+sgdr") ? sgdr(c.epochs()) : null).collectDiagnostics(true);
        if (measure != null) m.observeItemUpdates(measure.on(m));
        TrainerConfig tc = TrainerConfig.defaults().withEpochs(c.epochs()).withThreads(1).withSeed(seed);
        RankingEvaluator.Options vo = RankingEvaluator.Options.defaults().withThreads(1).withKs(10).withMaxUsers(c.validationUsers(), seed);
        List<EpochFigures> epochs = new ArrayList<>();
        double[] lastLoss = {Double.NaN};
        Trainer.Validator v = e -> {
            m.optimizer().flush(); // CATCH_UP rows up to date before scoring (no-op otherwise)
            double auc = RankingEvaluator.evaluate(m, validation, List.of(fit), vo).auc();
            GroupDiagnostics d = null;
            for (GroupDiagnostics g : m.optimizer().endEpoch()) if (g.group().equals("factors")) d = g;
            epochs.add(new EpochFigures(e, Double.NaN, auc, d == null ? Double.NaN : d.meanEffectiveLr(), d == null ? Double.NaN : d.updateToWeightRatio()));
            return Trainer.Validation.higher(auc);
        };
        Trainer.Result res = new Trainer(tc).withValidator(v).fit(Hogwild.of(m, fit, sampler));
        for (int k = 0; k < epochs.size() && k < res.history().size(); k++) {
            EpochFigures f = epochs.get(k);
            epochs.set(k, new EpochFigures(f.epoch(), res.history().get(k).loss(), f.validationAuc(), f.meanEffectiveLr(), f.updateToWeight()));
        }
        double testAuc = Double.NaN;
        if (test != null) testAuc = RankingEvaluator.evaluate(m, test, List.of(fit, validation), RankingEvaluator.Options.defaults().withThreads(1).withKs(10)).auc();
        return new SeedRun(seed, res.bestEpoch(), res.bestValidation(), testAuc, res.trainSeconds(), List.copyOf(epochs));
    }

    /**
     * Per-row accumulators of one measured run, filled by watching BprModel's own generic worker
     * ({@link BprModel.ItemRowObserver}; one thread): before an item row's update the row is copied
     * and the gradient the optimizer scales is taken (the BPR gradient plus the coupled L2
     * {@code lambda q}), after it the step {@code dw = row - before}.
     */
    static final class Measure implements BprModel.ItemRowObserver {
        final long[] runUpdates, lastUpdates;
        final double[] sumStep, sumRatio, sumGradient, runGradientSq;
        double minRatio = Double.POSITIVE_INFINITY, maxRatio = Double.NEGATIVE_INFINITY;
        private Table items;
        private float[] before;
        private float lambda;
        private double g2;
        private boolean lastEpoch;

        Measure(int items) {
            runUpdates = new long[items];
            lastUpdates = new long[items];
            sumStep = new double[items];
            sumRatio = new double[items];
            sumGradient = new double[items];
            runGradientSq = new double[items];
        }

        /** This measure watching {@code m}'s item rows. */
        Measure on(BprModel m) {
            items = m.items();
            before = new float[m.config().factors()];
            lambda = (float) BprModel.l2(m.config().factorChain());
            return this;
        }

        @Override
        public void beginEpoch(int epoch, int epochs) { lastEpoch = epoch == epochs; }

        @Override
        public void before(int row, float[] g) {
            int k = before.length;
            System.arraycopy(items.block(row), items.offset(row), before, 0, k);
            double s = 0;
            for (int f = 0; f < k; f++) {
                double gf = (double) g[f] + (double) lambda * before[f]; // what the optimizer scales: coupled L2 included
                s += gf * gf;
            }
            g2 = s;
        }

        @Override
        public void after(int row) {
            float[] w = items.block(row);
            int off = items.offset(row), k = before.length;
            double d2 = 0;
            for (int f = 0; f < k; f++) {
                double d = (double) w[off + f] - before[f];
                d2 += d * d;
            }
            runUpdates[row]++;
            runGradientSq[row] += g2;
            if (!lastEpoch) return;
            double dn = Math.sqrt(d2), gn = Math.sqrt(g2);
            lastUpdates[row]++;
            sumStep[row] += dn;
            sumGradient[row] += gn;
            if (gn > 0) {
                double r = dn / gn;
                sumRatio[row] += r;
                if (r < minRatio) minRatio = r;
                if (r > maxRatio) maxRatio = r;
            }
        }

        RowFigures figures() {
            return new RowFigures(runUpdates, lastUpdates, sumStep, sumRatio, sumGradient, runGradientSq, minRatio, maxRatio);
        }
    }

    /** The semantics the factor group of optimizer {@code name} gets under the tour's {@code --semantics}. */
    public static SparseSemantics semantics(SparseSemantics asked, String name) {
        if (asked != SparseSemantics.LAZY_ROWWISE_BIAS) return asked;
        return switch (base(name)) {
            case "adam", "amsgrad", "adamw", "adamax", "nadam", "sparse_adam" -> asked;
            default -> SparseSemantics.LAZY; // row-wise bias correction exists only for the Adam family; LAZY is the same rule for the rest
        };
    }

    /** Log-spaced bins of items by updates over the run (items never updated are left out). */
    public static List<Bin> bins(RowFigures rows, int nBins, int epochs) {
        long lo = Long.MAX_VALUE, hi = 0;
        for (long n : rows.runUpdates()) {
            if (n == 0) continue;
            lo = Math.min(lo, n);
            hi = Math.max(hi, n);
        }
        List<Bin> out = new ArrayList<>();
        if (hi == 0) return out;
        double a = Math.log(lo), b = Math.log(hi + 1.0);
        int[] items = new int[nBins];
        long[] measured = new long[nBins];
        double[] upd = new double[nBins], step = new double[nBins], ratio = new double[nBins], grad = new double[nBins];
        for (int r = 0; r < rows.runUpdates().length; r++) {
            long n = rows.runUpdates()[r];
            if (n == 0) continue;
            int bi = (int) Math.min(nBins - 1, Math.floor((Math.log(n) - a) / (b - a) * nBins));
            items[bi]++;
            upd[bi] += n;
            measured[bi] += rows.lastUpdates()[r];
            step[bi] += rows.sumStep()[r];
            ratio[bi] += rows.sumRatio()[r];
            grad[bi] += rows.sumGradient()[r];
        }
        for (int bi = 0; bi < nBins; bi++) {
            if (items[bi] == 0) continue;
            double l = Math.exp(a + (b - a) * bi / nBins), h = Math.exp(a + (b - a) * (bi + 1) / nBins);
            long mu = measured[bi];
            out.add(new Bin(l, h, items[bi], upd[bi] / items[bi] / epochs, mu, mu == 0 ? Double.NaN : ratio[bi] / mu,
                    mu == 0 ? Double.NaN : step[bi] / mu, mu == 0 ? Double.NaN : grad[bi] / mu));
        }
        return out;
    }

    /**
     * How a row's effective learning rate depends on its update count and on its gradient size:
     * the least-squares fit over item rows of
     * <pre>
     *   log(mean |dw|/|g| in the last epoch) = c + a * log(updates over the run) + b * log(RMS |g| over the run)
     * </pre>
     * AdaGrad's accumulator after n updates is ~ n * E|g|^2, so its step is ~ lr / sqrt(n E|g|^2):
     * a = -1/2, b = -1. Adam and RMSProp divide by a running RMS of g: a ~ 0, b ~ -1. SGD: 0, 0.
     *
     * @param frequency a, the elasticity in the update count
     * @param gradient  b, the elasticity in the gradient's RMS
     * @param r2        the fit's coefficient of determination
     * @param rows      rows fitted
     */
    public record Elasticity(double frequency, double gradient, double r2, int rows) {}

    /** The {@link Elasticity} fit over the rows with a last-epoch update (NaN when the predictors are degenerate). */
    public static Elasticity elasticity(RowFigures rows) {
        double[][] xtx = new double[3][3];
        double[] xty = new double[3];
        List<double[]> pts = new ArrayList<>();
        for (int r = 0; r < rows.runUpdates().length; r++) {
            if (rows.lastUpdates()[r] == 0 || rows.sumRatio()[r] <= 0 || rows.runGradientSq()[r] <= 0) continue;
            double y = Math.log(rows.meanRatio(r));
            double x1 = Math.log(rows.runUpdates()[r]);
            double x2 = 0.5 * Math.log(rows.runGradientSq()[r] / rows.runUpdates()[r]);
            pts.add(new double[] {1, x1, x2, y});
        }
        for (double[] p : pts) {
            for (int i = 0; i < 3; i++) {
                xty[i] += p[i] * p[3];
                for (int j = 0; j < 3; j++) xtx[i][j] += p[i] * p[j];
            }
        }
        double[] beta = solve3(xtx, xty);
        if (beta == null) return new Elasticity(Double.NaN, Double.NaN, Double.NaN, pts.size());
        double mean = 0;
        for (double[] p : pts) mean += p[3];
        mean /= pts.size();
        double ssr = 0, sst = 0;
        for (double[] p : pts) {
            double f = beta[0] + beta[1] * p[1] + beta[2] * p[2];
            ssr += (p[3] - f) * (p[3] - f);
            sst += (p[3] - mean) * (p[3] - mean);
        }
        return new Elasticity(beta[1], beta[2], sst > 0 ? 1 - ssr / sst : Double.NaN, pts.size());
    }

    /** Solves a 3x3 system by Gaussian elimination with partial pivoting; null when (nearly) singular. */
    static double[] solve3(double[][] a0, double[] b0) {
        double[][] a = new double[3][];
        for (int i = 0; i < 3; i++) a[i] = a0[i].clone();
        double[] b = b0.clone();
        double scale = 0;
        for (double[] row : a) for (double v : row) scale = Math.max(scale, Math.abs(v));
        for (int c = 0; c < 3; c++) {
            int p = c;
            for (int r = c + 1; r < 3; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
            if (Math.abs(a[p][c]) <= 1e-12 * scale) return null;
            double[] tr = a[c]; a[c] = a[p]; a[p] = tr;
            double tb = b[c]; b[c] = b[p]; b[p] = tb;
            for (int r = c + 1; r < 3; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < 3; k++) a[r][k] -= f * a[c][k];
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[3];
        for (int r = 2; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < 3; k++) s -= a[r][k] * x[k];
            x[r] = s / a[r][r];
        }
        return x;
    }

    /**
     * Mean effective learning rate per update of the least-updated 10% of items, the 10% around the
     * median and the most-updated 10% (by updates over the run; items with a last-epoch update).
     */
    public static double[] rareMediumFrequent(RowFigures rows) {
        int n = rows.runUpdates().length;
        List<Integer> idx = new ArrayList<>();
        for (int r = 0; r < n; r++) if (rows.lastUpdates()[r] > 0) idx.add(r);
        idx.sort((x, y) -> Long.compare(rows.runUpdates()[x], rows.runUpdates()[y]));
        int m = idx.size();
        if (m == 0) return new double[] {Double.NaN, Double.NaN, Double.NaN};
        int d = Math.max(1, m / 10);
        int mid = m / 2;
        return new double[] {mean(rows, idx, 0, d), mean(rows, idx, Math.max(0, mid - d / 2), Math.min(m, mid - d / 2 + d)), mean(rows, idx, m - d, m)};
    }

    private static double mean(RowFigures rows, List<Integer> idx, int from, int to) {
        double s = 0;
        long c = 0;
        for (int p = from; p < to; p++) {
            int r = idx.get(p);
            s += rows.sumRatio()[r];
            c += rows.lastUpdates()[r];
        }
        return c == 0 ? Double.NaN : s / c;
    }

    /**
     * The summary table as printed by {@code experiment optimizer-tour}; "slope n / |g|" is the
     * {@link Elasticity} of the per-row effective learning rate in the update count and in the RMS gradient.
     */
    public static String table(List<OptimizerResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %-14s %-17s %-9s %-15s %-29s %-17s %7s%n", "optimizer", "lr", "test AUC mean±sd", "best-of-S",
                "min..max over seeds", "effective lr rare/medium/freq", "slope n / |g|", "wall s"));
        for (OptimizerResult r : results) {
            String lr = rate(r.lr()) + (r.swept() ? (r.atGridEdge() ? " (edge)" : " (swept)") : "");
            sb.append(String.format(Locale.ROOT, "%-16s %-14s %.4f ± %.4f   %.4f    %.4f..%.4f  %-9.3g %-9.3g %-9.3g %+5.2f / %+5.2f   %7.1f%n", r.name(), lr,
                    r.meanTestAuc(), r.sdTestAuc(), r.bestOnValidation().testAuc(), r.minTestAuc(), r.maxTestAuc(),
                    r.rareLr(), r.mediumLr(), r.frequentLr(), r.elasticity().frequency(), r.elasticity().gradient(), r.wallSeconds()));
        }
        return sb.toString();
    }

    /** A learning rate in at most 4 significant digits, no trailing zeros (0.003, 0.1, 1). */
    public static String rate(double v) {
        if (!Double.isFinite(v)) return Double.toString(v);
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** The per-bin table: effective lr, |dw| and |g| against updates per epoch, one block per optimizer. */
    public static String binTable(List<OptimizerResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %14s %7s %12s %12s %12s%n", "optimizer", "updates/epoch", "items", "|dw|/|g|", "|dw|", "|g|"));
        for (OptimizerResult r : results) {
            for (Bin b : r.bins()) {
                sb.append(String.format(Locale.ROOT, "%-16s %14.1f %7d %12.4g %12.4g %12.4g%n", r.name(), b.meanUpdatesPerEpoch(), b.items(),
                        b.effectiveLr(), b.meanStep(), b.meanGradient()));
            }
        }
        return sb.toString();
    }
}
