package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The sparse arch (torchrec's {@code SparseArch} over an {@code EmbeddingBagCollection}): one
 * embedding table per sparse feature ({@code emb.<feature>}, SparseNN and FM) and one linear
 * weight per id ({@code lin.<feature>}, dim 1, LR and FM), sum pooling
 * {@code e_f = sum_{id kept} s * E_f[id]} ({@code s = 1/(1-q)} under sparse-id dropout q), the
 * pooled embeddings' gradients into touched-row batches, and the regularizers' hook on a summed
 * batch gradient ({@link #addRegularizers}: the embedding-entropy term).
 */
final class SparseArch {
    final Table[] emb;      // null unless SPARSENN or FM
    final Table[] lin;      // null unless LOGISTIC or FM
    /** feature -> index among the model's sparse tables (gradient slots) */
    final int[] embIndex, linIndex;
    private final int ns, dim;

    SparseArch(String[] names, int[] tableRows, int dim, boolean embeddings, boolean linear, double initStd, SplittableRandom rnd,
               List<Table> sparse) {
        this.ns = names.length;
        this.dim = dim;
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
                int[] ids = data.ids()[f];
                for (int j = data.begin(f, i); j < e; j++) {
                    if (drop && rnd.nextFloat() < q) continue;
                    k.add(b, f, ids[j], sKeep);
                }
            }
        }
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
