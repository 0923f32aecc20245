package dev.sparsetrain.models.train;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import java.util.Objects;

/**
 * Settings of the training spine: the epoch loop ({@link Trainer}) and its per-sample mode ({@link Hogwild}).
 *
 * @param epochs            passes over the training pairs (default 20)
 * @param threads           Hogwild workers (default: available processors)
 * @param seed              master seed; epoch e's per-thread streams are split from a generator
 *                          seeded by (seed, e), so a run resumed at epoch e continues exactly
 * @param samplesPerEpoch   triples per epoch (0 = one per training pair, the default)
 * @param roundsPerEpoch    barriers per epoch (default 1; models with dense parameters use more)
 * @param patience          early stopping: validations without improvement of the validation
 *                          figure before stopping (0 = never stop early)
 * @param validateEvery     validate every this many epochs (default 1; ignored without validation)
 * @param checkpointEvery   call the checkpoint hook every this many epochs (0 = never)
 * @param lossSampleEvery   compute the loss on one step in this many (default 8; power of 2)
 * @param positives         how the (u, i) of a triple is drawn (default {@link PositiveSampling#USERS})
 * @param divergenceRetries how many times a run may undo a diverged epoch and retry it after the
 *                          model's {@link Trainable#onDivergence} changed something (default 0: a
 *                          diverged epoch ends the run); needs a copy of the parameters per epoch
 */
public record TrainerConfig(int epochs, int threads, long seed, long samplesPerEpoch, int roundsPerEpoch, int patience,
                            int validateEvery, int checkpointEvery, int lossSampleEvery, PositiveSampling positives,
                            int divergenceRetries) {
    public TrainerConfig {
        if (epochs < 1 || epochs > 1_000_000) throw new BadInputException(Settings.name("epochs") + ": " + epochs + ", must be in [1, 1000000]");
        if (threads < 1 || threads > 1024) throw new BadInputException(Settings.name("threads") + ": " + threads + ", must be in [1, 1024]");
        if (samplesPerEpoch < 0) throw new BadInputException("samples per epoch: " + samplesPerEpoch + ", must be >= 0 (0 = one per pair)");
        if (roundsPerEpoch < 1) throw new BadInputException("rounds per epoch: " + roundsPerEpoch + ", must be >= 1");
        if (patience < 0) throw new BadInputException(Settings.name("patience") + ": " + patience + ", must be >= 0 (0 = no early stopping)");
        if (validateEvery < 1) throw new BadInputException(Settings.name("validateEvery") + ": " + validateEvery + ", must be >= 1");
        if (checkpointEvery < 0) throw new BadInputException(Settings.name("checkpointEvery") + ": " + checkpointEvery + ", must be >= 0 (0 = never)");
        if (lossSampleEvery < 1 || Integer.bitCount(lossSampleEvery) != 1) {
            throw new BadInputException("loss sample every: " + lossSampleEvery + ", must be a power of 2");
        }
        Objects.requireNonNull(positives, "positives");
        if (divergenceRetries < 0) throw new BadInputException("divergence retries: " + divergenceRetries + ", must be >= 0");
    }

    public static TrainerConfig defaults() {
        return new TrainerConfig(20, Runtime.getRuntime().availableProcessors(), 42, 0, 1, 0, 1, 0, 8, PositiveSampling.USERS, 0);
    }

    public TrainerConfig withEpochs(int v) { return new TrainerConfig(v, threads, seed, samplesPerEpoch, roundsPerEpoch, patience, validateEvery, checkpointEvery, lossSampleEvery, positives, divergenceRetries); }
    public TrainerConfig withThreads(int v) { return new TrainerConfig(epochs, v, seed, samplesPerEpoch, roundsPerEpoch, patience, validateEvery, checkpointEvery, lossSampleEvery, positives, divergenceRetries); }
    public TrainerConfig withSeed(long v) { return new TrainerConfig(epochs, threads, v, samplesPerEpoch, roundsPerEpoch, patience, validateEvery, checkpointEvery, lossSampleEvery, positives, divergenceRetries); }
    public TrainerConfig withSamplesPerEpoch(long v) { return new TrainerConfig(epochs, threads, seed, v, roundsPerEpoch, patience, validateEvery, checkpointEvery, lossSampleEvery, positives, divergenceRetries); }
    public TrainerConfig withRoundsPerEpoch(int v) { return new TrainerConfig(epochs, threads, seed, samplesPerEpoch, v, patience, validateEvery, checkpointEvery, lossSampleEvery, positives, divergenceRetries); }
    public TrainerConfig withPatience(int v) { return new TrainerConfig(epochs, threads, seed, samplesPerEpoch, roundsPerEpoch, v, validateEvery, checkpointEvery, lossSampleEvery, positives, divergenceRetries); }
    public TrainerConfig withValidateEvery(int v) { return new TrainerConfig(epochs, threads, seed, samplesPerEpoch, roundsPerEpoch, patience, v, checkpointEvery, lossSampleEvery, positives, divergenceRetries); }
    public TrainerConfig withCheckpointEvery(int v) { return new TrainerConfig(epochs, threads, seed, samplesPerEpoch, roundsPerEpoch, patience, validateEvery, v, lossSampleEvery, positives, divergenceRetries); }
    public TrainerConfig withLossSampleEvery(int v) { return new TrainerConfig(epochs, threads, seed, samplesPerEpoch, roundsPerEpoch, patience, validateEvery, checkpointEvery, v, positives, divergenceRetries); }
    public TrainerConfig withPositives(PositiveSampling v) { return new TrainerConfig(epochs, threads, seed, samplesPerEpoch, roundsPerEpoch, patience, validateEvery, checkpointEvery, lossSampleEvery, v, divergenceRetries); }
    public TrainerConfig withDivergenceRetries(int v) { return new TrainerConfig(epochs, threads, seed, samplesPerEpoch, roundsPerEpoch, patience, validateEvery, checkpointEvery, lossSampleEvery, positives, v); }

    /** How the positive pair of a triple is drawn. */
    public enum PositiveSampling {
        /**
         * A user uniformly among users with training items, then one of its items uniformly. Every
         * user gets the same share of steps, matching the per-user averages of the evaluation
         * (measured on ML-1M leave-one-out: AUC +0.001, NDCG@10 +0.01 over PAIRS).
         */
        USERS,
        /** A training pair uniformly (heavy users get more steps), as implicit and LightFM do. */
        PAIRS
    }
}
