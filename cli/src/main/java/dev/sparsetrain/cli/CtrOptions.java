package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Checks;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrSchema;
import dev.sparsetrain.data.ctr.DenseTransform;
import dev.sparsetrain.data.ctr.EncoderConfig;
import dev.sparsetrain.data.ctr.FeatureEncoder;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.metrics.ctr.Strata;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.optim.Optimizers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Option mixins shared by the click-model commands (ctr-train, experiment sparsenn-passes). */
final class CtrOptions {
    private CtrOptions() {}

    /** Train and test rows, encoded, with a description of where they came from. */
    record Split(CtrData train, CtrData test, String description, FeatureEncoder encoder, float[] plantedTestProbability,
                 dev.sparsetrain.data.ctr.EncoderState state) {}

    /** Where the data comes from and how it is encoded. */
    static final class Data {
        @Option(names = "--data", paramLabel = "FILE", description = "Click log to read. Default: none, synthetic data with a planted click model (see --synthetic-rows).")
        Path data;

        @Option(names = "--format", defaultValue = "criteo", description = "criteo (TSV), avazu (CSV with header) or schema (see --schema). Default: ${DEFAULT-VALUE}.")
        String format;

        @Option(names = "--schema", description = "Column roles for --format schema, e.g. 'label,dense*13,sparse*26' (roles: label, dense, sparse, multi, skip). Required with --format schema; no default.")
        String schema;

        @Option(names = "--delimiter", defaultValue = "\t", description = "Field delimiter for --format schema (default: tab).")
        String delimiter;

        @Option(names = "--header", description = "The --format schema file has a header line.")
        boolean header;

        @Option(names = "--skip-bad", description = "Skip and count bad rows instead of stopping at the first (exit code 2).")
        boolean skipBad;

        @Option(names = "--train-rows", description = "First N rows train (file order). Default: 80%% of the rows.")
        Integer trainRows;

        @Option(names = "--test-rows", description = "The next M rows test. Default: all remaining rows.")
        Integer testRows;

        @Option(names = "--buckets", defaultValue = "100000", description = "Rows per sparse feature table (hashing), or vocabulary cap. Default: ${DEFAULT-VALUE}.")
        int buckets;

        @Option(names = "--min-count", defaultValue = "0", description = "0 = hashing trick; N >= 1 = vocabulary of ids seen at least N times in training, others share one row. Default: ${DEFAULT-VALUE}.")
        int minCount;

        @Option(names = "--dense", defaultValue = "log1p", description = "Dense transform: none, log1p, standardize, log1p_standardize. Default: ${DEFAULT-VALUE}.")
        String dense;

        @Option(names = "--synthetic-rows", defaultValue = "100000", description = "Synthetic training rows (without --data); test rows are half as many. Default: ${DEFAULT-VALUE}.")
        int syntheticRows;

        @Option(names = "--synthetic-shape", defaultValue = "study", description = "study (one user and one ad feature, 20,000 ids each, as in the SparseNN study) or criteo (26 sparse x --buckets ids, 13 dense). Default: ${DEFAULT-VALUE}.")
        String syntheticShape;

        @Spec(Spec.Target.MIXEE)
        CommandSpec mixee;

        private boolean given(String option) {
            return mixee != null && mixee.commandLine() != null && mixee.commandLine().getParseResult() != null
                    && mixee.commandLine().getParseResult().hasMatchedOption(option);
        }

        /** Options that only make sense for a file, or only for synthetic data, are refused rather than silently ignored. */
        private void refuseIgnoredOptions() {
            if (data == null) {
                for (String o : new String[] {"--format", "--schema", "--delimiter", "--header", "--skip-bad", "--train-rows", "--test-rows",
                        "--min-count", "--dense"}) {
                    if (given(o)) {
                        throw new BadInputException(o + " applies to a click log given with --data; without --data the rows are synthetic"
                                + " (see --synthetic-rows, --synthetic-shape)");
                    }
                }
            } else {
                for (String o : new String[] {"--synthetic-rows", "--synthetic-shape"}) {
                    if (given(o)) throw new BadInputException(o + " applies to synthetic data only, but --data " + data + " was given");
                }
            }
        }

        Split load(long seed) {
            refuseIgnoredOptions();
            if (data == null) return synthetic(seed);
            CtrSchema s = schema(format, schema, delimiter, header);
            var f = dev.sparsetrain.data.ctr.CtrFileSplit.read(data, format, s, skipBad, trainRows, testRows, encoder());
            return new Split(f.train(), f.test(), f.description(), f.encoder(), null, f.state());
        }

        /** The reader schema of {@code --format} (with {@code --schema}, {@code --delimiter}, {@code --header} for "schema"). */
        static CtrSchema schema(String format, String schema, String delimiter, boolean header) {
            return switch (format.toLowerCase(Locale.ROOT)) {
                case "criteo" -> CtrSchema.criteo();
                case "avazu" -> CtrSchema.avazu();
                case "schema" -> {
                    if (schema == null) throw new BadInputException("--format schema needs --schema, e.g. 'label,dense*13,sparse*26'");
                    if (delimiter.length() != 1) throw new BadInputException("--delimiter '" + delimiter + "', must be one character");
                    yield CtrSchema.parse(schema, delimiter.charAt(0), header, '|');
                }
                default -> throw new BadInputException("--format '" + format + "', allowed: criteo, avazu, schema");
            };
        }

        EncoderConfig encoder() {
            DenseTransform t;
            try {
                t = DenseTransform.valueOf(dense.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--dense '" + dense + "', allowed: none, log1p, standardize, log1p_standardize");
            }
            if (buckets < 1) throw new BadInputException("--buckets " + buckets + ", must be >= 1");
            if (minCount < 0) throw new BadInputException("--min-count " + minCount + ", must be >= 0");
            return new EncoderConfig(t, buckets, minCount, 0);
        }

        private Split synthetic(long seed) {
            if (syntheticRows < 10) throw new BadInputException("--synthetic-rows " + syntheticRows + ", must be >= 10");
            SyntheticCtr.Config c = switch (syntheticShape.toLowerCase(Locale.ROOT)) {
                case "study" -> SyntheticCtr.Config.study(seed);
                case "criteo" -> SyntheticCtr.Config.criteoShaped(buckets, seed);
                default -> throw new BadInputException("--synthetic-shape '" + syntheticShape + "', allowed: study, criteo");
            };
            SyntheticCtr gen = new SyntheticCtr(c);
            SyntheticCtr.Sample tr = gen.generate(syntheticRows, seed + 1), te = gen.generate(Math.max(5, syntheticRows / 2), seed + 2);
            String desc = String.format("synthetic (%s shape): %d sparse features x %d power-law ids (Zipf %.2f), %d dense, planted "
                    + "FM click model of rank %d; %d train rows, %d test rows, seed %d", syntheticShape, c.numSparse(), c.cardinality(),
                    c.zipfExponent(), c.numDense(), c.latentDim(), tr.data().rows(), te.data().rows(), seed);
            return new Split(tr.data(), te.data(), desc, null, te.probability(), null);
        }
    }

    /** Architecture. */
    static final class Model {
        @Option(names = "--model", defaultValue = "sparsenn", description = "sparsenn, logistic or fm. Default: ${DEFAULT-VALUE}.")
        String type;

        @Option(names = "--dim", defaultValue = "16", description = "Embedding dimension. Default: ${DEFAULT-VALUE}.")
        int dim;

        @Option(names = "--bottom", defaultValue = "64", description = "Bottom MLP hidden widths, comma-separated (a projection to --dim follows). Default: ${DEFAULT-VALUE}.")
        String bottom;

        @Option(names = "--top", defaultValue = "64", description = "Top MLP hidden widths, comma-separated (a layer to 1 logit follows). Default: ${DEFAULT-VALUE}.")
        String top;

        @Option(names = "--interaction", defaultValue = "dot", description = "dot (pairwise dot products) or concat. Default: ${DEFAULT-VALUE}.")
        String interaction;

        @Option(names = "--init-std", defaultValue = "0.05", description = "Std of the embedding initialisation. Default: ${DEFAULT-VALUE}.")
        double initStd;

        ModelConfig config() {
            ModelConfig.Type t = switch (type.toLowerCase(Locale.ROOT)) {
                case "sparsenn", "dlrm" -> ModelConfig.Type.SPARSENN;
                case "logistic", "lr" -> ModelConfig.Type.LOGISTIC;
                case "fm" -> ModelConfig.Type.FM;
                default -> throw new BadInputException("--model '" + type + "', allowed: sparsenn, logistic, fm");
            };
            ModelConfig.Interaction i = switch (interaction.toLowerCase(Locale.ROOT)) {
                case "dot" -> ModelConfig.Interaction.DOT;
                case "concat", "cat" -> ModelConfig.Interaction.CONCAT;
                default -> throw new BadInputException("--interaction '" + interaction + "', allowed: dot, concat");
            };
            return new ModelConfig(t, dim, widths("--bottom", bottom), widths("--top", top), i, initStd);
        }

        static int[] widths(String opt, String s) {
            if (s.isBlank()) return new int[0];
            String[] p = s.split(",");
            int[] w = new int[p.length];
            for (int k = 0; k < p.length; k++) {
                try {
                    w[k] = Integer.parseInt(p[k].trim());
                } catch (NumberFormatException e) {
                    throw new BadInputException(opt + " '" + s + "': '" + p[k] + "' is not a width, expected e.g. 64,32");
                }
            }
            return w;
        }
    }

    /** Training and regularizers. */
    static final class Train {
        @Option(names = "--batch", defaultValue = "256", description = "Mini-batch size. Default: ${DEFAULT-VALUE}.")
        int batch;

        /** num_passes; an option of ctr-train only (the study sets it per run from --max-passes). */
        int passes = 1;

        @Option(names = "--shuffle", defaultValue = "within_partition", description = "none, within_partition or all. Default: ${DEFAULT-VALUE}.")
        String shuffle;

        @Option(names = "--partitions", defaultValue = "8", description = "Partitions for --shuffle within_partition. Default: ${DEFAULT-VALUE}.")
        int partitions;

        @Option(names = "--threads", description = "Worker threads. Default: all cores.")
        Integer threads;

        @Option(names = "--seed", defaultValue = "1", description = "Master seed. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--emb-optimizer", defaultValue = "rowwise_adagrad", description = "Optimizer of the embeddings group (any of: sgd, momentum, nesterov, adagrad, rowwise_adagrad, rmsprop, adadelta, adam, amsgrad, adamw, sparse_adam, adamax, nadam, ftrl). Default: ${DEFAULT-VALUE}.")
        String embOptimizer;

        @Option(names = "--emb-lr", defaultValue = "0.05", description = "Learning rate of the embeddings group. Default: ${DEFAULT-VALUE}.")
        double embLr;

        @Option(names = "--mlp-optimizer", defaultValue = "adam", description = "Optimizer of the MLP weight and bias groups (same names as --emb-optimizer). Default: ${DEFAULT-VALUE}.")
        String mlpOptimizer;

        @Option(names = "--mlp-lr", defaultValue = "0.003", description = "Learning rate of the MLP groups. Default: ${DEFAULT-VALUE}.")
        double mlpLr;

        @Option(names = "--mlp-l2", defaultValue = "0", description = "L2 on MLP weights, biases excluded. Default: off.")
        double mlpL2;

        @Option(names = "--emb-l2", defaultValue = "0", description = "L2 on embedding rows active in the batch. Default: off.")
        double embL2;

        @Option(names = "--max-norm", defaultValue = "0", description = "Project active embedding rows to norm <= N. Default: off.")
        double maxNorm;

        @Option(names = "--emb-clip-norm", defaultValue = "0", description = "Clip each active embedding (and LR/FM weight) row's gradient to norm <= N before L2 and the optimizer. Default: off.")
        double embClipNorm;

        @Option(names = "--mlp-clip-norm", defaultValue = "0", description = "Clip each MLP group's whole gradient of a step to global norm <= N (torch.nn.utils.clip_grad_norm_). Default: off.")
        double mlpClipNorm;

        @Option(names = "--constant-norm", defaultValue = "0", description = "Rescale active embedding rows to norm N. Default: off.")
        double constantNorm;

        @Option(names = "--sparse-dropout", defaultValue = "0", description = "Drop each sparse id of a training sample with this probability. Default: off.")
        double sparseDropout;

        @Option(names = "--mlp-dropout", defaultValue = "0", description = "Dropout of hidden MLP units. Default: off.")
        double mlpDropout;

        @Option(names = "--freeze", split = ",", description = "Groups not to update: embeddings, mlp (not both). Default: none.")
        java.util.List<String> freeze = new java.util.ArrayList<>();

        @Option(names = "--freeze-embeddings-after", defaultValue = "0", description = "Stop updating embeddings after N passes. Default: never.")
        int freezeAfter;


        TrainConfig config() {
            // Checked here, by option name, before TrainConfig checks the same by group name.
            Checks.atLeast("--batch", batch, 1);
            Checks.atLeast("--partitions", partitions, 1);
            if (threads != null) Checks.atLeast("--threads", threads, 1);
            Checks.atLeast("--freeze-embeddings-after", freezeAfter, 0);
            String embOpt = Optimizers.canonicalName("--emb-optimizer", embOptimizer), mlpOpt = Optimizers.canonicalName("--mlp-optimizer", mlpOptimizer);
            Checks.positive("--emb-lr", embLr);
            Checks.positive("--mlp-lr", mlpLr);
            Checks.nonNegative("--emb-l2", embL2);
            Checks.nonNegative("--mlp-l2", mlpL2);
            Checks.nonNegative("--max-norm", maxNorm);
            Checks.nonNegative("--constant-norm", constantNorm);
            Checks.nonNegative("--emb-clip-norm", embClipNorm);
            Checks.nonNegative("--mlp-clip-norm", mlpClipNorm);
            Checks.probability("--sparse-dropout", sparseDropout);
            Checks.probability("--mlp-dropout", mlpDropout);
            TrainConfig.Shuffle s = switch (shuffle.toLowerCase(Locale.ROOT)) {
                case "none" -> TrainConfig.Shuffle.NONE;
                case "within_partition", "within-partition" -> TrainConfig.Shuffle.WITHIN_PARTITION;
                case "all" -> TrainConfig.Shuffle.ALL;
                default -> throw new BadInputException("--shuffle '" + shuffle + "', allowed: none, within_partition, all");
            };
            boolean fe = false, fm = false;
            for (String g : freeze) {
                switch (g.trim().toLowerCase(Locale.ROOT)) {
                    case "embeddings" -> fe = true;
                    case "mlp" -> fm = true;
                    default -> throw new BadInputException("--freeze '" + g + "', allowed: embeddings, mlp");
                }
            }
            if (fe && fm) throw new BadInputException("--freeze " + String.join(",", freeze) + " freezes every group, nothing would train; allowed: embeddings or mlp");
            int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            return new TrainConfig(batch, passes, s, partitions, t, seed, embOpt, embLr, mlpOpt, mlpLr, mlpL2, embL2, maxNorm,
                    constantNorm, sparseDropout, mlpDropout, fe, fm, freezeAfter, embClipNorm, mlpClipNorm);
        }
    }

    /** Strata of one id feature by training impressions. */
    static final class StrataOptions {
        @Option(names = "--strata-feature", description = "Sparse feature whose training impressions define rare/medium/frequent. Default: the one with most distinct ids in training.")
        String feature;

        @Option(names = "--rare-below", defaultValue = "10", description = "Ids with fewer training impressions are rare. Default: ${DEFAULT-VALUE}.")
        int rareBelow;

        @Option(names = "--frequent-from", defaultValue = "100", description = "Ids with at least this many are frequent. Default: ${DEFAULT-VALUE}.")
        int frequentFrom;

        Strata strata() {
            if (rareBelow < 1) throw new BadInputException("--rare-below " + rareBelow + ", must be >= 1");
            if (frequentFrom <= rareBelow) {
                throw new BadInputException("--frequent-from " + frequentFrom + ", must be > --rare-below " + rareBelow);
            }
            return new Strata(rareBelow, frequentFrom);
        }

        int featureIndex(CtrData train) {
            if (feature != null) {
                for (int f = 0; f < train.numSparse(); f++) if (train.names()[f].equals(feature)) return f;
                throw new BadInputException("--strata-feature '" + feature + "', known: " + String.join(", ", train.names()));
            }
            int best = 0, bestDistinct = -1;
            for (int f = 0; f < train.numSparse(); f++) {
                int d = 0;
                for (int c : train.impressions(f)) if (c > 0) d++;
                if (d > bestDistinct) {
                    bestDistinct = d;
                    best = f;
                }
            }
            return best;
        }
    }

    /**
     * Refuses options that the chosen model does not have (they would be silently ignored): the MLP
     * and interaction options for logistic regression and the factorization machine, and the
     * embedding dimension and row constraints for logistic regression (one weight per id).
     */
    static void refuseOptionsTheModelLacks(CommandSpec spec, ModelConfig mc) {
        if (mc.type() == ModelConfig.Type.SPARSENN) return;
        var pr = spec.commandLine().getParseResult();
        java.util.List<String> lacking = new java.util.ArrayList<>(java.util.List.of("--interaction", "--bottom", "--top", "--mlp-dropout"));
        if (mc.type() == ModelConfig.Type.LOGISTIC) lacking.addAll(java.util.List.of("--dim", "--max-norm", "--constant-norm"));
        for (String o : lacking) {
            if (pr.hasMatchedOption(o)) {
                throw new BadInputException(o + " does not apply to --model " + mc.type().name().toLowerCase(Locale.ROOT)
                        + (mc.type() == ModelConfig.Type.LOGISTIC ? " (one weight per id, a linear dense part)" : " (no MLP)")
                        + "; it applies to --model sparsenn");
            }
        }
    }

    /**
     * Refuses, before anything is allocated, embedding tables that cannot exist: a table larger than
     * one Java array, or embeddings alone (without optimizer state) larger than the JVM's maximum heap.
     * {@code sizeOptions} names the options that set the size, for the message.
     */
    static void checkEmbeddingSize(int[] tableRows, int dim, String sizeOptions) {
        long floats = 0;
        for (int r : tableRows) {
            long f = (long) r * dim;
            if (f > Integer.MAX_VALUE - 16) {
                throw new BadInputException(sizeOptions + ": a table of " + r + " rows x " + dim + " = " + f
                        + " floats exceeds one Java array (max " + (Integer.MAX_VALUE - 16) + "); use fewer buckets or a smaller dimension");
            }
            floats += f;
        }
        long bytes = 4L * floats, max = Runtime.getRuntime().maxMemory();
        if (max != Long.MAX_VALUE && bytes > max * 0.9) {
            throw new BadInputException(String.format(Locale.ROOT, "%s: %d tables of embeddings need %.1f GiB before optimizer state, "
                    + "the JVM may use %.1f GiB; use fewer buckets or a smaller dimension, or raise the heap (SPARSETRAIN_JAVA_OPTS=-Xmx...)",
                    sizeOptions, tableRows.length, bytes / 1073741824.0, max / 1073741824.0));
        }
    }

    static void printStrata(PrintWriter out, String label, dev.sparsetrain.metrics.ctr.CtrEvaluation[] s) {
        String[] names = {"rare", "medium", "frequent", "all"};
        for (int k = 0; k < 4; k++) out.printf("%s  %-8s %s%n", label, names[k], s[k].format());
    }
}
