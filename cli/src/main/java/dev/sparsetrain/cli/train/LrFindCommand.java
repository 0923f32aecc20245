package dev.sparsetrain.cli.train;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.VbprOptions;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.models.vbpr.LrFinder;
import dev.sparsetrain.models.vbpr.VbprTrainer;
import dev.sparsetrain.studies.vbpr.LrFinderReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sparsetrain lr-find}: a learning-rate range test per parameter group (others frozen);
 * writes {@code lr-find.csv}, {@code lr-find.svg} and {@code lr-find.html} into {@code --out} and prints a suggested
 * rate per group.
 */
@Command(name = "lr-find", mixinStandardHelpOptions = true,
        description = "Per-group learning-rate range test; writes curves as CSV and SVG.")
public final class LrFindCommand implements Callable<Integer> {
    @Mixin VbprOptions opts;

    @Option(names = "--steps", defaultValue = "200", description = "Steps per group (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--chunk", defaultValue = "1024", description = "Samples per step (default ${DEFAULT-VALUE}).")
    int chunk;

    @Option(names = "--range", defaultValue = "1e-3,1e3", split = ",", description = "Sweep from/to as factors of each group's configured rate (default ${DEFAULT-VALUE}).")
    double[] range;

    @Option(names = "--out", defaultValue = "lr-find", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        VbprOptions.refuseUnused(spec, "lr-find", "it sweeps --steps steps per group from each group's --optimizer rate, without balancing",
                "--lr-multiplier", "--cosine-restarts", "--epochs", "--patience", "--restarts", "--auto-balance", "--balance-target");
        if (steps < 10 || steps > 100_000) throw new BadInputException("--steps " + steps + ": must be in [10, 100000]");
        if (chunk < 1) throw new BadInputException("--chunk " + chunk + ": must be > 0");
        if (range.length != 2 || !(range[0] > 0) || !(range[1] > range[0])) {
            throw new BadInputException("--range: expected LOW,HIGH with 0 < LOW < HIGH");
        }
        OutputPaths.requireFolder("--out", out);
        PrintWriter pw = spec.commandLine().getOut();
        FeatureDataset data = opts.load();
        VbprTrainer t = new VbprTrainer(data, opts.config().withAutoBalance(false, Double.NaN));
        pw.println(data);
        List<LrFinder.Curve> curves = LrFinder.run(t, steps, chunk, range[0], range[1]);
        try {
            Files.createDirectories(out);
            LrFinderReport.csv(curves).write(out.resolve("lr-find.csv"));
            var chart = LrFinderReport.chart(curves, "lr-find on " + data.name() + " (" + opts.model.name() + ")");
            chart.write(out.resolve("lr-find.svg"));
            // the same curves, interactive (hover values, zoom, legend toggling), the suggestions marked
            new dev.sparsetrain.metrics.report.HtmlReport("lr-find on " + data.name() + " (" + opts.model.name() + ")").chart(chart)
                    .write(out.resolve("lr-find.html"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pw.print(LrFinder.table(curves));
        pw.println("wrote " + out.resolve("lr-find.csv") + ", " + out.resolve("lr-find.svg") + " and " + out.resolve("lr-find.html"));
        pw.flush();
        return ExitCodes.OK;
    }
}
