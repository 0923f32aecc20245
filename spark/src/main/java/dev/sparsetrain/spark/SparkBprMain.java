package dev.sparsetrain.spark;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.data.DelimitedFormat;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.metrics.ranking.PopularityScorer;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.options.BprOptions;
import dev.sparsetrain.options.CutoffsOption;
import dev.sparsetrain.options.EpochsOption;
import dev.sparsetrain.options.ImplicitDataOptions;
import dev.sparsetrain.options.ModelOutOption;
import dev.sparsetrain.options.PositivesOption;
import dev.sparsetrain.options.SeedOption;
import dev.sparsetrain.options.VerboseOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code spark-submit} entry point: reads and splits the data on the driver with the
 * project's readers ({@code --data}) or on the executors ({@code --input}, {@link SparkInput}),
 * trains BPR-MF with {@link SparkBprTrainer} on the cluster, evaluates (full ranking, beside
 * popularity) and saves an ordinary BPR-MF model file. With {@code --data} the file records the
 * data and split the way {@code sparsetrain train} does, so that
 * {@code ./sparsetrain evaluate --model FILE} and {@code recommend} read it as they read any; with
 * {@code --input} its split ({@code loo-spark}) is the executors' own, and they refuse it in one line.
 *
 * <pre>
 *   spark-submit --class dev.sparsetrain.spark.SparkBprMain --master local[2] \
 *       spark/target/sparsetrain-spark.jar --data ml-100k --data-root ../shared/data --out runs/spark.model
 * </pre>
 * The master comes from {@code spark-submit} ({@code spark.master}); without one (a plain
 * {@code java} run) it is {@code --master}, default {@code local[*]}. Bad input ends with one line
 * on stderr and exit code 2, before any Spark context starts when the options are at fault.
 */
@Command(name = "sparsetrain-spark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains BPR-MF on Apache Spark (user partitions, item table synchronised by averaged deltas), evaluates it and saves a model file that 'sparsetrain evaluate' and 'recommend' read.")
public final class SparkBprMain implements Callable<Integer> {
    static final int BAD_INPUT = 2;

    @Mixin SparkContextOptions context = new SparkContextOptions();

    @Option(names = "--input", paramLabel = "URI",
            description = "Read the interactions on the executors instead of the driver: any path Spark reads (file:, hdfs:, s3a:, ...), delimited as --delimiter/--columns/--header (the header line of every file is dropped), UTF-8, split leave-one-out per user on the executors and evaluated there. Default: none (--data, read on the driver).")
    String input;

    /** --data and its format, filter and split: the options of 'sparsetrain train', so that evaluate and recommend rebuild the same data from the metadata. */
    @Mixin ImplicitDataOptions data = new ImplicitDataOptions();

    @Mixin BprOptions bpr = new BprOptions();

    @Option(names = "--optimizer", defaultValue = "sgd", description = "Optimizer of the factor group (adaptive ones keep their state per partition; item moments are not averaged). Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Mixin EpochsOption epochs = new EpochsOption(20);

    @Mixin SeedOption seed = new SeedOption(42);

    @Mixin PositivesOption positives = new PositivesOption();

    @Option(names = "--partitions", defaultValue = "0", description = "User partitions, one task each per round (0 = Spark's default parallelism). Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--syncs-per-epoch", defaultValue = "1", description = "Item-table synchronisations per epoch. Default: ${DEFAULT-VALUE}.")
    int syncsPerEpoch;

    @Mixin PartitionOptions tasks = new PartitionOptions();

    @Option(names = "--tables", defaultValue = "broadcast", description = "broadcast (the item table broadcast every round, the driver holds the model) or sharded (DSGD strata: user and item tables in P blocks on the executors, no merge, saved as part files; see ShardedBprTrainer). Default: ${DEFAULT-VALUE}.")
    String tables;

    @Mixin CutoffsOption ks = new CutoffsOption();

    @Option(names = "--eval-users", paramLabel = "N", defaultValue = "0",
            description = "With --input: rank all items for a sample of about N users with held-out items (each kept with probability N/users, by a hash of "
                    + "its index and --seed), not for every user: full ranking costs users x items x factors. 0 = every user. Default: ${DEFAULT-VALUE}.")
    int evalUsers;

    @Mixin ModelOutOption out = new ModelOutOption();

    @Mixin VerboseOption verbose = new VerboseOption();

    private final JavaSparkContext given;
    private PrintWriter w;

    SparkBprMain(JavaSparkContext given) {
        this.given = given;
    }

    @Override
    public Integer call() {
        boolean sharded = switch (tables.toLowerCase(Locale.ROOT)) {
            case "broadcast" -> false;
            case "sharded" -> true;
            default -> throw new BadInputException("--tables '" + tables + "': use broadcast or sharded");
        };
        if (evalUsers < 0) throw new BadInputException("--eval-users " + evalUsers + ": must be >= 0 (0 = every user)");
        if (input != null) return distributed(sharded);
        if (evalUsers != 0) {
            throw new BadInputException("--eval-users applies with --input (the executors' evaluation); with --data the driver evaluates every user");
        }
        SparkBprConfig cfg = config();
        ImplicitDataOptions.Loaded d = data.load();
        Split s = data.split(d.all());
        ks.checked();
        Path outPath = out.or(Path.of("runs", "bpr-spark-" + d.name().replaceAll("[^A-Za-z0-9._-]", "_") + (sharded ? ".parts" : ".model")));
        if (sharded) requireNewDirectory(outPath);
        else OutputPaths.requireFile("--out", outPath);   // before any training
        w.println(d.summary());
        w.printf(Locale.ROOT, "split %s: %d training pairs, %d held out%n", data.splitName(), s.train().size(), s.test().size());
        w.flush();
        JavaSparkContext sc = context.open(given, "sparsetrain BPR-MF");
        try {
            int P = cfg.partitions() > 0 ? cfg.partitions() : sc.defaultParallelism();
            if (sharded) {
                w.printf(Locale.ROOT, "Spark %s, master %s: BPR-MF, %d factors, sharded tables: %d user x %d item blocks (DSGD strata), %d epochs, seed %d%n",
                        sc.version(), sc.master(), cfg.bpr().factors(), P, P, cfg.epochs(), cfg.seed());
            } else {
                w.printf(Locale.ROOT, "Spark %s, master %s: BPR-MF, %d factors, %d user partitions, %d sync(s) per epoch, merge %s, %d epochs, seed %d%n",
                        sc.version(), sc.master(), cfg.bpr().factors(), P, cfg.syncsPerEpoch(), cfg.merge().cliName(), cfg.epochs(), cfg.seed());
            }
            w.flush();
            if (sharded) return sharded(sc, cfg, d, s, outPath);
            var res = SparkBprTrainer.train(sc, s.train(), cfg, line -> {
                w.println("  " + line);
                w.flush();
            });
            w.printf(Locale.ROOT, "trained %d epochs in %.2f s on %d partitions (%.0f samples/s, broadcast and aggregation included)%n",
                    res.history().size(), res.trainSeconds(), res.partitions(), res.trainSeconds() > 0 ? res.samples() / res.trainSeconds() : 0);
            String warning = divergence(res.history());
            if (warning != null) w.println(warning);
            RankingEvaluator.Options eo = RankingEvaluator.Options.defaults().withKs(ks.ks());
            RankingReport r = RankingEvaluator.evaluate(res.model(), s.test(), List.of(s.train()), eo);
            RankingReport pop = RankingEvaluator.evaluate(new PopularityScorer(s.train()), s.test(), List.of(s.train()), eo);
            w.print(RankingReport.table("BPR-MF (Spark)", r, "popularity", pop));
            Map<String, String> meta = metadata(cfg, res.partitions());
            meta.put("test-auc", String.format(Locale.ROOT, "%.6f", r.auc()));
            BprFiles.save(outPath, res.model(), s.train().users(), s.train().items(), meta);
            w.printf(Locale.ROOT, "saved %s%n", outPath);
            w.flush();
            return 0;
        } finally {
            if (given == null) sc.close();
        }
    }

    /** A warning when the training loss ended well above its lowest epoch (the merge overshooting), else null. */
    static String divergence(List<SparkBprTrainer.EpochStats> history) {
        if (history.isEmpty()) return null;
        SparkBprTrainer.EpochStats best = history.get(0), last = history.get(history.size() - 1);
        for (var e : history) if (e.loss() < best.loss()) best = e;
        if (!(last.loss() > 2 * best.loss()) && Double.isFinite(last.loss())) return null;
        return String.format(Locale.ROOT, "warning: the training loss rose from %.4f (epoch %d) to %.4f (epoch %d): the partitions' item changes overshoot;"
                + " use --merge touched or raise --syncs-per-epoch", best.loss(), best.epoch(), last.loss(), last.epoch());
    }

    /** Master URLs Spark 4 accepts (checked before the data is read; Spark itself would fail with a stack trace). */
    static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
            "local|local\\[(\\*|[1-9][0-9]*)(,[0-9]+)?]|local-cluster\\[[0-9]+, *[0-9]+, *[0-9]+]|spark://.+|yarn|k8s://.+");

    /**
     * --input: read, split, train and evaluate on the executors; the driver holds the id maps and
     * the model, or with {@code sharded} only the id maps and counts (the part files are written
     * by the executors).
     */
    private int distributed(boolean sharded) {
        SparkBprConfig cfg = config();
        if (!data.data().equals("synthetic")) throw new BadInputException("--input and --data: give one (--input is read by the executors, --data by the driver)");
        if (!data.splitName().equalsIgnoreCase("loo")) {
            throw new BadInputException("--split '" + data.splitName() + "': --input supports loo only (the executors split per user at random"
                    + (dev.sparsetrain.data.Splits.isTemporal(data.splitName()) ? " and read no timestamps; use --data FILE --time-column N for a temporal split)" : ")"));
        }
        if (data.timeColumn() != null) throw new BadInputException("--time-column: --input reads no timestamps; use --data FILE for a temporal split");
        if (!data.charset().equalsIgnoreCase("UTF-8")) throw new BadInputException("--charset '" + data.charset() + "': --input reads UTF-8 only");
        if (data.skipMalformed()) throw new BadInputException("--skip-malformed: --input stops at the first malformed line; read the file with --data to skip them");
        DelimitedFormat f = data.format();
        ks.checked();
        Path outPath = out.or(Path.of("runs", "bpr-spark-input" + (sharded ? ".parts" : ".model")));
        if (sharded) requireNewDirectory(outPath);
        else OutputPaths.requireFile("--out", outPath);
        JavaSparkContext sc = context.open(given, "sparsetrain BPR-MF");
        SparkInput.Prepared d = null;
        SparkBprTrainer.Trained t = null;
        ShardedBprTrainer.Result sr = null;
        try {
            int P = cfg.partitions() > 0 ? cfg.partitions() : sc.defaultParallelism();
            d = SparkInput.read(sc, input, f, data.threshold() == null ? Double.NaN : data.threshold(), data.splitSeed(), P);
            w.println(SparkInput.describe(d, input));
            if (sharded) {
                w.printf(Locale.ROOT, "Spark %s, master %s: BPR-MF, %d factors, sharded tables: %d user x %d item blocks (DSGD strata), %d epochs, seed %d%n",
                        sc.version(), sc.master(), cfg.bpr().factors(), d.partitions(), d.partitions(), cfg.epochs(), cfg.seed());
            } else {
                w.printf(Locale.ROOT, "Spark %s, master %s: BPR-MF, %d factors, %d user partitions, %d sync(s) per epoch, merge %s, %d epochs, seed %d%n",
                        sc.version(), sc.master(), cfg.bpr().factors(), d.partitions(), cfg.syncsPerEpoch(), cfg.merge().cliName(), cfg.epochs(), cfg.seed());
            }
            w.flush();
            RankingReport[] r;
            Map<String, String> meta;
            if (sharded) {
                sr = ShardedBprTrainer.train(sc, d, cfg, line -> {
                    w.println("  " + line);
                    w.flush();
                });
                meta = shardedTrained(cfg, sr);
                inputMetadata(meta);
                r = SparkInput.evaluate(sc, d, sr.model(), ks.ks(), evalUsers, cfg.seed());
            } else {
                t = SparkBprTrainer.train(sc, d, cfg, line -> {
                    w.println("  " + line);
                    w.flush();
                });
                var res = t.result();
                w.printf(Locale.ROOT, "trained %d epochs in %.2f s on %d partitions (%.0f samples/s, broadcast and aggregation included)%n",
                        res.history().size(), res.trainSeconds(), res.partitions(), res.trainSeconds() > 0 ? res.samples() / res.trainSeconds() : 0);
                String warning = divergence(res.history());
                if (warning != null) w.println(warning);
                meta = metadata(cfg, res.partitions());
                inputMetadata(meta);
                r = SparkInput.evaluate(sc, d, t, ks.ks(), evalUsers, cfg.seed());
            }
            w.print(RankingReport.table(sharded ? "BPR-MF (Spark, sharded)" : "BPR-MF (Spark)", r[0], "popularity", r[1]));
            w.println("(evaluated on the executors" + (evalUsers > 0 && evalUsers < d.users().size() ? ", over a sample of " + r[0].users() + " users" : "")
                    + "; coverage is not combined across partitions)");
            meta.put("test-auc", String.format(Locale.ROOT, "%.6f", r[0].auc()));
            if (sharded) {
                Map<String, List<String>> ids = new LinkedHashMap<>();
                ids.put("users", d.users().ids());
                ids.put("items", d.items().ids());
                sr.model().save(outPath, meta, ids);
                w.printf(Locale.ROOT, "saved %s (%d part files and a manifest)%n", outPath, sr.partitions());
            } else {
                BprFiles.save(outPath, t.result().model(), d.users(), d.items(), meta);
                w.printf(Locale.ROOT, "saved %s%n", outPath);
            }
            w.flush();
            return 0;
        } finally {
            if (sr != null) sr.model().release();
            if (t != null) t.release();
            if (d != null) d.release();
            if (given == null) sc.close();
        }
    }

    /** The metadata of an --input run: the input and its format instead of the synthetic settings, split loo-spark. */
    private void inputMetadata(Map<String, String> meta) {
        for (String key : new String[] {"synthetic-users", "synthetic-items", "synthetic-seed", "test-fraction"}) meta.remove(key);
        meta.put("data", input);
        meta.put("delimiter", data.delimiter());
        meta.put("columns", data.columns());
        meta.put("header", Boolean.toString(data.header()));
        meta.put("split", "loo-spark");
    }

    /** A sharded model is a directory of part files: refused before any training if it exists. */
    private static void requireNewDirectory(Path outPath) {
        if (java.nio.file.Files.exists(outPath)) {
            throw new BadInputException("--out " + outPath + ": exists; remove it or choose another directory (a sharded model is a directory of part files)");
        }
    }

    /** Prints a sharded run's figures and returns its metadata (no merge settings: nothing is merged). */
    private Map<String, String> shardedTrained(SparkBprConfig cfg, ShardedBprTrainer.Result res) {
        long max = 0, sum = 0;
        for (ShuffleBytes.Bytes x : res.shuffled()) {
            max = Math.max(max, x.written());
            sum += x.written();
        }
        w.printf(Locale.ROOT, "trained %d epochs in %.2f s on %d x %d blocks (%.0f samples/s); shuffled %s in all, at most %s in a sub-epoch%n",
                res.history().size(), res.trainSeconds(), res.partitions(), res.partitions(),
                res.trainSeconds() > 0 ? res.samples() / res.trainSeconds() : 0, ShuffleBytes.human(sum), ShuffleBytes.human(max));
        String warning = divergence(res.history());
        if (warning != null) w.println(warning);
        Map<String, String> meta = metadata(cfg, res.partitions());
        meta.put("spark-tables", "sharded");
        meta.remove("spark-merge");
        meta.remove("spark-syncs-per-epoch");
        return meta;
    }

    /**
     * --tables sharded: trains with {@link ShardedBprTrainer} (the driver holds no factor table),
     * saves the part files from the executors, then evaluates the saved set the way
     * {@code sparsetrain evaluate} does (read whole on the driver: ranking all items needs them).
     */
    private int sharded(JavaSparkContext sc, SparkBprConfig cfg, ImplicitDataOptions.Loaded d, Split s, Path outPath) {
        var res = ShardedBprTrainer.train(sc, s.train(), cfg, line -> {
            w.println("  " + line);
            w.flush();
        });
        try {
            Map<String, String> meta = shardedTrained(cfg, res);
            Map<String, List<String>> ids = new LinkedHashMap<>();
            ids.put("users", s.train().users().ids());
            ids.put("items", s.train().items().ids());
            res.model().save(outPath, meta, ids);
        } finally {
            res.model().release();
        }
        w.printf(Locale.ROOT, "saved %s (%d part files and a manifest)%n", outPath, res.partitions());
        var l = BprFiles.load(outPath, dev.sparsetrain.models.sparsenn.ShardedModelFiles.readAny(outPath));
        RankingEvaluator.Options eo = RankingEvaluator.Options.defaults().withKs(ks.ks());
        RankingReport r = RankingEvaluator.evaluate(l.model(), s.test(), List.of(s.train()), eo);
        RankingReport pop = RankingEvaluator.evaluate(new PopularityScorer(s.train()), s.test(), List.of(s.train()), eo);
        w.print(RankingReport.table("BPR-MF (Spark, sharded)", r, "popularity", pop));
        w.flush();
        return 0;
    }

    SparkBprConfig config() {
        context.check();
        TrainerConfig.PositiveSampling p = positives.sampling();
        BprConfig b = bpr.config(optimizer);
        return SparkBprConfig.defaults().withBpr(b).withEpochs(epochs.epochs()).withSeed(seed.seed()).withPartitions(partitions)
                .withSyncsPerEpoch(syncsPerEpoch).withMerge(tasks.merge()).withPositives(p).withThreadsPerPartition(tasks.threadsPerPartition());
    }

    /** Refuses a --master URL Spark 4 would not accept (null: none given). */
    static void checkMaster(String master) {
        if (master != null && !MASTER.matcher(master).matches()) {
            throw new BadInputException("--master '" + master + "': use local, local[N], local[*], spark://HOST:PORT, yarn or k8s://URL");
        }
    }

    /**
     * A context from spark-submit's configuration, else {@code master} (default local[*]); in
     * local mode without the web UI, on the loopback address; a master Spark refuses is bad input.
     */
    static JavaSparkContext start(String master, String appName) {
        SparkConf c = new SparkConf().setAppName(appName);
        if (master != null) c.setMaster(master);
        else c.setIfMissing("spark.master", "local[*]");
        if (c.get("spark.master").startsWith("local")) {
            // everything runs in this JVM: no web UI, and the driver listens on the loopback address only
            c.setIfMissing("spark.ui.enabled", "false");
            c.setIfMissing("spark.driver.host", "127.0.0.1");
            c.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        c.setIfMissing("spark.log.level", "WARN"); // Spark's INFO lines would bury the epoch lines; --conf spark.log.level=INFO brings them back
        try {
            JavaSparkContext sc = new JavaSparkContext(c);
            // every round unpersists the previous, locally checkpointed one, on purpose: Spark warns each time
            org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.spark.rdd.MapPartitionsRDD", org.apache.logging.log4j.Level.ERROR);
            org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.spark.rdd.ZippedPartitionsRDD2", org.apache.logging.log4j.Level.ERROR); // the sharded trainer's rounds
            return sc;
        } catch (Exception e) { // Scala does not declare SparkException
            if (!(e instanceof org.apache.spark.SparkException) && !(e instanceof IllegalArgumentException)) throw e;
            throw new BadInputException("--master '" + c.get("spark.master") + "': Spark refused it (" + String.valueOf(e.getMessage()).replace('\n', ' ') + ")");
        }
    }

    /** The keys 'sparsetrain train' writes, so that evaluate and recommend rebuild the data and split. */
    Map<String, String> metadata(SparkBprConfig cfg, int partitions) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", "bpr");
        m.putAll(data.metadata());
        m.put("epochs", Integer.toString(cfg.epochs()));
        m.put("seed", Long.toString(cfg.seed()));
        m.put("positives", positives.given().toLowerCase(Locale.ROOT));
        m.put("negatives", "uniform");
        m.put("trainer", "spark");
        m.put("spark-partitions", Integer.toString(partitions));
        m.put("spark-syncs-per-epoch", Integer.toString(cfg.syncsPerEpoch()));
        m.put("spark-merge", cfg.merge().cliName());
        m.put("epoch", Integer.toString(cfg.epochs()));
        return m;
    }

    /**
     * Runs the command line; {@code sc} is an existing context to train with (tests: Spark allows
     * one per JVM), or null to start one from spark-submit's configuration or {@code --master}.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, JavaSparkContext sc) {
        SparkBprMain app = new SparkBprMain(sc);
        app.w = out;
        return execute(app, () -> app.verbose.verbose(), args, out, err);
    }

    /**
     * Runs a picocli command: bad input (a {@link BadInputException} anywhere in the cause chain,
     * or a parameter error) ends with one line on {@code err} and exit code 2, other failures with
     * one line and exit code 1 (stack traces when {@code verbose} says so).
     */
    static int execute(Object app, java.util.function.BooleanSupplier verbose, String[] args, PrintWriter out, PrintWriter err) {
        dev.sparsetrain.options.FlagNames.install();
        CommandLine cl = new CommandLine(app);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, c, parse) -> {
            Throwable root = ex;
            while (!(root instanceof BadInputException) && root.getCause() != null && root.getCause() != root) root = root.getCause();
            if (root instanceof BadInputException bad) {
                err.println("sparsetrain-spark: " + bad.getMessage());
                if (verbose.getAsBoolean()) bad.printStackTrace(err);
                err.flush();
                return BAD_INPUT;
            }
            for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (String.valueOf(t.getMessage()).contains("CHECKPOINT_RDD_BLOCK_ID_NOT_FOUND")) {
                    err.println("sparsetrain-spark: an executor was lost, and without --checkpoint-dir the rounds' state lived only on the executors;"
                            + " rerun with --checkpoint-dir DIR (a shared file system such as HDFS) to survive executor loss");
                    if (verbose.getAsBoolean()) ex.printStackTrace(err);
                    err.flush();
                    return 1;
                }
            }
            err.println("sparsetrain-spark: internal error: " + ex);
            if (verbose.getAsBoolean()) ex.printStackTrace(err);
            else err.println("(run again with --verbose for the stack trace)");
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            String msg = ex.getMessage() == null ? "invalid arguments" : ex.getMessage().replace('\n', ' ').trim();
            err.println("sparsetrain-spark: " + msg + " (see 'sparsetrain-spark --help')");
            err.flush();
            return BAD_INPUT;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), null);
        if (code != 0) System.exit(code);
    }
}
