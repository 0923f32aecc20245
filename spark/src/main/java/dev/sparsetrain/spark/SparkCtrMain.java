package dev.sparsetrain.spark;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Checks;
import dev.sparsetrain.optim.Optimizers;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrFileSplit;
import dev.sparsetrain.data.ctr.CtrSchema;
import dev.sparsetrain.data.ctr.DenseTransform;
import dev.sparsetrain.data.ctr.EncoderConfig;
import dev.sparsetrain.data.ctr.EncoderState;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code spark-submit} entry point for click models: reads and encodes the data on the driver
 * as {@code sparsetrain ctr-train} does (a Criteo or Avazu file split in file order, or the
 * synthetic data with a planted click model), trains with {@link SparkCtrTrainer}, prints test NE,
 * logloss, AUC and calibration after every pass, and with {@code --save} writes the model with its
 * fitted encoder, a file {@code sparsetrain ctr-predict} reads.
 *
 * <pre>
 *   spark-submit --class dev.sparsetrain.spark.SparkCtrMain --master local[2] spark/target/sparsetrain-spark.jar \
 *       --data train.txt --train-rows 8000 --spark-partitions 2 --save runs/ctr-spark.model
 * </pre>
 * The data, model and training options have ctr-train's names and defaults (a subset: no
 * {@code --format schema}, strata, checkpoints or freezing); {@code --partitions} is, as there,
 * the shuffle's partitions; the Spark partitions are {@code --spark-partitions}. Bad input ends
 * with one line on stderr and exit code 2.
 */
@Command(name = "sparsetrain-spark-ctr", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a click model (SparseNN/DLRM, logistic regression, FM) on Apache Spark (row partitions, local SGD with model averaging), reports test NE, logloss, AUC and calibration, and saves a model file that 'sparsetrain ctr-predict' reads.")
public final class SparkCtrMain implements Callable<Integer> {
    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit (which sets it). Default: spark.master if set, else local[*].")
    String master;

    @Option(names = "--data", paramLabel = "FILE", description = "Click log read on the driver. Default: none, synthetic data with a planted click model (see --synthetic-rows).")
    Path data;

    @Option(names = "--format", defaultValue = "criteo", description = "criteo (TSV) or avazu (CSV with header). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--skip-bad", description = "Skip and count bad rows instead of stopping at the first.")
    boolean skipBad;

    @Option(names = "--train-rows", description = "First N rows train (file order). Default: 80%% of the rows.")
    Integer trainRows;

    @Option(names = "--test-rows", description = "The next M rows test. Default: all remaining rows.")
    Integer testRows;

    @Option(names = "--buckets", defaultValue = "100000", description = "Rows per sparse feature table (hashing), or vocabulary cap. Default: ${DEFAULT-VALUE}.")
    int buckets;

    @Option(names = "--min-count", defaultValue = "0", description = "0 = hashing trick; N >= 1 = vocabulary of ids seen at least N times in training. Default: ${DEFAULT-VALUE}.")
    int minCount;

    @Option(names = "--dense", defaultValue = "log1p", description = "Dense transform: none, log1p, standardize, log1p_standardize. Default: ${DEFAULT-VALUE}.")
    String dense;

    @Option(names = "--synthetic-rows", defaultValue = "100000", description = "Synthetic training rows (without --data); test rows are half as many. Default: ${DEFAULT-VALUE}.")
    int syntheticRows;

    @Option(names = "--model", defaultValue = "sparsenn", description = "sparsenn, logistic or fm. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--dim", defaultValue = "16", description = "Embedding dimension. Default: ${DEFAULT-VALUE}.")
    int dim;

    @Option(names = "--bottom", defaultValue = "64", description = "Bottom MLP hidden widths, comma-separated. Default: ${DEFAULT-VALUE}.")
    String bottom;

    @Option(names = "--top", defaultValue = "64", description = "Top MLP hidden widths, comma-separated. Default: ${DEFAULT-VALUE}.")
    String top;

    @Option(names = "--interaction", defaultValue = "dot", description = "dot or concat. Default: ${DEFAULT-VALUE}.")
    String interaction;

    @Option(names = "--init-std", defaultValue = "0.05", description = "Std of the embedding initialisation. Default: ${DEFAULT-VALUE}.")
    double initStd;

    @Option(names = "--batch", defaultValue = "256", description = "Mini-batch size of every partition. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--passes", defaultValue = "1", description = "num_passes over the training data. Default: ${DEFAULT-VALUE}.")
    int passes;

    @Option(names = "--shuffle", defaultValue = "within_partition", description = "none, within_partition or all (within each Spark partition's rows). Default: ${DEFAULT-VALUE}.")
    String shuffle;

    @Option(names = "--partitions", defaultValue = "8", description = "Partitions for --shuffle within_partition (not the Spark partitions). Default: ${DEFAULT-VALUE}.")
    int shufflePartitions;

    @Option(names = "--seed", defaultValue = "1", description = "Master seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--emb-optimizer", defaultValue = "rowwise_adagrad", description = "Optimizer of the embeddings group. Default: ${DEFAULT-VALUE}.")
    String embOptimizer;

    @Option(names = "--emb-lr", defaultValue = "0.05", description = "Learning rate of the embeddings group. Default: ${DEFAULT-VALUE}.")
    double embLr;

    @Option(names = "--mlp-optimizer", defaultValue = "adam", description = "Optimizer of the MLP groups. Default: ${DEFAULT-VALUE}.")
    String mlpOptimizer;

    @Option(names = "--mlp-lr", defaultValue = "0.003", description = "Learning rate of the MLP groups. Default: ${DEFAULT-VALUE}.")
    double mlpLr;

    @Option(names = "--mlp-l2", defaultValue = "0", description = "L2 on MLP weights, biases excluded. Default: off.")
    double mlpL2;

    @Option(names = "--emb-l2", defaultValue = "0", description = "L2 on embedding rows active in the batch. Default: off.")
    double embL2;

    @Option(names = "--sparse-dropout", defaultValue = "0", description = "Drop each sparse id of a training sample with this probability. Default: off.")
    double sparseDropout;

    @Option(names = "--mlp-dropout", defaultValue = "0", description = "Dropout of hidden MLP units. Default: off.")
    double mlpDropout;

    @Option(names = "--spark-partitions", defaultValue = "0", description = "Row partitions, one task each per round (0 = Spark's default parallelism). Default: ${DEFAULT-VALUE}.")
    int sparkPartitions;

    @Option(names = "--syncs-per-pass", defaultValue = "4", description = "Model synchronisations (broadcast, train, merge) per pass. Default: ${DEFAULT-VALUE}.")
    int syncsPerPass;

    @Option(names = "--merge", defaultValue = "touched", description = "How the partitions' embedding rows combine: touched (mean over the partitions that changed the row), average or sum; dense tensors are averaged. Default: ${DEFAULT-VALUE}.")
    String merge;

    @Option(names = "--threads-per-partition", defaultValue = "1", description = "Worker threads inside one task (the result does not depend on it). Default: ${DEFAULT-VALUE}.")
    int threadsPerPartition;

    @Option(names = "--save", paramLabel = "FILE", description = "Write the trained model with the fitted encoder (atomic); score new rows with 'sparsetrain ctr-predict'. Default: not saved.")
    Path save;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    private final JavaSparkContext given;
    private PrintWriter w;

    SparkCtrMain(JavaSparkContext given) {
        this.given = given;
    }

    /** Encoded train and test rows with a description, the encoder state to save and the planted test probabilities. */
    record Split(CtrData train, CtrData test, String description, EncoderState state, float[] planted) {}

    @Override
    public Integer call() {
        SparkBprMain.checkMaster(master);
        ModelConfig mc = modelConfig();
        TrainConfig tc = trainConfig();
        SparkCtrTrainer.Config cfg = new SparkCtrTrainer.Config(sparkPartitions, syncsPerPass, ItemMerge.parse(merge));
        if (save != null) OutputPaths.requireFile("--save", save);   // before any training
        Split s = load();
        w.println("data: " + s.description());
        if (s.planted() != null) w.println("planted model on test: " + CtrMetrics.evaluate(s.test().labels(), s.planted(), Double.NaN).format());
        w.flush();
        JavaSparkContext sc = given != null ? given : SparkBprMain.start(master, "sparsetrain click model");
        try {
            int P = cfg.partitions() > 0 ? cfg.partitions() : sc.defaultParallelism();
            w.printf(Locale.ROOT, "Spark %s, master %s: %s dim %d, %d row partitions, %d sync(s) per pass, merge %s, batch %d, %d pass(es), seed %d%n",
                    sc.version(), sc.master(), mc.type(), mc.embeddingDim(), P, cfg.roundsPerPass(), cfg.merge().cliName(), tc.batchSize(),
                    tc.numPasses(), tc.seed());
            w.flush();
            CtrEvaluation[] last = new CtrEvaluation[1];
            SparkCtrTrainer.Result r = SparkCtrTrainer.train(sc, s.train(), mc, tc, cfg, (pass, m) -> {
                last[0] = CtrMetrics.evaluate(s.test().labels(), m.predict(s.test()), Double.NaN);
                w.println("  test " + last[0].format());
                w.flush();
            }, line -> {
                w.println(line);
                w.flush();
            });
            w.printf(Locale.ROOT, "trained %d pass(es) in %.2f s on %d partitions (%.0f samples/s, broadcasts and merges included)%n",
                    r.history().size(), r.trainSeconds(), r.partitions(), r.trainSeconds() > 0 ? r.samples() / r.trainSeconds() : 0);
            if (save != null) {
                Map<String, String> meta = new LinkedHashMap<>();
                meta.put("data", s.description());
                meta.put("train", tc.toString());
                meta.put("test", last[0].format());
                meta.put("trainer", "spark");
                meta.put("spark-partitions", Integer.toString(r.partitions()));
                meta.put("spark-syncs-per-pass", Integer.toString(cfg.roundsPerPass()));
                meta.put("spark-merge", cfg.merge().cliName());
                if (s.state() != null) s.state().addTo(meta);
                r.model().save(save, meta, s.state() != null ? s.state().idMaps() : Map.of());
                w.println("saved: " + save.toAbsolutePath());
            }
            w.flush();
            return 0;
        } finally {
            if (given == null) sc.close();
        }
    }

    ModelConfig modelConfig() {
        ModelConfig.Type t = switch (model.toLowerCase(Locale.ROOT)) {
            case "sparsenn", "dlrm" -> ModelConfig.Type.SPARSENN;
            case "logistic", "lr" -> ModelConfig.Type.LOGISTIC;
            case "fm" -> ModelConfig.Type.FM;
            default -> throw new BadInputException("--model '" + model + "', allowed: sparsenn, logistic, fm");
        };
        ModelConfig.Interaction i = switch (interaction.toLowerCase(Locale.ROOT)) {
            case "dot" -> ModelConfig.Interaction.DOT;
            case "concat" -> ModelConfig.Interaction.CONCAT;
            default -> throw new BadInputException("--interaction '" + interaction + "', allowed: dot, concat");
        };
        return new ModelConfig(t, dim, widths("--bottom", bottom), widths("--top", top), i, initStd);
    }

    private static int[] widths(String option, String list) {
        try {
            return list.isBlank() ? new int[0] : Arrays.stream(list.split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new BadInputException(option + " '" + list + "': comma-separated widths >= 1 expected, e.g. 64,32");
        }
    }

    TrainConfig trainConfig() {
        TrainConfig.Shuffle sh;
        try {
            sh = TrainConfig.Shuffle.valueOf(shuffle.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--shuffle '" + shuffle + "', allowed: none, within_partition, all");
        }
        // checked here on the driver by option name: the trainer builds its optimizers inside the
        // Spark tasks, where a bad value would fail every task with Spark's stack traces
        Checks.atLeast("--threads-per-partition", threadsPerPartition, 1);
        Checks.positive("--emb-lr", embLr);
        Checks.positive("--mlp-lr", mlpLr);
        Checks.nonNegative("--emb-l2", embL2);
        Checks.nonNegative("--mlp-l2", mlpL2);
        Checks.probability("--sparse-dropout", sparseDropout);
        Checks.probability("--mlp-dropout", mlpDropout);
        return TrainConfig.defaults().toBuilder().batchSize(batch).numPasses(passes).shuffle(sh).partitions(shufflePartitions).threads(threadsPerPartition)
                .seed(seed).embeddingOptimizer(Optimizers.canonicalName("--emb-optimizer", embOptimizer), embLr)
                .mlpOptimizer(Optimizers.canonicalName("--mlp-optimizer", mlpOptimizer), mlpLr).mlpL2(mlpL2).embeddingL2(embL2)
                .sparseDropout(sparseDropout).mlpDropout(mlpDropout).build();
    }


    Split load() {
        if (data == null) {
            if (syntheticRows < 10) throw new BadInputException("--synthetic-rows " + syntheticRows + ", must be >= 10");
            // ctr-train's default synthetic data (the "study" shape)
            SyntheticCtr gen = new SyntheticCtr(SyntheticCtr.Config.study(seed));
            SyntheticCtr.Sample tr = gen.generate(syntheticRows, seed + 1), te = gen.generate(Math.max(5, syntheticRows / 2), seed + 2);
            return new Split(tr.data(), te.data(), String.format(Locale.ROOT, "synthetic (study shape): %d train rows, %d test rows, seed %d",
                    tr.data().rows(), te.data().rows(), seed), null, te.probability());
        }
        CtrSchema schema = switch (format.toLowerCase(Locale.ROOT)) {
            case "criteo" -> CtrSchema.criteo();
            case "avazu" -> CtrSchema.avazu();
            default -> throw new BadInputException("--format '" + format + "', allowed: criteo, avazu (ctr-train also reads --format schema)");
        };
        DenseTransform dt;
        try {
            dt = DenseTransform.valueOf(dense.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--dense '" + dense + "', allowed: none, log1p, standardize, log1p_standardize");
        }
        if (buckets < 1) throw new BadInputException("--buckets " + buckets + ", must be >= 1");
        if (minCount < 0) throw new BadInputException("--min-count " + minCount + ", must be >= 0");
        CtrFileSplit f = CtrFileSplit.read(data, format, schema, skipBad, trainRows, testRows, new EncoderConfig(dt, buckets, minCount, 0));
        return new Split(f.train(), f.test(), f.description(), f.state(), null);
    }

    /**
     * Runs the command line; {@code sc} is an existing context to train with (tests), or null to
     * start one from spark-submit's configuration or {@code --master}.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, JavaSparkContext sc) {
        SparkCtrMain app = new SparkCtrMain(sc);
        app.w = out;
        return SparkBprMain.execute(app, () -> app.verbose, args, out, err);
    }

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), null);
        if (code != 0) System.exit(code);
    }
}
