package dev.sparsetrain.cli.bench;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.VbprOptions;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprTrainer;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sparsetrain benchmark vbpr}: training throughput (samples per second, all phases
 * included: projection, Hogwild samples, dense reduction and update; no evaluation) of the
 * configured model after warm-up epochs, on --data (tiktok-diffmm by default) and then on the
 * 4,096-d synthetic set.
 */
@Command(name = "vbpr", mixinStandardHelpOptions = true,
        description = "VBPR training throughput on tiktok-diffmm and on 4096-d synthetic features.")
public final class BenchVbprCommand implements Callable<Integer> {
    @Mixin VbprOptions opts;

    @Option(names = "--warmup-epochs", defaultValue = "3", description = "Epochs before measuring (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--measure-epochs", defaultValue = "10", description = "Epochs measured (default ${DEFAULT-VALUE}).")
    int measure;

    @Option(names = "--no-synthetic", description = "Skip the 4,096-d synthetic set.")
    boolean noSynthetic;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (warmup < 0 || measure < 1) throw new BadInputException("--warmup-epochs >= 0 and --measure-epochs >= 1 required");
        PrintWriter out = spec.commandLine().getOut();
        bench(out, opts.load());
        if (!noSynthetic && !opts.data.data.startsWith("synthetic")) {
            opts.data.data = "synthetic";
            bench(out, opts.load());
        }
        return ExitCodes.OK;
    }

    private void bench(PrintWriter out, FeatureDataset data) {
        VbprConfig cfg = opts.config().withRecordStats(false);
        VbprTrainer t = new VbprTrainer(data, cfg);
        long perEpoch = data.train().size();
        SplittableRandom rnd = new SplittableRandom(cfg.seed());
        for (int e = 0; e < warmup; e++) t.runSamples(perEpoch, rnd.split());
        long cpu0 = processCpuNanos(), t0 = System.nanoTime();
        double loss = 0;
        for (int e = 0; e < measure; e++) loss = t.runSamples(perEpoch, rnd.split());
        double sec = (System.nanoTime() - t0) / 1e9, cpu = (processCpuNanos() - cpu0) / 1e9;
        double rate = perEpoch * (double) measure / sec;
        out.printf(Locale.ROOT, "%s: %s K=%d K'=%d F=%d threads=%d dense-batch=%d: %.0f samples/s (%d epochs of %d samples in %.2f s, final loss %.4f)%n",
                data.name(), cfg.variant(), cfg.factors(), cfg.visualFactors(), data.features().dim(), cfg.threads(), cfg.denseBatch(),
                rate, measure, perEpoch, sec, loss);
        if (cpu > 0) {
            out.printf(Locale.ROOT, "  %.0f samples per CPU-second of the process (CPU %.2f s over %.2f s of wall time); machine load %s%n",
                    perEpoch * (double) measure / cpu, cpu, sec, BenchBprCommand.loadAverage());
        } else if (cpu0 >= 0) {   // the OS counts CPU time in ticks (10 ms on Linux): a run this short may show none
            out.printf(Locale.ROOT, "  samples per CPU-second of the process: not measured (the process CPU time did not advance over %.3f s of wall time; "
                    + "give more --measure-epochs); machine load %s%n", sec, BenchBprCommand.loadAverage());
        }
        out.flush();
    }

    /** CPU time of the whole process so far (every thread, GC included), or -1 where the JVM does not tell. */
    static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }
}
