package dev.sparsetrain.cli.train;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.options.BprOptions;
import dev.sparsetrain.options.CheckpointOptions;
import dev.sparsetrain.options.EpochsOption;
import dev.sparsetrain.options.ImplicitDataOptions;
import dev.sparsetrain.options.PositivesOption;
import dev.sparsetrain.options.SeedOption;
import dev.sparsetrain.options.ThreadsOption;
import dev.sparsetrain.options.ValidationUsersOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * BPR-MF option mixins of {@code train} that the Spark entry point does not share: the optimizer
 * names and the training loop. The data and split options are {@link ImplicitDataOptions}, the
 * hyperparameters {@link BprOptions} (module options).
 */
final class RecOptions {
    private RecOptions() {}

    /**
     * BPR-MF hyperparameters (shared with the Spark entry point) and the optimizer names, whose
     * {@code --optimizer} here also takes VBPR's per-group form.
     */
    /** BPR-MF's optimizer names, from the runtime ({@link BprConfig#optimizerNames}), for the help and completion. */
    static final class BprNames implements Iterable<String> {
        @Override public java.util.Iterator<String> iterator() { return BprConfig.optimizerNames().iterator(); }
    }

    static final class Bpr {
        @Mixin BprOptions hyperparameters = new BprOptions();

        @Option(names = "--optimizer", defaultValue = "sgd", paramLabel = "NAME|GROUP=SPEC[:L2]", completionCandidates = BprNames.class,
                description = "--model bpr: optimizer of the factor group, a name (sgd: the fused fast kernel) or a spec NAME[:LR][,KEY=VALUE]... such as adam:0.01,beta2=0.99 (a spec's rate wins over --lr); names: "
                        + "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}. "
                        + "--model vbpr|visual: GROUP=SPEC[:L2], repeatable, one per parameter group (or all=...), any optimizer of the runtime; see 'diagnose --help'.")
        List<String> optimizer = new ArrayList<>(List.of("sgd"));

        BprConfig config() {
            return hyperparameters.config(singleOptimizer());
        }

        /** BPR-MF's one optimizer name; the per-group form (VBPR's) or a repeated option is refused in one line. */
        String singleOptimizer() {
            if (optimizer == null || optimizer.isEmpty()) return "sgd";
            for (String o : optimizer) {
                if (o.split("[:,]", 2)[0].contains("=")) {   // GROUP=RULE:..., not an optimizer's own KEY=VALUE
                    throw new BadInputException("--optimizer '" + o + "': the per-group form GROUP=SPEC[:L2] is for --model vbpr|visual; "
                            + "--model bpr takes one optimizer name (e.g. --optimizer adam; --bias-optimizer for the item biases)");
                }
            }
            if (optimizer.size() > 1) {
                throw new BadInputException("--optimizer given " + optimizer.size() + " times (" + String.join(", ", optimizer)
                        + "): --model bpr takes one optimizer name (--bias-optimizer for the item biases); repeat it only as GROUP=SPEC[:L2] with --model vbpr|visual");
            }
            return optimizer.get(0);
        }
    }

    /** Training-loop settings. */
    static final class Training {
        @Mixin EpochsOption epochs = new EpochsOption(20);

        @Mixin ThreadsOption threads = new ThreadsOption();

        @Mixin SeedOption seed = new SeedOption(42);

        @Mixin PositivesOption positives = new PositivesOption();

        @Option(names = "--negatives", defaultValue = "uniform",
                description = "uniform over the user's non-interacted items, or popularity (count^--negative-exponent). Default: ${DEFAULT-VALUE}.")
        String negatives;

        @Option(names = "--negative-collision", defaultValue = "redraw",
                description = "When the drawn negative is one of the user's items: redraw (until it is not), or skip the sample "
                        + "(no update, as implicit's BPR does). Default: ${DEFAULT-VALUE}.")
        String negativeCollision;

        @Option(names = "--negative-exponent", defaultValue = "0.75", description = "Exponent of popularity negative sampling. Default: ${DEFAULT-VALUE}.")
        double negativeExponent;

        @Option(names = "--patience", defaultValue = "0",
                description = "Early stopping: stop after this many validations without improvement and keep the best epoch (0 = off). Holds out one more item per user for validation. Default: ${DEFAULT-VALUE}.")
        int patience;

        @Option(names = "--validate-every", defaultValue = "1", description = "Validate every N epochs when early stopping. Default: ${DEFAULT-VALUE}.")
        int validateEvery;

        @Option(names = "--validation-metric", defaultValue = "auc", description = "Early-stopping figure: auc, mrr, ndcg@10, recall@10, ... Default: ${DEFAULT-VALUE}.")
        String validationMetric;

        @Mixin ValidationUsersOption validationUsers = new ValidationUsersOption();

        @Mixin CheckpointOptions checkpoints = new CheckpointOptions();

        @Mixin dev.sparsetrain.options.QuietOption quiet = new dev.sparsetrain.options.QuietOption();

        int threadCount() {
            return threads.threadsOrAvailable();
        }

        TrainerConfig config() {
            TrainerConfig.PositiveSampling p = positives.sampling();
            return TrainerConfig.defaults().withEpochs(epochs.epochs()).withThreads(threadCount()).withSeed(seed.seed()).withPatience(patience)
                    .withValidateEvery(validateEvery).withCheckpointEvery(checkpoints.every()).withPositives(p);
        }

        NegativeSampler sampler(Interactions train) {
            NegativeSampler s = switch (negatives.toLowerCase(Locale.ROOT)) {
                case "uniform" -> NegativeSampler.uniform(train);
                case "popularity" -> NegativeSampler.popularity(train, negativeExponent);
                default -> throw new BadInputException("--negatives '" + negatives + "': use uniform or popularity");
            };
            return switch (negativeCollision.toLowerCase(Locale.ROOT)) {
                case "redraw" -> s;
                case "skip" -> s.skipping();
                default -> throw new BadInputException("--negative-collision '" + negativeCollision + "': use redraw or skip");
            };
        }

        Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("epochs", Integer.toString(epochs.epochs()));
            m.put("seed", Long.toString(seed.seed()));
            m.put("positives", positives.given());
            m.put("negatives", negatives);
            m.put("negative-exponent", Double.toString(negativeExponent));
            m.put("negative-collision", negativeCollision);
            m.put("patience", Integer.toString(patience));
            m.put("validate-every", Integer.toString(validateEvery));
            m.put("validation-metric", validationMetric);
            m.put("validation-users", Integer.toString(validationUsers.validationUsers()));
            return m;
        }
    }
}
