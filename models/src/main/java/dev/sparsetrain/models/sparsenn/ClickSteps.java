package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrRawData;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.train.MiniBatch;
import dev.sparsetrain.optim.ParamGroup;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a click model's mini-batch step is, wherever its samples come from ({@link ClickBatches}:
 * in memory or from disk): chunks run by per-worker {@link Workspace}s with
 * dropout masks drawn from a generator seeded by (seed, batch, chunk), the embedding-entropy
 * regularizer added to the summed batch gradient, the per-pass learning-rate multipliers
 * ({@link #passMultipliers}), and normalized entropy as the running figure. Subclasses say where
 * a chunk's samples are ({@link #samples()}, {@link #offset(int)}) and lay each pass out.
 */
abstract class ClickSteps implements MiniBatch.Model {
    final SparseNN model;
    final TrainConfig config;
    final List<ParamGroup> groups;
    private final List<Table> sparse;
    private final Workspace[] ws;
    private final SplittableRandom noDropout = new SplittableRandom(0); // a non-null generator: "training", never drawn from
    private final int[][] predictIndex;
    private CtrData predictData;
    private float[] predictOut;
    private final dev.sparsetrain.models.train.Workers.Unit predictTask = this::predictChunk;

    ClickSteps(SparseNN model, TrainConfig config, List<ParamGroup> groups) {
        this.model = model;
        this.config = config;
        this.groups = groups;
        this.sparse = model.sparseTables();
        this.ws = new Workspace[config.threads()];
        this.predictIndex = new int[config.threads()][MiniBatch.CHUNK];
    }

    /** The rows the workers read now (the pass laid out, or the current streamed batch). */
    abstract CtrData samples();

    /** The sample order over {@link #samples()} (identity: rows are laid out in pass order). */
    abstract int[] order();

    /** Where the epoch's sample {@code from} is in {@link #samples()}. */
    abstract int offset(int from);

    /** Worker w's workspace (also used to predict between passes). */
    Workspace workspace(int w) { return ws[w]; }

    @Override
    public List<Table> denseTables() { return model.denseTables(); }

    @Override
    public List<Table> sparseTables() { return sparse; }

    @Override
    public MiniBatch.Slot newSlot() { return model.newGradients(); }

    @Override
    public MiniBatch.ChunkWorker newWorker(int w) {
        Workspace s = model.newWorkspace(MiniBatch.CHUNK);
        ws[w] = s;
        float sd = (float) config.sparseDropout(), md = (float) config.mlpDropout();
        return (batch, c, from, cnt, batchSize, into) -> {
            // Dropout masks depend on (seed, batch, chunk) only, never on the worker that runs the chunk.
            SplittableRandom rnd = sd > 0 || md > 0 ? new SplittableRandom(CtrRawData.mix64(config.seed() * 0x9E3779B97F4A7C15L + batch) + c)
                    : noDropout;
            CtrData d = samples();
            int[] idx = order();
            int at = offset(from);
            s.forward(d, idx, at, cnt, rnd, sd, md);
            s.backward(d, idx, at, (Gradients) into, 1f / batchSize, md);
        };
    }

    /** Predicted probabilities of every row of {@code d}, in chunks over {@code workers} and their workspaces. */
    float[] predict(CtrData d, dev.sparsetrain.models.train.Workers workers) {
        predictData = d;
        predictOut = new float[d.rows()];
        workers.run(predictTask, (d.rows() + MiniBatch.CHUNK - 1) / MiniBatch.CHUNK);
        predictData = null;
        float[] out = predictOut;
        predictOut = null;
        return out;
    }

    private void predictChunk(int w, int c) {
        CtrData d = predictData;
        int from = c * MiniBatch.CHUNK, cnt = Math.min(MiniBatch.CHUNK, d.rows() - from);
        Workspace s = ws[w];
        int[] idx = predictIndex[w];
        for (int k = 0; k < cnt; k++) idx[k] = from + k;
        s.forward(d, idx, 0, cnt, null, 0f, 0f);
        System.arraycopy(s.probabilities(), 0, predictOut, from, cnt);
    }

    /**
     * The learning-rate multipliers of 0-based pass {@code pass}: embeddings frozen after
     * {@code freezeEmbeddingsAfter} passes, every group damped by {@code passLrDecay^pass}.
     */
    void passMultipliers(MiniBatch trainer, int pass) {
        if (config.freezeEmbeddingsAfter() > 0 && pass == config.freezeEmbeddingsAfter()) {
            for (ParamGroup g : groups) {
                if (g.name().equals("embeddings") || g.name().equals("linear")) trainer.setLearningRateMultiplier(g.name(), 0);
            }
        }
        if (config.passLrDecay() != 1 && pass > 0) {   // TrainConfig.passLrDecay: lr * decay^(p-1) in pass p; frozen groups stay at 0
            for (ParamGroup g : groups) trainer.setLearningRateMultiplier(g.name(), config.learningRateMultiplier(g.name(), pass));
        }
    }

    @Override
    public void beforeStep(int i, RowBatch rb) {
        SparseArch.addRegularizers(sparse.get(i), rb, (float) config.embeddingEntropy());
    }

    @Override
    public double runningFigure(double loss, long samples, long clicks) {
        if (samples == 0) return Double.NaN;
        double h = CtrMetrics.entropy((double) clicks / samples);
        return h > 0 ? loss / samples / h : Double.NaN;
    }

    @Override
    public String figureName() { return "NE"; }
}
