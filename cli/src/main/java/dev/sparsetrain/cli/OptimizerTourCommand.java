package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.KnownDatasets;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.metrics.report.HtmlReport;
import dev.sparsetrain.metrics.report.SvgChart;
import dev.sparsetrain.models.bpr.OptimizerTour;
import dev.sparsetrain.optim.SparseSemantics;
import dev.sparsetrain.options.ImplicitDataOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The optimizer tour ({@link OptimizerTour}): BPR-MF with each optimizer, measured per item row
 * against how often the row is updated; prints a table and writes a self-contained HTML report.
 * With no --data it uses ML-100K when present under the data root, else the synthetic data.
 */
@Command(name = "optimizer-tour", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"How SGD, AdaGrad, row-wise AdaGrad, RMSProp, AdaDelta, Adam, ... treat rare and frequent embedding rows: BPR-MF per optimizer "
                + "(learning rate swept on a validation split unless --lr gives it), the measured effective learning rate |dw|/|g| and |g| per item row "
                + "against the row's update count, and the spread of test AUC over --seeds with the best-of-seeds chosen on validation.",
                "Without --data it reads ml-100k when the data root has it, else the synthetic data (the --data default shown below applies to the other commands).",
                "The measuring loop copies each item row around its update (slower than the production kernel; one thread). See docs/optimizers.md."})
public final class OptimizerTourCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin ImplicitDataOptions data = new ImplicitDataOptions();

    @Option(names = "--optimizers", split = ",", paramLabel = "NAME[+sgdr]",
            description = "Optimizers of the factor group, any of the runtime's (not ftrl), each optionally +sgdr (cosine warm restarts per epoch). "
                    + "Default: sgd,adagrad,rowwise_adagrad,rmsprop,adadelta,adam.")
    List<String> optimizers;

    @Option(names = "--lr", split = ",", paramLabel = "NAME=RATE",
            description = "Fixed learning rates (no sweep for these), e.g. --lr sgd=0.1,adam=0.003. Others are swept over a half-decade grid of 4 rates on the validation split.")
    Map<String, Double> rates = new LinkedHashMap<>();

    @Option(names = "--epochs", defaultValue = "20", description = "Epochs per run. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--seeds", defaultValue = "5", description = "Runs per optimizer at its chosen rate (seeds --seed, --seed+1, ...). Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--seed", defaultValue = "42", description = "First seed (the sweep uses it). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--factors", defaultValue = "64", description = "Latent factors. Default: ${DEFAULT-VALUE}.")
    int factors;

    @Option(names = "--reg", defaultValue = "0.0075", description = "Coupled L2 on the touched factor rows. Default: ${DEFAULT-VALUE}.")
    double reg;

    @Option(names = "--semantics", defaultValue = "lazy",
            description = "Sparse semantics of the factor group: lazy (torch SparseAdam / sparse Adagrad: idle rows untouched, bias correction with the group's step), "
                    + "lazy_rowwise_bias (Adam family: bias correction with the row's own update count, FBGEMM; the others stay lazy) "
                    + "or catch_up (exactly the dense optimizer: idle steps applied when the row is next touched). Default: ${DEFAULT-VALUE}.")
    String semanticsName;

    @Option(names = "--bins", defaultValue = "8", description = "Log-spaced item-frequency bins. Default: ${DEFAULT-VALUE}.")
    int bins;

    @Option(names = "--validation-users", defaultValue = "2000", description = "Validate on a seeded sample of this many users (0 = all). Default: ${DEFAULT-VALUE}.")
    int validationUsers;

    @Option(names = "--report", defaultValue = "optimizer-tour.html", description = "HTML report to write. Default: ${DEFAULT-VALUE}.")
    Path report;

    @Option(names = "--quiet", description = "No line per finished run on stderr.")
    boolean quiet;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    SparseSemantics semantics() {
        return switch (semanticsName.strip().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "lazy" -> SparseSemantics.LAZY;
            case "lazy_rowwise_bias" -> SparseSemantics.LAZY_ROWWISE_BIAS;
            case "catch_up" -> SparseSemantics.CATCH_UP;
            default -> throw new BadInputException("--semantics '" + semanticsName + "': allowed lazy, lazy_rowwise_bias, catch_up");
        };
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        OutputPaths.requireFile("--report", report);
        OptimizerTour.Config c = new OptimizerTour.Config(optimizers == null || optimizers.isEmpty() ? OptimizerTour.DEFAULT_OPTIMIZERS : optimizers,
                rates, epochs, seeds, factors, reg, seed, validationUsers, bins, semantics());
        if (!spec.commandLine().getParseResult().hasMatchedOption("--data")) {
            Path ml = data.root().resolve(KnownDatasets.folderOf("ml-100k"));
            if (Files.isDirectory(ml)) spec.findOption("--data").setValue("ml-100k");
        }
        ImplicitDataOptions.Loaded rd = data.load();
        out.println(rd.summary());
        Split split = data.split(rd.all());
        Split v = data.validation(split.train());
        Interactions fit = v.train(), validation = v.test(), test = split.test();
        out.printf(Locale.ROOT, "split %s: %d fit pairs, %d validation, %d test; %d epochs, %d seeds from %d, %s semantics, one thread%n", data.splitName(), fit.size(),
                validation.size(), test.size(), c.epochs(), c.seeds(), c.seed(), c.semantics().name().toLowerCase(Locale.ROOT));
        out.flush();
        List<OptimizerTour.OptimizerResult> results = OptimizerTour.run(fit, validation, test, c, quiet ? null : line -> {
            err.println(line);
            err.flush();
        });
        String table = OptimizerTour.table(results);
        String bt = OptimizerTour.binTable(results);
        out.print(table);
        out.println();
        out.println("per item-frequency bin (last epoch, first seed): mean per update of |dw|/|g|, |dw| and |g|");
        out.print(bt);
        out.println("per-update |dw|/|g| of item rows, last epoch of the first seed: min .. max over the measured updates");
        for (var r : results) {
            long n = 0;
            for (long x : r.rows().lastUpdates()) n += x;
            out.printf(Locale.ROOT, "  %-16s %.6g .. %.6g over %,d updates%n", r.name(), r.rows().minRatio(), r.rows().maxRatio(), n);
        }
        for (var r : results) {
            if (r.atGridEdge()) out.printf(Locale.ROOT, "note: %s's best rate %s is at the edge of its grid; the optimum may lie beyond (give --lr)%n", r.name(), OptimizerTour.rate(r.lr()));
        }
        writeReport(rd.summary(), c, results, table, bt);
        out.println("report: " + report.toAbsolutePath());
        out.flush();
        return ExitCodes.OK;
    }

    private void writeReport(String dataSummary, OptimizerTour.Config c, List<OptimizerTour.OptimizerResult> results, String table, String bt) {
        HtmlReport h = new HtmlReport("Optimizer tour: BPR-MF, per-row effective learning rate vs item frequency");
        h.paragraph("Data: " + dataSummary + ". Split " + data.splitName() + ", validation = one more held-out item per user of the training split"
                + (dev.sparsetrain.data.Splits.isTemporal(data.splitName()) ? " (the latest remaining one). " : ". ")
                + c.epochs() + " epochs, " + c.seeds() + " seeds per optimizer, " + c.factors() + " factors, coupled L2 " + c.regularization()
                + ", constant learning rate, item biases plain SGD, factor group under " + c.semantics() + " sparse semantics"
                + (c.semantics() == SparseSemantics.LAZY_ROWWISE_BIAS ? " (Adam family; the others LAZY)" : "") + ", one thread.");
        h.paragraph("Effective learning rate of one update of an item row = |dw| / |g|, where g is the gradient the optimizer scales "
                + "(BPR gradient + L2 term) and dw the change of the row, measured by copying the row around each update in the experiment's "
                + "own training loop (slower than the production kernel; it is a measurement tool). Items are binned by their updates over the run "
                + "(as positives and as sampled negatives); the figures are means over the bin's updates in the last epoch of the first seed.");
        h.code("sparsetrain " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
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
            double[] x = r.sweep().stream().mapToDouble(OptimizerTour.SweepPoint::lr).toArray();
            double[] y = r.sweep().stream().mapToDouble(OptimizerTour.SweepPoint::validationAuc).toArray();
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
        try {
            h.write(report);
        } catch (IOException e) {
            throw new BadInputException("--report " + report + ": cannot write (" + e.getMessage() + ")");
        }
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
