package dev.sparsetrain.cli;

import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.metrics.ctr.Strata;
import dev.sparsetrain.metrics.report.HtmlReport;
import dev.sparsetrain.metrics.report.SvgChart;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.PassesStudy;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.options.ClickDataOptions;
import dev.sparsetrain.options.ClickModelOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The SparseNN multi-pass study, rerunnable: num_passes 1, 2, 3 under each regularizer; prints the
 * table of test NE and AUC per stratum and writes a self-contained HTML report with the curves.
 */
@Command(name = "sparsenn-passes", mixinStandardHelpOptions = true,
        description = "SparseNN multi-pass overfitting study: num_passes 1..N under each regularizer; test NE and AUC per id-frequency stratum; HTML report with curves.")
public final class SparsennPassesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin ConfigOption configFile = new ConfigOption();

    @Mixin ClickDataOptions data = new ClickDataOptions();
    @Mixin ClickModelOptions model = new ClickModelOptions();
    @Mixin CtrOptions.Train train = new CtrOptions.Train();
    @Mixin CtrOptions.StrataOptions strata = new CtrOptions.StrataOptions();

    @Option(names = "--max-passes", defaultValue = "3", description = "Largest num_passes. Default: ${DEFAULT-VALUE}.")
    int maxPasses;

    @Option(names = "--evals-per-pass", defaultValue = "4", description = "Curve points per pass. Default: ${DEFAULT-VALUE}.")
    int evalsPerPass;

    @Option(names = "--variants", split = ",", description = "Subset of: none, mlp_l2, emb_l2, max_norm, const_norm, sparse_dropout, max_entropy, mlp_dropout, freeze_emb, low_lr, dim_4, buckets_div10. Default: all.")
    List<String> variants;

    @Option(names = "--report", defaultValue = "sparsenn-passes.html", description = "HTML report to write. Default: ${DEFAULT-VALUE}.")
    Path report;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        configFile.apply(spec);
        PrintWriter out = spec.commandLine().getOut();
        if (maxPasses < 1) throw new BadInputException("--max-passes " + maxPasses + ", must be >= 1");
        if (evalsPerPass < 1) throw new BadInputException("--evals-per-pass " + evalsPerPass + ", must be >= 1");
        OutputPaths.requireFile("--report", report);
        strata.strata(); // thresholds checked before any data is read
        ModelConfig mc = model.config();
        TrainConfig tc = train.config();
        ClickDataOptions.Split split = data.load(tc.seed());
        CtrData tr = split.train(), te = split.test();
        CtrOptions.checkEmbeddingSize(tr.tableRows(), mc.type() == ModelConfig.Type.LOGISTIC ? 1 : mc.embeddingDim(), "--buckets " + data.buckets() + ", --dim " + mc.embeddingDim());
        int feature = strata.featureIndex(tr);
        Strata st = strata.strata();
        int maxRows = 0;
        for (int r : tr.tableRows()) maxRows = Math.max(maxRows, r);
        List<PassesStudy.Variant> all = PassesStudy.defaultVariants(mc, tc, maxRows);
        List<PassesStudy.Variant> chosen = new ArrayList<>();
        if (variants == null || variants.isEmpty()) {
            chosen.addAll(all);
        } else {
            for (String name : variants) {
                PassesStudy.Variant v = all.stream().filter(x -> x.name().equals(name.trim())).findFirst().orElseThrow(
                        () -> new BadInputException("--variants '" + name + "', allowed: "
                                + String.join(", ", all.stream().map(PassesStudy.Variant::name).toList())));
                chosen.add(v);
            }
        }
        int[] sizes = PassesStudy.stratumSizes(tr, te, feature, st);
        out.println("data: " + split.description());
        out.printf("strata by training impressions of %s: rare < %d <= medium < %d <= frequent; test rows %s%n", tr.names()[feature],
                st.rareBelow(), st.frequentFrom(), Arrays.toString(sizes));
        String planted = null;
        if (split.plantedTestProbability() != null) {
            planted = CtrMetrics.evaluate(te.labels(), split.plantedTestProbability(), Double.NaN).format();
            out.println("planted model on test: " + planted);
        }
        out.flush();
        List<PassesStudy.VariantResult> results = new ArrayList<>();
        for (PassesStudy.Variant v : chosen) {
            Progress p = quiet ? null : Progress.toStderr(v.name(), (long) tr.rows() * maxPasses);
            results.add(PassesStudy.run(v, tr, te, feature, st, maxPasses, evalsPerPass, p));
        }
        String table = PassesStudy.table(results);
        out.print(table);
        out.flush();
        writeReport(split, tr, feature, st, sizes, planted, results, table);
        out.println("report: " + report.toAbsolutePath());
        return ExitCodes.OK;
    }

    private void writeReport(ClickDataOptions.Split split, CtrData tr, int feature, Strata st, int[] sizes, String planted,
                             List<PassesStudy.VariantResult> results, String table) {
        HtmlReport h = new HtmlReport("SparseNN multi-pass study");
        h.paragraph("Test NE (logloss over the entropy of the test click rate, He et al. 2014) and AUC after num_passes = 1.."
                + maxPasses + " under each regularizer of the CTR team's study. Data: " + split.description() + ".");
        h.paragraph("Strata by training impressions of " + tr.names()[feature] + ": rare < " + st.rareBelow() + " <= medium < "
                + st.frequentFrom() + " <= frequent; test rows per stratum (rare, medium, frequent): " + Arrays.toString(sizes)
                + ". Overfit = NE after " + maxPasses + " passes minus NE after 1 pass.");
        if (planted != null) h.paragraph("Planted click model on the test rows: " + planted);
        h.code(String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        List<List<?>> rows = new ArrayList<>();
        for (PassesStudy.VariantResult r : results) {
            for (PassesStudy.PassResult p : r.passes()) {
                List<Object> row = new ArrayList<>();
                row.add(r.variant().name());
                row.add(p.passes());
                for (int s = 0; s < 4; s++) {
                    row.add(p.strata()[s].ne());
                    row.add(p.strata()[s].auc());
                }
                row.add(p.trainRunningNe());
                rows.add(row);
            }
        }
        h.heading("Test NE and AUC per stratum");
        h.table(List.of("variant", "passes", "rare NE", "rare AUC", "medium NE", "medium AUC", "frequent NE", "frequent AUC", "all NE",
                "all AUC", "train NE (running)"), rows);
        List<List<?>> over = new ArrayList<>();
        for (PassesStudy.VariantResult r : results) {
            over.add(List.of(r.variant().name(), r.variant().description(), r.overfit(0), r.overfit(1), r.overfit(2), r.overfit(3)));
        }
        h.heading("Overfitting from 1 to " + maxPasses + " passes");
        h.table(List.of("variant", "setting", "rare", "medium", "frequent", "all"), over);
        SvgChart all = new SvgChart("Test NE (all rows)", "passes", "NE");
        SvgChart rare = new SvgChart("Test NE, rare ids", "passes", "NE");
        SvgChart freq = new SvgChart("Test NE, frequent ids", "passes", "NE");
        SvgChart trainNe = new SvgChart("Training NE (running)", "passes", "NE");
        for (PassesStudy.VariantResult r : results) {
            int n = r.curve().size();
            double[] x = new double[n], a = new double[n], ra = new double[n], fr = new double[n], trn = new double[n];
            for (int i = 0; i < n; i++) {
                PassesStudy.CurvePoint c = r.curve().get(i);
                x[i] = c.passes();
                a[i] = c.testNe();
                ra[i] = c.rareNe();
                fr[i] = c.frequentNe();
                trn[i] = c.trainNe();
            }
            all.series(r.variant().name(), x, a);
            rare.series(r.variant().name(), x, ra);
            freq.series(r.variant().name(), x, fr);
            trainNe.series(r.variant().name(), x, trn);
        }
        h.heading("Curves");
        h.charts(List.of(all, rare, freq, trainNe));
        // how far each group moves per update in each pass: do the regularizers calm the embeddings on later passes?
        SvgChart embMove = new SvgChart("Embedding rows: update/weight per update, per pass", "pass", "update / weight").logY(true);
        SvgChart mlpMove = new SvgChart("MLP weights: update/weight per step, per pass", "pass", "update / weight").logY(true);
        List<List<?>> moves = new ArrayList<>();
        for (PassesStudy.VariantResult r : results) {
            int n = r.diagnostics().size();
            double[] x = new double[n], e = new double[n], m = new double[n];
            for (int p = 0; p < n; p++) {
                x[p] = p + 1;
                List<Object> row = new ArrayList<>();
                row.add(r.variant().name());
                row.add(p + 1);
                for (var g : r.diagnostics().get(p)) {
                    if (g.group().equals("embeddings")) e[p] = g.updateToWeightRatio();
                    if (g.group().equals("mlp_weights")) m[p] = g.updateToWeightRatio();
                }
                row.add(e[p]);
                row.add(m[p]);
                moves.add(row);
            }
            if (n > 0 && Arrays.stream(e).allMatch(v -> v > 0)) embMove.series(r.variant().name(), x, e);
            if (n > 0 && Arrays.stream(m).allMatch(v -> v > 0)) mlpMove.series(r.variant().name(), x, m);
        }
        h.heading("How far the parameters move on each pass");
        h.paragraph("Update-to-weight ratio of a group over a pass: the norm of its updates over the norm of the rows they updated "
                + "(per update for embedding rows, per step for the MLP), from the optimizer's own figures (ctr-train --diagnostics). "
                + "0 = the group did not move (frozen); series with a frozen pass are left out of the log-scale charts.");
        h.charts(List.of(embMove, mlpMove));
        h.table(List.of("variant", "pass", "embeddings update/weight", "mlp_weights update/weight"), moves);
        h.heading("Table as printed");
        h.code(table);
        try {
            h.write(report);
        } catch (IOException e) {
            throw new BadInputException("--report " + report + ": cannot write (" + e.getMessage() + ")");
        }
    }
}
