package dev.sparsetrain.spark;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.IdMap;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.FeatureTransform;
import dev.sparsetrain.data.features.ItemFeatures;
import dev.sparsetrain.models.vbpr.AutoBalance;
import dev.sparsetrain.models.vbpr.VbprCell;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprModel;
import dev.sparsetrain.optim.OptimizerState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * VBPR on Apache Spark with the user and item tables sharded across the executors by DSGD strata,
 * as {@link ShardedBprTrainer} does for BPR-MF (Gemulla et al., KDD 2011): the driver holds no
 * factor table, only the small dense parameters E (K' x F) and beta' (F).
 *
 * <pre>
 *   users in P blocks (user u in block u mod P): gamma_u, theta_u and their optimizer state, with the block's training pairs
 *     cut by item block (P CSR cells, {@link ShardedBprTrainer#userBlocks})
 *   items in P blocks (item i in block i mod P): gamma_i, beta_i, their optimizer state, and the block's preprocessed
 *     features f_i (read-only; the FeatureTransform is fitted once on the driver, on all items)
 *   rows start with VbprModel.initialize's values for the seed (each block replays the one stream, {@link VbprCell#initialRows})
 *   for epoch e = 1..E, for sub-epoch s = 0..P-1:
 *     item block c moves to partition (c - s) mod P                    (one shuffle: each item row, its state and features once)
 *     partition b, one task: {@link VbprCell} = the single-machine spine (Hogwild over VbprSteps, rounds of denseBatch
 *       samples, one optimizer step of E and beta' per round) on the cell (user block b, item block (b + s) mod P),
 *       starting from the driver's E and beta'
 *     the driver averages the P tasks' E and beta' (those that trained), in block order
 * </pre>
 *
 * <p>Dense parameters: averaged, their optimizer state kept per block. E and beta' are the only
 * parameters every task writes; the P copies after a sub-epoch are averaged (FedAvg / parallel
 * SGD, as the click trainers average their dense tensors), so the next sub-epoch's tasks start
 * from one E. Their optimizer state (Adam's moments and step counter by default) is each user
 * block's own and travels with it, not averaged, as in {@link SparkCtrTrainer} and
 * {@link ShardedCtrTrainer}: it is the running statistics of the gradients that block's task
 * saw, and a block visits every item block once per epoch, so each block's moments estimate the
 * same gradient scale; averaging the moments would mix the step counters (bias correction) of
 * tasks of different lengths, and keeping them costs nothing (K' F + F floats per block, in the
 * user block that is cached anyway). A cell that drew no triple returns the E it was given and is
 * left out of the mean. With P = 1 nothing is averaged.
 *
 * <p>Sparse rows: each has one writer per sub-epoch (a stratum's cells share no user and no
 * item), so the user and item rows and their row state (AdaGrad / Adam rows, lazy row counts and
 * catch-up stamps) move with their block and stay exact; the group scalars (step counters,
 * multipliers) live with the user block. Sampling as in {@link ShardedBprTrainer}: a cell draws
 * {@code |train| nnz(cell) / nnz} triples (pairs uniformly, the negative uniform over the item
 * block's items that the user did not interact with, cold-start items included); one epoch draws
 * |train| triples in all. E and beta' take a step per {@code denseBatch} samples of a task, the
 * last one shorter, so an epoch makes {@code sum over cells of ceil(triples / denseBatch)} dense
 * steps spread over P copies: as many as on one machine while the cells are large, more once a
 * cell holds fewer than {@code denseBatch} triples (tiktok-diffmm with 4 blocks: 16 against 8).
 *
 * <p>Auto-balance ({@code cfg.autoBalance()}, on by default): before the first epoch the probe
 * runs in P tasks, one per cell of the first stratum, each on a model of its cell's size
 * ({@link #balance}); only the groups' multipliers come back, and every cell trains with their
 * geometric mean. There is no divergence guard (single-machine training divides a runaway
 * group's multiplier and redoes the epoch; here a diverged epoch stays).
 *
 * <p>With P = 1 there is one cell, the whole data, and each epoch is one {@link VbprCell} call
 * with the seed, streams and steps of single-machine {@code VbprTrainer} epoch e with one thread
 * and no validation (nothing is averaged), and the probe is single-machine auto-balance's on the
 * same model: the model is the same bit for bit, with auto-balance on or off, as long as no
 * epoch diverges ({@code ShardedVbprTest}).
 *
 * <p>Limits: the data is read and dealt on the driver (the features too: the transform is fitted
 * there); restarts, early stopping and validation per epoch are not offered (the entry point evaluates once at the end);
 * the trained model is saved as part files from the executors ({@link ShardedVbprModel#save}) or
 * collected to the driver ({@link ShardedVbprModel#collect}); no optimizer state is saved. Thread-safety: one {@code train} call at a time per context.
 */
public final class ShardedVbprTrainer {
    private ShardedVbprTrainer() {}

    /** The trained model (sharded on the executors, E and beta' on the driver) and the run's figures; {@code shuffled} holds the bytes of each sub-epoch. */
    public record Result(ShardedVbprModel model, int partitions, List<SparkBprTrainer.EpochStats> history, double trainSeconds, long samples,
                         ShuffleBytes.Bytes[] shuffled, AutoBalance.Choice balance) {}

    /** A user block: its cells (pairs by item block, triples per cell), gamma_u and theta_u rows (local row r is user block + P r), its optimizer state. */
    record Users(ShardedBprTrainer.UserBlock cells, float[] gamma, float[] theta, OptState state) implements Serializable {}

    /** An item block: gamma_i and beta_i rows (local row r is item block + P r), its preprocessed features, its rows' optimizer state. */
    record Items(int block, int items, float[] gamma, float[] bias, float[] features, OptState state) implements Serializable {}

    /** A stratum's cell after training: the two blocks, the task's E and beta', and its figures. */
    record Cell(Users users, Items items, float[] projection, float[] visualBias, double lossSum, long samples, double seconds)
            implements DsgdStrata.Cell<Users, Items> {}

    /** The block indices of the strata schedule. */
    private static final DsgdStrata.Blocks<Users, Items> BLOCKS = new DsgdStrata.Blocks<>() {
        @Override public int userBlock(Users u) { return u.cells().block(); }
        @Override public int itemBlock(Items i) { return i.block(); }
    };

    /**
     * Trains {@code cfg.variant()} on {@code data}'s training pairs for {@code cfg.maxEpochs()} epochs
     * with user and item tables in P blocks each ({@code partitions}, 0 = Spark's default
     * parallelism; capped by the users and items); {@code cfg.threads()} threads per task.
     */
    public static Result train(JavaSparkContext sc, FeatureDataset data, VbprConfig cfg, int partitions, Consumer<String> log) {
        if (cfg.restarts() != 1) throw new BadInputException(Settings.name("restarts") + " " + cfg.restarts() + ": not on Spark; give 1");
        if (data.train().size() == 0) throw new BadInputException(data.name() + ": no training pairs");
        Interactions train = data.interactions(data.train());
        FeatureTransform transform = FeatureTransform.fit(cfg.preprocessing(), data.features());
        ItemFeatures features = transform.apply(data.features());
        int U = data.users(), I = data.items(), F = features.dim();
        int P = Math.max(1, Math.min(partitions > 0 ? partitions : sc.defaultParallelism(), Math.min(U, I)));
        float[] e0 = VbprCell.initialProjection(cfg, U, I, features);
        float[] b0 = new float[F];
        List<Items> itemList = new ArrayList<>(P);
        for (int c = 0; c < P; c++) {
            int n = ShardedBprTrainer.blockRows(I, c, P);
            float[] f = new float[n * F];
            for (int r = 0; r < n; r++) System.arraycopy(features.values(), (c + P * r) * F, f, r * F, F);
            itemList.add(new Items(c, n, null, null, f, null));
        }
        List<ShardedBprTrainer.UserBlock> blocks = ShardedBprTrainer.userBlocks(train, P);
        long tb = System.nanoTime();
        AutoBalance.Choice balance = cfg.autoBalance() ? balance(sc, cfg, blocks, itemList, F) : null;
        if (balance != null && log != null) {
            log.accept(balance.describe() + String.format(Locale.ROOT, "; probed in %d cell(s), %.2f s", P, (System.nanoTime() - tb) / 1e9));
        }
        final double[] mult = balance == null ? null : balance.multipliers();
        boolean collab = cfg.variant().collaborative();
        JavaRDD<Users> users = sc.parallelize(blocks, P).map(b -> new Users(b,
                collab ? VbprCell.initialRows(cfg, U, I, VbprModel.USER_FACTORS, b.block(), P) : null,
                VbprCell.initialRows(cfg, U, I, VbprModel.USER_VISUAL, b.block(), P), null));
        JavaPairRDD<Integer, Items> items = sc.parallelize(itemList, P).mapToPair(it -> new Tuple2<>(it.block(), new Items(it.block(), it.items(),
                collab ? VbprCell.initialRows(cfg, U, I, VbprModel.ITEM_FACTORS, it.block(), P) : null,
                collab ? new float[it.items()] : null, it.features(), null)));
        float[][] dense = {e0, b0};   // E and beta' of the driver: every round's cells start from them, then their mean
        DsgdStrata.Run<Cell> run = DsgdStrata.run(sc, P, cfg.maxEpochs(), users, items, BLOCKS, round -> {
            final float[] E = dense[0], B = dense[1];
            return (ub, ib) -> trainCell(ub, ib, E, B, cfg, F, round, mult);
        }, next -> {
            List<Tuple2<Integer, Cell>> got = new ArrayList<>(next.map(c -> new Tuple2<>(c.users().cells().block(),
                    new Cell(null, null, c.samples() > 0 ? c.projection() : null, c.samples() > 0 ? c.visualBias() : null,
                            c.lossSum(), c.samples(), c.seconds()))).collect());
            got.sort(java.util.Comparator.comparingInt(Tuple2::_1));
            double[] sum = new double[3];
            List<float[]> es = new ArrayList<>(), bs = new ArrayList<>();
            for (var g : got) {
                Cell c = g._2();
                sum[0] += c.lossSum();
                sum[1] += c.samples();
                sum[2] += c.seconds();
                if (c.projection() != null) {
                    es.add(c.projection());
                    bs.add(c.visualBias());
                }
            }
            if (!es.isEmpty()) {
                dense[0] = mean(es);
                dense[1] = mean(bs);
            }
            return sum;
        }, log);
        return new Result(new ShardedVbprModel(cfg, U, I, P, run.cells(), dense[0], dense[1], features, transform), P, run.history(), run.seconds(),
                run.samples(), run.shuffled(), balance);
    }

    /**
     * Auto-balance without a whole model: the probe ({@link VbprCell#balance}) runs in P tasks,
     * one per cell of the first stratum (user block b x item block b), each on a model of its
     * cell's size; only the multipliers come back. The run's multiplier of a group is the
     * geometric mean of the cells' (multipliers act as factors on a rate, and the cells are
     * samples of the same ratios), in block order; with one cell it is that cell's as it is, so
     * P = 1 is single-machine auto-balance bit for bit. Null when no cell held a pair (cannot
     * happen for non-empty training data, which the caller checked).
     */
    static AutoBalance.Choice balance(JavaSparkContext sc, VbprConfig cfg, List<ShardedBprTrainer.UserBlock> blocks, List<Items> items, int F) {
        int P = blocks.size();
        List<Tuple2<ShardedBprTrainer.UserBlock, Items>> diagonal = new ArrayList<>(P);
        for (int b = 0; b < P; b++) diagonal.add(new Tuple2<>(blocks.get(b), items.get(b)));
        List<AutoBalance.Choice> got = new ArrayList<>();
        for (AutoBalance.Choice c : sc.parallelize(diagonal, P).map(t -> {
            ShardedBprTrainer.UserBlock cb = t._1();
            Items ib = t._2();
            int c0 = ib.block();
            float[] ones = new float[cb.indices()[c0].length];
            Arrays.fill(ones, 1f);
            Interactions local = new Interactions(new IdMap(), new IdMap(), cb.users(), ib.items(), cb.indptr()[c0], cb.indices()[c0], ones);
            return VbprCell.balance(cfg, new ItemFeatures("item block " + c0, ib.items(), F, ib.features()), local);
        }).collect()) {
            if (c != null) got.add(c);
        }
        if (got.isEmpty()) return null;
        if (got.size() == 1) return got.get(0);
        int n = got.get(0).multipliers().length;
        double[] m = new double[n], r = new double[n];
        double target = 0;
        for (AutoBalance.Choice c : got) {
            target += Math.log(c.target());
            for (int g = 0; g < n; g++) {
                m[g] += Math.log(c.multipliers()[g]);
                r[g] += Math.log(c.ratios()[g]);
            }
        }
        for (int g = 0; g < n; g++) {
            m[g] = Math.exp(m[g] / got.size());
            r[g] = Math.exp(r[g] / got.size());
        }
        return new AutoBalance.Choice(got.get(0).groups(), r, Math.exp(target / got.size()), m);
    }

    /**
     * The element-wise mean of the tasks' copies, summed in double in block order; one copy is
     * returned as it is (P = 1: nothing averaged, bit for bit).
     */
    static float[] mean(List<float[]> copies) {
        if (copies.size() == 1) return copies.get(0);
        int n = copies.get(0).length;
        float[] out = new float[n];
        for (int x = 0; x < n; x++) {
            double s = 0;
            for (float[] c : copies) s += c[x];
            out[x] = (float) (s / copies.size());
        }
        return out;
    }

    /**
     * One cell of a stratum: {@link VbprCell} over the user block's rows, the item block's rows and
     * features, and the driver's E / beta', for the cell's triples of this epoch.
     *
     * @param round 1-based global sub-epoch (the spine's streams and step indices are keyed by it)
     */
    static Cell trainCell(Users ub, Items ib, float[] E, float[] B, VbprConfig cfg, int F, int round, double[] multipliers) {
        ShardedBprTrainer.UserBlock cb = ub.cells();
        int c = ib.block(), P = cb.P();
        long mine = cb.samples()[c];
        if (mine == 0 || cb.indices()[c].length == 0) return new Cell(ub, ib, E, B, 0, 0, 0);
        Map<String, float[]> tables = new LinkedHashMap<>();
        if (cfg.variant().collaborative()) {
            tables.put(VbprModel.ITEM_BIAS, ib.bias());
            tables.put(VbprModel.USER_FACTORS, ub.gamma());
            tables.put(VbprModel.ITEM_FACTORS, ib.gamma());
        }
        tables.put(VbprModel.USER_VISUAL, ub.theta());
        tables.put(VbprModel.PROJECTION, E);
        tables.put(VbprModel.VISUAL_BIAS, B);
        OptimizerState state = join(ub.state(), ib.state());
        float[] ones = new float[cb.indices()[c].length];
        Arrays.fill(ones, 1f);
        Interactions local = new Interactions(new IdMap(), new IdMap(), cb.users(), ib.items(), cb.indptr()[c], cb.indices()[c], ones);
        long seed = P == 1 ? cfg.seed() : dev.sparsetrain.core.Seeds.mix(cfg.seed(), (long) cb.block() * P + c + 1);
        ItemFeatures f = new ItemFeatures("item block " + c, ib.items(), F, ib.features());
        VbprCell.Result r = VbprCell.train(cfg, cb.users(), ib.items(), f, tables, state, local, seed, round, mine, multipliers);
        List<Table> mineU = new ArrayList<>(), mineI = new ArrayList<>();
        for (Table t : r.state().tables()) (VbprCell.itemTable(ShardedBprTrainer.tableOf(t)) ? mineI : mineU).add(t);
        OptState us = OptState.of(new OptimizerState(r.state().metadata(), mineU)), is = OptState.of(new OptimizerState(Map.of(), mineI));
        Map<String, float[]> t = r.tables();
        return new Cell(new Users(cb, t.get(VbprModel.USER_FACTORS), t.get(VbprModel.USER_VISUAL), us),
                new Items(c, ib.items(), t.get(VbprModel.ITEM_FACTORS), t.get(VbprModel.ITEM_BIAS), ib.features(), is),
                t.get(VbprModel.PROJECTION), t.get(VbprModel.VISUAL_BIAS), r.lossSum(), r.samples(), r.seconds());
    }

    /** The user block's state (its tables, E's and beta's, the group scalars) and the item block's tables as one state; null before the first step. */
    private static OptimizerState join(OptState users, OptState items) {
        if (users == null && items == null) return null;
        List<Table> all = new ArrayList<>();
        Map<String, String> meta = Map.of();
        if (users != null) {
            OptimizerState s = users.toState();
            all.addAll(s.tables());
            meta = s.metadata();
        }
        if (items != null) all.addAll(items.toState().tables());
        return new OptimizerState(meta, all);
    }
}
