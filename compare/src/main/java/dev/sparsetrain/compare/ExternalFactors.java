package dev.sparsetrain.compare;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.Npy;
import dev.sparsetrain.data.features.FeatureReader;
import dev.sparsetrain.data.features.ItemFeatures;
import dev.sparsetrain.metrics.ranking.Scorer;
import dev.sparsetrain.models.bpr.BprModel;
import java.nio.file.Path;

/**
 * A matrix-factorisation model trained elsewhere, scored by this project's evaluator: user rows
 * P (U x d) and item rows Q (I x d), score {@code x_ui = p_u . q_i} over all d columns.
 *
 * <p>implicit's BPR stores its item bias as a last factor column and fixes the users' last column
 * at 1, so its factors ({@code d = factors + 1}) score as
 * <pre>
 *   x_ui = sum_{f &lt; k} p_uf q_if + 1 * b_i
 * </pre>
 * which is sparsetrain's BPR-MF score {@code b_i + p_u . q_i}. {@link #implicitLayout} writes a
 * sparsetrain model in that layout, so both sides go through the same reader and the same dot.
 *
 * <p>Read from NumPy {@code .npy} files (float16/32/64, C order, 2-d) with
 * {@link FeatureReader#readNpy}. Immutable; {@link #scoreAll} is safe from several threads.
 */
public final class ExternalFactors implements Scorer {
    private final float[] users;
    private final float[] items;
    private final int numUsers;
    private final int numItems;
    private final int dim;

    public ExternalFactors(float[] users, int numUsers, float[] items, int numItems, int dim) {
        if ((long) numUsers * dim != users.length || (long) numItems * dim != items.length) {
            throw new IllegalArgumentException("factor arrays do not match " + numUsers + " users, " + numItems + " items, dim " + dim);
        }
        this.users = users;
        this.items = items;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.dim = dim;
    }

    /**
     * Reads {@code user_factors.npy} and {@code item_factors.npy} and checks them against the
     * training set's user and item counts.
     */
    public static ExternalFactors readNpy(Path userFile, Path itemFile, int expectedUsers, int expectedItems) {
        ItemFeatures u = FeatureReader.readNpy(userFile);
        ItemFeatures q = FeatureReader.readNpy(itemFile);
        if (u.rows() != expectedUsers) {
            throw new BadInputException(userFile + ": " + u.rows() + " user rows, the training set has " + expectedUsers + " users");
        }
        if (q.rows() != expectedItems) {
            throw new BadInputException(itemFile + ": " + q.rows() + " item rows, the training set has " + expectedItems + " items");
        }
        if (u.dim() != q.dim()) {
            throw new BadInputException(userFile + ", " + itemFile + ": " + u.dim() + " and " + q.dim() + " columns, must be equal");
        }
        return new ExternalFactors(u.values(), u.rows(), q.values(), q.rows(), u.dim());
    }

    /**
     * Writes a sparsetrain BPR-MF model in implicit's layout: users {@code [p_u | 1]}, items
     * {@code [q_i | b_i]}, as {@code user_factors.npy} and {@code item_factors.npy} in {@code dir}.
     */
    public static void implicitLayout(BprModel m, Path dir) {
        int k = m.config().factors();
        Table u = Table.dense("user_factors", m.users().rows(), k + 1);
        Table q = Table.dense("item_factors", m.items().rows(), k + 1);
        for (int r = 0; r < u.rows(); r++) {
            System.arraycopy(m.users().block(r), m.users().offset(r), u.block(r), u.offset(r), k);
            u.block(r)[u.offset(r) + k] = 1f;
        }
        float[] b = m.itemBias().data();
        for (int r = 0; r < q.rows(); r++) {
            System.arraycopy(m.items().block(r), m.items().offset(r), q.block(r), q.offset(r), k);
            q.block(r)[q.offset(r) + k] = b[r];
        }
        Npy.write(u, dir.resolve("user_factors.npy"));
        Npy.write(q, dir.resolve("item_factors.npy"));
    }

    public int numUsers() { return numUsers; }
    public int dim() { return dim; }

    @Override
    public int numItems() { return numItems; }

    @Override
    public void scoreAll(int user, float[] out) {
        int uo = user * dim;
        for (int i = 0; i < numItems; i++) out[i] = Kernels.dot(users, uo, items, i * dim, dim);
    }
}
