package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.models.train.MiniBatch;
import java.util.List;

/**
 * One chunk's gradient slot of a {@link SparseNN}: one float[] per dense tensor (shaped like it),
 * one {@link RowBatch} of touched rows per sparse table, and the chunk's summed log loss, samples
 * and clicks. Reused: {@link #clear()} between batches.
 */
public final class Gradients implements MiniBatch.Slot {
    final float[][] dense;
    final RowBatch[] sparse;
    double lossSum;
    long samples;
    long clicks;

    Gradients(List<Table> denseTables, List<Table> sparseTables) {
        dense = new float[denseTables.size()][];
        for (int i = 0; i < dense.length; i++) dense[i] = new float[denseTables.get(i).data().length];
        sparse = new RowBatch[sparseTables.size()];
        for (int i = 0; i < sparse.length; i++) sparse[i] = new RowBatch(sparseTables.get(i).dim(), 256);
    }

    /** Zeroes everything. */
    @Override
    public void clear() {
        for (float[] d : dense) java.util.Arrays.fill(d, 0f);
        for (RowBatch b : sparse) b.clear();
        lossSum = 0;
        samples = 0;
        clicks = 0;
    }

    @Override
    public float[] dense(int i) { return dense[i]; }

    @Override
    public RowBatch sparse(int i) { return sparse[i]; }

    @Override
    public double lossSum() { return lossSum; }

    @Override
    public long samples() { return samples; }

    public long clicks() { return clicks; }

    @Override
    public long positives() { return clicks; }
}
