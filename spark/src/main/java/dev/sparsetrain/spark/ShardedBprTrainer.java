package dev.sparsetrain.spark;

import dev.sparsetrain.core.Seeds;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.IdMap;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.optim.OptimizerState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * BPR-MF on Apache Spark with both factor tables sharded across the executors by DSGD strata
 * (Gemulla, Nijkamp, Haas, Sismanis, "Large-Scale Matrix Factorization with Distributed
 * Stochastic Gradient Descent", KDD 2011, section 4): the driver never holds a factor table.
 *
 * <pre>
 *   users in P blocks (user u in block u mod P), items in P blocks (item i in block i mod P)
 *   user block b stays in partition b with its users' training items, cut by item block (P CSR cells)
 *   rows start on the executors with BprModel's initial values for the seed (each block replays the
 *     seed's N(0, initStd^2) streams and keeps its rows), biases 0
 *   for epoch e = 1..E, for sub-epoch s = 0..P-1:
 *     item block c moves to partition (c - s) mod P        (one shuffle: each item row, with its optimizer state, once)
 *     partition b, one Spark task: the single-machine spine (Hogwild, BprModel, its optimizer) on the cell
 *       (user block b, item block c = (b + s) mod P): u ~ the block's users with items in c, i ~ u's items in c,
 *       j ~ uniform over block c's items that u did not interact with; BPR step on (p_u, q_i, q_j, b_i, b_j)
 *     the P cells of a stratum share no user and no item: nothing is merged, every row has one writer
 * </pre>
 * Why strata rather than rows fetched by id (as {@link ShardedCtrTrainer} does for click models):
 * BPR's negative item j is drawn from the whole catalogue, so a user partition would touch nearly
 * every item row each round and the rows written by several partitions would have to be merged
 * ({@link ItemMerge}), with per-partition copies of their optimizer state. In a stratum no two
 * tasks write the same row, so the result is sequential SGD on a reordered sample stream, and an
 * adaptive optimizer's row state (AdaGrad accumulators, Adam moments, row counts) travels with its
 * row block and stays exact. The group scalars of the optimizer (step counters) live with the user
 * block: with P &gt; 1 they count that block's steps.
 *
 * <p>Sampling: a cell's triples are its share of the epoch, {@code |train| * nnz(cell) / nnz}
 * (so an epoch draws as many triples as a single-machine epoch), drawn by the spine's sampler
 * over the cell's data; the negative j is uniform over the item block, not the catalogue. Over
 * an epoch j is still uniform over all items (every block is visited once, the blocks are
 * residue classes of the item index), but i and j of one triple share a block. The effect is
 * measured against the broadcast trainer in {@code docs/spark.md} ("Sharded BPR-MF") and in
 * {@code ShardedBprTest}.
 *
 * <p>With P = 1 there is one cell, the whole data, and each epoch is one call of the spine with
 * the streams, steps and schedule of single-machine training with one thread: the result is
 * bit for bit that of {@code Hogwild.fit} (nothing is averaged or added back).
 *
 * <p>Traffic: each sub-epoch moves every item row once (k + 1 floats and its optimizer state,
 * in P pieces of about I/P rows), whatever P; the broadcast trainer sends the whole item table to
 * each of P partitions every round and sums P deltas on the driver. The bytes shuffled per
 * sub-epoch are measured with {@link ShuffleBytes} and reported per epoch. Each sub-epoch's state
 * is checkpointed ({@link Rounds}), so with a checkpoint directory a lost executor's blocks are
 * read back from it.
 *
 * <p>The interactions come either from the driver ({@code --data}: dealt to the user blocks
 * there) or from the executors ({@link SparkInput}: each input partition is a user block and is
 * cut into its cells where it lies; the driver sees only P x P pair counts).
 *
 * <p>Limits: initialisation replays the seed's whole random streams once per block
 * (P (U + I) k normal draws), which is what makes P = 1 equal to single-machine training.
 * Thread-safety: one {@code train} call at a time per context.
 */
public final class ShardedBprTrainer {
    private ShardedBprTrainer() {}

    /** The trained model (sharded, on the executors) and the run's figures; {@code shuffled} holds the bytes of each sub-epoch. */
    public record Result(ShardedBprModel model, int partitions, List<SparkBprTrainer.EpochStats> history, double trainSeconds, long samples,
                         ShuffleBytes.Bytes[] shuffled) {}

    /** A user block: its users' rows (local row r is user block + P r), their training items by item block, its optimizer state. */
    record UserBlock(int block, int P, int users, int[][] indptr, int[][] indices, long[] samples, float[] factors, OptState state)
            implements Serializable {
        UserBlock with(float[] f, OptState s) {
            return new UserBlock(block, P, users, indptr, indices, samples, f, s);
        }

        UserBlock withSamples(long[] s) {
            return new UserBlock(block, P, users, indptr, indices, s, factors, state);
        }
    }

    /** An item block: its items' rows (local row r is item block + P r) and biases with their optimizer state. */
    record ItemBlock(int block, int items, float[] factors, float[] bias, OptState state) implements Serializable {}

    /** A stratum's cell after training: the two blocks and the task's figures. */
    record Cell(UserBlock users, ItemBlock items, double lossSum, long samples, double seconds) implements DsgdStrata.Cell<UserBlock, ItemBlock> {}

    /** The block indices of the strata schedule. */
    private static final DsgdStrata.Blocks<UserBlock, ItemBlock> BLOCKS = new DsgdStrata.Blocks<>() {
        @Override public int userBlock(UserBlock u) { return u.block(); }
        @Override public int itemBlock(ItemBlock i) { return i.block(); }
    };

    /** Rows of block {@code b} of {@code n} ids dealt by residue mod P. */
    static int blockRows(int n, int b, int P) {
        return b >= n ? 0 : (n - b + P - 1) / P;
    }

    /** Trains BPR-MF on {@code train} with user and item tables in {@code P} blocks each (P = partitions, capped by the users and items). */
    public static Result train(JavaSparkContext sc, Interactions train, SparkBprConfig cfg, Consumer<String> log) {
        if (train.size() == 0) throw new BadInputException("training set: no interactions");
        int U = train.numUsers(), I = train.numItems();
        int P = Math.max(1, Math.min(cfg.partitions() > 0 ? cfg.partitions() : sc.defaultParallelism(), Math.min(U, I)));
        return train(sc, sc.parallelize(userBlocks(train, P), P), U, I, P, cfg, log);
    }

    /**
     * Trains on data read and split by the executors ({@link SparkInput}): the input's partition b
     * holds the users u with u mod P = b (its HashPartitioner), which is user block b, so each
     * partition is cut into its cells where it lies ({@link #cut}); only the P x P pair counts of
     * the cells come to the driver, for the triples per cell. The cells hold the pairs, in the
     * order, that {@link #userBlocks} makes from the same split gathered on the driver, so the
     * result is the same bit for bit. Every partition is one block: {@code d.partitions()} must not
     * exceed the items (the users it cannot exceed).
     */
    public static Result train(JavaSparkContext sc, SparkInput.Prepared d, SparkBprConfig cfg, Consumer<String> log) {
        if (d.trainPairs() == 0) throw new BadInputException("training set: no interactions");
        int U = d.users().size(), I = d.items().size(), P = d.partitions();
        if (P > I) {
            throw new BadInputException(Settings.name("partitions") + " " + P + ": the input has " + I + " item(s) and sharded tables need one or more items per block; give at most " + I);
        }
        JavaRDD<UserBlock> cut = d.parts().map(p -> cut(p.partition(), P, p.users(), p.indptr(), p.indices()));
        long[][] pairs = new long[P][];
        for (long[] c : cut.map(ShardedBprTrainer::cellPairs).collect()) pairs[(int) c[P]] = Arrays.copyOf(c, P);
        long[][] samples = samples(pairs);
        return train(sc, cut.map(b -> b.withSamples(samples[b.block()])), U, I, P, cfg, log);
    }

    /** A block's pairs per cell (item block), with the block's index appended. */
    private static long[] cellPairs(UserBlock b) {
        long[] out = new long[b.P() + 1];
        for (int c = 0; c < b.P(); c++) out[c] = b.indices()[c].length;
        out[b.P()] = b.block();
        return out;
    }

    /** The trainer proper: {@code blocks} holds user block b (cells and triples, no rows yet) in partition b. */
    private static Result train(JavaSparkContext sc, JavaRDD<UserBlock> blocks, int U, int I, int P, SparkBprConfig cfg, Consumer<String> log) {
        int k = cfg.bpr().factors();
        long seed = cfg.seed();
        double std = cfg.bpr().initStd();
        JavaRDD<UserBlock> users = blocks.map(b -> b.with(initRows(seed, false, U, k, std, b.block(), P), null));
        List<Integer> ids = new ArrayList<>();
        for (int c = 0; c < P; c++) ids.add(c);
        JavaPairRDD<Integer, ItemBlock> items = sc.parallelize(ids, P).mapToPair(c -> new Tuple2<>(c,
                new ItemBlock(c, blockRows(I, c, P), initRows(seed, true, I, k, std, c, P), new float[blockRows(I, c, P)], null)));
        DsgdStrata.Run<Cell> run = DsgdStrata.run(sc, P, cfg.epochs(), users, items, BLOCKS,
                round -> (ub, ib) -> trainCell(ub, ib, cfg, round, (round - 1) / P + 1),
                next -> {
                    double[] sum = new double[3];
                    for (double[] f : next.map(c -> new double[] {c.lossSum(), c.samples(), c.seconds()}).collect()) {
                        for (int q = 0; q < 3; q++) sum[q] += f[q];
                    }
                    return sum;
                }, log);
        return new Result(new ShardedBprModel(sc, cfg, U, I, P, run.cells()), P, run.history(), run.seconds(), run.samples(), run.shuffled());
    }

    /** Deals the users' training items into P user blocks, each cut into P cells by item block (local item rows), with each cell's triples per epoch. */
    static List<UserBlock> userBlocks(Interactions train, int P) {
        int[] ip = train.indptr(), idx = train.itemIndices();
        List<UserBlock> out = new ArrayList<>(P);
        for (int b = 0; b < P; b++) {
            int n = blockRows(train.numUsers(), b, P);
            int[] users = new int[n], indptr = new int[n + 1];
            for (int r = 0; r < n; r++) {
                users[r] = b + P * r;
                indptr[r + 1] = indptr[r] + ip[users[r] + 1] - ip[users[r]];
            }
            int[] indices = new int[indptr[n]];
            for (int r = 0; r < n; r++) System.arraycopy(idx, ip[users[r]], indices, indptr[r], indptr[r + 1] - indptr[r]);
            out.add(cut(b, P, users, indptr, indices));
        }
        long[][] pairs = new long[P][];
        for (UserBlock u : out) pairs[u.block()] = Arrays.copyOf(cellPairs(u), P);
        long[][] samples = samples(pairs);
        out.replaceAll(u -> u.withSamples(samples[u.block()]));
        return out;
    }

    /**
     * User block {@code b} cut into its P cells by item block: {@code users} are the block's users
     * in ascending order (global indices, which must be b, b + P, b + 2P, ...: every user of the
     * block, with or without items), {@code indptr}/{@code indices} their training items (global
     * indices, ascending per user). A cell's items are local item rows ({@code i / P}), ascending
     * within a user as the global ones are. The one cutting both the driver's data and the
     * executors' input partitions go through, so that both give the same cells. No triples yet
     * ({@link #samples} needs every block's counts).
     */
    static UserBlock cut(int b, int P, int[] users, int[] indptr, int[] indices) {
        int n = users.length;
        for (int r = 0; r < n; r++) {
            if (users[r] != b + P * r) throw new IllegalStateException("user block " + b + " of " + P + ": row " + r + " holds user " + users[r]);
        }
        int[][] ptr = new int[P][n + 1], idx = new int[P][];
        int[] fill = new int[P];
        for (int x = 0; x < indptr[n]; x++) fill[indices[x] % P]++;
        for (int c = 0; c < P; c++) idx[c] = new int[fill[c]];
        Arrays.fill(fill, 0);
        for (int r = 0; r < n; r++) {
            for (int x = indptr[r]; x < indptr[r + 1]; x++) {
                int c = indices[x] % P;
                idx[c][fill[c]++] = indices[x] / P;
            }
            for (int c = 0; c < P; c++) ptr[c][r + 1] = fill[c];
        }
        return new UserBlock(b, P, n, ptr, idx, null, null, null);
    }

    /**
     * Each cell's triples per epoch from the pair counts {@code pairs[b][c]} of every cell: its
     * share of one epoch of |train| triples, by cumulative rounding over the cells in block-major
     * order, so that the cells' triples add up to |train| exactly.
     */
    static long[][] samples(long[][] pairs) {
        long nnz = 0;
        for (long[] row : pairs) for (long x : row) nnz += x;
        long[][] out = new long[pairs.length][];
        long assigned = 0, seen = 0;
        for (int b = 0; b < pairs.length; b++) {
            out[b] = new long[pairs[b].length];
            for (int c = 0; c < pairs[b].length; c++) {
                seen += pairs[b][c];
                long upto = Math.round((double) nnz * seen / nnz);
                out[b][c] = upto - assigned;
                assigned = upto;
            }
        }
        return out;
    }

    /**
     * Rows {@code block + P r} of {@link BprModel}'s initial users ({@code items} false) or items
     * table for {@code seed}: the same streams drawn in the same order, the other blocks' values discarded.
     */
    static float[] initRows(long seed, boolean items, int rows, int k, double std, int block, int P) {
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom rnd = root.split();
        if (items) rnd = root.split();
        float[] out = new float[blockRows(rows, block, P) * k];
        for (int r = 0; r < rows; r++) {
            boolean mine = r % P == block;
            int o = (r / P) * k;
            for (int f = 0; f < k; f++) {
                float v = (float) (rnd.nextGaussian() * std);
                if (mine) out[o + f] = v;
            }
        }
        return out;
    }

    /**
     * One cell of a stratum: the spine ({@link Hogwild}) with {@link BprModel} over the user
     * block's rows and the item block's rows as its whole world, for the cell's triples of this
     * epoch; returns both blocks' new rows and optimizer state.
     *
     * @param round 1-based global sub-epoch (the spine's streams are keyed by it)
     */
    static Cell trainCell(UserBlock ub, ItemBlock ib, SparkBprConfig cfg, int round, int epoch) {
        int k = cfg.bpr().factors(), c = ib.block(), P = ub.P();
        long mine = ub.samples()[c];
        if (mine == 0 || ub.indices()[c].length == 0) return new Cell(ub, ib, 0, 0, 0);
        Table ut = Table.embedding("users", ub.users(), k).load(ub.factors());
        Table it = Table.embedding("items", ib.items(), k).load(ib.factors());
        Table bt = Table.embedding("item_bias", ib.items(), 1).load(ib.bias());
        BprModel model = new BprModel(cfg.bpr().config(), ut, it, bt);
        boolean stateful = !model.usesFusedKernel();
        if (stateful && (ub.state() != null || ib.state() != null)) {
            model.optimizer().importState("user block " + ub.block() + ", item block " + c, join(model.optimizer().exportState(), ub.state(), ib.state()));
        }
        float[] ones = new float[ub.indices()[c].length];
        Arrays.fill(ones, 1f);
        Interactions local = new Interactions(new IdMap(), new IdMap(), ub.users(), ib.items(), ub.indptr()[c], ub.indices()[c], ones);
        long seed = P == 1 ? cfg.seed() : Seeds.mix(cfg.seed(), (long) ub.block() * P + c + 1);
        TrainerConfig tc = TrainerConfig.defaults().withEpochs(round).withThreads(cfg.threadsPerPartition())
                .withSeed(seed).withSamplesPerEpoch(mine).withPositives(cfg.positives());
        Trainer.Result res = new Trainer(tc).fit(Hogwild.of(new UserShard.EpochSchedule(model, epoch, cfg.epochs()), local, NegativeSampler.uniform(local)),
                Trainer.State.after(round - 1));
        OptState us = null, is = null;
        if (stateful) {
            OptimizerState st = model.optimizer().exportState();
            List<Table> mineU = new ArrayList<>(), mineI = new ArrayList<>();
            for (Table t : st.tables()) (tableOf(t).equals("users") ? mineU : mineI).add(t);
            us = OptState.of(new OptimizerState(st.metadata(), mineU));
            is = OptState.of(new OptimizerState(Map.of(), mineI));
        }
        double loss = res.finalLoss();
        return new Cell(ub.with(ut.data(), us), new ItemBlock(c, ib.items(), it.data(), bt.data(), is),
                Double.isNaN(loss) ? 0 : loss * res.samples(), res.samples(), res.trainSeconds());
    }

    /** The parameter table a state table belongs to: {@code optim/<group>/<table>/<slot>}. */
    static String tableOf(Table stateTable) {
        String[] p = stateTable.name().split("/");
        return p.length > 2 ? p[2] : "";
    }

    /** A fresh optimizer's state with the user block's (its tables and the group scalars) and the item block's tables put in. */
    private static OptimizerState join(OptimizerState fresh, OptState users, OptState items) {
        Map<String, Table> byName = new LinkedHashMap<>();
        for (Table t : fresh.tables()) byName.put(t.name(), t);
        for (OptState s : new OptState[] {users, items}) {
            if (s == null) continue;
            for (Table t : s.toState().tables()) byName.put(t.name(), t);
        }
        return new OptimizerState(users != null ? users.toState().metadata() : fresh.metadata(), new ArrayList<>(byName.values()));
    }
}
