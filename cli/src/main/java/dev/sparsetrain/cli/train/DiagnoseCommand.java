package dev.sparsetrain.cli.train;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.VbprOptions;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.models.vbpr.AutoBalance;
import dev.sparsetrain.models.vbpr.Diagnosis;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprTrainer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sparsetrain diagnose}: a short probe run (one warm-up window, one measured window) that
 * prints per group the gradient norm, update norm, update-to-weight ratio and mean effective
 * learning rate, flags any group more than 10x from the median ratio and says what to change.
 * With auto-balance on (the default) the probe runs after balancing, as training would.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = "Short probe run: per-group gradient and update figures, flags imbalance.")
public final class DiagnoseCommand implements Callable<Integer> {
    @Mixin VbprOptions opts;

    @Option(names = "--probe-samples", description = "Samples in each probe window (default: one epoch, at most 50,000).")
    Long probeSamples;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        VbprOptions.refuseUnused(spec, "diagnose", "it runs one probe of --probe-samples samples, not a training run",
                "--epochs", "--patience", "--restarts");
        PrintWriter out = spec.commandLine().getOut();
        FeatureDataset data = opts.load();
        VbprConfig cfg = opts.config();
        out.println(data);
        VbprTrainer t = new VbprTrainer(data, cfg);
        opts.applyMultipliers(t);
        if (cfg.autoBalance()) {
            AutoBalance.Choice c = AutoBalance.balance(t, cfg.balanceTarget());
            out.println(c.describe());
            t = new VbprTrainer(data, cfg);
            for (int s = 0; s < c.multipliers().length; s++) t.setMultiplier(c.groups()[s], c.multipliers()[s]);
        }
        long n = probeSamples != null ? probeSamples : Math.min(50_000, data.train().size());
        if (n <= 0) throw new dev.sparsetrain.core.BadInputException("--probe-samples " + n + ": must be > 0");
        Diagnosis.Report r = Diagnosis.probe(t, n, n, cfg.seed());
        out.println("model " + cfg.variant() + ", features " + cfg.preprocessing() + ", groups " + cfg.groups());
        out.print(r.render());
        out.flush();
        return ExitCodes.OK;
    }
}
