package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.DelimitedFormat;
import dev.sparsetrain.data.IdMap;
import dev.sparsetrain.data.InteractionReader;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.KnownDatasets;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.data.ReadOptions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.Splits;
import dev.sparsetrain.data.SyntheticImplicit;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.train.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** Option mixins shared by the recommender commands (train, evaluate, recommend, benchmark bpr). */
final class RecOptions {
    private RecOptions() {}

    /** Loaded implicit feedback with item titles (possibly empty) and a one-line description. */
    record RecData(String name, Interactions all, Map<String, String> titles, String summary) {
        boolean hasTitles() { return titles != null && !titles.isEmpty(); }

        String title(String rawItemId) {
            String t = titles.get(rawItemId);
            return t == null ? "" : t;
        }
    }

    /** Where the interactions come from and how they are split. */
    static final class Data {
        @Option(names = "--data", defaultValue = "synthetic", paramLabel = "NAME|FILE",
                description = "synthetic (planted low-rank preferences, no files needed), ml-100k, ml-1m, lastfm (read from --data-root), "
                        + "or a delimited file of user, item[, weight] lines. Default: ${DEFAULT-VALUE}.")
        String data;

        @Option(names = "--data-root", paramLabel = "DIR",
                description = "Folder holding the named datasets. Default: $SPARSETRAIN_DATA, else the sparsetrain.data property, else ../shared/data.")
        Path dataRoot;

        @Option(names = "--delimiter", defaultValue = "tab",
                description = "Field delimiter of a --data FILE: tab, comma, semicolon, pipe, whitespace, or a literal such as '::'. Default: ${DEFAULT-VALUE}.")
        String delimiter;

        @Option(names = "--columns", defaultValue = "0,1,2", paramLabel = "U,I[,W]",
                description = "0-based columns of user, item and optional weight in a --data FILE (weight -1 or absent: every line weighs 1). Default: ${DEFAULT-VALUE}.")
        String columns;

        @Option(names = "--header", description = "A --data FILE starts with a header line to skip. Default: false.")
        boolean header;

        @Option(names = "--charset", defaultValue = "UTF-8", description = "Encoding of a --data FILE (e.g. ISO-8859-1). Default: ${DEFAULT-VALUE}.")
        String charset;

        @Option(names = "--threshold", paramLabel = "W",
                description = "Count a pair as a positive only when its rating/weight is >= W. Default: none, every pair counts.")
        Double threshold;

        @Option(names = "--skip-malformed", description = "Skip and count malformed lines instead of stopping at the first one. Default: false.")
        boolean skipMalformed;

        @Option(names = "--split", defaultValue = "loo", paramLabel = "KIND",
                description = "loo (one random item per user held out), user-ratio (--test-fraction of each user's items), "
                        + "global-ratio (--test-fraction of all pairs), or u1..u5/ua/ub (ML-100K official files). Default: ${DEFAULT-VALUE}.")
        String split;

        @Option(names = "--test-fraction", defaultValue = "0.2", description = "Held-out fraction for the ratio splits. Default: ${DEFAULT-VALUE}.")
        double testFraction;

        @Option(names = "--split-seed", defaultValue = "42", description = "Seed of the split. Default: ${DEFAULT-VALUE}.")
        long splitSeed;

        @Option(names = "--synthetic-users", defaultValue = "3000", description = "Users of the synthetic data. Default: ${DEFAULT-VALUE}.")
        int syntheticUsers;

        @Option(names = "--synthetic-items", defaultValue = "1500", description = "Items of the synthetic data. Default: ${DEFAULT-VALUE}.")
        int syntheticItems;

        @Option(names = "--synthetic-seed", defaultValue = "42", description = "Seed of the synthetic data. Default: ${DEFAULT-VALUE}.")
        long syntheticSeed;

        Path root() {
            if (dataRoot != null) return dataRoot;
            String env = System.getenv("SPARSETRAIN_DATA");
            if (env != null && !env.isBlank()) return Path.of(env);
            String prop = System.getProperty("sparsetrain.data");
            if (prop != null && !prop.isBlank()) return Path.of(prop);
            return Path.of("..", "shared", "data");
        }

        ReadOptions readOptions() {
            ReadOptions r = ReadOptions.defaults().withSkipMalformed(skipMalformed);
            return threshold == null ? r : r.withThreshold(threshold);
        }

        boolean isSynthetic() {
            return data.equalsIgnoreCase("synthetic");
        }

        RecData load() {
            if (isSynthetic()) {
                SyntheticImplicit.Config base = SyntheticImplicit.Config.defaults().withSeed(syntheticSeed);
                int mean = Math.max(5, Math.min(base.meanItemsPerUser(), syntheticItems / 2));
                var c = base.withSize(syntheticUsers, syntheticItems, mean);
                var g = SyntheticImplicit.generate(c);
                return new RecData("synthetic", g.interactions(), Map.of(),
                        String.format(Locale.ROOT, "synthetic: %d users x %d items, %d pairs (rank-%d planted preferences, Zipf %.1f popularity, seed %d)",
                                g.interactions().numUsers(), g.interactions().numItems(), g.interactions().size(), c.rank(), c.popularityExponent(), c.seed()));
            }
            if (KnownDatasets.folderOf(data) != null) {
                var d = KnownDatasets.load(data, root(), readOptions());
                return new RecData(d.name(), d.interactions(), d.titles(), d.summary());
            }
            Path file = Path.of(data);
            if (!Files.exists(file)) {
                throw new BadInputException("--data '" + data + "': no such file, and not one of synthetic, " + String.join(", ", KnownDatasets.names()));
            }
            var r = InteractionReader.read(file, format(), readOptions());
            return new RecData(file.getFileName().toString(), r.interactions(), Map.of(), r.summary());
        }

        DelimitedFormat format() {
            return DelimitedFormat.fromOptions(columns, delimiter, header, charset);
        }

        Split split(Interactions all) {
            Split random = Splits.byName(split, all, testFraction, splitSeed);
            if (random != null) return random;
            String s = split.toLowerCase(Locale.ROOT);
            if (s.matches("u[1-5]|ua|ub")) {
                if (KnownDatasets.folderOf(data) == null || !KnownDatasets.folderOf(data).equals("movielens-100k")) {
                    throw new BadInputException("--split " + split + ": the official folds exist only for --data ml-100k");
                }
                Split off = Splits.movieLens100kOfficial(root().resolve("movielens-100k"), s, readOptions());
                return remap(off, all.users(), all.items());
            }
            throw new BadInputException("--split '" + split + "': use loo, user-ratio, global-ratio or u1..u5/ua/ub");
        }

        /** The settings that rebuild this data and split, stored in model metadata. */
        Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("data", data);
            if (dataRoot != null) m.put("data-root", dataRoot.toString());
            if (!isSynthetic() && KnownDatasets.folderOf(data) == null) {
                m.put("delimiter", delimiter);
                m.put("columns", columns);
                m.put("header", Boolean.toString(header));
                m.put("charset", charset);
            }
            if (threshold != null) m.put("threshold", threshold.toString());
            if (skipMalformed) m.put("skip-malformed", "true");
            m.put("split", split);
            m.put("test-fraction", Double.toString(testFraction));
            m.put("split-seed", Long.toString(splitSeed));
            if (isSynthetic()) {
                m.put("synthetic-users", Integer.toString(syntheticUsers));
                m.put("synthetic-items", Integer.toString(syntheticItems));
                m.put("synthetic-seed", Long.toString(syntheticSeed));
            }
            return m;
        }
    }

    /** Re-indexes a split onto the given id maps (pairs with unknown ids are dropped). */
    static Split remap(Split s, IdMap users, IdMap items) {
        return new Split(remap(s.train(), users, items), remap(s.test(), users, items));
    }

    static Interactions remap(Interactions in, IdMap users, IdMap items) {
        return in.remap(users, items);
    }

    /** BPR-MF hyperparameters. */
    static final class Bpr {
        private static final BprConfig D = BprConfig.defaults();

        @Option(names = "--factors", defaultValue = "64", description = "Latent factors. Default: ${DEFAULT-VALUE}.")
        int factors = D.factors();

        @Option(names = "--lr", defaultValue = "0.15", description = "Learning rate of the factor group (users, items). Default: ${DEFAULT-VALUE}.")
        double lr = D.learningRate();

        @Option(names = "--reg", defaultValue = "0.0075", description = "L2 on the touched user and item factor rows. Default: ${DEFAULT-VALUE}.")
        double reg = D.regularization();

        @Option(names = "--bias-lr", defaultValue = "0.005", description = "Learning rate of the item-bias group. Default: ${DEFAULT-VALUE}.")
        double biasLr = D.biasLearningRate();

        @Option(names = "--bias-reg", defaultValue = "0.0", description = "L2 on the touched item biases (biases are excluded from L2 by default). Default: ${DEFAULT-VALUE}.")
        double biasReg = D.biasRegularization();

        @Option(names = "--init-std", defaultValue = "0.1", description = "Factors start as N(0, std^2); biases at 0. Default: ${DEFAULT-VALUE}.")
        double initStd = D.initStd();

        @Option(names = "--final-lr", defaultValue = "0.1", description = "Learning rates decay linearly to this fraction in the last epoch (1 = constant). Default: ${DEFAULT-VALUE}.")
        double finalLr = D.finalLearningRate();

        @Option(names = "--optimizer", defaultValue = "sgd", paramLabel = "NAME|GROUP=RULE:LR[:L2]",
                description = "--model bpr: optimizer of the factor group, one name: sgd (fused fast kernel), momentum, nesterov, adagrad, rowwise_adagrad, rmsprop, adadelta, adam, amsgrad, adamw, adamax, nadam, sparse_adam. Default: ${DEFAULT-VALUE}. "
                        + "--model vbpr|visual: GROUP=RULE:LR[:L2], repeatable, one per parameter group (or all=...), any optimizer of the runtime; see 'diagnose --help'.")
        List<String> optimizer = new ArrayList<>(List.of(D.optimizer()));

        @Option(names = "--bias-optimizer", defaultValue = "sgd", description = "Optimizer of the item-bias group (same choices). Default: ${DEFAULT-VALUE}.")
        String biasOptimizer = D.biasOptimizer();

        BprConfig config() {
            return new BprConfig(factors, lr, reg, biasLr, biasReg, initStd, finalLr, singleOptimizer(), biasOptimizer);
        }

        /** BPR-MF's one optimizer name; the per-group form (VBPR's) or a repeated option is refused in one line. */
        String singleOptimizer() {
            if (optimizer == null || optimizer.isEmpty()) return D.optimizer();
            for (String o : optimizer) {
                if (o.contains("=")) {
                    throw new BadInputException("--optimizer '" + o + "': the per-group form GROUP=RULE:LR[:L2] is for --model vbpr|visual; "
                            + "--model bpr takes one optimizer name (e.g. --optimizer adam; --bias-optimizer for the item biases)");
                }
            }
            if (optimizer.size() > 1) {
                throw new BadInputException("--optimizer given " + optimizer.size() + " times (" + String.join(", ", optimizer)
                        + "): --model bpr takes one optimizer name (--bias-optimizer for the item biases); repeat it only as GROUP=RULE:LR[:L2] with --model vbpr|visual");
            }
            return optimizer.get(0);
        }
    }

    /** Training-loop settings. */
    static final class Training {
        @Option(names = "--epochs", defaultValue = "20", description = "Passes over the training pairs. Default: ${DEFAULT-VALUE}.")
        int epochs;

        @Option(names = "--threads", description = "Hogwild worker threads. Default: the number of available cores.")
        Integer threads;

        @Option(names = "--seed", defaultValue = "42", description = "Master seed (initialisation and sampling). With --threads 1 runs are bit for bit reproducible. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--positives", defaultValue = "users",
                description = "users: draw a user uniformly then one of its items; pairs: draw a training pair uniformly. Default: ${DEFAULT-VALUE}.")
        String positives;

        @Option(names = "--negatives", defaultValue = "uniform",
                description = "uniform over the user's non-interacted items, or popularity (count^--negative-exponent). Default: ${DEFAULT-VALUE}.")
        String negatives;

        @Option(names = "--negative-exponent", defaultValue = "0.75", description = "Exponent of popularity negative sampling. Default: ${DEFAULT-VALUE}.")
        double negativeExponent;

        @Option(names = "--patience", defaultValue = "0",
                description = "Early stopping: stop after this many validations without improvement and keep the best epoch (0 = off). Holds out one more item per user for validation. Default: ${DEFAULT-VALUE}.")
        int patience;

        @Option(names = "--validate-every", defaultValue = "1", description = "Validate every N epochs when early stopping. Default: ${DEFAULT-VALUE}.")
        int validateEvery;

        @Option(names = "--validation-metric", defaultValue = "auc", description = "Early-stopping figure: auc, mrr, ndcg@10, recall@10, ... Default: ${DEFAULT-VALUE}.")
        String validationMetric;

        @Option(names = "--validation-users", defaultValue = "2000", description = "Validate on a seeded sample of this many users (0 = all). Default: ${DEFAULT-VALUE}.")
        int validationUsers;

        @Option(names = "--checkpoint-every", defaultValue = "0", description = "Write a checkpoint every N epochs (0 = never), with the optimizer state; BPR-MF, VBPR and visual alike (VBPR: also the auto-balanced multipliers, early-stopping state and RNG position). Default: ${DEFAULT-VALUE}.")
        int checkpointEvery;

        @Option(names = "--checkpoint-dir", defaultValue = "runs/checkpoints", description = "Folder of the checkpoints. Default: ${DEFAULT-VALUE}.")
        Path checkpointDir;

        @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "Continue training from a checkpoint file (its model configuration and epoch; --model vbpr|visual: also its data, and only --epochs, --patience, --threads may change). With --threads 1 the result equals the uninterrupted run bit for bit.")
        Path resume;

        @Option(names = "--quiet", description = "No progress line. Default: false.")
        boolean quiet;

        int threadCount() {
            return threads != null ? threads : Runtime.getRuntime().availableProcessors();
        }

        TrainerConfig config() {
            TrainerConfig.PositiveSampling p = switch (positives.toLowerCase(Locale.ROOT)) {
                case "users" -> TrainerConfig.PositiveSampling.USERS;
                case "pairs" -> TrainerConfig.PositiveSampling.PAIRS;
                default -> throw new BadInputException("--positives '" + positives + "': use users or pairs");
            };
            return TrainerConfig.defaults().withEpochs(epochs).withThreads(threadCount()).withSeed(seed).withPatience(patience)
                    .withValidateEvery(validateEvery).withCheckpointEvery(checkpointEvery).withPositives(p);
        }

        NegativeSampler sampler(Interactions train) {
            return switch (negatives.toLowerCase(Locale.ROOT)) {
                case "uniform" -> NegativeSampler.uniform(train);
                case "popularity" -> NegativeSampler.popularity(train, negativeExponent);
                default -> throw new BadInputException("--negatives '" + negatives + "': use uniform or popularity");
            };
        }

        Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("epochs", Integer.toString(epochs));
            m.put("seed", Long.toString(seed));
            m.put("positives", positives);
            m.put("negatives", negatives);
            m.put("negative-exponent", Double.toString(negativeExponent));
            return m;
        }
    }
}
