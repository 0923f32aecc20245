package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.ctr.CtrBlockReader;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrStreamSplit;
import dev.sparsetrain.models.train.Checkpoint;
import dev.sparsetrain.models.train.MiniBatch;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.ParamGroup;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

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
 * <p>The training rows can also stay on disk ({@link #trainable(CtrStreamSplit, int)}): each pass
 * then reads them again from the file through a background reader ({@link CtrBlockReader}:
 * parsing and encoding overlap training) and a bounded shuffle buffer ({@link StreamOrder}: exact
 * when the pass, or each partition, fits the buffer; windowed otherwise). Memory: the model, the
 * buffer, and a few blocks of 8,192 rows, whatever the log's size; evaluation streams too
 * ({@link #evaluate}: {@link StreamingCtrMetrics}). With an exact order, the same configuration
 * and the encoder fitted on the same rows, the result equals in-memory training's bit for bit (a
 * test checks it).
 *
 * <p>Checkpoints are the spine's ({@link Checkpoint}) over
 * {@link #trainable()}: model file, optimizer state (with the batch counter, which seeds the
 * dropout masks and is the dynamic tables' step clock), loop state and the dynamic tables' whole
 * state ({@link DynamicCheckpoint}, written by the caller beside the model); a resumed run sees the
 * same sample order, dropout masks, id -&gt; row assignments and optimizer steps as one that never
 * stopped.
 *
 * <p>Not thread-safe; {@link #close()} stops the worker team and any reader.
 */
public final class CtrTrainer implements AutoCloseable {
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
     * none yet): what {@link Checkpoint#write} saves and {@code resume} loads.
     */
    public MiniBatch trainable() { return mode; }

    /**
     * The spine's view of this trainer over {@code train}, for {@code new Trainer(loop()).fit(...)}:
     * one pass over {@code train} per epoch (parameters, optimizer state, the mini-batch mode; also
     * what {@link Checkpoint#write} saves).
     */
    public MiniBatch trainable(CtrData train) {
        batches.data(train);
        return mode;
    }

    /** The order each pass over {@code split}'s training rows takes with a shuffle buffer of {@code shuffleBuffer} rows ({@link StreamOrder#describe()}). */
    public StreamOrder order(CtrStreamSplit split, int shuffleBuffer) {
        if (shuffleBuffer < 1) throw new BadInputException(Settings.name("shuffleBuffer") + " " + shuffleBuffer + ", must be >= 1 row");
        if (split.trainRows() > Integer.MAX_VALUE - 1) {
            throw new BadInputException(Settings.name("trainRows") + " " + split.trainRows() + ": at most " + (Integer.MAX_VALUE - 1) + " rows per pass");
        }
        return new StreamOrder((int) split.trainRows(), config, shuffleBuffer);
    }

    /**
     * The spine's view of this trainer over {@code split}'s training rows, read from disk each
     * pass in {@link #order}, for {@code new Trainer(loop()).fit(...)}; a failure of the reader (a
     * bad row: one line, {@code file:line}) ends the run with that {@link BadInputException}
     * ({@link #close()} stops the reader). Each pass's order depends only on the seed and the
     * pass, so a resumed run ({@link #resume(java.nio.file.Path)}) continues exactly when the
     * order is exact ({@link StreamOrder#exact()}).
     */
    public MiniBatch trainable(CtrStreamSplit split, int shuffleBuffer) {
        StreamOrder order = order(split, shuffleBuffer);
        var enc = split.encoder();
        batches.data((int) split.trainRows(), order, split::train, enc.names(), enc.denseNames(), enc.tableRows(), enc.dynamicFeatures(), split.multiValued());
        return mode;
    }

    /**
     * The spine's settings for this configuration: {@code numPasses} epochs, its threads and
     * seed, a checkpoint after every pass (when the trainer has a checkpointer).
     */
    public TrainerConfig loop() {
        return TrainerConfig.defaults().withEpochs(config.numPasses()).withThreads(config.threads()).withSeed(config.seed()).withCheckpointEvery(1);
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
    public Trainer.State resume(String where, ModelFile.Contents c) {
        return resume(where, c.metadata(), () -> {
            DynamicCheckpoint.Reader dyn = model.hasDynamicIds() ? new DynamicCheckpoint.Reader(where, model) : null;
            if (dyn != null) dyn.readAll(c);
            Trainer.State s = Checkpoint.resume(where, c, mode);
            if (dyn != null) dyn.finish();
            return s;
        });
    }

    /** Loads a checkpoint by {@code load}, after refusing one without trainer state (its {@code metadata}) or of more passes than configured. */
    private Trainer.State resume(String where, Map<String, String> metadata, Supplier<Trainer.State> load) {
        if (!Checkpoint.isCheckpoint(metadata)) {
            throw new BadInputException(where + ": not a ctr-train checkpoint (no trainer state; a model saved with " + Settings.name("save")
                    + " cannot be resumed)");
        }
        Trainer.State s = load.get();
        if (s.epoch() > config.numPasses()) {
            throw new BadInputException(where + ": checkpoint after " + s.epoch() + " passes, " + Settings.name("passes") + " is "
                    + config.numPasses() + " (must be >= the passes done)");
        }
        return s;
    }

    /**
     * {@link #resume(String, ModelFile.Contents)} straight from the file:
     * parameters and optimizer state are read chunk by chunk into this trainer's model and
     * optimizer (no second copy; build the model with {@link SparseNN#fromHeader}).
     */
    public Trainer.State resume(java.nio.file.Path path) {
        return resume(path.toString(), ModelFile.readHeader(path).metadata(), () -> {
            if (!model.hasDynamicIds()) return Checkpoint.resume(path, mode);
            DynamicCheckpoint.Reader dyn = new DynamicCheckpoint.Reader(path.toString(), model);
            Trainer.State s = Checkpoint.resume(path, mode, dyn::placement);
            dyn.finish();   // after the file's checksum
            return s;
        });
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

    /** Streams every block of {@code reader} through the model and accumulates the figures (the reader is closed). */
    public StreamingCtrMetrics evaluate(CtrBlockReader reader) {
        StreamingCtrMetrics m = new StreamingCtrMetrics();
        try (reader) {
            CtrData b;
            while ((b = reader.next()) != null) m.add(b.labels(), predict(b), b.rows());
        }
        return m;
    }

    @Override
    public void close() {
        batches.closeReader();
        mode.close();
    }
}
