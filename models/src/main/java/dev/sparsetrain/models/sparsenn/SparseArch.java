package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.DynamicIdConfig;
import dev.sparsetrain.data.ctr.DynamicIdMap;
import dev.sparsetrain.optim.Optimizer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The sparse arch (torchrec's {@code SparseArch} over an {@code EmbeddingBagCollection}): one
 * embedding table per sparse feature ({@code emb.<feature>}, SparseNN and FM) and one linear
 * weight per id ({@code lin.<feature>}, dim 1, LR and FM), sum pooling
 * {@code e_f = sum_{id kept} s * E_f[id]} ({@code s = 1/(1-q)} under sparse-id dropout q), the
 * pooled embeddings' gradients into touched-row batches, and the regularizers' hook on a summed
 * batch gradient ({@link #addRegularizers}: the embedding-entropy term).
 *
 * <p>A dynamic feature ({@link DynamicIdMap}) looks its rows up by raw id
 * ({@link CtrData#rawIds}) instead of reading them from {@link CtrData#ids}. Its map changes only
 * in {@link #observe}, called once per mini-batch on one thread before the batch's forward
 * passes (the trainer's {@code beforeForward}); workers then only read it. So admission and
 * eviction follow the stream in batch order, at batch granularity: an id admitted by its
 * {@code admitAfter}-th occurrence uses its new row for all its occurrences in that batch, and an
 * id occurring in a batch is never evicted during it.
 */
final class SparseArch {
    final Table[] emb;      // null unless SPARSENN or FM
    final Table[] lin;      // null unless LOGISTIC or FM
    /** feature -> index among the model's sparse tables (gradient slots) */
    final int[] embIndex, linIndex;
    /** Per feature the dynamic id map, or null for hashing/vocabulary ids; null when no feature is dynamic. */
    final DynamicIdMap[] dyn;
    private final int ns, dim;
    private final double initStd;
    private final long seed;

    SparseArch(String[] names, int[] tableRows, int dim, boolean embeddings, boolean linear, double initStd, SplittableRandom rnd,
               List<Table> sparse, DynamicIdConfig[] dynamic, long seed) {
        this.ns = names.length;
        this.dim = dim;
        this.initStd = initStd;
        this.seed = seed;
        DynamicIdMap[] d = null;
        if (dynamic != null) {
            for (int f = 0; f < ns; f++) {
                if (dynamic[f] == null) continue;
                if (dynamic[f].capacity() != tableRows[f]) {
                    throw new IllegalArgumentException("feature " + names[f] + ": dynamic capacity " + dynamic[f].capacity() + " but " + tableRows[f] + " table rows");
                }
                if (d == null) d = new DynamicIdMap[ns];
                d[f] = new DynamicIdMap(dynamic[f]);
            }
        }
        this.dyn = d;
        embIndex = new int[ns];
        linIndex = new int[ns];
        if (embeddings) {
            emb = new Table[ns];
            for (int f = 0; f < ns; f++) {
                emb[f] = Table.embedding("emb." + names[f], tableRows[f], dim).fillNormal(rnd.split(), initStd);
                embIndex[f] = sparse.size();
                sparse.add(emb[f]);
            }
        } else {
            emb = null;
        }
        if (linear) {
            lin = new Table[ns];
            for (int f = 0; f < ns; f++) {
                lin[f] = Table.embedding("lin." + names[f], tableRows[f], 1);
                linIndex[f] = sparse.size();
                sparse.add(lin[f]);
            }
        } else {
            lin = null;
        }
    }

    /** The ids of samples {@code order[from .. from+count)} that survive dropout, into {@code k}; dense features into {@code x}. */
    void gather(CtrData data, int[] order, int from, int count, SplittableRandom rnd, float q, KeptIds k, float[] x, int xs) {
        k.clear();
        boolean drop = rnd != null && q > 0;
        float sKeep = drop ? 1f / (1f - q) : 1f;
        float[] dense = data.dense();
        int nd = data.numDense();
        for (int b = 0; b < count; b++) {
            int i = order[from + b];
            if (nd > 0) System.arraycopy(dense, i * nd, x, b * xs, nd);
            for (int f = 0; f < ns; f++) {
                int e = data.end(f, i);
                DynamicIdMap m = dyn == null ? null : dyn[f];
                if (m != null) {
                    long[] raw = data.rawIds()[f];
                    for (int j = data.begin(f, i); j < e; j++) {
                        if (drop && rnd.nextFloat() < q) continue;
                        k.add(b, f, m.rowFor(raw[j]), sKeep);
                    }
                    continue;
                }
                int[] ids = data.ids()[f];
                for (int j = data.begin(f, i); j < e; j++) {
                    if (drop && rnd.nextFloat() < q) continue;
                    k.add(b, f, ids[j], sKeep);
                }
            }
        }
    }

    /** Refuses data whose dynamic features carry no raw ids (encoded for hashing), naming the feature. */
    void checkData(CtrData data) {
        if (dyn == null) return;
        for (int f = 0; f < ns; f++) {
            if (dyn[f] != null && !data.isDynamic(f)) {
                throw new dev.sparsetrain.core.BadInputException("feature " + data.names()[f] + " is a dynamic table in the model, but the data "
                        + "carries no raw ids for it (encode it with dynamic ids, IdMode.DYNAMIC)");
            }
        }
    }

    /**
     * Runs the dynamic maps over samples {@code order[from .. from+count)} of {@code data} at step
     * {@code step} (admission, TTL expiry, LFU eviction; one thread, before the batch's forward
     * passes), then reinitialises every row handed to a new id after another used it: embedding
     * weights drawn again from N(0, initStd^2) with a generator seeded by (seed, feature, row,
     * step), linear weights 0, and the row's optimizer state reset in whichever of
     * {@code optimizers} owns the table ({@link Optimizer#resetRow}).
     */
    void observe(CtrData data, int[] order, int from, int count, long step, List<Optimizer> optimizers) {
        if (dyn == null) return;
        for (int f = 0; f < ns; f++) if (dyn[f] != null) dyn[f].beginStep(step);
        for (int b = 0; b < count; b++) {
            int i = order[from + b];
            for (int f = 0; f < ns; f++) {
                DynamicIdMap m = dyn[f];
                if (m == null) continue;
                long[] raw = data.rawIds()[f];
                int e = data.end(f, i);
                for (int j = data.begin(f, i); j < e; j++) m.observe(raw[j], step);
            }
        }
        for (int f = 0; f < ns; f++) {
            DynamicIdMap m = dyn[f];
            if (m == null) continue;
            for (int k = 0; k < m.reassignedCount(); k++) resetRow(f, m.reassigned(k), step, optimizers);
            m.clearReassigned();
        }
    }

    /** Reinitialises row {@code row} of feature {@code f}'s tables and their optimizer state (see {@link #observe}). */
    void resetRow(int f, int row, long step, List<Optimizer> optimizers) {
        if (emb != null) {
            Table t = emb[f];
            SplittableRandom r = new SplittableRandom(dev.sparsetrain.data.ctr.CtrRawData.mix64(seed * 0x9E3779B97F4A7C15L + f)
                    ^ dev.sparsetrain.data.ctr.CtrRawData.mix64(((long) row << 32) ^ step));
            float[] w = t.block(row);
            int o = t.offset(row);
            for (int c = 0; c < dim; c++) w[o + c] = (float) (r.nextGaussian() * initStd);
            resetState(t, row, optimizers);
        }
        if (lin != null) {
            Table t = lin[f];
            t.block(row)[t.offset(row)] = 0f;
            resetState(t, row, optimizers);
        }
    }

    private static void resetState(Table t, int row, List<Optimizer> optimizers) {
        if (optimizers == null) return;
        for (Optimizer o : optimizers) if (o.holds(t)) o.resetRow(t, row);
    }

    /**
     * Loads one float of every kept embedding row in a tight loop of independent loads, so the
     * cache misses of a chunk's rows (26 random rows of a 166 MB table set per Criteo sample)
     * overlap instead of stalling the pooling loop one by one; Java has no prefetch instruction.
     */
    private static float touch(Table[] emb, KeptIds k) {
        float s = 0;
        for (int j = 0; j < k.size; j++) {
            Table t = emb[k.feature[j]];
            int r = k.row[j];
            s += t.block(r)[t.offset(r)];
        }
        return s;
    }

    /** Sum pooling: {@code z[(b * nv + base + f) * dim ..] = e_f} of every sample b (z is zeroed first). */
    float pool(KeptIds k, float[] z, int count, int nv, int base) {
        float touched = touch(emb, k);
        java.util.Arrays.fill(z, 0, count * nv * dim, 0f);
        for (int j = 0; j < k.size; j++) {
            int f = k.feature[j], r = k.row[j];
            Table t = emb[f];
            Kernels.axpy(k.scale[j], t.block(r), t.offset(r), z, (k.sample[j] * nv + base + f) * dim, dim);
        }
        return touched;
    }

    /** Adds the linear weights of the kept ids to the logits. */
    void linearForward(KeptIds k, float[] logits) {
        for (int j = 0; j < k.size; j++) {
            Table t = lin[k.feature[j]];
            int r = k.row[j];
            logits[k.sample[j]] += k.scale[j] * t.block(r)[t.offset(r)];
        }
    }

    /** The linear weights' gradients from the logits' ({@code dl}). */
    void linearBackward(KeptIds k, float[] dl, Gradients g) {
        for (int j = 0; j < k.size; j++) {
            RowBatch rb = g.sparse[linIndex[k.feature[j]]];
            int off = rb.add(k.row[j]);
            rb.grads()[off] += k.scale[j] * dl[k.sample[j]];
        }
    }

    /** The embedding rows' gradients from the pooled embeddings' ({@code dz}, laid out as in {@link #pool}). */
    void embeddingBackward(KeptIds k, float[] dz, int nv, int base, Gradients g) {
        for (int j = 0; j < k.size; j++) {
            int f = k.feature[j];
            RowBatch rb = g.sparse[embIndex[f]];
            int off = rb.add(k.row[j]);
            Kernels.axpy(k.scale[j], dz, (k.sample[j] * nv + base + f) * dim, rb.grads(), off, dim);
        }
    }

    /**
     * The regularizers' hook on a summed batch gradient of sparse table {@code table}: the
     * embedding-entropy term ({@link EmbeddingEntropy}, weight {@code entropy}) once per active
     * row, as L2 on active rows; linear weights are not regularized here.
     */
    static void addRegularizers(Table table, RowBatch rb, float entropy) {
        if (entropy <= 0 || table.name().startsWith("lin.")) return;
        rb.coalesce(table.rows());
        float[] g = rb.grads();
        for (int e = 0; e < rb.size(); e++) {
            int row = rb.row(e);
            EmbeddingEntropy.addGradient(table.block(row), table.offset(row), g, rb.gradOffset(e), table.dim(), entropy);
        }
    }

    /** The ids a chunk keeps after dropout: (sample, feature, row, scale), grown on demand. */
    static final class KeptIds {
        int[] sample = new int[64], feature = new int[64], row = new int[64];
        float[] scale = new float[64];
        int size;

        void clear() { size = 0; }

        void add(int b, int f, int r, float s) {
            if (size == row.length) {
                int n = size * 2;
                sample = java.util.Arrays.copyOf(sample, n);
                feature = java.util.Arrays.copyOf(feature, n);
                row = java.util.Arrays.copyOf(row, n);
                scale = java.util.Arrays.copyOf(scale, n);
            }
            sample[size] = b;
            feature[size] = f;
            row[size] = r;
            scale[size] = s;
            size++;
        }
    }
}
