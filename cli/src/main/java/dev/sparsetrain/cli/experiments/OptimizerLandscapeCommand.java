package dev.sparsetrain.cli.experiments;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.metrics.report.HtmlReport;
import dev.sparsetrain.options.ReportOption;
import dev.sparsetrain.options.SeedOption;
import dev.sparsetrain.options.VerboseOption;
import dev.sparsetrain.studies.landscape.OptimizerLandscape;
import dev.sparsetrain.studies.landscape.OptimizerLandscape.ProblemResult;
import dev.sparsetrain.studies.landscape.OptimizerLandscapeReport;
import dev.sparsetrain.studies.landscape.Surface;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The optimizer landscape ({@link OptimizerLandscape}): each optimizer of the runtime on small 2-D
 * surfaces (the spreadsheet's line fit, Rosenbrock, Rastrigin), where the paths can be drawn;
 * prints a table and writes a self-contained HTML report with contour plots and loss curves.
 */
@Command(name = "optimizer-landscape", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"SGD, momentum, Nesterov, AdaGrad, RMSProp, AdaDelta, Adam, ... on 2-parameter problems where you can see the paths: "
                + "line_fit (the spreadsheet's y = a x + b with x in [0, 100]: one learning rate for two very different gradients), "
                + "line_fit_standardized (the same points with x standardized: the cure by preprocessing), "
                + "rosenbrock (a curved, ill-conditioned valley), rastrigin and rastrigin_shallow (49 wells, one global minimum: "
                + "a single start against the best of random restarts and against SGDR's warm restarts, with the same budget of steps).",
                "Each optimizer runs at its swept rate (best final loss over 1e-5 .. 10, half a decade apart) and at PyTorch's default rate. "
                        + "Runs the project's optimizer runtime on a dense table of 2 parameters. See docs/optimizers.md."})
public final class OptimizerLandscapeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--problems", split = ",", paramLabel = "NAME",
            description = "Surfaces, any of line_fit, line_fit_standardized, rosenbrock, rastrigin, rastrigin_shallow. Default: all.")
    List<String> problems;

    @Option(names = "--optimizers", split = ",", paramLabel = "NAME",
            description = "Optimizers, any of the runtime's but ftrl. Default: sgd,momentum,nesterov,adagrad,rmsprop,adadelta,adam.")
    List<String> optimizers;

    @Option(names = "--steps", defaultValue = "1000", description = "Gradient steps per run (the budget of every strategy). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--seeds", defaultValue = "200", description = "Random starts over which the multi-modal surfaces count how often the global minimum is found. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--restarts", defaultValue = "10",
            description = "Restarts of the best-of strategy, and SGDR's periods; each gets steps/restarts steps. Default: ${DEFAULT-VALUE}.")
    int restarts;

    @Option(names = "--sweep-starts", defaultValue = "20",
            description = "Random starts (not among the --seeds ones) whose mean loss chooses each rate on the multi-modal surfaces. Default: ${DEFAULT-VALUE}.")
    int sweepStarts;

    @Mixin SeedOption seed = new SeedOption(42);

    @Mixin ReportOption report = new ReportOption("optimizer-landscape.html");

    @Mixin dev.sparsetrain.options.QuietOption quiet = new dev.sparsetrain.options.QuietOption();

    @Mixin VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        report.check();
        // picocli turns "--optimizers ," into an empty list: refused rather than read as "the default set"
        if (problems != null && problems.isEmpty()) throw new BadInputException("--problems: no name given; allowed " + String.join(", ", Surface.NAMES));
        if (optimizers != null && optimizers.isEmpty()) throw new BadInputException("--optimizers: no name given, e.g. sgd,adam");
        OptimizerLandscape.Config c = new OptimizerLandscape.Config(problems == null || problems.isEmpty() ? Surface.NAMES : problems,
                optimizers == null || optimizers.isEmpty() ? OptimizerLandscape.DEFAULT_OPTIMIZERS : optimizers, steps, seeds, restarts, sweepStarts, seed.seed());
        long t0 = System.nanoTime();
        List<ProblemResult> results = OptimizerLandscape.run(c, quiet.quiet() ? null : line -> {
            err.println(line);
            err.flush();
        });
        String table = OptimizerLandscape.table(results, c.steps(), c.restarts());
        out.print(table);
        out.printf(Locale.ROOT, "%.1f s%n", (System.nanoTime() - t0) / 1e9);
        writeReport(c, results, table);
        out.println("report: " + report.path().toAbsolutePath());
        out.flush();
        return ExitCodes.OK;
    }

    private void writeReport(OptimizerLandscape.Config c, List<ProblemResult> results, String table) {
        HtmlReport h = OptimizerLandscapeReport.build(c, results, table, "sparsetrain " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        report.write(h);
    }
}
