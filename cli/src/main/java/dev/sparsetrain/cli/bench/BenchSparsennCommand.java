package dev.sparsetrain.cli.bench;

import dev.sparsetrain.cli.CtrOptions;
import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.options.SeedOption;
import dev.sparsetrain.options.ThreadsOption;
import dev.sparsetrain.options.VerboseOption;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * SparseNN training throughput on synthetic Criteo-shaped data: 26 sparse features of {@code
 * --buckets} ids (power law), 13 dense, embedding dim 16, bottom MLP 13-64-16, dot interactions,
 * top MLP 367-64-1, batch 256, row-wise AdaGrad + Adam. Prints samples per second of the training
 * steps (data generation and evaluation excluded), wall time and peak memory (JVM heap peak and
 * the process's peak resident set).
 */
@Command(name = "sparsenn", mixinStandardHelpOptions = true,
        description = "SparseNN training throughput on synthetic Criteo-shaped data (26 sparse x 1e5 buckets, 13 dense, dim 16, bottom 13-64-16, top 64-1, batch 256); prints samples/s and peak memory.")
public final class BenchSparsennCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--rows", defaultValue = "500000", description = "Synthetic training rows. Default: ${DEFAULT-VALUE}.")
    int rows;

    @Option(names = "--passes", defaultValue = "3", description = "Passes over the rows (the first warms up the JIT and is not timed). Default: ${DEFAULT-VALUE}.")
    int passes;

    @Option(names = "--buckets", defaultValue = "100000", description = "Ids (table rows) per sparse feature. Default: ${DEFAULT-VALUE}.")
    int buckets;

    @Option(names = "--dim", defaultValue = "16", description = "Embedding dimension. Default: ${DEFAULT-VALUE}.")
    int dim;

    @Option(names = "--batch", defaultValue = "256", description = "Mini-batch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Mixin ThreadsOption threads = new ThreadsOption();

    @Mixin SeedOption seed = new SeedOption(1);

    @Mixin VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (rows < 1000) throw new BadInputException("--rows " + rows + ", must be >= 1000");
        if (passes < 2) throw new BadInputException("--passes " + passes + ", must be >= 2 (the first pass is warm-up)");
        int t = threads.threadsOrAvailable();
        if (buckets < 1) throw new BadInputException("--buckets " + buckets + ", must be >= 1");
        if (dim < 1) throw new BadInputException("--dim " + dim + ", must be >= 1");
        int[] planned = new int[26];
        java.util.Arrays.fill(planned, buckets);
        CtrOptions.checkEmbeddingSize(planned, dim, "--buckets " + buckets + ", --dim " + dim);
        long g0 = System.nanoTime();
        SyntheticCtr gen = new SyntheticCtr(SyntheticCtr.Config.criteoShaped(buckets, seed.seed()));
        SyntheticCtr.Sample train = gen.generate(rows, seed.seed() + 1), test = gen.generate(Math.max(1000, rows / 10), seed.seed() + 2);
        CtrData d = train.data();
        out.printf("data: synthetic Criteo-shaped, %,d train rows, 26 sparse x %,d ids (Zipf 1.05), 13 dense; generated in %.1f s%n", rows,
                buckets, (System.nanoTime() - g0) / 1e9);
        ModelConfig mc = ModelConfig.defaults().withDim(dim);
        SparseNN m = new SparseNN(mc, d.names(), d.tableRows(), d.numDense(), seed.seed());
        out.printf("model: SparseNN dim %d, bottom %d-64-%d, top %d-64-1, %,d parameters; batch %d, %d threads, kernels %s%n", dim,
                d.numDense(), dim, (27 * 26) / 2 + dim, m.parameterCount(), batch, t, Kernels.impl().name());
        out.flush();
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(t).batchSize(batch).numPasses(passes).seed(seed.seed())
                .shuffle(TrainConfig.Shuffle.ALL).build();
        long w0 = System.nanoTime();
        long[] passEnd = new long[passes + 1];
        long[] passCpu = new long[passes + 1];
        try (CtrTrainer tr = new CtrTrainer(m, tc)) {
            // One trainer for all passes; the first pass warms up the JIT and is not timed.
            tr.train(d, 1, (p, seen, runningNe) -> {
                int k = (int) Math.round(p);
                String testNe = "";
                if (k == 1) { // evaluated before the clock of the timed passes starts
                    testNe = String.format(", test NE %.4f", CtrMetrics.evaluate(test.data().labels(), tr.predict(test.data()),
                            Double.NaN).ne());
                }
                passEnd[k] = System.nanoTime();
                passCpu[k] = processCpuNanos();
                out.printf("pass %d done: running train NE %.4f%s%n", k, runningNe, testNe);
                out.flush();
            }, null);
            double secs = (passEnd[passes] - passEnd[1]) / 1e9;
            double rate = (double) rows * (passes - 1) / secs;
            double ne = CtrMetrics.evaluate(test.data().labels(), tr.predict(test.data()), Double.NaN).ne();
            double plantedNe = CtrMetrics.evaluate(test.data().labels(), test.probability(), Double.NaN).ne();
            out.printf("warm-up pass: %.2f s (not timed)%n", (passEnd[1] - w0) / 1e9);
            out.printf("timed: passes 2-%d, %,d samples in %.2f s%n", passes, (long) rows * (passes - 1), secs);
            out.printf("throughput: %,.0f samples/s on %d threads (%,.0f per thread)%n", rate, t, rate / t);
            if (passes > 2) {
                double[] per = new double[passes - 1];
                StringBuilder sb = new StringBuilder();
                for (int k = 2; k <= passes; k++) {
                    per[k - 2] = rows / ((passEnd[k] - passEnd[k - 1]) / 1e9);
                    sb.append(String.format("%s%,.0f", k > 2 ? ", " : "", per[k - 2]));
                }
                java.util.Arrays.sort(per);
                out.printf("per timed pass: %s samples/s (best %,.0f, median %,.0f)%n", sb, per[per.length - 1], (per[(per.length - 1) / 2] + per[per.length / 2]) / 2);
            }
            double cpu = (passCpu[passes] - passCpu[1]) / 1e9;
            out.printf("cpu: %.2f s of process CPU time in the timed passes = %,.0f samples per CPU-second (%.0f%% of %d threads busy; "
                    + "below 100%% the machine is shared or the optimizer step is waiting)%n", cpu, rows * (passes - 1) / cpu,
                    100 * cpu / (secs * t), t);
            out.printf("test NE after %d passes: %.4f (planted model %.4f)%n", passes, ne, plantedNe);
        }
        out.printf("wall time (warm-up + timed): %.1f s%n", (System.nanoTime() - w0) / 1e9);
        out.printf("peak memory: process resident %s (peak RSS, VmHWM); JVM heap at most %s (sum of each heap pool's own peak)%n",
                peakRss(), mib(peakHeap()));
        return ExitCodes.OK;
    }

    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return 0;
    }

    static long peakHeap() {
        long s = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) s += p.getPeakUsage().getUsed();
        }
        return s;
    }

    static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return mib(kb * 1024);
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return "n/a";
    }

    static String mib(long bytes) {
        return String.format("%,.0f MiB", bytes / 1048576.0);
    }
}
