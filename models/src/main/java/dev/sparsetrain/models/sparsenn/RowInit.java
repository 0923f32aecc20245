package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Seeds;
import dev.sparsetrain.core.Table;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Initial values of one embedding row computed from {@code (seed, table, id)} alone, so that a
 * row can be created where and when it is first touched (a sharded table on Spark never
 * materialises the rows no sample reaches, and no process ever allocates the whole table):
 * <pre>
 *   emb.&lt;f&gt; row id:  x_k = std * N(0,1)_k,  k = 0..dim-1, drawn from SplittableRandom(mix(seed, table, id))
 *   lin.&lt;f&gt; row id:  0                                  (as {@link SparseNN}'s linear tables)
 * </pre>
 * {@code table} is the table's index among {@link SparseNN#sparseTables()}; {@code mix} is
 * SplitMix64's finaliser ({@link Seeds#mix}) applied twice. The distribution is {@link SparseNN}'s (N(0, initStd)), the values are
 * not: {@link #apply} rewrites a model's sparse tables with them, so that a single-machine run can
 * start from exactly the parameters of a sharded one. Stateless and thread-safe; allocation-free
 * apart from the generator.
 */
public final class RowInit {
    private RowInit() {}

    /** Whether the sparse table named {@code name} starts at zero (a linear table) rather than N(0, std). */
    public static boolean zeroInit(String name) {
        return name.startsWith("lin.");
    }

    /** Writes row {@code id} of sparse table {@code table} (named {@code name}, width {@code dim}) into {@code dst[off..off+dim)}. */
    public static void fill(float[] dst, int off, int dim, long seed, int table, long id, String name, double std) {
        if (zeroInit(name)) {
            java.util.Arrays.fill(dst, off, off + dim, 0f);
            return;
        }
        // salts table + 1 and id + 1, so that table 0 and id 0 mix too
        SplittableRandom r = new SplittableRandom(Seeds.mix(Seeds.mix(seed ^ 0x5DEECE66DL, table + 1L), id + 1));
        for (int k = 0; k < dim; k++) dst[off + k] = (float) (r.nextGaussian() * std);
    }

    /** Rewrites every sparse table of {@code m} with the rows {@link #fill} gives for {@code seed} (dense tensors unchanged). */
    public static SparseNN apply(SparseNN m, long seed) {
        List<Table> sparse = m.sparseTables();
        double std = m.config().embeddingInitStd();
        for (int t = 0; t < sparse.size(); t++) {
            Table x = sparse.get(t);
            float[] row = new float[x.dim()];
            for (int r = 0; r < x.rows(); r++) {
                fill(row, 0, x.dim(), seed, t, r, x.name(), std);
                System.arraycopy(row, 0, x.block(r), x.offset(r), x.dim());
            }
        }
        return m;
    }
}
