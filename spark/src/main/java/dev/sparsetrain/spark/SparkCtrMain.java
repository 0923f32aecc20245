package dev.sparsetrain.spark;

import dev.sparsetrain.core.Checks;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.options.ClickDataOptions;
import dev.sparsetrain.options.ClickFitOptions;
import dev.sparsetrain.options.ClickModelOptions;
import dev.sparsetrain.options.ClickTrainOptions;
import dev.sparsetrain.options.VerboseOption;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code spark-submit} entry point for click models: reads and encodes the data on the driver
 * as {@code sparsetrain ctr-train} does (a Criteo, Avazu or schema file split in file order, or the
 * synthetic data with a planted click model), trains with {@link SparkCtrTrainer}, prints test NE,
 * logloss, AUC and calibration after every pass, and with {@code --save} writes the model with its
 * fitted encoder, a file {@code sparsetrain ctr-predict} reads.
 *
 * <pre>
 *   spark-submit --class dev.sparsetrain.spark.SparkCtrMain --master local[2] spark/target/sparsetrain-spark.jar \
 *       --data train.txt --train-rows 8000 --spark-partitions 2 --save runs/ctr-spark.model
 * </pre>
 * The data, model and common training options are ctr-train's own declarations
 * ({@link ClickDataOptions}, {@link ClickModelOptions}, {@link ClickTrainOptions}: the same names,
 * defaults, help and checks, the optimizers, regularizers, clipping and freezing included; not
 * ctr-train's strata, checkpoints or threads); {@code --partitions} is, as there, the shuffle's partitions; the Spark
 * partitions are {@code --spark-partitions}. Bad input ends with one line on stderr and exit code 2.
 */
@Command(name = "sparsetrain-spark-ctr", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a click model (SparseNN/DLRM, logistic regression, FM) on Apache Spark (row partitions, local SGD with model averaging), reports test NE, logloss, AUC and calibration, and saves a model file that 'sparsetrain ctr-predict' reads.",
                "--batch, --shuffle and --partitions apply within each Spark partition's rows."})
public final class SparkCtrMain implements Callable<Integer> {
    @Mixin SparkContextOptions context = new SparkContextOptions();

    /** Data, architecture and the common training options: ctr-train's, declared once in module options. */
    @Mixin ClickDataOptions data = new ClickDataOptions();

    @Mixin ClickModelOptions model = new ClickModelOptions();

    @Mixin ClickTrainOptions train = new ClickTrainOptions();

    @Mixin ClickFitOptions fit = new ClickFitOptions(true);

    @Option(names = "--spark-partitions", defaultValue = "0", description = "Row partitions, one task each per round (0 = Spark's default parallelism; --partitions is the shuffle's). Default: ${DEFAULT-VALUE}.")
    int sparkPartitions;

    @Option(names = "--syncs-per-pass", defaultValue = "4", description = "Model synchronisations (broadcast, train, merge) per pass. Default: ${DEFAULT-VALUE}.")
    int syncsPerPass;

    @Mixin PartitionOptions tasks = new PartitionOptions();

    @Option(names = "--embeddings", defaultValue = "broadcast", description = "broadcast (every round sends every table to every partition; the driver holds the model) "
            + "or sharded (rows partitioned by id across the executors with their optimizer state, fetched by a join each round; the driver never holds a table; "
            + "--save writes a directory of part files). Default: ${DEFAULT-VALUE}.")
    String embeddings;

    @Option(names = "--embedding-shards", defaultValue = "0", description = "With --embeddings sharded: partitions of the embedding rows (0 = --spark-partitions). Default: ${DEFAULT-VALUE}.")
    int embeddingShards;

    @Mixin VerboseOption verbose = new VerboseOption();

    private final JavaSparkContext given;
    private PrintWriter w;

    SparkCtrMain(JavaSparkContext given) {
        this.given = given;
    }

    @Override
    public Integer call() {
        context.check();
        ModelConfig mc = model.config();
        TrainConfig tc = trainConfig();
        SparkCtrTrainer.Config cfg = new SparkCtrTrainer.Config(sparkPartitions, syncsPerPass, tasks.merge(), fit.refitBias());
        boolean sharded = switch (embeddings.trim().toLowerCase(Locale.ROOT)) {
            case "broadcast" -> false;
            case "sharded" -> true;
            default -> throw new dev.sparsetrain.core.BadInputException("--embeddings '" + embeddings + "': use broadcast or sharded");
        };
        ShardedCtrTrainer.Config scfg = null;
        if (sharded) {
            if (cfg.merge() != ItemMerge.TOUCHED) {
                throw new dev.sparsetrain.core.BadInputException("--merge " + cfg.merge().cliName()
                        + " with --embeddings sharded: sharded rows are the mean over the partitions that changed them (touched), weights and optimizer state alike");
            }
            scfg = new ShardedCtrTrainer.Config(sparkPartitions, embeddingShards, syncsPerPass, fit.refitBias());
            if (fit.save() != null && java.nio.file.Files.exists(fit.save())) {
                throw new dev.sparsetrain.core.BadInputException("--save " + fit.save() + ": exists; remove it or choose another directory (sharded models are directories)");
            }
        } else if (embeddingShards != 0) {
            throw new dev.sparsetrain.core.BadInputException("--embedding-shards " + embeddingShards + ": only with --embeddings sharded");
        } else if (fit.save() != null) {
            OutputPaths.requireFile("--save", fit.save());   // before any training
        }
        data.refuseDynamicIds("the Spark trainer");
        ClickDataOptions.Split s = data.load(tc.seed());
        w.println("data: " + s.description());
        if (s.plantedTestProbability() != null) {
            w.println("planted model on test: " + CtrMetrics.evaluate(s.test().labels(), s.plantedTestProbability(), Double.NaN).format());
        }
        w.flush();
        JavaSparkContext sc = context.open(given, "sparsetrain click model");
        try {
            int P = cfg.partitions() > 0 ? cfg.partitions() : sc.defaultParallelism();
            w.printf(Locale.ROOT, "Spark %s, master %s: %s dim %d, %d row partitions, %d sync(s) per pass, merge %s, batch %d, %d pass(es), seed %d%n",
                    sc.version(), sc.master(), mc.type(), mc.embeddingDim(), P, cfg.roundsPerPass(), cfg.merge().cliName(), tc.batchSize(),
                    tc.numPasses(), tc.seed());
            w.flush();
            if (sharded) return sharded(sc, s, mc, tc, scfg);
            CtrEvaluation[] last = new CtrEvaluation[1];
            SparkCtrTrainer.Result r = SparkCtrTrainer.train(sc, s.train(), mc, tc, cfg, (pass, m) -> {
                last[0] = CtrMetrics.evaluate(s.test().labels(), m.predict(s.test()), Double.NaN);
                w.println("  test " + last[0].format());
                w.flush();
            }, this::line);
            w.printf(Locale.ROOT, "trained %d pass(es) in %.2f s on %d partitions (%.0f samples/s, broadcasts and merges included)%n",
                    r.history().size(), r.trainSeconds(), r.partitions(), r.trainSeconds() > 0 ? r.samples() / r.trainSeconds() : 0);
            if (fit.save() != null) {
                Map<String, String> meta = meta(s, tc, last[0], "spark", r.partitions(), cfg.roundsPerPass(), r.biasShift());
                meta.put("spark-merge", cfg.merge().cliName());
                r.model().save(fit.save(), meta, s.state() != null ? s.state().idMaps() : Map.of());
                w.println("saved: " + fit.save().toAbsolutePath());
            }
            w.flush();
            return 0;
        } finally {
            if (given == null) sc.close();
        }
    }

    /** Training with the tables sharded by id ({@link ShardedCtrTrainer}): evaluated and saved on the executors. */
    private int sharded(JavaSparkContext sc, ClickDataOptions.Split s, ModelConfig mc, TrainConfig tc, ShardedCtrTrainer.Config cfg) {
        CtrEvaluation[] last = new CtrEvaluation[1];
        ShardedCtrTrainer.Result r = ShardedCtrTrainer.train(sc, s.train(), mc, tc, cfg, (pass, m) -> {
            last[0] = CtrMetrics.evaluate(s.test().labels(), m.predict(s.test()), Double.NaN);
            w.println("  test " + last[0].format());
            w.flush();
        }, this::line);
        long read = 0, written = 0;
        for (ShardedCtrTrainer.RoundStats rs : r.rounds()) {
            read += rs.shuffle().read();
            written += rs.shuffle().written();
        }
        int n = Math.max(1, r.rounds().size());
        w.printf(Locale.ROOT, "trained %d pass(es) in %.2f s on %d partitions, %d embedding shards (%.0f samples/s); %d rows exist; shuffled per round: read %s, written %s%n",
                r.history().size(), r.trainSeconds(), r.partitions(), r.model().shards(), r.trainSeconds() > 0 ? r.samples() / r.trainSeconds() : 0,
                r.rounds().isEmpty() ? 0 : r.rounds().get(r.rounds().size() - 1).tableRows(), ShuffleBytes.human(read / n), ShuffleBytes.human(written / n));
        if (fit.save() != null) {
            Map<String, String> meta = meta(s, tc, last[0], "spark-sharded", r.partitions(), cfg.roundsPerPass(), r.biasShift());
            meta.put("spark-embedding-shards", Integer.toString(r.model().shards()));
            r.model().save(fit.save(), meta, s.state() != null ? s.state().idMaps() : Map.of());
            w.println("saved: " + fit.save().toAbsolutePath() + " (" + r.model().shards() + " part files and a manifest)");
        }
        w.flush();
        return 0;
    }

    /** One line of the trainers' progress. */
    private void line(String l) {
        w.println(l);
        w.flush();
    }

    /** A saved model's metadata: the data, the whole training configuration, the last test figures, the trainer and the fitted encoder. */
    private static Map<String, String> meta(ClickDataOptions.Split s, TrainConfig tc, CtrEvaluation last, String trainer, int partitions,
                                            int syncsPerPass, double biasShift) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("data", s.description());
        meta.put("train", tc.toString());
        if (last != null) meta.put("test", last.format());
        meta.put("trainer", trainer);
        meta.put("spark-partitions", Integer.toString(partitions));
        meta.put("spark-syncs-per-pass", Integer.toString(syncsPerPass));
        if (!Double.isNaN(biasShift)) meta.put("spark-bias-refit-shift", String.format(Locale.ROOT, "%.6g", biasShift));
        if (s.state() != null) s.state().addTo(meta);
        return meta;
    }

    /** The training configuration: the common options checked by option name on the driver, --passes and --threads-per-partition. */
    TrainConfig trainConfig() {
        // checked here on the driver by option name: the trainer builds its optimizers inside the
        // Spark tasks, where a bad value would fail every task with Spark's stack traces
        Checks.atLeast("--threads-per-partition", tasks.threadsPerPartition(), 1);
        return train.config(fit.passes(), tasks.threadsPerPartition());
    }

    /**
     * Runs the command line; {@code sc} is an existing context to train with (tests), or null to
     * start one from spark-submit's configuration or {@code --master}.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, JavaSparkContext sc) {
        SparkCtrMain app = new SparkCtrMain(sc);
        app.w = out;
        return SparkBprMain.execute(app, () -> app.verbose.verbose(), args, out, err);
    }

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), null);
        if (code != 0) System.exit(code);
    }
}
