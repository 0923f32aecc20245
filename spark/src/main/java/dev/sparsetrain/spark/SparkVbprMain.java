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
 * collects the model to the driver to print test AUC and cold-start AUC and save an ordinary VBPR
 * model file that {@code ./sparsetrain evaluate --model FILE} and {@code recommend} read (the
 * file records the data the way {@code sparsetrain train --model vbpr} does).
 *
 * <pre>
 *   spark-submit --class dev.sparsetrain.spark.SparkVbprMain --master local[2] spark/target/sparsetrain-spark.jar \
 *       --data ../shared/data/tiktok-diffmm --epochs 20 --partitions 2 --out runs/vbpr-spark.model
 * </pre>
 * The data and model options are {@code train --model vbpr}'s own declarations
 * ({@link VbprDataOptions}: --data, default synthetic here, --features, --synthetic-*;
 * {@link VbprModelOptions}: --model, --factors, --visual-factors, --feature-preprocessing,
 * --optimizer GROUP=SPEC[:L2], --dense-batch), with --epochs and --seed; there is no validation or early stopping (--epochs is the
 * number of epochs), and --auto-balance is refused (its probe trains the whole model on one
 * machine): the groups train at the rates given. Bad input ends with one line on stderr and exit code 2.
 */
@Command(name = "sparsetrain-spark-vbpr", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains VBPR on Apache Spark (DSGD strata: user and item tables in P blocks on the executors; E and beta' averaged), "
                + "evaluates it on the driver and saves a model file that 'sparsetrain evaluate' and 'recommend' read.")
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

    @Option(names = "--auto-balance", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Refused on Spark: the probe trains the whole model on one machine. Default: off.")
    boolean autoBalance;

    @Option(names = "--out", paramLabel = "FILE", description = "Model file to write (on the driver). Default: runs/<model>-spark-<data>.model.")
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
        Path outPath = out != null ? out : Path.of("runs", cfg.variant().cliName() + "-spark-" + d.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".model");
        OutputPaths.requireFile("--out", outPath);   // before any training
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
            VbprModel m = res.model().collect();
            res.model().release();
            ColdStart.Figures test = m.evaluate(d, d.test(), Runtime.getRuntime().availableProcessors());   // on the driver; the figures do not depend on the threads
            w.printf(Locale.ROOT, "trained %d epoch(s) in %.2f s on %d blocks (%.0f samples/s)%n", res.history().size(), res.trainSeconds(), res.partitions(),
                    res.trainSeconds() > 0 ? res.samples() / res.trainSeconds() : 0);
            w.println("test: " + test);
            Map<String, String> meta = data.metadata(seed.seed());
            meta.put("trainer", "spark-sharded");
            meta.put("spark-partitions", Integer.toString(res.partitions()));
            meta.put("epochs", Integer.toString(cfg.maxEpochs()));
            meta.put("testAuc", Double.toString(test.auc()));
            meta.put("testColdAuc", Double.toString(test.coldAuc()));
            meta.put("seed", Long.toString(cfg.seed()));
            VbprFiles.save(outPath, m, cfg, meta);
            w.println("saved " + outPath);
            w.flush();
            return 0;
        } finally {
            if (given == null) sc.close();
        }
    }

    /** The configuration: VBPR's defaults for the variant with the options given, auto-balance off, one run, no early stopping. */
    VbprConfig config() {
        if (autoBalance) {
            throw new BadInputException("--auto-balance: not on Spark (its probe trains the whole model on one machine); the groups train at the rates of --optimizer");
        }
        if (threadsPerPartition < 1) throw new BadInputException("--threads-per-partition " + threadsPerPartition + ": must be >= 1");
        return model.apply(VbprConfig.defaults(model.variant()).withThreads(threadsPerPartition).withEpochs(epochs.epochs(), Math.max(1, epochs.epochs()))
                .withSeed(seed.seed()).withAutoBalance(false, Double.NaN));
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
