package dev.sparsetrain.cli.experiments;

import dev.sparsetrain.cli.ClickRunOptions;
import dev.sparsetrain.cli.CtrOptions;
import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.metrics.ctr.Strata;
import dev.sparsetrain.metrics.report.HtmlReport;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.options.ClickDataOptions;
import dev.sparsetrain.options.ReportOption;
import dev.sparsetrain.studies.sparsenn.PassesStudy;
import dev.sparsetrain.studies.sparsenn.PassesStudyReport;
import java.io.PrintWriter;
import java.util.ArrayList;
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

    @Mixin ClickRunOptions run = new ClickRunOptions();

    @Mixin ClickDataOptions data = new ClickDataOptions();
    @Mixin CtrOptions.StrataOptions strata = new CtrOptions.StrataOptions();

    @Option(names = "--max-passes", defaultValue = "3", description = "Largest num_passes. Default: ${DEFAULT-VALUE}.")
    int maxPasses;

    @Option(names = "--evals-per-pass", defaultValue = "4", description = "Curve points per pass. Default: ${DEFAULT-VALUE}.")
    int evalsPerPass;

    @Option(names = "--variants", split = ",", description = "Subset of: none, mlp_l2, emb_l2, max_norm, const_norm, sparse_dropout, max_entropy, mlp_dropout, freeze_emb, low_lr, emb_low_lr, mlp_low_lr, pass_lr_decay, dim_4, buckets_div10, buckets_div100, defaults (the training options of this command line, regularizers kept). Default: all.")
    List<String> variants;

    @Mixin ReportOption report = new ReportOption("sparsenn-passes.html");


    @Override
    public Integer call() {
        run.configFile.apply(spec);
        PrintWriter out = spec.commandLine().getOut();
        if (maxPasses < 1) throw new BadInputException("--max-passes " + maxPasses + ", must be >= 1");
        if (evalsPerPass < 1) throw new BadInputException("--evals-per-pass " + evalsPerPass + ", must be >= 1");
        report.check();
        strata.check(); // thresholds checked before any data is read
        ModelConfig mc = run.model.config();
        TrainConfig tc = run.trainConfig(1);
        ClickDataOptions.Split split = data.load(tc.seed());
        CtrData tr = split.train(), te = split.test();
        CtrOptions.checkEmbeddingSize(tr.tableRows(), mc.type() == ModelConfig.Type.LOGISTIC ? 1 : mc.embeddingDim(), "--buckets " + data.buckets() + ", --dim " + mc.embeddingDim());
        int feature = strata.featureIndex(tr, te);
        Strata st = strata.strata(te.impressionsPerRow(feature, tr.impressions(feature)), tr.names()[feature]);
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
        out.println(strata.describe(tr.names()[feature], st, sizes));
        String planted = null;
        if (split.plantedTestProbability() != null) {
            planted = CtrMetrics.evaluate(te.labels(), split.plantedTestProbability(), Double.NaN).format();
            out.println("planted model on test: " + planted);
        }
        out.flush();
        List<PassesStudy.VariantResult> results = new ArrayList<>();
        for (PassesStudy.Variant v : chosen) {
            Progress p = run.quiet.quiet() ? null : Progress.toStderr(v.name(), (long) tr.rows() * maxPasses);
            results.add(PassesStudy.run(v, tr, te, feature, st, maxPasses, evalsPerPass, p));
        }
        String table = PassesStudy.table(results);
        out.print(table);
        out.flush();
        writeReport(split, tr, feature, st, sizes, planted, results, table);
        out.println("report: " + report.path().toAbsolutePath());
        return ExitCodes.OK;
    }

    private void writeReport(ClickDataOptions.Split split, CtrData tr, int feature, Strata st, int[] sizes, String planted,
                             List<PassesStudy.VariantResult> results, String table) {
        HtmlReport h = PassesStudyReport.build(split.description(), tr.names()[feature], st, sizes, planted, maxPasses, results, table,
                String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        report.write(h);
    }
}
