package dev.sparsetrain.spark;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.metrics.ranking.ColdStart;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprFiles;
import dev.sparsetrain.models.vbpr.VbprModel;
import dev.sparsetrain.options.EpochsOption;
import dev.sparsetrain.options.SeedOption;
import dev.sparsetrain.options.VbprDataOptions;
import dev.sparsetrain.options.VbprModelOptions;
import dev.sparsetrain.options.VerboseOption;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code spark-submit} entry point for VBPR (and visual-only): reads the data on the driver
 * (the synthetic set with planted visual structure, or a folder with train/val/test.tsv and
 * image_feat.npy such as tiktok-diffmm), trains with {@link ShardedVbprTrainer} (DSGD strata: the
 * user and item tables sharded over the executors, E and beta' averaged on the driver), then
 * saves it: by default as a directory of id-partitioned part files that the executors write
 * ({@link ShardedVbprModel#save}), or, when {@code --out} ends in {@code .model}, as one ordinary
 * VBPR file from the model collected to the driver. {@code ./sparsetrain evaluate --model DIR|FILE},
 * {@code recommend} and {@code serve} read both (they record the data the way
 * {@code sparsetrain train --model vbpr} does). Test AUC and cold-start AUC are printed from the
 * saved set read back on the driver (or the collected model); only the single file records them.
 *
 * <pre>
 *   spark-submit --class dev.sparsetrain.spark.SparkVbprMain --master local[2] spark/target/sparsetrain-spark.jar \
 *       --data ../shared/data/tiktok-diffmm --epochs 20 --partitions 2 --out runs/vbpr-spark
 * </pre>
 * The data and model options are {@code train --model vbpr}'s own declarations
 * ({@link VbprDataOptions}: --data, default synthetic here, --features, --synthetic-*;
 * {@link VbprModelOptions}: --model, --factors, --visual-factors, --feature-preprocessing,
 * --optimizer GROUP=SPEC[:L2], --dense-batch), with --epochs and --seed; there is no validation or
 * early stopping (--epochs is the number of epochs). --auto-balance (on by default, as for
 * {@code train}) probes in one task per cell of the first stratum, so no party holds the whole
 * model ({@link ShardedVbprTrainer#balance}). Bad input ends with one line on stderr and exit code 2.
 */
@Command(name = "sparsetrain-spark-vbpr", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains VBPR on Apache Spark (DSGD strata: user and item tables in P blocks on the executors; E and beta' averaged), "
                + "saves it as part files (or one FILE.model) that 'sparsetrain evaluate', 'recommend' and 'serve' read, and evaluates it on the driver.")
public final class SparkVbprMain implements Callable<Integer> {
    @Mixin SparkContextOptions context = new SparkContextOptions();

    @Mixin VbprDataOptions data = new VbprDataOptions("synthetic");

    @Mixin VbprModelOptions model = new VbprModelOptions();

    @Mixin EpochsOption epochs = new EpochsOption(20);

    @Mixin SeedOption seed = new SeedOption(42);

    @Option(names = "--partitions", defaultValue = "0", description = "P: user and item blocks, P tasks per sub-epoch (0 = Spark's default parallelism). Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--threads-per-partition", defaultValue = "1", description = "Hogwild threads inside one task. Default: ${DEFAULT-VALUE}.")
    int threadsPerPartition;

    @Option(names = "--auto-balance", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Set per-group learning-rate multipliers from a probe so every group's update/weight ratio meets the target, as 'train --model vbpr' "
                    + "does; on Spark the probe runs in one task per cell of the first stratum and the multipliers are their geometric mean. Default: on.")
    boolean autoBalance;

    @Option(names = "--balance-target", description = "Target update/weight ratio for --auto-balance (default: the median of the groups).")
    Double balanceTarget;

    @Option(names = "--out", paramLabel = "DIR|FILE.model", description = "Where to save: a directory of part files written by the executors (any name not ending in .model; "
            + "must not exist, on a file system the driver and executors share), or FILE.model: one VBPR file, the model collected to the driver. "
            + "Default: runs/<model>-spark-<data> (part files).")
    Path out;

    @Mixin VerboseOption verbose = new VerboseOption();

    /** This command: tells which options were typed (a --synthetic-* option with real data is refused). */
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    private final JavaSparkContext given;
    private PrintWriter w;

    SparkVbprMain(JavaSparkContext given) {
        this.given = given;
    }

    @Override
    public Integer call() {
        context.check();
        VbprConfig cfg = config();
        if (partitions < 0) throw new BadInputException("--partitions " + partitions + ": must be >= 0 (0 = Spark's default parallelism)");
        FeatureDataset d = data.load(seed.seed(), spec != null ? spec.commandLine().getParseResult() : null, cfg.preprocessing());
        Path outPath = out != null ? out : Path.of("runs", cfg.variant().cliName() + "-spark-" + d.name().replaceAll("[^A-Za-z0-9._-]", "_"));
        boolean single = singleFile(outPath);
        if (single) {
            OutputPaths.requireFile("--out", outPath);   // before any training
        } else {
            if (Files.exists(outPath)) {
                throw new BadInputException("--out " + outPath + ": exists; remove it or choose another directory (a sharded model is a directory of part files; "
                        + "a name ending in .model writes one file)");
            }
            OutputPaths.requireFolder("--out", outPath);
        }
        w.println(d);
        w.flush();
        JavaSparkContext sc = context.open(given, "sparsetrain VBPR");
        try {
            int P = partitions > 0 ? partitions : sc.defaultParallelism();
            w.printf(Locale.ROOT, "Spark %s, master %s: %s, K %d, K' %d, sharded tables: %d user x %d item blocks (DSGD strata), dense batch %d, %d epochs, seed %d%n",
                    sc.version(), sc.master(), cfg.variant(), cfg.factors(), cfg.visualFactors(), P, P, cfg.denseBatch(), cfg.maxEpochs(), cfg.seed());
            w.flush();
            var res = ShardedVbprTrainer.train(sc, d, cfg, partitions, line -> {
                w.println("  " + line);
                w.flush();
            });
            Map<String, String> meta = data.metadata(seed.seed());
            meta.put("trainer", "spark-sharded");
            meta.put("spark-partitions", Integer.toString(res.partitions()));
            meta.put("epochs", Integer.toString(cfg.maxEpochs()));
            meta.put("seed", Long.toString(cfg.seed()));
            meta.put("notes", res.balance() == null ? "" : res.balance().describe());
            w.printf(Locale.ROOT, "trained %d epoch(s) in %.2f s on %d blocks (%.0f samples/s)%n", res.history().size(), res.trainSeconds(), res.partitions(),
                    res.trainSeconds() > 0 ? res.samples() / res.trainSeconds() : 0);
            VbprModel m;
            if (single) {
                m = res.model().collect();
                res.model().release();
            } else {
                // the executors write the rows; the driver then reads the set back to evaluate it, as evaluate would
                res.model().save(outPath, meta);
                res.model().release();
                w.println("saved " + outPath + " (" + res.partitions() + " part file" + (res.partitions() == 1 ? "" : "s") + ")");
                m = VbprFiles.read(outPath).model();
            }
            ColdStart.Figures test = m.evaluate(d, d.test(), Runtime.getRuntime().availableProcessors());   // on the driver; the figures do not depend on the threads
            w.println("test: " + test);
            if (single) {
                meta.put("testAuc", Double.toString(test.auc()));
                meta.put("testColdAuc", Double.toString(test.coldAuc()));
                VbprFiles.save(outPath, m, cfg, meta);
                w.println("saved " + outPath);
            }
            w.flush();
            return 0;
        } finally {
            if (given == null) sc.close();
        }
    }

    /** The output rule: a name ending in {@code .model} is one VBPR file (the model collected to the driver), anything else a directory of part files. */
    static boolean singleFile(Path out) {
        return out.getFileName() != null && out.getFileName().toString().endsWith(".model");
    }

    /** The configuration: VBPR's defaults for the variant with the options given (auto-balance on unless --no-auto-balance), one run, no early stopping. */
    VbprConfig config() {
        if (balanceTarget != null && !(balanceTarget > 0 && balanceTarget < Double.POSITIVE_INFINITY)) {
            throw new BadInputException("--balance-target " + balanceTarget + ": must be a finite number > 0 (omit it for the median of the groups)");
        }
        if (threadsPerPartition < 1) throw new BadInputException("--threads-per-partition " + threadsPerPartition + ": must be >= 1");
        return model.apply(VbprConfig.defaults(model.variant()).withThreads(threadsPerPartition).withEpochs(epochs.epochs(), Math.max(1, epochs.epochs()))
                .withSeed(seed.seed()).withAutoBalance(autoBalance, balanceTarget == null ? Double.NaN : balanceTarget));
    }

    /**
     * Runs the command line; {@code sc} is an existing context to train with (tests), or null to
     * start one from spark-submit's configuration or {@code --master}.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, JavaSparkContext sc) {
        SparkVbprMain app = new SparkVbprMain(sc);
        app.w = out;
        return SparkBprMain.execute(app, () -> app.verbose.verbose(), args, out, err);
    }

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), null);
        if (code != 0) System.exit(code);
    }
}
