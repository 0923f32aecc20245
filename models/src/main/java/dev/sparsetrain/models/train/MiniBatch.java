package dev.sparsetrain.models.train;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.OptimizerState;
import dev.sparsetrain.optim.ParamGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The mini-batch data-parallel mode of the spine (the click models): a {@link Trainable} over a
 * {@link Model} that computes gradients chunk by chunk.
 *
 * <p>One step (an epoch is a pass of such steps): the batch is cut into chunks of {@link #CHUNK}
 * samples, and the worker team ({@link Workers}) shares them: whichever worker claims chunk c runs
 * forward and backward over it with its own {@link ChunkWorker} and writes
 * {@code (1/B) dloss/dparam} into gradient slot c (dense tensors: a flat buffer; embeddings: a
 * {@link RowBatch} of touched rows). Then the update, also shared: the tables are sharded over up
 * to {@code threads} independent {@link Optimizer}s built from the same groups
 * ({@link OptimizerShards}: shard 0 owns every dense tensor, embedding tables go to the least
 * loaded shard by estimated step cost); whoever claims shard k sums its tables' gradients over the
 * slots in chunk order into {@code optimizer.gradients(table)}, lets the model add its
 * regularizers' gradients ({@link Model#beforeStep}) and calls its {@code step()}. Every table is
 * updated by exactly one optimizer and the groups' step counts advance once per batch, so sharding
 * changes nothing numerically; a single-threaded step was 30% of the time. No thread writes a
 * parameter while another reads it.
 *
 * <p>Determinism: chunks, slots and their reduction order are fixed and the model seeds any
 * randomness of a chunk by (batch, chunk) ({@link ChunkWorker#train}), so the result does not
 * depend on the thread count or on which worker ran what, bit for bit.
 *
 * <p>State ({@link #exportState()}): the shards' optimizer states merged into one (each table is in
 * exactly one shard and a group's scalars advance alike in all), the batch counter and a signature
 * of the arithmetic; a state saved with another thread count (another shard layout) loads.
 * Not thread-safe; {@link #close()} stops the worker team.
 */
public final class MiniBatch implements Trainable, AutoCloseable {
    /** Samples per chunk inside a worker: the unit of the cache-blocked dense layers. */
    public static final int CHUNK = 32;
    static final String BATCHES_KEY = "optim.minibatch.batches";
    static final String SIGNATURE_KEY = "optim.minibatch.signature";

    /** What the mini-batch mode trains. */
    public interface Model {
        /** Dense tensors: gradient slot {@link Slot#dense(int)} i belongs to table i. */
        List<Table> denseTables();

        /** Sparse tables: gradient slot {@link Slot#sparse(int)} i belongs to table i. */
        List<Table> sparseTables();

        Slot newSlot();

        /** The workspace of worker {@code w} (called once per worker, w = 0, 1, ...). */
        ChunkWorker newWorker(int w);

        /**
         * Prepares epoch {@code epoch} (1-based: shuffle, layout, schedule changes through
         * {@code trainer}) and returns how many samples it has.
         */
        int beginEpoch(int epoch, MiniBatch trainer);

        /**
         * Called on the training thread before the chunks of the batch of samples
         * {@code [from, from + rows)} of the epoch's layout run: a model that streams its samples
         * lays the batch out here (no worker reads the previous batch any more).
         */
        default void beforeBatch(int from, int rows) {}

        /**
         * Called on the training thread right before the chunks of batch number {@code batch}
         * (counted over the whole run) run, with its samples {@code [from, from + count)} of the
         * epoch's layout: where a model changes its id -&gt; row mapping in stream order (dynamic
         * embedding tables), with {@code trainer}'s optimizers at hand to reset reused rows.
         */
        default void beforeForward(long batch, int from, int count, MiniBatch trainer) {}

        /** {@link Trainable#captureExtraState()} of the model: null (the default) when it has none. */
        default Runnable captureExtraState() { return null; }

        /** Extra text for the progress line (e.g. a dynamic table's ids and memory); empty by default. */
        default String progressNote() { return ""; }

        /** Adds regularizer gradients to sparse table {@code i}'s summed batch gradient before the step. */
        default void beforeStep(int i, RowBatch summed) {}

        /** The running figure of the progress line and the evaluation hook (default: mean loss). */
        default double runningFigure(double lossSum, long samples, long positives) {
            return samples == 0 ? Double.NaN : lossSum / samples;
        }

        default String figureName() { return "loss"; }
    }

    /** One chunk's gradient slot: {@code (1/B) dloss/dparam} and the chunk's loss. */
    public interface Slot {
        float[] dense(int i);

        RowBatch sparse(int i);

        void clear();

        double lossSum();

        long samples();

        /** Positive labels among the samples (clicks), for figures such as normalized entropy. */
        long positives();
    }

    /** A worker's forward and backward pass over chunks. */
    public interface ChunkWorker {
        /**
         * Samples {@code [from, from + count)} of the epoch's layout, chunk {@code chunk} of batch
         * number {@code batch} (counted over the whole run: seeds the chunk's randomness), into
         * {@code into} (already cleared) with gradients scaled by {@code 1/batchSize}.
         */
        void train(long batch, int chunk, int from, int count, int batchSize, Slot into);
    }

    /**
     * Called at evaluation points inside an epoch; {@code epochs} is the (fractional) number of
     * epochs done and {@code running} the model's running figure over the samples since the
     * previous call (over the whole epoch with one evaluation per epoch).
     */
    public interface EvalHook {
        void evaluate(double epochs, long samplesSeen, double running);
    }

    private final Model model;
    private final List<ParamGroup> groups;
    private final int batchSize;
    private final String signature;
    private final OptimizerShards shards;
    private final Workers workers;
    private final ChunkWorker[] chunkWorkers;
    private final Slot[] slots;
    private final List<Table> denseTables, sparseTables;
    private final RowBatch[] denseBatches, sparseBatches;
    private final List<List<GroupDiagnostics>> epochDiagnostics = new ArrayList<>();
    private long batchCounter;
    private int evalsPerEpoch;
    private EvalHook hook;
    private long seenBefore;
    private double lastLossSum;
    private long lastSamples, lastPositives;
    private int samplesPerEpoch;
    // the current batch
    private int batchFrom, batchRows, chunksThisBatch;
    private final Workers.Unit trainTask = this::trainChunk;
    private final Workers.Unit stepTask = this::stepShard;

    /**
     * @param signature everything that changes the arithmetic (the training configuration but the
     *                  epoch and thread counts): a state of another signature is refused
     */
    public MiniBatch(Model model, List<ParamGroup> groups, int threads, int batchSize, String signature) {
        if (threads < 1) throw new BadInputException("threads: " + threads + ", must be >= 1");
        if (batchSize < 1) throw new BadInputException("batch size: " + batchSize + ", must be >= 1");
        this.model = model;
        this.groups = List.copyOf(groups);
        this.batchSize = batchSize;
        this.signature = signature;
        denseTables = List.copyOf(model.denseTables());
        sparseTables = List.copyOf(model.sparseTables());
        shards = new OptimizerShards(this.groups, denseTables, sparseTables, threads, batchSize);
        workers = new Workers(threads, "minibatch-worker");
        chunkWorkers = new ChunkWorker[threads];
        for (int w = 0; w < threads; w++) chunkWorkers[w] = model.newWorker(w);
        slots = new Slot[(batchSize + CHUNK - 1) / CHUNK];
        for (int c = 0; c < slots.length; c++) slots[c] = model.newSlot();
        denseBatches = new RowBatch[denseTables.size()];
        for (int i = 0; i < denseBatches.length; i++) denseBatches[i] = shards.denseGradients(i);
        sparseBatches = new RowBatch[sparseTables.size()];
        for (int i = 0; i < sparseBatches.length; i++) sparseBatches[i] = shards.sparseGradients(i);
    }

    /** The worker team (e.g. for a parallel prediction between epochs). */
    public Workers workers() { return workers; }

    /** The optimizer shards: together they own every table once (see the class comment). */
    public List<Optimizer> optimizers() { return shards.optimizers(); }

    public List<ParamGroup> parameterGroups() { return groups; }

    /** Sets group {@code group}'s learning-rate multiplier in every shard that holds it. */
    public void setLearningRateMultiplier(String group, double m) {
        shards.setLearningRateMultiplier(group, m);
    }

    /** Calls {@code hook} after every {@code 1/evalsPerEpoch} of each epoch (0 or a null hook: never). */
    public void evaluateWithin(int evalsPerEpoch, EvalHook hook) {
        if (evalsPerEpoch < 0) throw new BadInputException("evaluations per epoch: " + evalsPerEpoch + ", must be >= 0");
        this.evalsPerEpoch = evalsPerEpoch;
        this.hook = hook;
    }

    /** The summed training loss (before each step) of the last epoch: defined also where the running figure is not. */
    public double lastEpochLossSum() { return lastLossSum; }

    /** The samples behind {@link #lastEpochLossSum}. */
    public long lastEpochSamples() { return lastSamples; }

    /** The positives behind {@link #lastEpochLossSum}. */
    public long lastEpochPositives() { return lastPositives; }

    /** Per-group optimizer figures of every epoch trained by this object, in order. */
    public List<List<GroupDiagnostics>> allEpochDiagnostics() { return List.copyOf(epochDiagnostics); }

    @Override
    public List<Table> parameters() {
        List<Table> all = new ArrayList<>(sparseTables);
        all.addAll(denseTables);
        return all;
    }

    @Override
    public long samplesPerEpoch() { return samplesPerEpoch; }

    @Override
    public List<GroupDiagnostics> epochDiagnostics() {
        return epochDiagnostics.isEmpty() ? List.of() : epochDiagnostics.getLast();
    }

    @Override
    public EpochRun trainEpoch(int epoch, int epochs, Progress progress) {
        int n = model.beginEpoch(epoch, this);
        if (n == 0) throw new BadInputException("training data has no rows");
        samplesPerEpoch = n;
        int batches = (n + batchSize - 1) / batchSize;
        long trainNanos = 0, seen = 0;
        double winLoss = 0, evalLoss = 0;
        long winSamples = 0, winPos = 0, evalSamples = 0, evalPos = 0;
        double running = Double.NaN;
        lastLossSum = 0;
        lastSamples = lastPositives = 0;
        int nextEval = 1;
        for (int bi = 0; bi < batches; bi++) {
            long t0 = System.nanoTime();
            batchFrom = bi * batchSize;
            batchRows = Math.min(batchSize, n - batchFrom);
            chunksThisBatch = (batchRows + CHUNK - 1) / CHUNK;
            batchCounter++;
            model.beforeBatch(batchFrom, batchRows);
            model.beforeForward(batchCounter, batchFrom, batchRows, this);
            workers.run(trainTask, chunksThisBatch);
            workers.run(stepTask, shards.size());
            trainNanos += System.nanoTime() - t0;
            seen += batchRows;
            for (int c = 0; c < chunksThisBatch; c++) {
                Slot g = slots[c];
                winLoss += g.lossSum();
                winSamples += g.samples();
                winPos += g.positives();
                evalLoss += g.lossSum();
                evalSamples += g.samples();
                evalPos += g.positives();
                lastLossSum += g.lossSum();
                lastSamples += g.samples();
                lastPositives += g.positives();
            }
            // a 20,000-sample window for the progress line
            if (winSamples >= 20_000 || bi == batches - 1) {
                running = model.runningFigure(winLoss, winSamples, winPos);
                winLoss = 0;
                winSamples = winPos = 0;
            }
            if (progress != null) {
                progress.update(seen, Progress.figure("train " + model.figureName() + " (running, last 20,000 samples)", running)
                        + "  " + Progress.human(seen / Math.max(1e-9, trainNanos / 1e9)) + " samples/s" + model.progressNote());
            }
            // a second window for the hook: the samples since its previous call, so that every
            // curve point has its own figure
            if (hook != null && evalsPerEpoch > 0 && (bi + 1) >= (long) nextEval * batches / evalsPerEpoch) {
                while (nextEval <= evalsPerEpoch && (bi + 1) >= (long) nextEval * batches / evalsPerEpoch) nextEval++;
                double fig = model.runningFigure(evalLoss, evalSamples, evalPos);
                evalLoss = 0;
                evalSamples = evalPos = 0;
                hook.evaluate(epoch - 1 + (double) (bi + 1) / batches, seenBefore + seen, fig);
            }
        }
        seenBefore += seen;
        epochDiagnostics.add(shards.endEpoch());
        return new EpochRun(seen, lastSamples == 0 ? Double.NaN : lastLossSum / lastSamples, trainNanos / 1e9, 0);
    }

    /** Chunk c of the current batch on worker w: forward and backward into gradient slot c. */
    private void trainChunk(int w, int c) {
        int from = batchFrom + c * CHUNK;
        int cnt = Math.min(CHUNK, batchFrom + batchRows - from);
        Slot g = slots[c];
        g.clear();
        chunkWorkers[w].train(batchCounter, c, from, cnt, batchRows, g);
    }

    /** Shard k: sums its tables' gradients over the batch's chunk slots, in chunk order, and steps. */
    private void stepShard(int w, int k) {
        int t = chunksThisBatch;
        for (int i = 0; i < denseBatches.length; i++) {
            if (k != 0) break;
            Table table = denseTables.get(i);
            RowBatch rb = denseBatches[i];
            int dim = table.dim();
            for (int r = 0; r < table.rows(); r++) {
                int off = rb.add(r);
                float[] dst = rb.grads();
                for (int c = 0; c < t; c++) Kernels.axpy(1f, slots[c].dense(i), r * dim, dst, off, dim);
            }
        }
        for (int i = 0; i < sparseBatches.length; i++) {
            if (shards.shardOfSparse(i) != k) continue;
            RowBatch rb = sparseBatches[i];
            for (int c = 0; c < t; c++) {
                RowBatch src = slots[c].sparse(i);
                float[] g = src.grads();
                for (int e = 0; e < src.size(); e++) rb.add(src.row(e), g, src.gradOffset(e));
            }
            model.beforeStep(i, rb);
        }
        shards.step(k);
    }

    /** The model's extra state ({@link Model#captureExtraState()}), for the spine's snapshots. */
    @Override
    public Runnable captureExtraState() { return model.captureExtraState(); }

    /**
     * The shards' states merged into one {@link OptimizerState} (as one optimizer over every table
     * would write it), plus the batch counter (it seeds the chunks' randomness) and the signature.
     */
    @Override
    public OptimizerState exportState() {
        return shards.exportState(stateExtra());
    }

    /** {@link #exportState()} as a live view over the shards' arrays (a checkpoint's, no copy). */
    @Override
    public OptimizerState stateView() {
        return shards.stateView(stateExtra());
    }

    private Map<String, String> stateExtra() {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(BATCHES_KEY, Long.toString(batchCounter));
        extra.put(SIGNATURE_KEY, signature);
        return extra;
    }

    /**
     * Restores {@link #exportState()} (also one written with another thread count); everything is
     * checked first, a mismatch is refused in one line naming {@code where}.
     */
    @Override
    public void importState(String where, OptimizerState state) {
        stateReader(where, state.metadata()).readAll(state);
    }

    /** Reads a checkpoint's state into the shards' own arrays (any thread count wrote it); the training signature is checked first. */
    @Override
    public OptimizerState.Reader stateReader(String where, Map<String, String> meta) {
        String have = meta.get(SIGNATURE_KEY);
        if (have == null) throw new BadInputException(where + ": no mini-batch training state (a saved model, not a checkpoint)");
        if (!signature.equals(have)) {
            throw new BadInputException(where + ": checkpoint of another training configuration: " + have + "; this run: " + signature
                    + " (only the pass count and the thread count may change on resume)");
        }
        long batches;
        try {
            batches = Long.parseLong(meta.get(BATCHES_KEY));
        } catch (NumberFormatException | NullPointerException e) {
            throw new BadInputException(where + ": damaged mini-batch state (" + e.getMessage() + ")");
        }
        return shards.stateReader(where, meta, () -> batchCounter = batches);
    }

    @Override
    public void close() {
        workers.close();
    }
}
