package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrBlockReader;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrRawData;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.train.MiniBatch;
import dev.sparsetrain.optim.ParamGroup;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * {@link ClickBatches} for rows streamed from disk: each pass opens a reader of the training rows
 * ({@code opener}), puts them through the pass's {@link StreamOrder}, and lays out one batch at a
 * time ({@link #beforeBatch}) in a reused batch of {@code batchSize} rows that the workers then
 * read. Everything else is ClickBatches' arithmetic: dropout seeded by (seed, batch, chunk), the
 * entropy regularizer, freezing embeddings after some passes, NE as the running figure; so with an
 * exact order the trained model equals the in-memory one bit for bit.
 */
final class StreamBatches implements MiniBatch.Model {
    private final SparseNN model;
    private final TrainConfig config;
    private final List<ParamGroup> groups;
    private final List<Table> sparse;
    private final Workspace[] ws;
    private final SplittableRandom noDropout = new SplittableRandom(0);
    private final int[] identity;
    private CtrData batch;
    private int batchFrom, rows;
    private StreamOrder order;
    private Supplier<CtrBlockReader> opener;
    private CtrBlockReader reader;
    private StreamOrder.Pass pass;

    StreamBatches(SparseNN model, TrainConfig config, List<ParamGroup> groups) {
        this.model = model;
        this.config = config;
        this.groups = groups;
        this.sparse = model.sparseTables();
        this.ws = new Workspace[config.threads()];
        identity = new int[config.batchSize()];
        for (int i = 0; i < identity.length; i++) identity[i] = i;
    }

    /** The rows the next passes train on: {@code rows} of them per pass, read by a fresh reader from {@code opener} each pass. */
    void data(int rows, StreamOrder order, Supplier<CtrBlockReader> opener, String[] names, String[] denseNames, int[] tableRows) {
        if (rows == 0) throw new dev.sparsetrain.core.BadInputException("training data has no rows");
        this.rows = rows;
        this.order = order;
        this.opener = opener;
        int b = config.batchSize(), ns = names.length, nd = denseNames.length;
        batch = new CtrData(names, denseNames, b, new byte[b], new float[b * nd], tableRows.clone(), new int[ns][], new int[ns][b]);
    }

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
        return (b, c, from, cnt, batchSize, into) -> {
            SplittableRandom rnd = sd > 0 || md > 0 ? new SplittableRandom(CtrRawData.mix64(config.seed() * 0x9E3779B97F4A7C15L + b) + c)
                    : noDropout;
            int local = from - batchFrom;
            s.forward(batch, identity, local, cnt, rnd, sd, md);
            s.backward(batch, identity, local, (Gradients) into, 1f / batchSize, md);
        };
    }

    @Override
    public int beginEpoch(int epoch, MiniBatch trainer) {
        if (opener == null) throw new IllegalStateException("no training data");
        closeReader();
        reader = opener.get();
        CtrBlockReader r = reader;
        pass = order.open(epoch, batch.numDense(), batch.numSparse(), r::next);
        ClickBatches.passMultipliers(config, groups, trainer, epoch - 1);
        return rows;
    }

    @Override
    public void beforeBatch(int from, int count) {
        pass.fill(batch, count);
        batchFrom = from;
        if (from + count == rows) {
            pass = null;
            closeReader();   // the pass's rows are all laid out; the next pass opens a new reader
        }
    }

    /** Stops the current reader, if any (the end of a pass, or a failed one). */
    void closeReader() {
        if (reader != null) reader.close();
        reader = null;
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
