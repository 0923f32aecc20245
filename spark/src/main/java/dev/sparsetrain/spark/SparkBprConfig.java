package dev.sparsetrain.spark;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.train.TrainerConfig;
import java.io.Serializable;
import java.util.Objects;

/**
 * Settings of {@link SparkBprTrainer}: the BPR-MF hyperparameters (those of {@link BprConfig},
 * carried as plain fields so that the record travels to the executors) and the distribution.
 *
 * @param bpr                 the model's hyperparameters (default {@link BprConfig#defaults()})
 * @param epochs              passes over the training pairs (default 20)
 * @param seed                master seed: initial factors as in single-machine training; partition
 *                            p's sample streams come from (seed, p, round)
 * @param partitions          user partitions, each trained by one task per round (0 = Spark's
 *                            default parallelism; default 0)
 * @param syncsPerEpoch       synchronisation rounds per epoch: item tables broadcast, trained
 *                            locally on 1/syncsPerEpoch of the epoch's samples, merged (default 1)
 * @param merge               how item changes are combined (default {@link ItemMerge#TOUCHED}, see its measurements)
 * @param positives           how a partition draws (u, i) (default USERS, as single-machine)
 * @param threadsPerPartition Hogwild threads inside one task (default 1: one task per core)
 */
public record SparkBprConfig(Bpr bpr, int epochs, long seed, int partitions, int syncsPerEpoch, ItemMerge merge,
                             TrainerConfig.PositiveSampling positives, int threadsPerPartition) implements Serializable {
    public SparkBprConfig {
        Objects.requireNonNull(bpr, "bpr");
        Objects.requireNonNull(merge, "merge");
        Objects.requireNonNull(positives, "positives");
        if (epochs < 1 || epochs > 1_000_000) throw new BadInputException(Settings.name("epochs") + ": " + epochs + ", must be in [1, 1000000]");
        if (partitions < 0 || partitions > 100_000) throw new BadInputException(Settings.name("partitions") + ": " + partitions + ", must be in [0, 100000] (0 = Spark's default parallelism)");
        if (syncsPerEpoch < 1 || syncsPerEpoch > 10_000) throw new BadInputException(Settings.name("syncsPerEpoch") + ": " + syncsPerEpoch + ", must be in [1, 10000]");
        if (threadsPerPartition < 1 || threadsPerPartition > 1024) {
            throw new BadInputException(Settings.name("threadsPerPartition") + ": " + threadsPerPartition + ", must be in [1, 1024]");
        }
        bpr.config(); // validates the hyperparameters in BprConfig's own words
    }

    public static SparkBprConfig defaults() {
        return new SparkBprConfig(Bpr.of(BprConfig.defaults()), 20, 42, 0, 1, ItemMerge.TOUCHED, TrainerConfig.PositiveSampling.USERS, 1);
    }

    public SparkBprConfig withBpr(BprConfig c) { return new SparkBprConfig(Bpr.of(c), epochs, seed, partitions, syncsPerEpoch, merge, positives, threadsPerPartition); }
    public SparkBprConfig withEpochs(int e) { return new SparkBprConfig(bpr, e, seed, partitions, syncsPerEpoch, merge, positives, threadsPerPartition); }
    public SparkBprConfig withSeed(long s) { return new SparkBprConfig(bpr, epochs, s, partitions, syncsPerEpoch, merge, positives, threadsPerPartition); }
    public SparkBprConfig withPartitions(int p) { return new SparkBprConfig(bpr, epochs, seed, p, syncsPerEpoch, merge, positives, threadsPerPartition); }
    public SparkBprConfig withSyncsPerEpoch(int r) { return new SparkBprConfig(bpr, epochs, seed, partitions, r, merge, positives, threadsPerPartition); }
    public SparkBprConfig withMerge(ItemMerge m) { return new SparkBprConfig(bpr, epochs, seed, partitions, syncsPerEpoch, m, positives, threadsPerPartition); }
    public SparkBprConfig withPositives(TrainerConfig.PositiveSampling p) { return new SparkBprConfig(bpr, epochs, seed, partitions, syncsPerEpoch, merge, p, threadsPerPartition); }
    public SparkBprConfig withThreadsPerPartition(int t) { return new SparkBprConfig(bpr, epochs, seed, partitions, syncsPerEpoch, merge, positives, t); }

    /** {@link BprConfig}'s fields as a serializable record. */
    public record Bpr(int factors, double learningRate, double regularization, double biasLearningRate, double biasRegularization,
                      double initStd, double finalLearningRate, String optimizer, String biasOptimizer) implements Serializable {
        public static Bpr of(BprConfig c) {
            return new Bpr(c.factors(), c.learningRate(), c.regularization(), c.biasLearningRate(), c.biasRegularization(), c.initStd(),
                    c.finalLearningRate(), c.optimizer().toString(), c.biasOptimizer().toString());
        }

        public BprConfig config() {
            return BprConfig.of(factors, learningRate, regularization, biasLearningRate, biasRegularization, initStd, finalLearningRate,
                    optimizer, biasOptimizer);
        }
    }
}
