package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Checks;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.optim.Optimizers;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Click-model training options every trainer has: {@code --batch}, {@code --shuffle},
 * {@code --partitions} (the shuffle's), {@code --seed}, the two groups' optimizers and learning
 * rates ({@code --emb-optimizer}, {@code --emb-lr}, {@code --mlp-optimizer}, {@code --mlp-lr}),
 * L2 ({@code --mlp-l2}, {@code --emb-l2}), clipping by value ({@code --clip-value}) and dropout ({@code --sparse-dropout},
 * {@code --mlp-dropout}); defaults as {@link TrainConfig#defaults()}. {@link #builder(int, int)}
 * checks them by option name (before {@link TrainConfig} checks the same by group name, and, on
 * Spark, on the driver rather than in every task) and returns a {@link TrainConfig.Builder} for the
 * entry point's own options (threads, row constraints, clipping, freezing). Mixed into
 * {@code sparsetrain ctr-train}, {@code experiment sparsenn-passes} and {@code SparkCtrMain}.
 * Not thread-safe (filled by picocli).
 */
public final class ClickTrainOptions {
    @Option(names = "--batch", defaultValue = "256", description = "Mini-batch size. Default: ${DEFAULT-VALUE}.")
    private int batch;

    @Option(names = "--shuffle", defaultValue = "within_partition", description = "none, within_partition or all. Default: ${DEFAULT-VALUE}.")
    private String shuffle;

    @Option(names = "--partitions", defaultValue = "8", description = "Partitions for --shuffle within_partition. Default: ${DEFAULT-VALUE}.")
    private int partitions;

    @Mixin private SeedOption seed = new SeedOption(1);

    @Option(names = "--emb-optimizer", defaultValue = "rowwise_adagrad", description = "Optimizer of the embeddings group (any of: sgd, momentum, nesterov, adagrad, rowwise_adagrad, rmsprop, adadelta, adam, amsgrad, adamw, sparse_adam, adamax, nadam, ftrl). Default: ${DEFAULT-VALUE}.")
    private String embOptimizer;

    @Option(names = "--emb-lr", defaultValue = "0.05", description = "Learning rate of the embeddings group. Default: ${DEFAULT-VALUE}.")
    private double embLr;

    @Option(names = "--mlp-optimizer", defaultValue = "adam", description = "Optimizer of the MLP weight and bias groups (same names as --emb-optimizer). Default: ${DEFAULT-VALUE}.")
    private String mlpOptimizer;

    @Option(names = "--mlp-lr", defaultValue = "0.003", description = "Learning rate of the MLP groups. Default: ${DEFAULT-VALUE}.")
    private double mlpLr;

    @Option(names = "--mlp-l2", defaultValue = "0", description = "L2 on MLP weights, biases excluded. Default: off.")
    private double mlpL2;

    @Option(names = "--emb-l2", defaultValue = "0", description = "L2 on embedding rows active in the batch. Default: off.")
    private double embL2;

    @Option(names = "--sparse-dropout", defaultValue = "0", description = "Drop each sparse id of a training sample with this probability. Default: off.")
    private double sparseDropout;

    @Option(names = "--mlp-dropout", defaultValue = "0", description = "Dropout of hidden MLP units. Default: off.")
    private double mlpDropout;

    @Option(names = "--clip-value", defaultValue = "0", description = "Clamp every gradient element of every group to [-V, V] before the row-norm clip, L2 and the optimizer (torch.nn.utils.clip_grad_value_). Default: off.")
    private double clipValue;

    @Option(names = "--pass-lr-decay", defaultValue = "0.03", description = "Multiply every group's learning rate by G^(p-1) in pass p, G in (0, 1], 1 = off; pass 1 is unchanged. The default keeps passes 2 and 3 from overfitting: Avazu head, time split by rows:5000, seeds 1-3: test NE 0.909-0.917 after 1 pass, 0.907-0.911 after 3 (without it 1.22-1.25). Default: ${DEFAULT-VALUE}.")
    private double passLrDecay;

    /**
     * These options checked by option name and set on a builder with {@code passes} and
     * {@code threads} (both checked by the caller); the rest keeps {@link TrainConfig#defaults()}.
     */
    public TrainConfig.Builder builder(int passes, int threads) {
        Checks.atLeast("--batch", batch, 1);
        Checks.atLeast("--partitions", partitions, 1);
        String embOpt = Optimizers.canonicalName("--emb-optimizer", embOptimizer), mlpOpt = Optimizers.canonicalName("--mlp-optimizer", mlpOptimizer);
        Checks.positive("--emb-lr", embLr);
        Checks.positive("--mlp-lr", mlpLr);
        Checks.nonNegative("--emb-l2", embL2);
        Checks.nonNegative("--mlp-l2", mlpL2);
        Checks.probability("--sparse-dropout", sparseDropout);
        Checks.probability("--mlp-dropout", mlpDropout);
        Checks.nonNegative("--clip-value", clipValue);
        if (!(passLrDecay > 0 && passLrDecay <= 1)) throw new BadInputException("--pass-lr-decay " + passLrDecay + ", must be in (0, 1] (1 = off)");
        TrainConfig.Shuffle s = switch (shuffle.toLowerCase(Locale.ROOT)) {
            case "none" -> TrainConfig.Shuffle.NONE;
            case "within_partition", "within-partition" -> TrainConfig.Shuffle.WITHIN_PARTITION;
            case "all" -> TrainConfig.Shuffle.ALL;
            default -> throw new BadInputException("--shuffle '" + shuffle + "', allowed: none, within_partition, all");
        };
        return TrainConfig.defaults().toBuilder().batchSize(batch).numPasses(passes).shuffle(s).partitions(partitions).threads(threads)
                .seed(seed.seed()).embeddingOptimizer(embOpt, embLr).mlpOptimizer(mlpOpt, mlpLr).mlpL2(mlpL2).embeddingL2(embL2)
                .sparseDropout(sparseDropout).mlpDropout(mlpDropout).clipValue(clipValue).passLrDecay(passLrDecay);
    }
}
