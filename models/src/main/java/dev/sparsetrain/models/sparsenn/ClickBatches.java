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
 * A {@link SparseNN} (or LR/FM) as the spine's mini-batch mode trains it: each pass laid out in
 * its shuffled order ({@link PassOrder}), chunks run by per-worker {@link Workspace}s with
 * dropout masks drawn from a generator seeded by (seed, batch, chunk), the embedding-entropy
 * regularizer added to the summed batch gradient, embeddings frozen after
 * {@link TrainConfig#freezeEmbeddingsAfter()} passes, and the running figure normalized entropy.
 */
final class ClickBatches implements MiniBatch.Model {
    private final SparseNN model;
    private final TrainConfig config;
    private final List<ParamGroup> groups;
    private final List<Table> sparse;
    private final Workspace[] ws;
    private final SplittableRandom noDropout = new SplittableRandom(0); // a non-null generator: "training", never drawn from
    private CtrData train, data;
    private PassOrder passes;
    private int[] identity;

    ClickBatches(SparseNN model, TrainConfig config, List<ParamGroup> groups) {
        this.model = model;
        this.config = config;
        this.groups = groups;
        this.sparse = model.sparseTables();
        this.ws = new Workspace[config.threads()];
    }

    /** The data the next passes train on (a new pass order, from the seed). */
    void data(CtrData train) {
        if (train.rows() == 0) throw new dev.sparsetrain.core.BadInputException("training data has no rows");
        model.sparseArch.checkData(train);
        if (this.train == train) return;
        this.train = train;
        this.passes = new PassOrder(train.rows(), config);
        this.identity = new int[train.rows()];
        for (int i = 0; i < identity.length; i++) identity[i] = i;
    }

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
            s.forward(data, identity, from, cnt, rnd, sd, md);
            s.backward(data, identity, from, (Gradients) into, 1f / batchSize, md);
        };
    }

    @Override
    public int beginEpoch(int epoch, MiniBatch trainer) {
        if (train == null) throw new IllegalStateException("no training data");
        int[] perm = passes.pass(epoch);
        // Lay the pass out in its shuffled order (one copy per pass, ~160 bytes a Criteo row):
        // workers then read samples sequentially instead of missing the cache once per feature.
        data = config.shuffle() == TrainConfig.Shuffle.NONE ? train : train.select(perm);
        passMultipliers(config, groups, trainer, epoch - 1);
        return data.rows();
    }

    /**
     * The learning-rate multipliers of 0-based pass {@code pass}: embeddings frozen after
     * {@code freezeEmbeddingsAfter} passes, every group damped by {@code passLrDecay^pass}
     * (in memory and streamed alike).
     */
    static void passMultipliers(TrainConfig config, List<ParamGroup> groups, MiniBatch trainer, int pass) {
        if (config.freezeEmbeddingsAfter() > 0 && pass == config.freezeEmbeddingsAfter()) {
            for (ParamGroup g : groups) {
                if (g.name().equals("embeddings") || g.name().equals("linear")) trainer.setLearningRateMultiplier(g.name(), 0);
            }
        }
        if (config.passLrDecay() != 1 && pass > 0) {   // TrainConfig.passLrDecay: lr * decay^(p-1) in pass p; frozen groups stay at 0
            for (ParamGroup g : groups) trainer.setLearningRateMultiplier(g.name(), config.learningRateMultiplier(g.name(), pass));
        }
    }

    /** Dynamic tables: admission and eviction over the batch's ids, in batch order (see {@link SparseArch#observe}). */
    @Override
    public void beforeForward(long batch, int from, int count, MiniBatch trainer) {
        if (model.sparseArch.dyn != null) model.sparseArch.observe(data, identity, from, count, batch, trainer.optimizers());
    }

    /** Dynamic tables: ids owning a row, the maps' memory and the evictions so far. */
    @Override
    public String progressNote() {
        if (model.sparseArch.dyn == null) return "";
        long ids = 0, bytes = 0, ev = 0, hits = 0, obs = 0;
        for (var m : model.sparseArch.dyn) {
            if (m == null) continue;
            ids += m.size();
            bytes += m.bytes();
            ev += m.evictions() + m.expirations();
            hits += m.defaultHits();
            obs += m.observations();
        }
        return String.format(java.util.Locale.ROOT, "  dyn %s ids, map %s, %s evicted, default row %.1f%%", dev.sparsetrain.core.Progress.human(ids),
                DynamicStats.bytes(bytes), dev.sparsetrain.core.Progress.human(ev), obs == 0 ? 0 : 100.0 * hits / obs);
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
