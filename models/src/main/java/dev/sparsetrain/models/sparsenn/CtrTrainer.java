package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.optim.Chain;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.Optimizers;
import dev.sparsetrain.optim.ParamGroup;
import dev.sparsetrain.optim.SparseSemantics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Mini-batch, data-parallel training of a {@link SparseNN} (or LR/FM) with one optimizer group per
 * parameter kind.
 *
 * <p>One step: the batch's samples are split across the worker team ({@link TrainConfig#threads()},
 * all cores by default); each worker runs forward and backward over its share in chunks of 32
 * samples with its own {@link SparseNN.Workspace} and accumulates {@code (1/B) dloss/dparam} into its
 * own {@link SparseNN.Gradients} (dense tensors: a flat buffer; embeddings: a {@link RowBatch} of
 * touched rows). Then the caller thread reduces: dense buffers are summed in worker order into
 * {@code optimizer.gradients(table)}, embedding row gradients appended to it, and
 * {@code optimizer.step()} coalesces duplicate ids, applies each group's chain (L2, the optimizer,
 * the row constraint) and clears the batches. No thread writes a parameter while another reads it.
 *
 * <p>Determinism: the split of a batch across workers and the reduction order are fixed, and each
 * worker draws dropout masks from its own {@code SplittableRandom.split()} of the master seed, so a
 * run is reproducible for a given seed and thread count ({@code threads = 1} included).
 *
 * <p>Not thread-safe; {@link #close()} stops the worker team.
 */
public final class CtrTrainer implements AutoCloseable {
    /** Samples per chunk inside a worker: the unit of the cache-blocked dense layers. */
    static final int CHUNK = 32;

    /** Called at evaluation points; {@code passes} is the (fractional) number of passes done. */
    public interface EvalHook {
        void evaluate(double passes, long samplesSeen, double runningTrainNe);
    }

    private final SparseNN model;
    private final TrainConfig config;
    private final Optimizer optimizer;
    private final Workers workers;
    private final SparseNN.Workspace[] ws;
    private final SparseNN.Gradients[] grads;
    private final SplittableRandom[] rnds;
    private final List<Table> denseTables, sparseTables;
    private final RowBatch[] denseBatches, sparseBatches;
    private final List<ParamGroup> groups;
    // current phase
    private CtrData data, predictData;
    private int[] order;
    private int batchFrom, batchSize;
    private float[] predictOut;
    private final java.util.function.IntConsumer trainTask = this::trainWorker;
    private final java.util.function.IntConsumer predictTask = this::predictWorker;

    public CtrTrainer(SparseNN model, TrainConfig config) {
        this.model = model;
        this.config = config;
        this.groups = groups(model, config);
        this.optimizer = Optimizer.build(groups, model.tables());
        int t = config.threads();
        workers = new Workers(t, "ctr-worker");
        ws = new SparseNN.Workspace[t];
        grads = new SparseNN.Gradients[t];
        rnds = new SplittableRandom[t];
        SplittableRandom master = new SplittableRandom(config.seed() ^ 0x2545F4914F6CDD1DL);
        for (int w = 0; w < t; w++) {
            ws[w] = model.newWorkspace(CHUNK);
            grads[w] = model.newGradients();
            rnds[w] = master.split();
        }
        denseTables = model.denseTables();
        sparseTables = model.sparseTables();
        denseBatches = new RowBatch[denseTables.size()];
        for (int i = 0; i < denseBatches.length; i++) denseBatches[i] = optimizer.gradients(denseTables.get(i));
        sparseBatches = new RowBatch[sparseTables.size()];
        for (int i = 0; i < sparseBatches.length; i++) sparseBatches[i] = optimizer.gradients(sparseTables.get(i));
    }

    /** The parameter groups: embeddings, linear, mlp_weights, mlp_biases (those that own a table). */
    public static List<ParamGroup> groups(SparseNN model, TrainConfig c) {
        List<String> emb = new ArrayList<>(), lin = new ArrayList<>(), w = new ArrayList<>(), b = new ArrayList<>();
        for (Table t : model.sparseTables()) (t.name().startsWith("lin.") ? lin : emb).add(t.name());
        for (Table t : model.denseTables()) (SparseNN.isBias(t) ? b : w).add(t.name());
        List<ParamGroup> out = new ArrayList<>();
        Chain ec = chain("embeddings", c.embeddingOptimizer(), c.embeddingLr()).withWeightDecay(c.embeddingL2());
        if (c.maxNorm() > 0) ec = ec.withMaxNorm(c.maxNorm());
        if (c.constantNorm() > 0) ec = ec.withConstantNorm(c.constantNorm());
        if (!emb.isEmpty()) {
            out.add(new ParamGroup("embeddings", ec, emb, SparseSemantics.LAZY, c.freezeEmbeddings()));
        }
        if (!lin.isEmpty()) {
            Chain lc = chain("linear", c.embeddingOptimizer(), c.embeddingLr()).withWeightDecay(c.embeddingL2());
            out.add(new ParamGroup("linear", lc, lin, SparseSemantics.LAZY, c.freezeEmbeddings()));
        }
        if (!w.isEmpty()) {
            Chain wc = chain("mlp_weights", c.mlpOptimizer(), c.mlpLr()).withWeightDecay(c.mlpL2());
            out.add(new ParamGroup("mlp_weights", wc, w, SparseSemantics.DENSE, c.freezeMlp()));
        }
        if (!b.isEmpty()) {
            out.add(new ParamGroup("mlp_biases", chain("mlp_biases", c.mlpOptimizer(), c.mlpLr()), b, SparseSemantics.DENSE,
                    c.freezeMlp()));
        }
        return out;
    }

    private static Chain chain(String group, String name, double lr) {
        if (name.equals("ftrl")) return Optimizers.fromPyTorch("group '" + group + "'", name, Map.of("alpha", lr));
        return Optimizers.fromPyTorch("group '" + group + "'", name, Map.of("lr", lr));
    }

    public Optimizer optimizer() { return optimizer; }

    public List<ParamGroup> parameterGroups() { return groups; }

    public SparseNN model() { return model; }

    /**
     * Trains for {@code config.numPasses()} passes over {@code train}, calling {@code hook} after
     * every {@code 1/evalsPerPass} of a pass (0 = never).
     *
     * @return samples per second of the whole run (training steps only, evaluation time excluded)
     */
    public double train(CtrData train, int evalsPerPass, EvalHook hook, Progress progress) {
        int n = train.rows();
        if (n == 0) throw new BadInputException("training data has no rows");
        this.data = train;
        order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom shuffleRnd = new SplittableRandom(config.seed());
        int bs = config.batchSize();
        int batchesPerPass = (n + bs - 1) / bs;
        long seen = 0;
        long trainNanos = 0;
        double winLoss = 0;
        long winSamples = 0, winClicks = 0;
        double lastNe = Double.NaN;
        long total = (long) n * config.numPasses();
        for (int pass = 0; pass < config.numPasses(); pass++) {
            shuffle(order, config.shuffle(), config.partitions(), shuffleRnd);
            if (config.freezeEmbeddingsAfter() > 0 && pass == config.freezeEmbeddingsAfter()) {
                for (ParamGroup g : groups) {
                    if (g.name().equals("embeddings") || g.name().equals("linear")) optimizer.setLearningRateMultiplier(g.name(), 0);
                }
            }
            int nextEval = 1;
            for (int bi = 0; bi < batchesPerPass; bi++) {
                long t0 = System.nanoTime();
                batchFrom = bi * bs;
                batchSize = Math.min(bs, n - batchFrom);
                workers.run(trainTask);
                reduceAndStep();
                trainNanos += System.nanoTime() - t0;
                seen += batchSize;
                for (SparseNN.Gradients g : grads) {
                    winLoss += g.lossSum;
                    winSamples += g.samples;
                    winClicks += g.clicks;
                }
                if (winSamples >= 20_000 || bi == batchesPerPass - 1) {
                    lastNe = runningNe(winLoss, winSamples, winClicks);
                    winLoss = 0;
                    winSamples = winClicks = 0;
                }
                if (progress != null) {
                    progress.update(seen, String.format("pass %d/%d  NE %.4f  %s samples/s", pass + 1, config.numPasses(),
                            lastNe, Progress.human(seen / Math.max(1e-9, trainNanos / 1e9))));
                }
                if (hook != null && evalsPerPass > 0 && (bi + 1) >= (long) nextEval * batchesPerPass / evalsPerPass) {
                    while (nextEval <= evalsPerPass && (bi + 1) >= (long) nextEval * batchesPerPass / evalsPerPass) nextEval++;
                    hook.evaluate(pass + (double) (bi + 1) / batchesPerPass, seen, lastNe);
                }
            }
        }
        double rate = seen / Math.max(1e-9, trainNanos / 1e9);
        if (progress != null) progress.finish(total, String.format("NE %.4f  %s samples/s", lastNe, Progress.human(rate)));
        return rate;
    }

    private static double runningNe(double loss, long samples, long clicks) {
        if (samples == 0) return Double.NaN;
        double h = CtrMetrics.entropy((double) clicks / samples);
        return h > 0 ? loss / samples / h : Double.NaN;
    }

    static void shuffle(int[] order, TrainConfig.Shuffle mode, int partitions, SplittableRandom rnd) {
        int n = order.length;
        switch (mode) {
            case NONE -> {
                for (int i = 0; i < n; i++) order[i] = i;
            }
            case ALL -> {
                for (int i = 0; i < n; i++) order[i] = i;
                shuffleRange(order, 0, n, rnd);
            }
            case WITHIN_PARTITION -> {
                for (int i = 0; i < n; i++) order[i] = i;
                int p = Math.min(partitions, n);
                for (int k = 0; k < p; k++) shuffleRange(order, (int) ((long) n * k / p), (int) ((long) n * (k + 1) / p), rnd);
            }
        }
    }

    private static void shuffleRange(int[] a, int from, int to, SplittableRandom rnd) {
        for (int i = to - 1; i > from; i--) {
            int j = from + rnd.nextInt(i - from + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private void trainWorker(int w) {
        int t = workers.size();
        int from = batchFrom + (int) ((long) batchSize * w / t);
        int to = batchFrom + (int) ((long) batchSize * (w + 1) / t);
        SparseNN.Gradients g = grads[w];
        g.clear();
        SparseNN.Workspace s = ws[w];
        float scale = 1f / batchSize;
        float sd = (float) config.sparseDropout(), md = (float) config.mlpDropout();
        for (int c = from; c < to; c += CHUNK) {
            int cnt = Math.min(CHUNK, to - c);
            s.forward(data, order, c, cnt, rnds[w], sd, md);
            s.backward(data, order, c, g, scale, md);
        }
    }

    private void reduceAndStep() {
        int t = grads.length;
        for (int i = 0; i < denseBatches.length; i++) {
            Table table = denseTables.get(i);
            RowBatch rb = denseBatches[i];
            int dim = table.dim();
            for (int r = 0; r < table.rows(); r++) {
                int off = rb.add(r);
                float[] dst = rb.grads();
                for (int w = 0; w < t; w++) dev.sparsetrain.core.Kernels.axpy(1f, grads[w].dense[i], r * dim, dst, off, dim);
            }
        }
        for (int i = 0; i < sparseBatches.length; i++) {
            RowBatch rb = sparseBatches[i];
            for (int w = 0; w < t; w++) {
                RowBatch src = grads[w].sparse[i];
                float[] g = src.grads();
                for (int k = 0; k < src.size(); k++) rb.add(src.row(k), g, src.gradOffset(k));
            }
        }
        optimizer.step();
    }

    /** Predicted probabilities of every row of {@code d}, using all workers. */
    public float[] predict(CtrData d) {
        this.predictData = d;
        predictOut = new float[d.rows()];
        workers.run(predictTask);
        predictData = null;
        float[] out = predictOut;
        predictOut = null;
        return out;
    }

    private void predictWorker(int w) {
        CtrData d = predictData;
        int n = d.rows(), t = workers.size();
        int from = (int) ((long) n * w / t), to = (int) ((long) n * (w + 1) / t);
        SparseNN.Workspace s = ws[w];
        int[] idx = new int[CHUNK];
        for (int c = from; c < to; c += CHUNK) {
            int cnt = Math.min(CHUNK, to - c);
            for (int k = 0; k < cnt; k++) idx[k] = c + k;
            s.forward(d, idx, 0, cnt, null, 0f, 0f);
            System.arraycopy(s.probabilities(), 0, predictOut, c, cnt);
        }
    }

    @Override
    public void close() {
        workers.close();
    }
}
