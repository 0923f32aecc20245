package dev.sparsetrain.studies.bpr;

import dev.sparsetrain.data.Splits;
import dev.sparsetrain.metrics.report.HtmlReport;
import dev.sparsetrain.metrics.report.SvgChart;
import dev.sparsetrain.optim.SparseSemantics;
import dev.sparsetrain.studies.bpr.OptimizerTour.Config;
import dev.sparsetrain.studies.bpr.OptimizerTour.OptimizerResult;
import dev.sparsetrain.studies.bpr.OptimizerTour.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The self-contained HTML report of the {@link OptimizerTour} ({@code experiment optimizer-tour}). */
public final class OptimizerTourReport {

    private OptimizerTourReport() {}

    /**
     * The report of one tour: summary table, per-frequency-bin charts and table, per-epoch curves,
     * the learning-rate sweep, the seeds, and the tables as printed.
     *
     * @param splitName the split's name ({@code data.Splits}); a temporal split is described as such
     * @param commandLine the command line that produced the results, shown verbatim
     */
    public static HtmlReport build(String dataSummary, String splitName, Config c, List<OptimizerResult> results, String table, String bt,
                                   String commandLine) {
        HtmlReport h = new HtmlReport("Optimizer tour: BPR-MF, per-row effective learning rate vs item frequency");
        h.paragraph("Data: " + dataSummary + ". Split " + splitName + ", validation = one more held-out item per user of the training split"
                + (Splits.isTemporal(splitName) ? " (the latest remaining one). " : ". ")
                + c.epochs() + " epochs, " + c.seeds() + " seeds per optimizer, " + c.factors() + " factors, coupled L2 " + c.regularization()
                + ", constant learning rate, item biases plain SGD, factor group under " + c.semantics() + " sparse semantics"
                + (c.semantics() == SparseSemantics.LAZY_ROWWISE_BIAS ? " (Adam family; the others LAZY)" : "") + ", one thread.");
        h.paragraph("Effective learning rate of one update of an item row = |dw| / |g|, where g is the gradient the optimizer scales "
                + "(BPR gradient + L2 term) and dw the change of the row, measured by copying the row around each update in the experiment's "
                + "own training loop (slower than the production kernel; it is a measurement tool). Items are binned by their updates over the run "
                + "(as positives and as sampled negatives); the figures are means over the bin's updates in the last epoch of the first seed.");
        h.code(commandLine);
        h.heading("Summary");
        List<List<?>> rows = new ArrayList<>();
        for (var r : results) {
            rows.add(List.of(r.name(), OptimizerTour.rate(r.lr()), r.swept() ? (r.atGridEdge() ? "swept (grid edge)" : "swept") : "given",
                    r.meanTestAuc(), r.sdTestAuc(), r.bestOnValidation().testAuc(), r.minTestAuc(), r.maxTestAuc(),
                    sci(r.rareLr()), sci(r.mediumLr()), sci(r.frequentLr()), r.elasticity().frequency(), r.elasticity().gradient(), r.elasticity().r2(),
                    String.format(Locale.ROOT, "%.1f", r.wallSeconds())));
        }
        h.table(List.of("optimizer", "lr", "lr from", "test AUC mean", "sd", "best-of-seeds (on validation)", "min", "max",
                "eff. lr rare 10%", "eff. lr median 10%", "eff. lr frequent 10%", "slope in log n", "slope in log |g|", "R²", "wall s"), rows);
        h.paragraph("Slopes: least-squares fit over item rows of log(effective lr) = c + a log(updates over the run) + b log(RMS |g| per update over the run). "
                + "AdaGrad's accumulator after n updates is about n E|g|², so its step is about lr / sqrt(n E|g|²): a = -1/2, b = -1. "
                + "RMSProp and Adam divide by a running RMS of g: a near 0, b near -1. SGD: 0 and 0.");
        SvgChart eff = new SvgChart("Effective learning rate |dw|/|g| vs item frequency", "row updates per epoch", "|dw| / |g|").logX(true).logY(true);
        SvgChart grad = new SvgChart("Gradient norm |g| vs item frequency", "row updates per epoch", "mean |g|").logX(true).logY(true);
        SvgChart step = new SvgChart("Step |dw| vs item frequency", "row updates per epoch", "mean |dw|").logX(true).logY(true);
        for (var r : results) {
            int n = r.bins().size();
            double[] x = new double[n], e = new double[n], g = new double[n], s = new double[n];
            for (int i = 0; i < n; i++) {
                var b = r.bins().get(i);
                x[i] = b.meanUpdatesPerEpoch();
                e[i] = b.effectiveLr();
                g[i] = b.meanGradient();
                s[i] = b.meanStep();
            }
            eff.series(r.name(), x, e);
            grad.series(r.name(), x, g);
            step.series(r.name(), x, s);
        }
        h.heading("Per item row: does the step depend on frequency or on the gradient?");
        h.charts(List.of(eff, grad, step));
        List<List<?>> br = new ArrayList<>();
        for (var r : results) {
            for (var b : r.bins()) {
                br.add(List.of(r.name(), String.format(Locale.ROOT, "%.0f..%.0f", b.lo(), b.hi()), b.items(), b.meanUpdatesPerEpoch(),
                        sci(b.effectiveLr()), sci(b.meanStep()), sci(b.meanGradient())));
            }
        }
        h.table(List.of("optimizer", "updates over the run", "items", "updates per epoch", "|dw|/|g|", "|dw|", "|g|"), br);
        SvgChart val = new SvgChart("Validation AUC per epoch (first seed)", "epoch", "AUC");
        SvgChart loss = new SvgChart("Training loss per epoch (first seed)", "epoch", "-ln sigma(x_uij)");
        SvgChart glr = new SvgChart("Group 'factors': mean effective lr (optimizer diagnostics)", "epoch", "mean lr_t / denominator").logY(true);
        SvgChart utw = new SvgChart("Group 'factors': update-to-weight ratio", "epoch", "|update| / |weights|").logY(true);
        for (var r : results) {
            var ep = r.runs().get(0).epochs();
            int n = ep.size();
            double[] x = new double[n], a = new double[n], l = new double[n], m = new double[n], u = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = ep.get(i).epoch();
                a[i] = ep.get(i).validationAuc();
                l[i] = ep.get(i).loss();
                m[i] = ep.get(i).meanEffectiveLr();
                u[i] = ep.get(i).updateToWeight();
            }
            val.series(r.name(), x, a);
            loss.series(r.name(), x, l);
            glr.series(r.name(), x, m);
            utw.series(r.name(), x, u);
        }
        h.heading("Per epoch");
        h.charts(List.of(val, loss, glr, utw));
        List<List<?>> er = new ArrayList<>();
        for (var r : results) {
            for (var e : r.runs().get(0).epochs()) {
                er.add(List.of(r.name(), e.epoch(), e.loss(), e.validationAuc(), sci(e.meanEffectiveLr()), sci(e.updateToWeight())));
            }
        }
        h.table(List.of("optimizer", "epoch", "training loss", "validation AUC", "mean effective lr (diagnostics)", "update/weight"), er);
        SvgChart sw = new SvgChart("Learning-rate sweep (seed " + c.seed() + ")", "learning rate", "best validation AUC").logX(true);
        boolean anySweep = false;
        for (var r : results) {
            if (r.sweep().isEmpty()) continue;
            anySweep = true;
            double[] x = r.sweep().stream().mapToDouble(SweepPoint::lr).toArray();
            double[] y = r.sweep().stream().mapToDouble(SweepPoint::validationAuc).toArray();
            sw.series(r.name(), x, y);
        }
        if (anySweep) {
            h.heading("Learning-rate sweep");
            h.chart(sw);
        }
        h.heading("Seeds: how far apart do the minima land?");
        h.paragraph("Each run keeps its best-validated epoch. Best-of-seeds picks the run with the highest validation AUC and reports its test AUC.");
        List<List<?>> sr = new ArrayList<>();
        for (var r : results) {
            for (var s : r.runs()) sr.add(List.of(r.name(), s.seed(), s.bestEpoch(), s.validationAuc(), s.testAuc(), String.format(Locale.ROOT, "%.1f", s.trainSeconds())));
        }
        h.table(List.of("optimizer", "seed", "best epoch", "validation AUC", "test AUC", "train s"), sr);
        h.heading("Tables as printed");
        h.code(table + "\n" + bt);
        return h;
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
