package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Checks;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.optim.OptimizerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Click-model training options, declared once for every click trainer ({@code sparsetrain
 * ctr-train}, {@code experiment sparsenn-passes}, {@code experiment dynamic-tables} and
 * {@code SparkCtrMain}): {@code --batch}, {@code --shuffle}, {@code --partitions} (the shuffle's),
 * {@code --seed}, each group's optimizer ({@code --optimizer GROUP=SPEC}, read by
 * {@link GroupOptimizers} as VBPR's is; {@code --emb-optimizer}/{@code --emb-lr} and
 * {@code --mlp-optimizer}/{@code --mlp-lr} set the embedding or the MLP groups through the same
 * parser), L2, dropout, clipping, row constraints, the entropy regularizer, freezing and the
 * per-pass learning-rate decay; defaults as {@link TrainConfig#defaults()}. {@link #config(int, int)}
 * names the option in every refusal; the optimizer specs are checked once, by
 * {@link OptimizerSpec} and {@link TrainConfig#checkOptimizer}, with the option in front of the
 * message; on Spark this runs on the driver rather than in every task. The thread count and the
 * number of passes are the entry point's ({@code --threads}, {@code --threads-per-partition},
 * {@code --passes}, {@code --max-passes}). Not thread-safe (filled by picocli).
 */
public final class ClickTrainOptions {
    @Option(names = "--batch", defaultValue = "256", description = "Mini-batch size. Default: ${DEFAULT-VALUE}.")
    private int batch;

    @Option(names = "--shuffle", defaultValue = "within_partition", description = "none, within_partition or all. Default: ${DEFAULT-VALUE}.")
    private String shuffle;

    @Option(names = "--partitions", defaultValue = "8", description = "Partitions for --shuffle within_partition. Default: ${DEFAULT-VALUE}.")
    private int partitions;

    @Mixin private SeedOption seed = new SeedOption(1);

    @Option(names = "--optimizer", paramLabel = "GROUP=SPEC", completionCandidates = GroupOptimizers.Names.class, description = "The optimizer of one group "
            + "(repeatable): GROUP is embeddings (emb.* rows), linear (LR/FM per-id weights), mlp_weights, mlp_biases or all (the groups not named on their own); SPEC is "
            + "NAME[:LR][,KEY=VALUE]... as PyTorch names them (e.g. adam:0.001,beta2=0.99; ftrl: LR is alpha), NAME one of "
            + "${COMPLETION-CANDIDATES}; unset values keep PyTorch's defaults. Default: embeddings, linear=rowwise_adagrad:0.05; "
            + "mlp_weights, mlp_biases=adam:0.003.")
    private List<String> optimizers = new ArrayList<>();

    /** The reader of {@code --optimizer}'s values. */
    private static final GroupOptimizers OPTIMIZER = new GroupOptimizers("--optimizer", TrainConfig.GROUPS, false,
            "embeddings=adam:0.01 or all=sgd:0.1", "");

    @Option(names = "--emb-optimizer", paramLabel = "NAME", description = "Optimizer of the embeddings and linear groups, at --emb-lr "
            + "(--optimizer sets the other hyperparameters). Default: rowwise_adagrad.")
    private String embOptimizer;

    @Option(names = "--emb-lr", description = "Learning rate of the embeddings and linear groups. Default: 0.05.")
    private Double embLr;

    @Option(names = "--mlp-optimizer", paramLabel = "NAME", description = "Optimizer of the MLP weight and bias groups, at --mlp-lr. Default: adam.")
    private String mlpOptimizer;

    @Option(names = "--mlp-lr", description = "Learning rate of the MLP groups. Default: 0.003.")
    private Double mlpLr;

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

    @Option(names = "--max-norm", defaultValue = "0", description = "Project active embedding rows to norm <= N. Default: off.")
    private double maxNorm;

    @Option(names = "--emb-clip-norm", defaultValue = "0", description = "Clip each active embedding (and LR/FM weight) row's gradient to norm <= N before L2 and the optimizer. Default: off.")
    private double embClipNorm;

    @Option(names = "--mlp-clip-norm", defaultValue = "0", description = "Clip each MLP group's whole gradient of a step to global norm <= N (torch.nn.utils.clip_grad_norm_). Default: off.")
    private double mlpClipNorm;

    @Option(names = "--constant-norm", defaultValue = "0", description = "Rescale active embedding rows to norm N. Default: off.")
    private double constantNorm;

    @Option(names = "--emb-entropy", defaultValue = "0", description = "Weight of the maximum-entropy regularizer: -W times the entropy of each active embedding row's energy over its dimensions (EmbeddingEntropy). Default: off.")
    private double embEntropy;

    @Option(names = "--freeze", split = ",", description = "Groups not to update: embeddings, mlp (not both). Default: none.")
    private List<String> freeze = new ArrayList<>();

    @Option(names = "--freeze-embeddings-after", defaultValue = "0", description = "Stop updating embeddings after N passes. Default: never.")
    private int freezeAfter;

    /** {@code --seed}. */
    public long seed() { return seed.seed(); }

    /**
     * These options checked by option name, with {@code passes} and {@code threads} (both checked
     * by the caller), as a {@link TrainConfig}; a regularizer of a frozen group is refused.
     */
    public TrainConfig config(int passes, int threads) {
        Checks.atLeast("--batch", batch, 1);
        Checks.atLeast("--partitions", partitions, 1);
        Checks.atLeast("--freeze-embeddings-after", freezeAfter, 0);
        Checks.probability("--sparse-dropout", sparseDropout);
        Checks.probability("--mlp-dropout", mlpDropout);
        String[] nonNegative = {"--emb-l2", "--mlp-l2", "--clip-value", "--max-norm", "--constant-norm", "--emb-clip-norm", "--mlp-clip-norm", "--emb-entropy"};
        double[] values = {embL2, mlpL2, clipValue, maxNorm, constantNorm, embClipNorm, mlpClipNorm, embEntropy};
        for (int i = 0; i < values.length; i++) Checks.nonNegative(nonNegative[i], values[i]);
        if (!(passLrDecay > 0 && passLrDecay <= 1)) throw new BadInputException("--pass-lr-decay " + passLrDecay + ", must be in (0, 1] (1 = off)");
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
        TrainConfig.Builder b = TrainConfig.defaults().toBuilder().batchSize(batch).numPasses(passes).shuffle(s).partitions(partitions)
                .threads(threads).seed(seed.seed()).mlpL2(mlpL2).embeddingL2(embL2).sparseDropout(sparseDropout).mlpDropout(mlpDropout)
                .clipValue(clipValue).passLrDecay(passLrDecay).maxNorm(maxNorm).constantNorm(constantNorm).freezeEmbeddings(fe).freezeMlp(fm)
                .freezeEmbeddingsAfter(freezeAfter).embeddingClipNorm(embClipNorm).mlpClipNorm(mlpClipNorm).embeddingEntropy(embEntropy);
        optimizers().forEach(b::optimizer);
        TrainConfig tc = b.build();
        refuseIdle(fe, "embeddings", new String[] {"--emb-l2", "--max-norm", "--constant-norm", "--emb-clip-norm", "--emb-entropy"},
                new double[] {tc.embeddingL2(), tc.maxNorm(), tc.constantNorm(), tc.embeddingClipNorm(), tc.embeddingEntropy()});
        refuseIdle(fm, "mlp", new String[] {"--mlp-l2", "--mlp-clip-norm"}, new double[] {tc.mlpL2(), tc.mlpClipNorm()});
        return tc;
    }

    /**
     * The optimizer of each group these options set, in order: the {@code --emb-*} and
     * {@code --mlp-*} aliases (read by {@link OptimizerSpec#parse(String)}, checked by
     * {@link TrainConfig#checkOptimizer}), then the groups {@code --optimizer GROUP=SPEC} sets
     * (read and checked by {@link GroupOptimizers}); a group an alias and {@code --optimizer} both
     * set is refused. The option is in front of every message.
     */
    private Map<String, OptimizerSpec> optimizers() {
        Map<String, OptimizerSpec> out = new LinkedHashMap<>();
        Map<String, String> setBy = new LinkedHashMap<>();
        alias(out, setBy, TrainConfig.EMBEDDING_GROUPS, "--emb-optimizer", embOptimizer, "--emb-lr", embLr);
        alias(out, setBy, TrainConfig.MLP_GROUPS, "--mlp-optimizer", mlpOptimizer, "--mlp-lr", mlpLr);
        OPTIMIZER.parse(optimizers).forEach((g, c) -> put(out, setBy, g, c.spec(), c.where()));
        return out;
    }

    /** {@code --emb-optimizer NAME} at {@code --emb-lr} (each defaulting to the group's default) for {@code groups}; nothing when neither is given. */
    private static void alias(Map<String, OptimizerSpec> out, Map<String, String> setBy, List<String> groups, String nameOption, String name,
                              String lrOption, Double lr) {
        if (name == null && lr == null) return;
        OptimizerSpec def = TrainConfig.defaults().optimizer(groups.get(0));
        String where = name == null ? lrOption + " " + lr : lr == null ? nameOption + " '" + name + "'" : nameOption + " '" + name + "' " + lrOption + " " + lr;
        OptimizerSpec spec = spec(where, groups, (name == null ? def.kind().text() : name.strip()) + ":" + (lr != null ? lr : def.learningRate()));
        for (String g : groups) put(out, setBy, g, spec, where);
    }

    private static OptimizerSpec spec(String where, List<String> groups, String text) {
        try {
            OptimizerSpec s = OptimizerSpec.parse(text);
            for (String g : groups) TrainConfig.checkOptimizer(g, s);
            return s;
        } catch (BadInputException e) {
            throw new BadInputException(where + ": " + e.getMessage());
        }
    }

    private static void put(Map<String, OptimizerSpec> out, Map<String, String> setBy, String group, OptimizerSpec spec, String where) {
        String before = setBy.put(group, where);
        if (before != null) throw new BadInputException(where + " and " + before + " both set group '" + group + "'; drop one");
        out.put(group, spec);
    }

    /** A regularizer of a frozen group would never act: refused rather than silently ignored. */
    private static void refuseIdle(boolean frozen, String group, String[] options, double[] values) {
        if (!frozen) return;
        for (int q = 0; q < options.length; q++) {
            if (values[q] != 0) {
                throw new BadInputException(options[q] + " " + values[q] + " has no effect with --freeze " + group
                        + " (a frozen group is never updated); drop one of them");
            }
        }
    }
}
