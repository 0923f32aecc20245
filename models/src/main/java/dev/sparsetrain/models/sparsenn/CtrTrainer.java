package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.models.train.MiniBatch;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.ParamGroup;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Multi-pass training of a {@link SparseNN} (or LR/FM) on the training spine: every pass is a
 * {@link Trainer} epoch over the spine's mini-batch data-parallel mode ({@link MiniBatch}: chunks
 * of 32 samples with their own gradient slots reduced in a fixed order, the optimizer step split
 * over shards), with one optimizer group per parameter kind ({@link #groups}) and the click-model
 * specifics in {@link ClickBatches} (pass order, dropout seeded per (batch, chunk), the entropy
 * regularizer, freezing embeddings after some passes, normalized entropy as the running figure).
 * The result depends on the seed only, not on the thread count, bit for bit. The spine's one
 * call: {@code new Trainer(t.loop()).fit(t.trainable(trainData))} ({@link #train} is a thin wrapper
 * over it with a hook and a progress line).
 *
 * <p>Checkpoints are the spine's ({@link dev.sparsetrain.models.train.Checkpoint}) over
 * {@link #trainable()}: model file, optimizer state (with the batch counter, which seeds the
 * dropout masks and is the dynamic tables' step clock), loop state and the dynamic tables' whole
 * state ({@link DynamicCheckpoint}, written by the caller beside the model); a resumed run sees the
 * same sample order, dropout masks, id -&gt; row assignments and optimizer steps as one that never
 * stopped.
 *
 * <p>Not thread-safe; {@link #close()} stops the worker team.
 */
public final class CtrTrainer implements AutoCloseable {
    /** Samples per chunk inside a worker. */
    static final int CHUNK = MiniBatch.CHUNK;

    /**
     * Called at evaluation points; {@code passes} is the (fractional) number of passes done and
     * {@code runningTrainNe} the training NE (loss before each step) over the samples since the
     * previous call, so over the whole pass when there is one evaluation per pass.
     */
    public interface EvalHook extends MiniBatch.EvalHook {}

    private final SparseNN model;
    private final TrainConfig config;
    private final ClickBatches batches;
    private final MiniBatch mode;

    public CtrTrainer(SparseNN model, TrainConfig config) {
        this.model = model;
        this.config = config;
        List<ParamGroup> groups = groups(model, config);
        batches = new ClickBatches(model, config, groups);
        mode = new MiniBatch(batches, groups, config.threads(), config.batchSize(), signature(config));
    }

    /** The parameter groups: embeddings, linear, mlp_weights, mlp_biases (those that own a table). */
    public static List<ParamGroup> groups(SparseNN model, TrainConfig c) { return CtrGroups.of(model, c); }

    /** The optimizer shards (see {@link MiniBatch}). */
    public List<Optimizer> optimizers() { return mode.optimizers(); }

    public List<ParamGroup> parameterGroups() { return mode.parameterGroups(); }

    public SparseNN model() { return model; }

    /**
     * The spine's view of this trainer over the data of the last {@link #trainable(CtrData)} (or
     * none yet): what {@link dev.sparsetrain.models.train.Checkpoint#write} saves and {@code resume} loads.
     */
    public MiniBatch trainable() { return mode; }

    /**
     * The spine's view of this trainer over {@code train}, for {@code new Trainer(loop()).fit(...)}:
     * one pass over {@code train} per epoch (parameters, optimizer state, the mini-batch mode; also
     * what {@link dev.sparsetrain.models.train.Checkpoint#write} saves).
     */
    public MiniBatch trainable(CtrData train) {
        batches.data(train);
        return mode;
    }

    /**
     * The spine's settings for this configuration: {@code numPasses} epochs, its threads and
     * seed, a checkpoint after every pass (when the trainer has a checkpointer).
     */
    public TrainerConfig loop() { return loop(config); }

    static TrainerConfig loop(TrainConfig c) {
        return TrainerConfig.defaults().withEpochs(c.numPasses()).withThreads(c.threads()).withSeed(c.seed()).withCheckpointEvery(1);
    }

    /**
     * A thin wrapper over the spine, {@code new Trainer(loop()).withProgress(...).fit(trainable(train))},
     * calling {@code hook} after every {@code 1/evalsPerPass} of a pass (0 = never).
     *
     * @return samples per second of the whole run (training steps only, evaluation time excluded)
     */
    public double train(CtrData train, int evalsPerPass, EvalHook hook, Progress progress) {
        mode.evaluateWithin(evalsPerPass, hook);
        return new Trainer(loop()).withProgress(progress == null ? null : (label, total) -> progress).fit(trainable(train))
                .samplesPerSecond();
    }

    /**
     * Loads checkpoint {@code c} (read from {@code where}) into this trainer's model and optimizer
     * and returns the loop state to continue from with {@code Trainer.fit(trainable(data), state)}; a saved model without
     * training state, or a checkpoint of another training configuration, is refused in one line.
     */
    public Trainer.State resume(String where, dev.sparsetrain.core.io.ModelFile.Contents c) {
        if (!dev.sparsetrain.models.train.Checkpoint.isCheckpoint(c)) {
            throw new dev.sparsetrain.core.BadInputException(where
                    + ": not a ctr-train checkpoint (no trainer state; a model saved with " + Settings.name("save") + " cannot be resumed)");
        }
        DynamicCheckpoint.Reader dyn = model.hasDynamicIds() ? new DynamicCheckpoint.Reader(where, model) : null;
        if (dyn != null) dyn.readAll(c);
        Trainer.State s = dev.sparsetrain.models.train.Checkpoint.resume(where, c, mode);
        if (dyn != null) dyn.finish();
        if (s.epoch() > config.numPasses()) {
            throw new dev.sparsetrain.core.BadInputException(where + ": checkpoint after " + s.epoch() + " passes, " + Settings.name("passes") + " is "
                    + config.numPasses() + " (must be >= the passes done)");
        }
        return s;
    }

    /**
     * {@link #resume(String, dev.sparsetrain.core.io.ModelFile.Contents)} straight from the file:
     * parameters and optimizer state are read chunk by chunk into this trainer's model and
     * optimizer (no second copy; build the model with {@link SparseNN#fromHeader}).
     */
    public Trainer.State resume(java.nio.file.Path path) {
        if (!model.hasDynamicIds()) return resume(path, mode, config, null);
        DynamicCheckpoint.Reader dyn = new DynamicCheckpoint.Reader(path.toString(), model);
        Trainer.State s = resume(path, mode, config, dyn::placement);
        dyn.finish();   // after the file's checksum
        return s;
    }

    /** A click trainer's streaming resume ({@link #resume(java.nio.file.Path)}; also the streamed trainer's). */
    static Trainer.State resume(java.nio.file.Path path, dev.sparsetrain.models.train.MiniBatch mode, TrainConfig config) {
        return resume(path, mode, config, null);
    }

    private static Trainer.State resume(java.nio.file.Path path, dev.sparsetrain.models.train.MiniBatch mode, TrainConfig config,
                                        java.util.function.Function<dev.sparsetrain.core.io.ModelFile.Header, dev.sparsetrain.core.io.ModelFile.Placement> extra) {
        if (!dev.sparsetrain.models.train.Checkpoint.isCheckpoint(dev.sparsetrain.core.io.ModelFile.readHeader(path).metadata())) {
            throw new dev.sparsetrain.core.BadInputException(path
                    + ": not a ctr-train checkpoint (no trainer state; a model saved with " + Settings.name("save") + " cannot be resumed)");
        }
        Trainer.State s = dev.sparsetrain.models.train.Checkpoint.resume(path, mode, extra);
        if (s.epoch() > config.numPasses()) {
            throw new dev.sparsetrain.core.BadInputException(path + ": checkpoint after " + s.epoch() + " passes, " + Settings.name("passes") + " is "
                    + config.numPasses() + " (must be >= the passes done)");
        }
        return s;
    }

    /** Calls {@code hook} after every {@code 1/evalsPerPass} of each pass of the next run (0 = never). */
    public void evaluateWithin(int evalsPerPass, EvalHook hook) { mode.evaluateWithin(evalsPerPass, hook); }

    /** The summed training loss (log loss before each step) of the last pass: defined also without a click. */
    public double lastTrainLossSum() { return mode.lastEpochLossSum(); }

    /** The samples behind {@link #lastTrainLossSum}. */
    public long lastTrainSamples() { return mode.lastEpochSamples(); }

    /**
     * Per-group optimizer figures of each pass this trainer ran, in pass order: one list per pass
     * with one entry per parameter group, the group's shards combined.
     */
    public List<List<GroupDiagnostics>> passDiagnostics() { return mode.allEpochDiagnostics(); }

    /** The training configuration without the fields that do not change the arithmetic. */
    static String signature(TrainConfig c) {
        return c.toBuilder().numPasses(1).threads(1).build().toString();
    }

    /** The order of one pass ({@link PassOrder#shuffle}); public so that a distributed trainer can lay out a pass as one machine would. */
    public static void shuffle(int[] order, TrainConfig.Shuffle mode, int partitions, SplittableRandom rnd) {
        PassOrder.shuffle(order, mode, partitions, rnd);
    }

    /** Predicted probabilities of every row of {@code d}, using all workers. */
    public float[] predict(CtrData d) {
        model.sparseArch.checkData(d);
        return batches.predict(d, mode.workers());
    }

    @Override
    public void close() {
        mode.close();
    }
}
