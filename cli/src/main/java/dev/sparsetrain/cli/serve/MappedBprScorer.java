package dev.sparsetrain.cli.serve;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.io.MappedModel;
import dev.sparsetrain.metrics.ranking.Scorer;

/**
 * BPR-MF scores {@code x_ui = b_i + p_u . q_i} straight from a memory-mapped model file
 * ({@link MappedModel}), for models larger than the heap: item rows are converted from the file's
 * big-endian floats into a per-thread block of {@value #BLOCK} rows, then scored with the same
 * {@link Kernels#dot} as the heap model ({@code BprModel.scoreAll}), so scores, and therefore the
 * top-K, are bit-identical to the heap path. Per call: no allocation after a thread's first
 * (its scratch is a {@link ThreadLocal}); safe for concurrent calls while the mapping is open.
 */
public final class MappedBprScorer implements Scorer {
    static final int BLOCK = 4096;
    private final MappedModel.MappedTable users, items, bias;
    private final int k;
    private final ThreadLocal<float[][]> scratch;

    /** Checks the three tables' shapes (one line naming the file when they do not fit together). */
    public MappedBprScorer(String where, MappedModel m) {
        users = m.table("users");
        items = m.table("items");
        bias = m.table("item_bias");
        k = users.dim();
        if (items.dim() != k || bias.rows() != items.rows() || bias.dim() != 1) {
            throw new BadInputException(where + ": damaged BPR-MF model (users " + users.rows() + " x " + users.dim() + ", items " + items.rows()
                    + " x " + items.dim() + ", item_bias " + bias.rows() + " x " + bias.dim() + " do not fit together)");
        }
        final int kk = k;
        scratch = ThreadLocal.withInitial(() -> new float[][] {new float[kk], new float[BLOCK * kk], new float[BLOCK]});
    }

    @Override
    public int numItems() { return items.rows(); }

    public int numUsers() { return users.rows(); }

    @Override
    public void scoreAll(int u, float[] out) {
        float[][] s = scratch.get();
        float[] uv = s[0], blk = s[1], b = s[2];
        users.readRows(u, 1, uv, 0);
        int n = items.rows();
        for (int i0 = 0; i0 < n; i0 += BLOCK) {
            int m = Math.min(BLOCK, n - i0);
            items.readRows(i0, m, blk, 0);
            bias.readRows(i0, m, b, 0);
            for (int x = 0; x < m; x++) out[i0 + x] = b[x] + Kernels.dot(uv, 0, blk, x * k, k);
        }
    }
}
