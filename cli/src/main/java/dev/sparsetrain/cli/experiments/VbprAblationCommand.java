package dev.sparsetrain.cli.experiments;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.VbprOptions;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.options.ReportOption;
import dev.sparsetrain.studies.vbpr.VbprAblation;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sparsetrain experiment vbpr-ablation}: see {@link VbprAblation}. */
@Command(name = "vbpr-ablation", mixinStandardHelpOptions = true,
        description = "BPR-MF vs visual-only vs VBPR (single rate, per-group, defaults) with an HTML report.")
public final class VbprAblationCommand implements Callable<Integer> {
    @Mixin VbprOptions opts;

    @Option(names = "--sweep", defaultValue = "1e-4,3e-4,1e-3,3e-3,1e-2", split = ",",
            description = "Learning rates tried for single-rate SGD VBPR (default ${DEFAULT-VALUE}).")
    double[] sweep;

    @Mixin ReportOption report = new ReportOption("vbpr-ablation.html");

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        VbprOptions.refuseUnused(spec, "experiment vbpr-ablation", "it trains its own fixed set-ups: bpr, visual, single-rate, per-group and default VBPR",
                "--model", "--lr-multiplier", "--cosine-restarts");
        for (double r : sweep) if (!(r > 0)) throw new BadInputException("--sweep " + r + ": rates must be > 0");
        report.check();
        PrintWriter out = spec.commandLine().getOut();
        FeatureDataset data = opts.load();
        out.println(data);
        out.flush();
        VbprAblation.Outcome o = VbprAblation.run(data, opts.config(), sweep, s -> { out.println(s); out.flush(); });
        out.println();
        out.print(o.table());
        out.println();
        out.println("diagnose, single-rate SGD at lr " + o.bestSingleRate() + ":");
        out.print(o.singleRateDiagnosis().render());
        out.println("diagnose, defaults:");
        out.print(o.defaultsDiagnosis().render());
        report.write(VbprAblation.report(o));
        out.println("report: " + report.path());
        out.flush();
        return ExitCodes.OK;
    }
}
