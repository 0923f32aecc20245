package dev.sparsetrain.cli.experiments;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.KnownDatasets;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.metrics.report.HtmlReport;
import dev.sparsetrain.optim.SparseSemantics;
import dev.sparsetrain.options.EpochsOption;
import dev.sparsetrain.options.FactorsOption;
import dev.sparsetrain.options.ImplicitDataOptions;
import dev.sparsetrain.options.RegOption;
import dev.sparsetrain.options.ReportOption;
import dev.sparsetrain.options.SeedOption;
import dev.sparsetrain.options.ValidationUsersOption;
import dev.sparsetrain.options.VerboseOption;
import dev.sparsetrain.studies.bpr.OptimizerTour;
import dev.sparsetrain.studies.bpr.OptimizerTourReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Mixin EpochsOption epochs = new EpochsOption(20);

    @Option(names = "--seeds", defaultValue = "5", description = "Runs per optimizer at its chosen rate (seeds --seed, --seed+1, ...). Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Mixin SeedOption seed = new SeedOption(42);

    @Mixin FactorsOption factors = new FactorsOption();

    @Mixin RegOption reg = new RegOption();

    @Option(names = "--semantics", defaultValue = "lazy",
            description = "Sparse semantics of the factor group: lazy (torch SparseAdam / sparse Adagrad: idle rows untouched, bias correction with the group's step), "
                    + "lazy_rowwise_bias (Adam family: bias correction with the row's own update count, FBGEMM; the others stay lazy) "
                    + "or catch_up (exactly the dense optimizer: idle steps applied when the row is next touched). Default: ${DEFAULT-VALUE}.")
    String semanticsName;

    @Option(names = "--bins", defaultValue = "8", description = "Log-spaced item-frequency bins. Default: ${DEFAULT-VALUE}.")
    int bins;

    @Mixin ValidationUsersOption validationUsers = new ValidationUsersOption();

    @Mixin ReportOption report = new ReportOption("optimizer-tour.html");

    @Mixin dev.sparsetrain.options.QuietOption quiet = new dev.sparsetrain.options.QuietOption();

    @Mixin VerboseOption verbose = new VerboseOption();

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
        report.check();
        OptimizerTour.Config c = new OptimizerTour.Config(optimizers == null || optimizers.isEmpty() ? OptimizerTour.DEFAULT_OPTIMIZERS : optimizers,
                rates, epochs.epochs(), seeds, factors.factors(), reg.reg(), seed.seed(), validationUsers.validationUsers(), bins, semantics());
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
        List<OptimizerTour.OptimizerResult> results = OptimizerTour.run(fit, validation, test, c, quiet.quiet() ? null : line -> {
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
        out.println("report: " + report.path().toAbsolutePath());
        out.flush();
        return ExitCodes.OK;
    }

    private void writeReport(String dataSummary, OptimizerTour.Config c, List<OptimizerTour.OptimizerResult> results, String table, String bt) {
        HtmlReport h = OptimizerTourReport.build(dataSummary, data.splitName(), c, results, table, bt,
                "sparsetrain " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        report.write(h);
    }
}
