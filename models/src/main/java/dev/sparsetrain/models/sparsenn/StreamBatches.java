package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.data.ctr.CtrBlockReader;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.models.train.MiniBatch;
import dev.sparsetrain.optim.ParamGroup;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link ClickBatches} for rows streamed from disk: each pass opens a reader of the training rows
 * ({@code opener}), puts them through the pass's {@link StreamOrder}, and lays out one batch at a
 * time ({@link #beforeBatch}) in a reused batch of {@code batchSize} rows that the workers then
 * read. The step is {@link ClickSteps}', as in memory, so with an exact order the trained model
 * equals the in-memory one bit for bit.
 */
final class StreamBatches extends ClickSteps {
    private final int[] identity;
    private CtrData batch;
    private int batchFrom, rows;
    private StreamOrder order;
    private Supplier<CtrBlockReader> opener;
    private CtrBlockReader reader;
    private StreamOrder.Pass pass;

    StreamBatches(SparseNN model, TrainConfig config, List<ParamGroup> groups) {
        super(model, config, groups);
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

    @Override CtrData samples() { return batch; }
    @Override int[] order() { return identity; }
    @Override int offset(int from) { return from - batchFrom; }

    @Override
    public int beginEpoch(int epoch, MiniBatch trainer) {
        if (opener == null) throw new IllegalStateException("no training data");
        closeReader();
        reader = opener.get();
        CtrBlockReader r = reader;
        pass = order.open(epoch, batch.numDense(), batch.numSparse(), r::next);
        passMultipliers(trainer, epoch - 1);
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
}
