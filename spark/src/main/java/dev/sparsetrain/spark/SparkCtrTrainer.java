package dev.sparsetrain.spark;

import dev.sparsetrain.models.sparsenn.BiasRefit;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Data-parallel training of a click model ({@link SparseNN}: DLRM, logistic regression, FM) on
 * Apache Spark: local SGD on row partitions with model averaging, the scheme of
 * {@link SparkBprTrainer}.
 *
 * <pre>
 *   driver: model = SparseNN(model config, data shape, seed)   (the initial parameters of single-machine training)
 *           training row i goes to partition i mod P (each partition keeps the file's rough time order)
 *   for pass e = 1..E, for round r = 1..R (R = roundsPerPass):
 *     broadcast every table (embeddings, LR/FM weights, dense tensors)
 *     each partition p, in one Spark task:
 *       order = CtrTrainer.shuffle of its rows for pass e      (the single-machine shuffle, seeded per partition)
 *       CtrTrainer (tc's threads) on its batches [r nb/R, (r+1) nb/R) of that order, resumed from
 *         p's optimizer state of the previous round              (the same kernels, optimizer groups, regularizers)
 *       returns the embedding rows that changed and every dense tensor
 *     driver: dense tensor W = (1/P) sum_p W_p
 *             embedding row q_i = base_w * q_i + w * sum_p v_p,i   over the n_i partitions that changed it
 *               w = 1/n_i, base_w = 0          (TOUCHED, default: the mean of the partitions that moved the row)
 *               w = 1/P,   base_w = (P-n_i)/P  (AVERAGE)      w = 1, base_w = 1 - n_i   (SUM)   see {@link ItemMerge}
 *   after the last round (refitBias, default on): logit bias += delta, where over the training rows
 *     sum_i sigmoid(z_i + delta) = sum_i y_i                     (one job of binned logits, {@link BiasRefit})
 * </pre>
 * Zinkevich, Weimer, Smola, Li, "Parallelized Stochastic Gradient Descent" (NIPS 2010); McMahan
 * et al., "Communication-Efficient Learning of Deep Networks from Decentralized Data" (AISTATS
 * 2017, FedAvg); the sparse merge of the embedding rows is {@link ItemMerge}'s. Every partition
 * runs full-size mini-batches, so a pass makes as many optimizer steps in all as single-machine
 * training, each partition about 1/P of them.
 *
 * <p>Adaptive optimizer state (row-wise AdaGrad accumulators of the embeddings, Adam moments of
 * the MLP, step counters, the batch counter that seeds dropout) stays with each partition from
 * round to round ({@code CtrTrainer.trainable().exportState()} into an {@link OptState}); it is the partition's
 * own and is not averaged, only the parameters are.
 *
 * <p>With one partition a round trains exactly the batches, in the order, of single-machine
 * training with the same seed, and merging values (not changes) returns that partition's
 * parameters unchanged, so the model equals {@link CtrTrainer}'s bit for bit
 * ({@code SparkCtrTest}) when the bias re-fit is off.
 *
 * <p>Calibration ({@code SparkCtrCalibrationTest}). A parameter that every partition pushes the
 * same way, above all the intercept, moves per pass about as far as one partition moves it in its
 * 1/P of the steps, as in single-machine training with a P times larger batch: LR on 40,000
 * synthetic rows ends the pass with {@code bias.b} -0.341 on one machine, -0.201 on 2 partitions
 * (-0.198 with batch 512), -0.112 on 4 (-0.110 with batch 1024), calibration 1.30 / 1.52 / 1.72.
 * On the Criteo head the intercept is carried mostly by the frequent ids' rows instead, and the
 * single-machine calibration itself varies with the seed (LR 0.82 to 0.94 over 5 seeds; 2
 * partitions 0.88 to 0.91). The re-fit sets the mean prediction on the training rows to their
 * click rate; after one pass it brought test calibration to 1.00 to 1.05 and lowered NE everywhere
 * measured.
 *
 * <p>Defaults: 4 rounds per pass, TOUCHED merge, partitions = Spark's default parallelism; the
 * entry point runs one thread per task. Measured (local[2], ctr-train's defaults, 1 pass, test NE; single machine in
 * brackets): synthetic 100,000 rows 0.9534 with 2 partitions, 0.9584 with 4 (0.9520; planted
 * model 0.8986); criteo-kaggle-dac-head10k (first 8,000 rows train, last 2,000 test) 0.9268 with
 * 2 partitions (0.8968). On that small set each partition makes only 16 steps, and more rounds did
 * not close the gap (1 / 4 / 8 / 16 rounds: 0.9197 / 0.9268 / 0.9273 / 0.9245; AVERAGE at 16
 * rounds 0.9183, SUM at 8 rounds 0.9278).
 *
 * <p>Limits: the driver holds the model (twice during a merge) and the training rows, and
 * broadcasts every table each round ({@link ShardedCtrTrainer} shards the tables instead) (with 26 Criteo features hashed into 100,000 rows of
 * dimension 16 that is 166 MB a round); partitions return only changed embedding rows, which the
 * driver merges from the collected updates (no tree aggregation). Rounds are checkpointed as
 * {@link Rounds} says: reliably when the context has a checkpoint directory (a lost executor's
 * partitions are read back), else locally (a lost executor fails the run). Not thread-safe: one {@code train} call at a time per
 * context.
 */
public final class SparkCtrTrainer {
    private SparkCtrTrainer() {}

    /**
     * How training is distributed.
     *
     * @param partitions row partitions, one task each per round (0 = Spark's default parallelism)
     * @param roundsPerPass synchronisations per pass over the training rows (>= 1)
     * @param merge how the partitions' embedding rows combine (dense tensors are always averaged)
     * @param refitBias after the last merge, shift the logit bias so that the mean prediction over
     *        the training rows equals their click rate ({@link BiasRefit}; default on)
     */
    public record Config(int partitions, int roundsPerPass, ItemMerge merge, boolean refitBias) {
        public Config {
            PartitionRows.check(partitions, roundsPerPass);
            if (merge == null) merge = ItemMerge.TOUCHED;
        }

        /** With the bias re-fit on (the default). */
        public Config(int partitions, int roundsPerPass, ItemMerge merge) {
            this(partitions, roundsPerPass, merge, true);
        }

        public static Config defaults() { return new Config(0, 4, ItemMerge.TOUCHED, true); }

        public Config withRefitBias(boolean on) { return new Config(partitions, roundsPerPass, merge, on); }
    }

    /** Figures of one pass: training NE over its samples (the loss before each step), wall and task seconds. */
    public record PassStats(int pass, long samples, double seconds, double trainNe, double taskSeconds) {
        public String line() {
            return String.format(Locale.ROOT, "pass %d: %d samples in %.2f s (%.0f samples/s), train running NE %.4f, task time %.2f s",
                    pass, samples, seconds, seconds > 0 ? samples / seconds : 0, trainNe, taskSeconds);
        }
    }

    /**
     * The trained model and the run's figures ({@code trainSeconds}: all rounds, broadcasts, merges
     * and the bias re-fit included; {@code biasShift}: what the re-fit added to every logit, NaN
     * when it was off or impossible).
     */
    public record Result(SparseNN model, int partitions, List<PassStats> history, double trainSeconds, long samples, double biasShift) {}

    /** Called on the driver after every pass with the merged model (e.g. to evaluate it). */
    public interface PassHook {
        void passDone(int pass, SparseNN model);
    }

    /**
     * Trains a model of {@code mc} on {@code train} with {@code tc} (its thread count is the
     * threads of each task; results do not depend on it) on the cluster behind {@code sc}.
     *
     * @param hook called after every pass, or null
     * @param log receives one line per pass, or null
     */
    public static Result train(JavaSparkContext sc, CtrData train, ModelConfig mc, TrainConfig tc, Config cfg, PassHook hook,
                               Consumer<String> log) {
        if (train.rows() == 0) throw new BadInputException("training data has no rows");
        return train(sc, train, new SparseNN(mc, train.names(), train.tableRows(), train.numDense(), tc.seed()), tc, cfg, hook, log);
    }

    /**
     * As {@link #train(JavaSparkContext, CtrData, ModelConfig, TrainConfig, Config, PassHook, Consumer)}
     * from the initial parameters {@code model} (trained in place; e.g. {@link dev.sparsetrain.models.sparsenn.RowInit}'s,
     * to compare with {@link ShardedCtrTrainer} from the same start).
     */
    public static Result train(JavaSparkContext sc, CtrData train, SparseNN model, TrainConfig tc, Config cfg, PassHook hook,
                               Consumer<String> log) {
        if (train.rows() == 0) throw new BadInputException("training data has no rows");
        ModelConfig mc = model.config();
        int P = PartitionRows.count(cfg.partitions(), sc.defaultParallelism(), train.rows());
        List<CtrShard> shards = new ArrayList<>(P);
        String run = java.util.UUID.randomUUID().toString();
        for (PartitionRows part : PartitionRows.split(train, P, tc.seed())) shards.add(new CtrShard(run, part, null, null));
        CtrShard.Spec spec = CtrShard.Spec.of(mc, tc, cfg.roundsPerPass());
        JavaRDD<CtrShard> state = sc.parallelize(shards, P);
        List<Table> tables = model.tables();
        int R = cfg.roundsPerPass(), rounds = tc.numPasses() * R;
        PassTally tally = new PassTally(R);
        Broadcast<float[][]> previous = null, current = null;
        double shift = Double.NaN;
        try {
            for (int round = 0; round < rounds; round++) {
                long t0 = System.nanoTime();
                float[][] base = new float[tables.size()][];
                for (int t = 0; t < base.length; t++) base[t] = tables.get(t).data().clone();
                Broadcast<float[][]> b = sc.broadcast(base);
                current = b;
                final int rd = round;
                JavaRDD<CtrShard> next = state.map(s -> s.trainRound(b.value(), spec, rd));
                Rounds.checkpoint(sc, next);
                List<CtrShard.Update> updates = next.map(s -> s.update).collect();
                merge(model, base, updates, cfg.merge(), P);
                state.unpersist(false);
                // the checkpointed RDD's map function still references this round's broadcast
                if (previous != null) previous.destroy();
                previous = b;
                state = next;
                Rounds.roundDone(round + 1);
                if (round == rounds - 1 && cfg.refitBias()) shift = refitBias(sc, state, model, spec, log);
                for (CtrShard.Update u : updates) tally.add(u.lossSum(), u.samples(), u.clicks(), u.trainSeconds());
                PassStats ps = tally.roundDone(round, (System.nanoTime() - t0) / 1e9);
                if (ps != null) {
                    if (log != null) log.accept(ps.line());
                    if (hook != null) hook.passDone(ps.pass(), model);
                }
            }
        } finally {
            state.unpersist(false);
            if (previous != null) previous.destroy();
            if (current != null && current != previous) current.destroy();   // a round that failed before its merge
        }
        return new Result(model, P, tally.history(), tally.totalSeconds(), tally.samples(), shift);
    }

    /**
     * {@link BiasRefit} of the merged {@code model} over the partitions' training rows (one job:
     * each partition bins its rows' logits; the driver solves for the shift and applies it).
     *
     * @return the shift, or NaN when the training rows hold no click or only clicks or a prediction that is not a number (model unchanged)
     */
    static double refitBias(JavaSparkContext sc, JavaRDD<CtrShard> state, SparseNN model, CtrShard.Spec spec, Consumer<String> log) {
        List<Table> tables = model.tables();
        float[][] now = new float[tables.size()][];
        for (int t = 0; t < now.length; t++) now[t] = tables.get(t).data();
        Broadcast<float[][]> b = sc.broadcast(now);
        BiasRefit.Histogram h;
        try {
            h = state.map(s -> s.logitHistogram(b.value(), spec)).reduce(BiasRefit.Histogram::plus);
        } finally {
            b.destroy();
        }
        return PassTally.refit(h, delta -> BiasRefit.apply(model, delta), log);
    }

    /**
     * The driver's merge: dense tensors averaged over all partitions, each embedding row by
     * {@code merge} over the partitions that changed it (values, in partition order).
     */
    static void merge(SparseNN model, float[][] base, List<CtrShard.Update> updates, ItemMerge merge, int P) {
        List<Table> sparse = model.sparseTables(), dense = model.denseTables();
        for (int t = 0; t < sparse.size(); t++) {
            Table x = sparse.get(t);
            int k = x.dim();
            float[] q = x.data(), b = base[t];
            int[] n = new int[x.rows()], seen = new int[x.rows()];
            for (CtrShard.Update u : updates) for (int i : u.rows()[t]) n[i]++;
            for (CtrShard.Update u : updates) {
                int[] rows = u.rows()[t];
                float[] v = u.values()[t];
                for (int j = 0; j < rows.length; j++) {
                    int i = rows[j], o = i * k;
                    float w = merge.changeWeight(n[i], P);
                    if (seen[i]++ == 0) {
                        float bw = merge.baseWeight(n[i], P);
                        for (int f = 0; f < k; f++) q[o + f] = bw * b[o + f] + w * v[j * k + f];
                    } else {
                        for (int f = 0; f < k; f++) q[o + f] += w * v[j * k + f];
                    }
                }
            }
        }
        float inv = 1f / updates.size();
        for (int t = 0; t < dense.size(); t++) {
            float[] q = dense.get(t).data();
            for (int u = 0; u < updates.size(); u++) {
                float[] v = updates.get(u).dense()[t];
                if (u == 0) for (int x = 0; x < q.length; x++) q[x] = inv * v[x];
                else for (int x = 0; x < q.length; x++) q[x] += inv * v[x];
            }
        }
    }
}
