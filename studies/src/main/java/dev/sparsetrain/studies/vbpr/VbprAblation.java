package dev.sparsetrain.studies.vbpr;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.Preprocessing;
import dev.sparsetrain.metrics.report.HtmlReport;
import dev.sparsetrain.metrics.ranking.ColdStart;
import dev.sparsetrain.metrics.report.SvgChart;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.models.vbpr.AutoBalance;
import dev.sparsetrain.models.vbpr.Diagnosis;
import dev.sparsetrain.models.vbpr.GroupSpec;
import dev.sparsetrain.models.vbpr.Variant;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprModel;
import dev.sparsetrain.models.vbpr.VbprTrainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The VBPR ablation: the user's failure (one plain-SGD learning rate for a model whose visual
 * projection gets a gradient ~100x the others) reproduced and cured, on one data set:
 *
 * <ol>
 *   <li>BPR-MF: {@link BprModel} (the model of {@code train --model bpr}) on the same spine
 *       ({@link Hogwild}: training pairs drawn uniformly, negatives from
 *       {@code NegativeSampler.uniform}, cold-start items included), with the VBPR defaults'
 *       settings where they mean the same thing ({@link #bprConfig});</li>
 *   <li>visual-only with the defaults;</li>
 *   <li>VBPR, plain SGD at one global rate on raw features (the user's set-up), the best rate of
 *       a small sweep chosen on validation;</li>
 *   <li>VBPR with per-group rates (SGD 0.05 on the rows, Adam 1e-3 on E and beta', raw
 *       features; the PyTorch reference's hand-tuned set-up);</li>
 *   <li>VBPR with the defaults ({@link VbprConfig#defaults}).</li>
 * </ol>
 *
 * Every run uses early stopping on validation and is evaluated on test. {@link Diagnosis} probes
 * the single-rate and the default set-ups. The result renders as a text table and as a
 * self-contained HTML report (learning curves; per-group gradient norm and update-to-weight ratio
 * per epoch).
 */
public final class VbprAblation {

    /** One row of the table. */
    public record Run(String name, String setup, Fit result, ColdStart.Figures test, double wallSeconds) {}

    /** What a run's training did: per-epoch figures (no per-group figures for BPR-MF), the best validation epoch. */
    public record Fit(List<VbprTrainer.Epoch> history, int bestEpoch, double bestValidationAuc, double samplesPerSecond, List<String> notes) {
        static Fit of(VbprTrainer.Result r) {
            return new Fit(r.history(), r.bestEpoch(), r.bestValidationAuc(), r.samplesPerSecond(), r.notes());
        }

        static Fit of(Trainer.Result r) {
            List<VbprTrainer.Epoch> h = new ArrayList<>();
            for (Trainer.EpochRecord e : r.history()) {
                h.add(new VbprTrainer.Epoch(e.epoch(), e.loss(), e.validation(), e.extra().getOrDefault(COLD_AUC, Double.NaN), e.seconds(),
                        e.samplesPerSecond(), new VbprTrainer.GroupFigures[0]));
            }
            return new Fit(List.copyOf(h), r.bestEpoch(), r.bestValidation(), r.samplesPerSecond(), r.notes());
        }
    }

    private static final String COLD_AUC = "cold_start_auc";

    /** The whole ablation. */
    public record Outcome(String dataset, List<Run> runs, Map<Double, Double> sweep, double bestSingleRate,
                          Diagnosis.Report singleRateDiagnosis, Diagnosis.Report defaultsDiagnosis) {
        public Run run(String name) {
            for (Run r : runs) if (r.name().equals(name)) return r;
            throw new IllegalArgumentException(name);
        }

        public String table() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-22s %7s %9s %9s %8s %8s %11s  %s%n",
                    "model", "AUC", "cold AUC", "Recall@20", "NDCG@20", "wall s", "samples/s", "set-up"));
            for (Run r : runs) {
                b.append(String.format(Locale.ROOT, "%-22s %7.4f %9.4f %9.4f %8.4f %8.1f %11.0f  %s%n", r.name(), r.test().auc(),
                        r.test().coldAuc(), r.test().recall(), r.test().ndcg(), r.wallSeconds(), r.result().samplesPerSecond(), r.setup()));
            }
            return b.toString();
        }
    }

    public static final String BPR = "BPR-MF", VISUAL = "visual-only", SINGLE = "VBPR single-rate SGD",
            PER_GROUP = "VBPR per-group rates", DEFAULTS = "VBPR defaults";

    private VbprAblation() {}

    /** The single-rate set-up: plain SGD at {@code lr} on every group, raw features, no balancing. */
    public static VbprConfig singleRate(VbprConfig base, double lr) {
        Map<String, GroupSpec> g = new LinkedHashMap<>();
        for (String t : VbprConfig.tableNames(Variant.VBPR)) {
            boolean dense = VbprModel.isDense(t);
            g.put(t, GroupSpec.sgd(lr, dense ? 0 : 1e-3));
        }
        return base.withVariant(Variant.VBPR).withGroups(g).withPreprocessing(Preprocessing.NONE).withAutoBalance(false, Double.NaN);
    }

    /** Per-group rates: SGD 0.05 on the rows, Adam 1e-3 on E and beta', raw features, no balancing. */
    public static VbprConfig perGroup(VbprConfig base) {
        return base.withVariant(Variant.VBPR).withGroups(VbprConfig.defaultGroups()).withPreprocessing(Preprocessing.NONE)
                .withAutoBalance(false, Double.NaN);
    }

    /**
     * Runs the ablation. {@code base} carries threads, epochs, patience, seed, factors (its
     * optimizer settings are the defaults' unless the caller changed them).
     */
    public static Outcome run(FeatureDataset data, VbprConfig base, double[] sweepRates, Consumer<String> log) {
        List<Run> runs = new ArrayList<>();
        runs.add(trainBpr(data, base, log));
        runs.add(train(VISUAL, "defaults", data, base.withVariant(Variant.VISUAL), log));
        Map<Double, Double> sweep = new LinkedHashMap<>();
        Run bestSingle = null;
        double bestRate = Double.NaN;
        for (double lr : sweepRates) {
            Run r = train(SINGLE, String.format(Locale.ROOT, "sgd lr=%.3g on every group, raw features", lr), data, singleRate(base, lr), log);
            double v = r.result().bestValidationAuc();
            sweep.put(lr, v);
            if (bestSingle == null || (Double.isFinite(v) && !(v <= bestSingle.result().bestValidationAuc()))) {
                bestSingle = r;
                bestRate = lr;
            }
        }
        runs.add(bestSingle);
        runs.add(train(PER_GROUP, "sgd 0.05 rows, adam 1e-3 E/beta', raw features", data, perGroup(base), log));
        runs.add(train(DEFAULTS, "sgd rows + adam E/beta', l2-row features, auto-balance", data, base.withVariant(Variant.VBPR), log));
        Diagnosis.Report dSingle = Diagnosis.probe(new VbprTrainer(data, singleRate(base, bestRate)), base.seed());
        VbprTrainer def = new VbprTrainer(data, base.withVariant(Variant.VBPR));
        if (base.autoBalance()) {
            AutoBalance.Choice c = AutoBalance.balance(def, base.balanceTarget());
            // balance leaves the trainer freshly initialised from the config's seed (base.seed())
            for (int s = 0; s < c.multipliers().length; s++) def.setMultiplier(def.groupNames()[s], c.multipliers()[s]);
        }
        Diagnosis.Report dDef = Diagnosis.probe(def, base.seed());
        return new Outcome(data.name(), runs, sweep, bestRate, dSingle, dDef);
    }

    /** One VBPR row: {@link VbprTrainer#fit}, then the test figures. */
    public static Run train(String name, String setup, FeatureDataset data, VbprConfig cfg, Consumer<String> log) {
        long t0 = System.nanoTime();
        VbprTrainer t = new VbprTrainer(data, cfg);
        VbprTrainer.Result r = t.fit();
        return row(name, setup, Fit.of(r), r.model().evaluate(data, data.test(), cfg.threads()), t0, log);
    }

    private static Run row(String name, String setup, Fit r, ColdStart.Figures test, long t0, Consumer<String> log) {
        double wall = (System.nanoTime() - t0) / 1e9;
        log.accept(String.format(Locale.ROOT, "%-22s %s: best epoch %d (val AUC %.4f); test %s; %.1f s", name, setup, r.bestEpoch(),
                r.bestValidationAuc(), test, wall));
        return new Run(name, setup, r, test, wall);
    }

    /**
     * BPR-MF's settings from the VBPR configuration where they mean the same: K, the initial
     * scale, the optimizer and L2 of {@code user_factors} (= {@code item_factors}: one factor group)
     * and of {@code item_bias}, a constant rate. Auto-balance, restarts and dropout are VBPR's only.
     */
    public static BprConfig bprConfig(VbprConfig base) {
        var g = base.groups();
        GroupSpec u = g.get(VbprModel.USER_FACTORS), b = g.get(VbprModel.ITEM_BIAS);
        if (!u.equals(g.get(VbprModel.ITEM_FACTORS)) || u.clip().kind() != GroupSpec.ClipKind.NONE || b.clip().kind() != GroupSpec.ClipKind.NONE) {
            throw new BadInputException("BPR-MF takes one factor group (user_factors = item_factors) and no clipping: " + g);
        }
        return new BprConfig(base.factors(), u.optimizer(), u.l2(), b.optimizer(), b.l2(), base.initStd(), 1.0);
    }

    /**
     * Trains {@code m} as the VBPR rows are trained: {@link Hogwild} over training pairs with
     * {@code NegativeSampler.uniform} negatives (cold-start items included), {@code base}'s epochs,
     * patience, threads and seed, early stopping on {@link ColdStart#figures}' validation AUC.
     */
    public static Trainer.Result fitBpr(BprModel m, FeatureDataset data, VbprConfig base) {
        Interactions train = data.interactions(data.train()), val = data.interactions(data.validation());
        TrainerConfig tc = TrainerConfig.defaults().withEpochs(base.maxEpochs()).withPatience(base.patience()).withThreads(base.threads())
                .withSeed(base.seed()).withPositives(TrainerConfig.PositiveSampling.PAIRS);
        Trainer.Validator v = e -> {
            ColdStart.Figures f = ColdStart.figures(m, val, train, 20, base.threads());
            return new Trainer.Validation(f.auc(), true, Map.of(COLD_AUC, f.coldAuc()));
        };
        return new Trainer(tc).withValidator(v).fit(Hogwild.of(m, train, NegativeSampler.uniform(train)));
    }

    /** The BPR-MF row: a {@link BprModel} of {@link #bprConfig}, {@link #fitBpr}, then the test figures. */
    public static Run trainBpr(FeatureDataset data, VbprConfig base, Consumer<String> log) {
        long t0 = System.nanoTime();
        BprModel m = new BprModel(data.users(), data.items(), bprConfig(base), base.seed());
        Fit r = Fit.of(fitBpr(m, data, base));
        ColdStart.Figures test = ColdStart.figures(m, data.interactions(data.test()), data.interactions(data.train()), 20, base.threads());
        return row(BPR, "BprModel; factors " + base.groups().get(VbprModel.USER_FACTORS) + ", item_bias "
                + base.groups().get(VbprModel.ITEM_BIAS), r, test, t0, log);
    }

    /** The self-contained HTML report. */
    public static HtmlReport report(Outcome o) {
        HtmlReport h = new HtmlReport("VBPR ablation on " + o.dataset());
        h.paragraph("Five set-ups, each with early stopping on the validation split and evaluated on the test split "
                + "(per-user AUC against every item outside the user's training set; cold-start AUC over test pairs whose "
                + "item never occurs in training).");
        List<List<?>> rows = new ArrayList<>();
        for (Run r : o.runs()) {
            rows.add(List.of(r.name(), r.test().auc(), r.test().coldAuc(), r.test().recall(), r.test().ndcg(),
                    String.format(Locale.ROOT, "%.1f", r.wallSeconds()), String.format(Locale.ROOT, "%.0f", r.result().samplesPerSecond()),
                    r.result().bestEpoch(), r.setup()));
        }
        h.table(List.of("model", "AUC", "cold-start AUC", "Recall@20", "NDCG@20", "wall s", "samples/s", "best epoch", "set-up"), rows);
        StringBuilder sw = new StringBuilder("single-rate SGD sweep (validation AUC per rate):\n");
        o.sweep().forEach((lr, v) -> sw.append(String.format(Locale.ROOT, "  lr %-8.3g val AUC %s%n", lr, Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "diverged")));
        sw.append(String.format(Locale.ROOT, "best single rate: %.3g%n", o.bestSingleRate()));
        h.code(sw.toString());
        SvgChart auc = new SvgChart("Validation AUC per epoch", "epoch", "AUC");
        SvgChart coldAuc = new SvgChart("Validation cold-start AUC per epoch", "epoch", "AUC");
        SvgChart loss = new SvgChart("Training BPR loss per epoch", "epoch", "loss").logY(true);
        boolean anyCold = false;
        for (Run r : o.runs()) {
            List<VbprTrainer.Epoch> hist = r.result().history();
            double[] x = new double[hist.size()], a = new double[hist.size()], c = new double[hist.size()], l = new double[hist.size()];
            for (int e = 0; e < hist.size(); e++) {
                x[e] = hist.get(e).epoch();
                a[e] = hist.get(e).validationAuc();
                c[e] = hist.get(e).validationColdAuc();
                l[e] = hist.get(e).loss();
                anyCold |= Double.isFinite(c[e]);
            }
            auc.series(r.name(), x, a);
            coldAuc.series(r.name(), x, c);
            loss.series(r.name(), x, l);
        }
        h.heading("Learning curves");
        h.charts(anyCold ? List.of(auc, coldAuc, loss) : List.of(auc, loss));
        if (anyCold) {
            h.paragraph("Cold-start AUC is recorded per epoch over the validation pairs whose item never occurs in training; "
                    + "early stopping follows the overall validation AUC. Items without training interactions are drawn only "
                    + "as negatives, so their ID rows are pushed down early in training and recover slowly as the loss falls.");
        }
        h.heading("Per-group figures over training");
        h.paragraph("Update-to-weight ratio (root mean square over the epoch's updates) and gradient norm per group, "
                + "for the three VBPR set-ups. One learning rate shared by groups whose gradients differ by orders of "
                + "magnitude shows as curves far apart.");
        for (String name : new String[] {SINGLE, PER_GROUP, DEFAULTS}) {
            Run r = o.run(name);
            List<VbprTrainer.Epoch> hist = r.result().history();
            if (hist.isEmpty()) continue;
            int groups = hist.get(0).groups().length;
            SvgChart ratio = new SvgChart(name + ": update/weight", "epoch", "ratio (log)").logY(true);
            SvgChart grad = new SvgChart(name + ": gradient norm", "epoch", "norm (log)").logY(true);
            for (int g = 0; g < groups; g++) {
                double[] x = new double[hist.size()], rr = new double[hist.size()], gg = new double[hist.size()];
                for (int e = 0; e < hist.size(); e++) {
                    x[e] = hist.get(e).epoch();
                    rr[e] = hist.get(e).groups()[g].updateToWeight();
                    gg[e] = hist.get(e).groups()[g].gradientNorm();
                }
                ratio.series(hist.get(0).groups()[g].group(), x, rr);
                grad.series(hist.get(0).groups()[g].group(), x, gg);
            }
            h.charts(List.of(ratio, grad));
        }
        h.heading("diagnose: single-rate SGD (best rate)");
        h.code(o.singleRateDiagnosis().render());
        h.heading("diagnose: defaults");
        h.code(o.defaultsDiagnosis().render());
        return h;
    }
}
