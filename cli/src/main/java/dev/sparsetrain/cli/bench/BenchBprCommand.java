package dev.sparsetrain.cli.bench;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.metrics.ranking.PopularityScorer;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.options.DataRootOption;
import dev.sparsetrain.options.EpochsOption;
import dev.sparsetrain.options.FactorsOption;
import dev.sparsetrain.options.ImplicitDataOptions;
import dev.sparsetrain.options.SeedOption;
import dev.sparsetrain.options.ThreadsOption;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * BPR-MF training throughput on MovieLens 1M: leave-one-out (seed 42), 64 factors, all cores, 20
 * epochs, default hyperparameters; prints training samples per second, wall time of training
 * (evaluation excluded), peak memory and the resulting AUC.
 */
@Command(name = "bpr", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"BPR-MF training throughput on MovieLens 1M (leave-one-out seed 42, 64 factors, all cores, 20 epochs):",
                "prints training samples/s, training wall time (evaluation excluded), peak memory and AUC.",
                "Throughput depends on what else runs on the machine; run it on an idle machine."})
public final class BenchBprCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", defaultValue = "ml-1m", description = "Dataset (ml-1m, ml-100k, lastfm, synthetic or a file). Default: ${DEFAULT-VALUE}.")
    String data;

    @Mixin DataRootOption dataRoot = new DataRootOption();

    @Mixin EpochsOption epochs = new EpochsOption(20);

    @Mixin FactorsOption factors = new FactorsOption();

    @Mixin ThreadsOption threads = new ThreadsOption();

    @Mixin SeedOption seed = new SeedOption(42);

    @Option(names = "--warmup", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Before the timed run, train 3 epochs on a small synthetic set so the JIT compiles the kernel, sampler and loop "
                    + "(its time is printed, not counted, as a compiled tool's build time is not). --no-warmup times a cold JVM. Default: ${DEFAULT-VALUE}.")
    boolean warmup;

    @Option(names = "--progress", description = "Show the per-epoch progress line on stderr. Default: off (clean logs).")
    boolean progress;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        ImplicitDataOptions d = ImplicitDataOptions.of(data, dataRoot.given());
        ImplicitDataOptions.Loaded rd = d.load();
        Split s = d.split(rd.all());
        int T = threads.threadsOrAvailable();
        BprConfig bc = BprConfig.defaults().withFactors(factors.factors());
        TrainerConfig tc = TrainerConfig.defaults().withEpochs(epochs.epochs()).withThreads(T).withSeed(seed.seed());
        BprModel m = new BprModel(s.train().numUsers(), s.train().numItems(), bc, seed.seed());
        w.printf(Locale.ROOT, "benchmark bpr: %s%n  leave-one-out seed 42: %d training pairs; %d factors, %d epochs, %d threads (%d cores available), kernel %s%n",
                rd.summary(), s.train().size(), factors.factors(), epochs.epochs(), T, Runtime.getRuntime().availableProcessors(), BprModel.kernelName());
        w.flush();
        double warmSeconds = 0;
        if (warmup) {
            long w0 = System.nanoTime();
            var g = dev.sparsetrain.data.SyntheticImplicit.generate(dev.sparsetrain.data.SyntheticImplicit.Config.defaults().withSize(2000, 1000, 40));
            var ws = dev.sparsetrain.data.Splits.leaveOneOut(g.interactions(), 1);
            BprModel wm = new BprModel(ws.train().numUsers(), ws.train().numItems(), bc, 1);
            new Trainer(tc.withEpochs(3)).fit(Hogwild.of(wm, ws.train(), NegativeSampler.uniform(ws.train())));
            warmSeconds = (System.nanoTime() - w0) / 1e9;
        }
        NegativeSampler sampler = NegativeSampler.uniform(s.train());
        var res = new Trainer(tc).withProgress(progress ? (label, total) -> Progress.toStderr(label, total) : null).fit(Hogwild.of(m, s.train(), sampler));
        double[] rates = res.history().stream().mapToDouble(e -> e.samplesPerSecond()).sorted().toArray();
        double median = rates.length == 0 ? 0 : rates[rates.length / 2];
        double first = res.history().isEmpty() ? 0 : res.history().get(0).samplesPerSecond();
        RankingReport r = RankingEvaluator.evaluate(m, s.test(), List.of(s.train()), RankingEvaluator.Options.defaults().withKs(10));
        RankingReport pop = RankingEvaluator.evaluate(new PopularityScorer(s.train()), s.test(), List.of(s.train()), RankingEvaluator.Options.defaults().withKs(10));
        w.printf(Locale.ROOT, "  training samples/s : %.2fM over all %d epochs (%s); epoch 1 %.2fM, median epoch %.2fM%n",
                res.samplesPerSecond() / 1e6, epochs.epochs(), warmup ? "after the separate warm-up" : "cold JVM, JIT warm-up included",
                first / 1e6, median / 1e6);
        w.printf(Locale.ROOT, "  training wall time : %.3f s for %d epochs, %d samples (evaluation excluded)%s%n", res.trainSeconds(), epochs.epochs(), res.samples(),
                warmup ? String.format(Locale.ROOT, "; JIT warm-up before it %.2f s on synthetic data, not counted", warmSeconds) : "; cold JVM (--no-warmup)");
        w.printf(Locale.ROOT, "  per-core rate      : %.2fM samples per CPU-second of a worker thread (x %d threads = %.2fM/s on %d idle cores)%n",
                res.samplesPerCpuSecond() / 1e6, T, T * res.samplesPerCpuSecond() / 1e6, T);
        w.printf(Locale.ROOT, "  peak memory        : %s%n", peakMemory());
        w.printf(Locale.ROOT, "  AUC                : %.4f (popularity %.4f); NDCG@10 %.4f (popularity %.4f); evaluation %.2f s%n",
                r.auc(), pop.auc(), r.value("ndcg@10"), pop.value("ndcg@10"), r.seconds());
        w.printf(Locale.ROOT, "  machine load       : %s%n", loadAverage());
        w.flush();
        return ExitCodes.OK;
    }

    /** Peak resident set of the process (VmHWM) and peak heap use (sum of the heap pools' peaks). */
    static String peakMemory() {
        long heapPeak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) heapPeak += p.getPeakUsage().getUsed();
        }
        String rss = "n/a";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) rss = line.substring(6).trim();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the heap figure alone
        }
        return String.format(Locale.ROOT, "%.1f MB heap (peak of heap pools), %s resident (VmHWM, whole JVM)", heapPeak / 1048576.0, rss);
    }

    static String loadAverage() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f (1-minute load average; above the core count means shared CPUs and lower throughput)", l);
    }
}
