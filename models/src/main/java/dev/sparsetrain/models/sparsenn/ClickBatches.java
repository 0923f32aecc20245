package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.data.ctr.CtrBlockReader;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.DynamicIdConfig;
import dev.sparsetrain.data.ctr.DynamicIdMap;
import dev.sparsetrain.models.train.MiniBatch;
import dev.sparsetrain.optim.ParamGroup;
import java.util.List;
import java.util.function.Supplier;

/**
 * A {@link SparseNN} (or LR/FM) as the spine's mini-batch mode trains it, from either of two
 * sources. Rows in memory ({@link #data(CtrData)}): each pass laid out in its shuffled order
 * ({@link PassOrder}); dynamic tables map their ids here, in batch order. Rows streamed from disk
 * ({@link #data(int, StreamOrder, Supplier, String[], String[], int[], boolean[], boolean[])}): each pass opens a reader, puts the rows
 * through the pass's {@link StreamOrder}, and lays out one batch at a time ({@link #beforeBatch})
 * in a reused batch that the workers then read. Dynamic tables map their ids in batch order for
 * both sources ({@link #beforeForward}: a streamed batch carries its dynamic features' raw ids). The
 * step is {@link ClickSteps}' for both, so with an exact order the streamed model equals the
 * in-memory one bit for bit, dynamic tables included.
 */
final class ClickBatches extends ClickSteps {
    /** In memory: the rows, and the order of each pass. */
    private CtrData train;
    private PassOrder passes;
    /** Streamed: rows per pass, their order, where a pass's reader comes from, the current pass. */
    private int streamRows;
    private StreamOrder order;
    private Supplier<CtrBlockReader> opener;
    private CtrBlockReader reader;
    private StreamOrder.Pass pass;
    private boolean[] dynamic, multi;
    /** What the workers read: the pass laid out (in memory) or the current batch, which starts at sample {@code batchFrom}. */
    private CtrData data;
    private int batchFrom;
    private int[] identity = new int[0];

    ClickBatches(SparseNN model, TrainConfig config, List<ParamGroup> groups) {
        super(model, config, groups);
    }

    /** The data the next passes train on (a new pass order, from the seed). */
    void data(CtrData train) {
        if (train.rows() == 0) throw new dev.sparsetrain.core.BadInputException("training data has no rows");
        model.sparseArch.checkData(train);
        if (this.train == train) return;
        closeReader();
        this.opener = null;
        this.train = train;
        this.passes = new PassOrder(train.rows(), config);
        batchFrom = 0;
        identity(train.rows());
    }

    /**
     * The rows the next passes train on, streamed: {@code rows} of them per pass, read by a fresh
     * reader from {@code opener} each pass in {@code order}; the features flagged in {@code dynamic}
     * (null: none) carry raw ids for the model's dynamic tables; those flagged in {@code multi}
     * (null: none) are multi-valued.
     */
    void data(int rows, StreamOrder order, Supplier<CtrBlockReader> opener, String[] names, String[] denseNames, int[] tableRows,
              boolean[] dynamic, boolean[] multi) {
        if (rows == 0) throw new dev.sparsetrain.core.BadInputException("training data has no rows");
        closeReader();
        this.train = null;
        this.streamRows = rows;
        this.order = order;
        this.opener = opener;
        int b = config.batchSize(), ns = names.length, nd = denseNames.length;
        this.dynamic = dynamic == null ? new boolean[ns] : dynamic.clone();
        this.multi = multi == null ? new boolean[ns] : multi.clone();
        long[][] raw = null;
        int[][] offsets = new int[ns][], ids = new int[ns][];
        for (int f = 0; f < ns; f++) {
            // a multi-valued feature: offsets per row, and id arrays that grow with the batch's ids (StreamOrder)
            int cap = this.multi[f] ? 2 * b : b;
            if (this.multi[f]) offsets[f] = new int[b + 1];
            ids[f] = new int[cap];
            if (!this.dynamic[f]) continue;
            if (raw == null) raw = new long[ns][];
            raw[f] = new long[cap];
        }
        data = new CtrData(names, denseNames, b, new byte[b], new float[b * nd], tableRows.clone(), offsets, ids, raw);
        model.sparseArch.checkData(data);
        identity(b);
    }

    private void identity(int n) {
        identity = new int[n];
        for (int i = 0; i < n; i++) identity[i] = i;
    }

    @Override CtrData samples() { return data; }
    @Override int[] order() { return identity; }
    @Override int offset(int from) { return from - batchFrom; }

    @Override
    public int beginEpoch(int epoch, MiniBatch trainer) {
        if (opener != null) {
            closeReader();
            CtrBlockReader r = reader = opener.get();
            pass = order.open(epoch, data.numDense(), dynamic, multi, r::next);
            passMultipliers(trainer, epoch - 1);
            return streamRows;
        }
        if (train == null) throw new IllegalStateException("no training data");
        int[] perm = passes.pass(epoch);
        // Lay the pass out in its shuffled order (one copy per pass, ~160 bytes a Criteo row):
        // workers then read samples sequentially instead of missing the cache once per feature.
        data = config.shuffle() == TrainConfig.Shuffle.NONE ? train : train.select(perm);
        passMultipliers(trainer, epoch - 1);
        return data.rows();
    }

    /** Streamed: lays out the batch's rows. */
    @Override
    public void beforeBatch(int from, int count) {
        if (pass == null) return;
        pass.fill(data, count);
        batchFrom = from;
        if (from + count == streamRows) {
            pass = null;
            closeReader();   // the pass's rows are all laid out; the next pass opens a new reader
        }
    }

    /** Stops the current reader, if any (the end of a pass, or a failed one). */
    void closeReader() {
        if (reader != null) reader.close();
        reader = null;
    }

    /**
     * Dynamic tables: admission and eviction over the batch's ids, in batch order (see
     * {@link SparseArch#observe}); in memory over the pass laid out, streamed over the batch just
     * laid out ({@link #beforeBatch}), the same ids in the same order when the pass order is exact.
     */
    @Override
    public void beforeForward(long batch, int from, int count, MiniBatch trainer) {
        if (model.sparseArch.dyn == null) return;
        if (train != null || opener != null) model.sparseArch.observe(data, identity, offset(from), count, batch, trainer.optimizers());
    }

    /**
     * Dynamic tables: a copy of every map's whole state ({@link DynamicIdMap#exportState}), put
     * back as new maps ({@link DynamicIdMap#restoreState}) when the spine restores a snapshot, so
     * that the best epoch's (or an undone epoch's start) rows are read through that moment's maps.
     */
    @Override
    public Runnable captureExtraState() {
        DynamicIdMap[] dyn = model.sparseArch.dyn;
        if (dyn == null) return null;
        long[][] state = new long[dyn.length][];
        DynamicIdConfig[] config = new DynamicIdConfig[dyn.length];
        for (int f = 0; f < dyn.length; f++) {
            if (dyn[f] == null) continue;
            state[f] = dyn[f].exportState();
            config[f] = dyn[f].config();
        }
        return () -> {
            for (int f = 0; f < state.length; f++) if (state[f] != null) dyn[f] = DynamicIdMap.restoreState(config[f], state[f]);
        };
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
}
