package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.data.ctr.CtrBlockReader;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrStreamSplit;
import dev.sparsetrain.models.train.MiniBatch;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.ParamGroup;
import java.util.List;

/**
 * {@link CtrTrainer} over a click log that stays on disk ({@link CtrStreamSplit}): the same model,
 * parameter groups, spine ({@link dev.sparsetrain.models.train.Trainer} epochs of {@link MiniBatch}) and kernels, but each pass
 * reads the training rows again from the file through a background reader
 * ({@link CtrBlockReader}: parsing and encoding overlap training) and a bounded shuffle buffer
 * ({@link StreamOrder}: exact when the pass, or each partition, fits the buffer; windowed
 * otherwise). Memory: the model, the buffer, and a few blocks of 8,192 rows, whatever the log's
 * size. Evaluation streams too ({@link #evaluate}: {@link StreamingCtrMetrics}).
 *
 * <p>With an exact order, the training configuration and the encoder fitted on the same rows, the
 * result equals {@link CtrTrainer}'s bit for bit (a test checks it). Not thread-safe;
 * {@link #close()} stops the worker team and any reader.
 */
public final class CtrStreamTrainer implements AutoCloseable {
    private final SparseNN model;
    private final TrainConfig config;
    private final int shuffleBuffer;
    private final StreamBatches batches;
    private final MiniBatch mode;

    /** @param shuffleBuffer rows of the shuffle buffer ({@code --shuffle-buffer}) */
    public CtrStreamTrainer(SparseNN model, TrainConfig config, int shuffleBuffer) {
        if (shuffleBuffer < 1) throw new dev.sparsetrain.core.BadInputException(Settings.name("shuffleBuffer") + " " + shuffleBuffer + ", must be >= 1 row");
        this.model = model;
        this.config = config;
        this.shuffleBuffer = shuffleBuffer;
        List<ParamGroup> groups = CtrTrainer.groups(model, config);
        batches = new StreamBatches(model, config, groups);
        mode = new MiniBatch(batches, groups, config.threads(), config.batchSize(), CtrTrainer.signature(config));
    }

    /** The order each pass over {@code split}'s training rows takes (what {@link StreamOrder#describe()} prints). */
    public StreamOrder order(CtrStreamSplit split) {
        if (split.trainRows() > Integer.MAX_VALUE - 1) {
            throw new dev.sparsetrain.core.BadInputException(Settings.name("trainRows") + " " + split.trainRows() + ": at most " + (Integer.MAX_VALUE - 1) + " rows per pass");
        }
        return new StreamOrder((int) split.trainRows(), config, shuffleBuffer);
    }

    public List<ParamGroup> parameterGroups() { return mode.parameterGroups(); }

    public SparseNN model() { return model; }

    /** The spine's view of this trainer. */
    public MiniBatch trainable() { return mode; }

    /** Calls {@code hook} after every {@code 1/evalsPerPass} of each pass of the next run (0 = never). */
    public void evaluateWithin(int evalsPerPass, CtrTrainer.EvalHook hook) { mode.evaluateWithin(evalsPerPass, hook); }

    /** Per-group optimizer figures of each pass, in pass order. */
    public List<List<GroupDiagnostics>> passDiagnostics() { return mode.allEpochDiagnostics(); }

    /**
     * The spine's view of this trainer over {@code split}'s training rows, read from disk each
     * pass, for {@code new Trainer(loop()).fit(...)}; a failure of the reader (a bad row: one line,
     * {@code file:line}) ends the run with that {@link dev.sparsetrain.core.BadInputException}
     * ({@link #close()} stops the reader).
     */
    public MiniBatch trainable(CtrStreamSplit split) {
        StreamOrder order = order(split);
        var enc = split.encoder();
        batches.data((int) split.trainRows(), order, split::train, enc.names(), enc.denseNames(), enc.tableRows());
        return mode;
    }

    /** The spine's settings for this configuration, as {@link CtrTrainer#loop()}. */
    public TrainerConfig loop() { return CtrTrainer.loop(config); }

    /**
     * Loads a checkpoint (of this or the in-memory trainer: the same format and state) straight
     * into this trainer's model and optimizer and returns the loop state to continue from with
     * {@code new Trainer(loop()).fit(trainable(split), state)}; each pass's order depends only on the seed and the pass, so the continuation is
     * exact when the order is ({@link StreamOrder#exact()}).
     */
    public dev.sparsetrain.models.train.Trainer.State resume(java.nio.file.Path path) {
        return CtrTrainer.resume(path, mode, config);
    }

    /** Predicted probabilities of every row of {@code d}, using all workers. */
    public float[] predict(CtrData d) {
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
