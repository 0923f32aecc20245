package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.optim.OptimizerSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a click model is trained: mini-batches, passes, shuffling, threads, the optimizer of each
 * group, and the regularizers of the SparseNN multi-pass study, each its own switch (0 or false =
 * off).
 *
 * <p>Groups: {@code embeddings} (the {@code emb.*} tables; row-wise AdaGrad, lazy: only rows in the
 * batch are touched), {@code linear} (LR/FM per-id weights {@code lin.*}), {@code mlp_weights}
 * (every dense weight tensor; Adam, dense) and {@code mlp_biases} (every {@code *.b} tensor, found
 * by name; never L2-regularized), in {@link #GROUPS}. Each group has its own {@link OptimizerSpec}
 * ({@link #optimizers}: the update rule with every hyperparameter, built into a chain by the typed
 * {@code Optimizers} factories); a learning rate must be &gt; 0 ({@link #checkOptimizer}, the one
 * check beside the spec's own).
 *
 * <p>Regularizers:
 * <ul>
 *   <li>{@code mlpL2}: coupled L2 ({@code g += l2 * w}) on MLP weights, biases excluded;
 *   <li>{@code embeddingL2}: coupled L2 on the embedding rows active in the mini-batch only;
 *   <li>{@code maxNorm} / {@code constantNorm}: after each update an active embedding row is
 *       projected to norm &lt;= maxNorm, or rescaled to norm = constantNorm;
 *   <li>{@code sparseDropout}: each sparse id of a training sample is dropped with this probability
 *       (it contributes nothing; kept ids scaled by 1/(1-q));
 *   <li>{@code mlpDropout}: inverted dropout of hidden MLP units;
 *   <li>{@code freezeEmbeddings} / {@code freezeMlp}: the group is not updated;
 *   <li>{@code freezeEmbeddingsAfter}: the embedding groups stop after that many passes (learning
 *       rate multiplier 0), the MLP keeps training;
 *   <li>{@code embeddingEntropy}: the maximum-entropy regularizer the study asks about,
 *       {@code -lambda * H} of each active embedding row's energy over its dimensions
 *       ({@link EmbeddingEntropy}). Off by default: on the Criteo head at 1e-2, test NE no longer
 *       grows with passes (3 seeds: 0.92-0.94 after 1 pass, 0.905-0.915 after 3, against
 *       1.55-1.75 after 3 without it), but it stays above one pass without it (0.887-0.897);
 *   <li>{@code passLrDecay}: every group's learning rate is multiplied by {@code passLrDecay^(p-1)}
 *       in pass p (1 = off; a step decay per pass, torch's {@code StepLR(step_size = one pass)}), so
 *       that later passes refine rather than memorise. On by default (0.03), chosen with
 *       {@code experiment sparsenn-passes} (docs/results.md): without it a second pass raises test
 *       NE on the Avazu head (time split by rows:5000) from 0.909-0.917 to 0.97-1.11 and a third to
 *       1.22-1.25 (seeds 1-3); with 0.03 it is 0.907-0.911 after 3 passes, and on the Criteo head
 *       0.884-0.896 after 3 against 0.887-0.897 after 1 (0.1 let Criteo drift up by 0.01-0.015;
 *       row-norm constraints, active-row L2, sparse-id dropout, freezing embeddings, fewer buckets
 *       and a lower embedding rate either still lost to one pass or cost one pass 0.03-0.06);
 *   <li>shrinking the embedding dimension or bucket count is a {@link ModelConfig} /
 *       encoder setting.
 * </ul>
 *
 * <p>Gradient clipping (0 = off), on the raw gradient before L2 and the optimizer, as
 * {@code torch.nn.utils.clip_grad_norm_} before {@code step()}: {@code embeddingClipNorm} scales
 * each embedding (and LR/FM weight) row's gradient of a step to norm at most that value;
 * {@code mlpClipNorm} scales the whole step's gradient of each MLP group (weights, biases) to
 * global norm at most that value. {@code clipValue} clamps every element of every group's gradient
 * to {@code [-clipValue, clipValue]} ({@code torch.nn.utils.clip_grad_value_}), first in each
 * group's chain: before the row-norm clip, L2 and the optimizer (the MLP groups' global-norm scale,
 * which the optimizer runtime computes over the whole step, comes before it).
 *
 * <p>Defaults ({@link #defaults()}), chosen by measurement on criteo-kaggle-dac-head10k (see
 * {@code CriteoHeadTest}; averages of 3 seeds, first 8,000 rows train, last 2,000 test): batch 256,
 * 1 pass (the strongest regularizer on small data: a second pass raises test NE from about 0.90 to
 * 1.1; passes after the first are damped by {@code passLrDecay} 0.03, above), shuffle within 8 partitions, row-wise AdaGrad 0.05 for embeddings, Adam 3e-3 for the MLP
 * (1e-3: NE 0.900, 3e-3: 0.890), no other regularizer (embedding L2 1e-4, min-count vocabularies,
 * sparse dropout 0.1 and standardized dense features all moved NE by less than the seed noise,
 * about 0.005; dimension 8 was worse by 0.007).
 */
public record TrainConfig(int batchSize, int numPasses, Shuffle shuffle, int partitions, int threads, long seed,
                          Map<String, OptimizerSpec> optimizers,
                          double mlpL2, double embeddingL2, double maxNorm, double constantNorm,
                          double sparseDropout, double mlpDropout, boolean freezeEmbeddings, boolean freezeMlp,
                          int freezeEmbeddingsAfter, double embeddingClipNorm, double mlpClipNorm, double embeddingEntropy,
                          double clipValue, double passLrDecay) {

    /** Order of samples in each pass. */
    public enum Shuffle {
        /** File order every pass. */
        NONE,
        /** The data is cut into {@code partitions} contiguous partitions taken in order; rows shuffled within each. */
        WITHIN_PARTITION,
        /** One permutation of all rows per pass. */
        ALL
    }

    /** The optimizer groups, in the order of {@link #optimizers}. */
    public static final List<String> GROUPS = List.of("embeddings", "linear", "mlp_weights", "mlp_biases");

    /** The embedding-row groups, which {@code freezeEmbeddings} and {@code freezeEmbeddingsAfter} stop. */
    public static final List<String> EMBEDDING_GROUPS = List.of("embeddings", "linear");

    /** The MLP groups, which {@code freezeMlp} stops. */
    public static final List<String> MLP_GROUPS = List.of("mlp_weights", "mlp_biases");

    /**
     * Refuses {@code spec} for {@code group} in one line ("group 'embeddings': adam lr=0.0, must be &gt; 0"):
     * an unknown group, or a learning rate that is not &gt; 0 ({@link OptimizerSpec} itself accepts 0).
     */
    public static void checkOptimizer(String group, OptimizerSpec spec) {
        if (!GROUPS.contains(group)) throw new BadInputException("unknown group '" + group + "', groups: " + String.join(", ", GROUPS) + ", all");
        if (spec == null) throw new BadInputException("group '" + group + "': optimizer missing");
        if (!(spec.learningRate() > 0)) {
            throw new BadInputException("group '" + group + "': " + spec.kind().text() + " " + spec.kind().learningRateKey() + "="
                    + spec.learningRate() + ", must be > 0");
        }
    }

    public TrainConfig {
        if (batchSize < 1) throw new BadInputException("batch size " + batchSize + ", must be >= 1");
        if (numPasses < 1) throw new BadInputException("num_passes " + numPasses + ", must be >= 1");
        if (shuffle == null) throw new BadInputException("shuffle missing, allowed: NONE, WITHIN_PARTITION, ALL");
        if (partitions < 1) throw new BadInputException("partitions " + partitions + ", must be >= 1");
        if (threads < 1) throw new BadInputException("threads " + threads + ", must be >= 1");
        if (optimizers == null) throw new BadInputException("optimizers missing, groups: " + String.join(", ", GROUPS));
        Map<String, OptimizerSpec> byGroup = new LinkedHashMap<>();
        for (String g : optimizers.keySet()) checkOptimizer(g, optimizers.get(g));
        for (String g : GROUPS) {
            checkOptimizer(g, optimizers.get(g));
            byGroup.put(g, optimizers.get(g));
        }
        optimizers = Collections.unmodifiableMap(byGroup);
        if (!(mlpL2 >= 0)) throw new BadInputException("group 'mlp_weights': l2=" + mlpL2 + ", must be >= 0");
        if (!(embeddingL2 >= 0)) throw new BadInputException("group 'embeddings': l2=" + embeddingL2 + ", must be >= 0");
        if (!(maxNorm >= 0)) throw new BadInputException("group 'embeddings': maxNorm=" + maxNorm + ", must be >= 0 (0 = off)");
        if (!(constantNorm >= 0)) throw new BadInputException("group 'embeddings': constantNorm=" + constantNorm + ", must be >= 0 (0 = off)");
        if (maxNorm > 0 && constantNorm > 0) throw new BadInputException("group 'embeddings': maxNorm and constantNorm both set, choose one");
        if (!(sparseDropout >= 0 && sparseDropout < 1)) throw new BadInputException("sparse dropout " + sparseDropout + ", must be in [0, 1)");
        if (!(mlpDropout >= 0 && mlpDropout < 1)) throw new BadInputException("MLP dropout " + mlpDropout + ", must be in [0, 1)");
        if (freezeEmbeddingsAfter < 0) throw new BadInputException("freeze embeddings after " + freezeEmbeddingsAfter + " passes, must be >= 0 (0 = never)");
        if (!(embeddingClipNorm >= 0) || Double.isInfinite(embeddingClipNorm)) {
            throw new BadInputException("group 'embeddings': clip norm " + embeddingClipNorm + ", must be a finite number >= 0 (0 = off)");
        }
        if (!(mlpClipNorm >= 0) || Double.isInfinite(mlpClipNorm)) {
            throw new BadInputException("group 'mlp_weights': clip norm " + mlpClipNorm + ", must be a finite number >= 0 (0 = off)");
        }
        if (!(passLrDecay > 0 && passLrDecay <= 1)) {
            throw new BadInputException("pass learning-rate decay " + passLrDecay + ", must be in (0, 1] (1 = off)");
        }
        if (!(clipValue >= 0) || Double.isInfinite(clipValue)) {
            throw new BadInputException("clip value " + clipValue + ", must be a finite number >= 0 (0 = off)");
        }
        if (!(embeddingEntropy >= 0) || Double.isInfinite(embeddingEntropy)) {
            throw new BadInputException("group 'embeddings': entropy weight " + embeddingEntropy + ", must be a finite number >= 0 (0 = off)");
        }
    }

    public static TrainConfig defaults() {
        return new TrainConfig(256, 1, Shuffle.WITHIN_PARTITION, 8, Runtime.getRuntime().availableProcessors(), 1,
                byGroup(OptimizerSpec.of(OptimizerSpec.Kind.ROWWISE_ADAGRAD, 0.05), OptimizerSpec.of(OptimizerSpec.Kind.ADAM, 3e-3)), 0, 0, 0, 0, 0, 0, false, false, 0, 0, 0, 0, 0, 0.03);
    }

    /**
     * The learning-rate multiplier of group {@code group} in pass {@code pass} (0-based) from
     * {@link #passLrDecay} and {@link #freezeEmbeddingsAfter}: 0 for a frozen embedding group,
     * else {@code passLrDecay^pass}. A trainer that runs one pass in several rounds (Spark) sets
     * it per pass, not per round.
     */
    public double learningRateMultiplier(String group, int pass) {
        boolean frozen = freezeEmbeddingsAfter > 0 && pass >= freezeEmbeddingsAfter && EMBEDDING_GROUPS.contains(group);
        return frozen ? 0 : Math.pow(passLrDecay, pass);
    }

    /** The optimizer of {@code group}, one of {@link #GROUPS}. */
    public OptimizerSpec optimizer(String group) {
        checkOptimizer(group, optimizers.get(group));
        return optimizers.get(group);
    }

    /** {@code embeddings} for the embedding groups, {@code mlp} for the MLP groups, in {@link #GROUPS} order. */
    private static Map<String, OptimizerSpec> byGroup(OptimizerSpec embeddings, OptimizerSpec mlp) {
        Map<String, OptimizerSpec> m = new LinkedHashMap<>();
        for (String g : GROUPS) m.put(g, EMBEDDING_GROUPS.contains(g) ? embeddings : mlp);
        return m;
    }

    public Builder toBuilder() { return new Builder(this); }

    /** A mutable copy for changing a few fields. */
    public static final class Builder {
        public int batchSize, numPasses, partitions, threads;
        public Shuffle shuffle;
        public long seed;
        public final Map<String, OptimizerSpec> optimizers;
        public double mlpL2, embeddingL2, maxNorm, constantNorm, sparseDropout, mlpDropout;
        public boolean freezeEmbeddings, freezeMlp;
        public int freezeEmbeddingsAfter;
        public double embeddingClipNorm, mlpClipNorm, embeddingEntropy, clipValue, passLrDecay;

        Builder(TrainConfig c) {
            batchSize = c.batchSize; numPasses = c.numPasses; shuffle = c.shuffle; partitions = c.partitions;
            threads = c.threads; seed = c.seed; optimizers = new LinkedHashMap<>(c.optimizers); mlpL2 = c.mlpL2; embeddingL2 = c.embeddingL2;
            maxNorm = c.maxNorm; constantNorm = c.constantNorm; sparseDropout = c.sparseDropout; mlpDropout = c.mlpDropout;
            freezeEmbeddings = c.freezeEmbeddings; freezeMlp = c.freezeMlp;
            freezeEmbeddingsAfter = c.freezeEmbeddingsAfter;
            embeddingClipNorm = c.embeddingClipNorm; mlpClipNorm = c.mlpClipNorm; embeddingEntropy = c.embeddingEntropy;
            clipValue = c.clipValue;
            passLrDecay = c.passLrDecay;
        }

        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder numPasses(int v) { numPasses = v; return this; }
        public Builder shuffle(Shuffle v) { shuffle = v; return this; }
        public Builder partitions(int v) { partitions = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        /** The optimizer of {@code group} ({@link #GROUPS}, or "all" for every group); refused in one line as {@link #checkOptimizer}. */
        public Builder optimizer(String group, OptimizerSpec spec) {
            for (String g : group.equals("all") ? GROUPS : List.of(group)) {
                checkOptimizer(g, spec);
                optimizers.put(g, spec);
            }
            return this;
        }

        /** The optimizer of the embedding groups ({@code embeddings}, {@code linear}). */
        public Builder embeddingOptimizer(OptimizerSpec spec) {
            for (String g : EMBEDDING_GROUPS) optimizer(g, spec);
            return this;
        }

        /** The optimizer of the MLP groups ({@code mlp_weights}, {@code mlp_biases}). */
        public Builder mlpOptimizer(OptimizerSpec spec) {
            for (String g : MLP_GROUPS) optimizer(g, spec);
            return this;
        }

        public Builder mlpL2(double v) { mlpL2 = v; return this; }
        public Builder embeddingL2(double v) { embeddingL2 = v; return this; }
        public Builder maxNorm(double v) { maxNorm = v; return this; }
        public Builder constantNorm(double v) { constantNorm = v; return this; }
        public Builder sparseDropout(double v) { sparseDropout = v; return this; }
        public Builder mlpDropout(double v) { mlpDropout = v; return this; }
        public Builder freezeEmbeddings(boolean v) { freezeEmbeddings = v; return this; }
        public Builder freezeMlp(boolean v) { freezeMlp = v; return this; }
        public Builder freezeEmbeddingsAfter(int passes) { freezeEmbeddingsAfter = passes; return this; }
        public Builder embeddingClipNorm(double v) { embeddingClipNorm = v; return this; }
        public Builder mlpClipNorm(double v) { mlpClipNorm = v; return this; }
        public Builder embeddingEntropy(double v) { embeddingEntropy = v; return this; }
        public Builder clipValue(double v) { clipValue = v; return this; }
        public Builder passLrDecay(double v) { passLrDecay = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(batchSize, numPasses, shuffle, partitions, threads, seed, optimizers, mlpL2, embeddingL2, maxNorm, constantNorm, sparseDropout, mlpDropout, freezeEmbeddings,
                    freezeMlp, freezeEmbeddingsAfter, embeddingClipNorm, mlpClipNorm, embeddingEntropy, clipValue, passLrDecay);
        }
    }
}
