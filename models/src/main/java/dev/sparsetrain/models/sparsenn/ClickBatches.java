package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.models.train.MiniBatch;
import dev.sparsetrain.optim.ParamGroup;
import java.util.List;

/**
 * A {@link SparseNN} (or LR/FM) as the spine's mini-batch mode trains it from rows in memory:
 * each pass laid out in its shuffled order ({@link PassOrder}); the step itself is
 * {@link ClickSteps}'. Dynamic tables map their ids here, in batch order.
 */
final class ClickBatches extends ClickSteps {
    private CtrData train, data;
    private PassOrder passes;
    private int[] identity;

    ClickBatches(SparseNN model, TrainConfig config, List<ParamGroup> groups) {
        super(model, config, groups);
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

    @Override CtrData samples() { return data; }
    @Override int[] order() { return identity; }
    @Override int offset(int from) { return from; }

    @Override
    public int beginEpoch(int epoch, MiniBatch trainer) {
        if (train == null) throw new IllegalStateException("no training data");
        int[] perm = passes.pass(epoch);
        // Lay the pass out in its shuffled order (one copy per pass, ~160 bytes a Criteo row):
        // workers then read samples sequentially instead of missing the cache once per feature.
        data = config.shuffle() == TrainConfig.Shuffle.NONE ? train : train.select(perm);
        passMultipliers(trainer, epoch - 1);
        return data.rows();
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
}
