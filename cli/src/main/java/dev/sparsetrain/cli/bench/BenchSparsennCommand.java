package dev.sparsetrain.cli.bench;

import dev.sparsetrain.cli.CtrOptions;
import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.Npy;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.options.DimOption;
import dev.sparsetrain.options.SeedOption;
import dev.sparsetrain.options.ThreadsOption;
import dev.sparsetrain.options.VerboseOption;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * SparseNN training throughput on synthetic Criteo-shaped data. Prints samples per second of the
 * training steps (data generation and evaluation excluded), process CPU-seconds, wall time and peak
 * memory (JVM heap peak and the process's peak resident set, VmHWM).
 *
 * <p>Two architectures ({@code --arch}):
 * <ul>
 *   <li>{@code small} (default): 26 sparse features of {@code --buckets} ids (SyntheticCtr, Zipf
 *       1.05), 13 dense, dim 16, bottom MLP 13-64-16, dot interactions, top MLP 367-64-1, batch
 *       256, row-wise AdaGrad for embeddings and Adam for the MLP (the ctr-train defaults);
 *   <li>{@code dlrm-kaggle}: the DLRM reference's Criteo Kaggle configuration
 *       (facebookresearch/dlrm {@code bench/dlrm_s_criteo_kaggle.sh}: {@code
 *       --arch-sparse-feature-size=16 --arch-mlp-bot=13-512-256-64-16 --arch-mlp-top=512-256-1
 *       --learning-rate=0.1 --mini-batch-size=128}): tables of Criteo Kaggle's 26 cardinalities
 *       ({@link KaggleShapedData}), dot interaction without self-interactions concatenated with the
 *       bottom MLP's output (367 inputs to the top MLP), plain SGD at 0.1 on every parameter
 *       (dlrm_s_pytorch.py: {@code torch.optim.SGD(dlrm.parameters(), lr)}, sparse embedding
 *       gradients), mean BCE loss, no shuffling, batches 128, 512 and 2048. Unlike the reference, the
 *       embeddings start from N(0, 0.05^2) (the reference draws U(-1/sqrt(n), 1/sqrt(n)) per table),
 *       which changes no arithmetic cost. {@code compare/pytorch/dlrm_throughput.py} trains the
 *       same model on the same rows ({@code --export-data}).
 * </ul>
 *
 * <p>{@code --rows-per-table N[,N...]} gives every table {@code min(its Kaggle cardinality, N)}
 * rows; with several values each runs in its own JVM (same JVM options), so each peak resident
 * set is its own. {@code --table-layout} sets the system property {@code sparsetrain.table.layout}
 * before any table is built (and passes it to those child JVMs).
 */
@Command(name = "sparsenn", mixinStandardHelpOptions = true,
        description = "SparseNN training throughput on synthetic Criteo-shaped data (default: 26 sparse x 1e5 buckets, 13 dense, dim 16, "
                + "bottom 13-64-16, top 64-1, batch 256; --arch dlrm-kaggle: DLRM's Criteo Kaggle configuration); prints samples/s, "
                + "CPU-seconds and peak memory.")
public final class BenchSparsennCommand implements Callable<Integer> {
    /** The system property that selects core.Table's storage layout. */
    static final String LAYOUT_PROPERTY = "sparsetrain.table.layout";

    /** The architectures {@code --arch} names. */
    enum Arch { small, dlrm_kaggle }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", defaultValue = "small", converter = ArchConverter.class,
            description = "small (bottom 64, top 64, AdaGrad + Adam) or dlrm-kaggle (bottom 512-256-64, top 512-256, SGD 0.1, Kaggle table sizes). "
                    + "Default: ${DEFAULT-VALUE}.")
    Arch arch;

    @Option(names = "--rows", description = "Synthetic training rows (one pass). Default: 500000 (small), 100000 (dlrm-kaggle).")
    Integer rows;

    @Option(names = "--passes", description = "Passes over the rows per batch size (the first warms up the JIT and is not timed). "
            + "Default: 3 (small), 2 (dlrm-kaggle).")
    Integer passes;

    @Option(names = "--buckets", defaultValue = "100000", description = "Ids (table rows) per sparse feature, --arch small without --rows-per-table. "
            + "Default: ${DEFAULT-VALUE}.")
    int buckets;

    @Option(names = "--rows-per-table", paramLabel = "N[,N...]", split = ",",
            description = "Criteo Kaggle's 26 table sizes, each capped at N rows (e.g. 1e5,1e7,1e8); several values run one JVM each. "
                    + "Default: uncapped for dlrm-kaggle, --buckets for small.")
    List<String> rowsPerTable;

    @Mixin DimOption dimension = new DimOption();

    @Option(names = "--bottom", paramLabel = "W[,W...]", split = ",", description = "Hidden widths of the bottom MLP (the projection to --dim is added). "
            + "Default: 64 (small), 512,256,64 (dlrm-kaggle).")
    int[] bottom;

    @Option(names = "--top", paramLabel = "W[,W...]", split = ",", description = "Hidden widths of the top MLP (the layer to 1 logit is added). "
            + "Default: 64 (small), 512,256 (dlrm-kaggle).")
    int[] top;

    @Option(names = "--batch", paramLabel = "B[,B...]", split = ",", description = "Mini-batch sizes, each timed on its own. "
            + "Default: 256 (small), 128,512,2048 (dlrm-kaggle).")
    int[] batch;

    @Option(names = "--lr", description = "SGD learning rate of every parameter (dlrm-kaggle). Default: 0.1 (the reference's Kaggle script).")
    Double lr;

    @Option(names = "--table-layout", paramLabel = "auto|flat|chunked",
            description = "Sets -Dsparsetrain.table.layout before any table is built. Default: the property as the JVM has it (else auto).")
    String tableLayout;

    @Option(names = "--export-data", paramLabel = "DIR",
            description = "Write the synthetic training rows as .npy files into DIR (for compare/pytorch/dlrm_throughput.py) and stop.")
    Path exportData;

    @Mixin ThreadsOption threads = new ThreadsOption();

    @Mixin SeedOption seed = new SeedOption(1);

    @Mixin VerboseOption verbose = new VerboseOption();

    /** Accepts {@code dlrm-kaggle} for {@link Arch#dlrm_kaggle}. */
    static final class ArchConverter implements CommandLine.ITypeConverter<Arch> {
        @Override
        public Arch convert(String v) {
            for (Arch a : Arch.values()) if (a.name().replace('_', '-').equals(v)) return a;
            throw new CommandLine.TypeConversionException("'" + v + "', allowed: small, dlrm-kaggle");
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        int dim = dimension.dim();
        PrintWriter out = spec.commandLine().getOut();
        boolean dlrm = arch == Arch.dlrm_kaggle;
        int nRows = rows != null ? rows : dlrm ? 100_000 : 500_000;
        int nPasses = passes != null ? passes : dlrm ? 2 : 3;
        int[] batches = batch != null ? batch : dlrm ? new int[] {128, 512, 2048} : new int[] {256};
        if (nRows < 1000) throw new BadInputException("--rows " + nRows + ", must be >= 1000");
        if (nPasses < 2) throw new BadInputException("--passes " + nPasses + ", must be >= 2 (the first pass is warm-up)");
        for (int b : batches) if (b < 1) throw new BadInputException("--batch " + b + ", must be >= 1");
        if (buckets < 1) throw new BadInputException("--buckets " + buckets + ", must be >= 1");
        if (dim < 1) throw new BadInputException("--dim " + dim + ", must be >= 1");
        if (lr != null && !(lr > 0)) throw new BadInputException("--lr " + lr + ", must be > 0");
        if (tableLayout != null && !List.of("auto", "flat", "chunked").contains(tableLayout)) {
            throw new BadInputException("--table-layout " + tableLayout + ", allowed: auto, flat, chunked");
        }
        long[] caps = rowsPerTable == null ? null : rowsPerTable.stream().mapToLong(BenchSparsennCommand::parseCount).toArray();
        if (caps != null && caps.length > 1) return perSizeJvms(out, caps);

        String previousLayout = System.getProperty(LAYOUT_PROPERTY);
        if (tableLayout != null) System.setProperty(LAYOUT_PROPERTY, tableLayout);
        try {
            return run(out, dlrm, nRows, nPasses, batches, caps == null ? null : caps[0]);
        } finally {
            // the command may run inside another program (tests): leave the property as it was
            if (tableLayout != null) {
                if (previousLayout == null) System.clearProperty(LAYOUT_PROPERTY);
                else System.setProperty(LAYOUT_PROPERTY, previousLayout);
            }
        }
    }

    private int run(PrintWriter out, boolean dlrm, int nRows, int nPasses, int[] batches, Long cap) throws IOException {
        int dim = dimension.dim();
        int t = threads.threadsOrAvailable();
        long g0 = System.nanoTime();
        CtrData d, test;
        float[] plantedTest = null;
        if (cap == null && !dlrm) {
            int[] planned = new int[26];
            Arrays.fill(planned, buckets);
            CtrOptions.checkEmbeddingSize(planned, dim, "--buckets " + buckets + ", --dim " + dim);
            SyntheticCtr gen = new SyntheticCtr(SyntheticCtr.Config.criteoShaped(buckets, seed.seed()));
            SyntheticCtr.Sample ts = gen.generate(Math.max(1000, nRows / 10), seed.seed() + 2);
            d = gen.generate(nRows, seed.seed() + 1).data();
            test = ts.data();
            plantedTest = ts.probability();
            out.printf("data: synthetic Criteo-shaped, %,d train rows, 26 sparse x %,d ids (Zipf 1.05), 13 dense; generated in %.1f s%n", nRows,
                    buckets, (System.nanoTime() - g0) / 1e9);
        } else {
            int[] tr = KaggleShapedData.cappedRows(cap == null ? Long.MAX_VALUE : cap);
            String what = cap == null ? "Criteo Kaggle's 26 table sizes" : String.format(Locale.ROOT,
                    "Criteo Kaggle's 26 table sizes capped at %,d rows", cap);
            CtrOptions.checkEmbeddingSize(tr, dim, (cap == null ? "--arch dlrm-kaggle" : "--rows-per-table " + cap) + ", --dim " + dim);
            d = KaggleShapedData.generate(tr, nRows, 1.05, seed.seed() + 1);
            test = KaggleShapedData.generate(tr, Math.max(1000, nRows / 10), 1.05, seed.seed() + 2);
            out.printf(Locale.ROOT, "data: synthetic, %s (%,d embedding rows in all, largest %,d; %.2f GiB of float32 at dim %d), "
                            + "%,d train rows (Zipf 1.05 ids), 13 dense; generated in %.1f s%n", what, KaggleShapedData.total(tr),
                    Arrays.stream(tr).max().getAsInt(), KaggleShapedData.total(tr) * dim * 4.0 / (1L << 30), dim, nRows,
                    (System.nanoTime() - g0) / 1e9);
        }
        if (exportData != null) return export(out, d);
        out.printf("table layout: %s (system property %s)%n", System.getProperty(LAYOUT_PROPERTY, "auto"), LAYOUT_PROPERTY);
        int[] bot = bottom != null ? bottom : dlrm ? new int[] {512, 256, 64} : new int[] {64};
        int[] tp = top != null ? top : dlrm ? new int[] {512, 256} : new int[] {64};
        ModelConfig mc = ModelConfig.defaults().withDim(dim).withBottom(bot).withTop(tp);
        long m0 = System.nanoTime();
        SparseNN m = new SparseNN(mc, d.names(), d.tableRows(), d.numDense(), seed.seed());
        int ns = d.numSparse();
        out.printf(Locale.ROOT, "model: SparseNN dim %d, bottom %s, dot interaction, top %s, %,d parameters (built in %.1f s); %s; %d threads, "
                        + "kernels %s%n", dim, widths(d.numDense(), bot, dim), widths(dim + (ns + 1) * ns / 2, tp, 1), m.parameterCount(),
                (System.nanoTime() - m0) / 1e9, dlrm || lr != null ? "SGD lr " + (lr != null ? lr : 0.1) + " on every parameter"
                        : "row-wise AdaGrad (embeddings) + Adam (MLP)", t, Kernels.impl().name());
        out.flush();
        long w0 = System.nanoTime();
        List<String> summary = new ArrayList<>();
        for (int b : batches) {
            TrainConfig.Builder tb = TrainConfig.defaults().toBuilder().threads(t).batchSize(b).numPasses(nPasses).seed(seed.seed())
                    .shuffle(dlrm ? TrainConfig.Shuffle.NONE : TrainConfig.Shuffle.ALL);
            if (dlrm || lr != null) {
                double l = lr != null ? lr : 0.1;
                tb.optimizer("all", dev.sparsetrain.optim.OptimizerSpec.of(dev.sparsetrain.optim.OptimizerSpec.Kind.SGD, l));
            }
            summary.add(timeBatch(out, m, tb.build(), d, nRows, nPasses, t));
        }
        double ne = CtrMetrics.evaluate(test.labels(), predict(m, test, t), Double.NaN).ne();
        out.printf("test NE after training: %.4f%s%n", ne, plantedTest == null ? ""
                : String.format(" (planted model %.4f)", CtrMetrics.evaluate(test.labels(), plantedTest, Double.NaN).ne()));
        if (summary.size() > 1) {
            out.println("summary (timed passes, samples/s):");
            for (String s : summary) out.println("  " + s);
        }
        out.printf("wall time (warm-up + timed): %.1f s%n", (System.nanoTime() - w0) / 1e9);
        out.printf("peak memory: process resident %s (peak RSS, VmHWM); JVM heap at most %s (sum of each heap pool's own peak)%n",
                peakRss(), mib(peakHeap()));
        return ExitCodes.OK;
    }

    /** Trains {@code passes} passes at one batch size (the model keeps its weights from the previous batch size) and prints the figures. */
    private String timeBatch(PrintWriter out, SparseNN m, TrainConfig tc, CtrData d, int nRows, int nPasses, int t) {
        long w0 = System.nanoTime();
        long[] passEnd = new long[nPasses + 1];
        long[] passCpu = new long[nPasses + 1];
        int b = tc.batchSize();
        try (CtrTrainer tr = new CtrTrainer(m, tc)) {
            // One trainer for all passes; the first pass warms up the JIT and is not timed.
            tr.train(d, 1, (p, seen, runningNe) -> {
                int k = (int) Math.round(p);
                passEnd[k] = System.nanoTime();
                passCpu[k] = processCpuNanos();
                out.printf("batch %d: pass %d done: running train NE %.4f%n", b, k, runningNe);
                out.flush();
            }, null);
        }
        double secs = (passEnd[nPasses] - passEnd[1]) / 1e9;
        long samples = (long) nRows * (nPasses - 1);
        double rate = samples / secs;
        double cpu = (passCpu[nPasses] - passCpu[1]) / 1e9;
        out.printf("batch %d: warm-up pass %.2f s (not timed); timed passes 2-%d: %,d samples in %.2f s%n", b, (passEnd[1] - w0) / 1e9, nPasses,
                samples, secs);
        if (nPasses > 2) {
            StringBuilder sb = new StringBuilder();
            for (int k = 2; k <= nPasses; k++) sb.append(String.format("%s%,.0f", k > 2 ? ", " : "", nRows / ((passEnd[k] - passEnd[k - 1]) / 1e9)));
            out.printf("batch %d: per timed pass: %s samples/s%n", b, sb);
        }
        String line = String.format(Locale.ROOT, "batch %d: throughput %,.0f samples/s on %d threads (%,.0f per thread); cpu %.2f s of process CPU "
                        + "time = %,.0f samples per CPU-second (%.0f%% of %d threads busy)", b, rate, t, rate / t, cpu, samples / cpu,
                100 * cpu / (secs * t), t);
        out.println(line);
        out.flush();
        return line;
    }

    private static float[] predict(SparseNN m, CtrData test, int t) {
        try (CtrTrainer tr = new CtrTrainer(m, TrainConfig.defaults().toBuilder().threads(t).build())) {
            return tr.predict(test);
        }
    }

    /** Writes ids (int32, feature-major: 26 x rows), dense (float32, rows x 13), labels (int32) and table sizes (int32). */
    private int export(PrintWriter out, CtrData d) throws IOException {
        Files.createDirectories(exportData);
        int ns = d.numSparse(), n = d.rows();
        int[] ids = new int[ns * n];
        for (int f = 0; f < ns; f++) System.arraycopy(d.ids()[f], 0, ids, f * n, n);
        Npy.writeInt32(ids, exportData.resolve("ids.npy"));
        Table dense = Table.dense("dense", n, d.numDense());
        System.arraycopy(d.dense(), 0, dense.data(), 0, n * d.numDense());
        Npy.write(dense, exportData.resolve("dense.npy"));
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = d.labels()[i];
        Npy.writeInt32(labels, exportData.resolve("labels.npy"));
        Npy.writeInt32(d.tableRows(), exportData.resolve("table_rows.npy"));
        out.printf("exported %,d rows to %s (ids.npy %d x %d int32, dense.npy, labels.npy, table_rows.npy)%n", n, exportData, ns, n);
        return ExitCodes.OK;
    }

    /**
     * Runs one child JVM per table-size cap (this JVM's options and class path, the same benchmark
     * options) and copies each one's output; the first failing child's exit code is returned.
     */
    private int perSizeJvms(PrintWriter out, long[] caps) throws IOException, InterruptedException {
        for (long cap : caps) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (!a.startsWith("-D" + LAYOUT_PROPERTY + "=") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")) cmd.add(a);
            }
            String layout = tableLayout != null ? tableLayout : System.getProperty(LAYOUT_PROPERTY);
            if (layout != null) cmd.add("-D" + LAYOUT_PROPERTY + "=" + layout);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.sparsetrain.cli.Main", "benchmark", "sparsenn"));
            cmd.addAll(childArgs(cap));
            out.printf("=== --rows-per-table %,d: own JVM: %s%n", cap, String.join(" ", cmd.subList(cmd.indexOf("dev.sparsetrain.cli.Main"), cmd.size())));
            out.flush();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("WARNING: Using incubator modules")) continue;
                    out.println(line);
                    out.flush();
                }
            }
            int rc = p.waitFor();
            if (rc != 0) return rc;
        }
        return ExitCodes.OK;
    }

    /** This command's options for one cap (everything given explicitly, so the child runs the same benchmark). */
    List<String> childArgs(long cap) {
        int dim = dimension.dim();
        List<String> a = new ArrayList<>(List.of("--arch", arch.name().replace('_', '-'), "--rows-per-table", Long.toString(cap), "--dim",
                Integer.toString(dim), "--seed", Long.toString(seed.seed())));
        if (rows != null) a.addAll(List.of("--rows", rows.toString()));
        if (passes != null) a.addAll(List.of("--passes", passes.toString()));
        if (bottom != null) a.addAll(List.of("--bottom", join(bottom)));
        if (top != null) a.addAll(List.of("--top", join(top)));
        if (batch != null) a.addAll(List.of("--batch", join(batch)));
        if (lr != null) a.addAll(List.of("--lr", lr.toString()));
        if (tableLayout != null) a.addAll(List.of("--table-layout", tableLayout));
        if (threads.given() != null) a.addAll(List.of("--threads", threads.given().toString()));
        return a;
    }

    private static String join(int[] v) {
        return String.join(",", Arrays.stream(v).mapToObj(Integer::toString).toList());
    }

    private static String widths(int in, int[] hidden, int last) {
        StringBuilder sb = new StringBuilder().append(in);
        for (int w : hidden) sb.append('-').append(w);
        return sb.append('-').append(last).toString();
    }

    /** {@code 100000}, {@code 1e5} or {@code 1.5e7}: a whole positive count. */
    static long parseCount(String s) {
        double v;
        try {
            v = Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new BadInputException("--rows-per-table " + s + ", must be a count such as 100000 or 1e5");
        }
        if (!(v >= 1) || v > Integer.MAX_VALUE || v != Math.rint(v)) {
            throw new BadInputException("--rows-per-table " + s + ", must be a whole number in [1, " + Integer.MAX_VALUE + "]");
        }
        return (long) v;
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
