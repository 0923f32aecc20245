package dev.sparsetrain.spark;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.IdMap;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.train.PairwiseModel;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import java.io.Serializable;
import java.util.Arrays;

/**
 * One partition of the training data and the state that lives with it: a set of users, all of
 * their training items (CSR over local user rows, global item indices), their factor rows, and
 * what the last round changed in the item table. Immutable: a round returns a new shard
 * ({@link #trainRound}), as RDD elements must not be mutated.
 *
 * @param partition  this shard's index
 * @param seed       seed of this shard's sample streams (round r's streams come from (seed, r))
 * @param users      global user index of each local row
 * @param indptr     CSR row pointers over the local users
 * @param indices    global item indices, sorted per user
 * @param numItems   items in the whole data
 * @param samples    triples this shard draws per epoch
 * @param userFactors the local users' factor rows (users.length x factors)
 * @param deltaRows  the item rows the last round changed, ascending, or null before the first round
 * @param deltaValues their changes, factors + 1 floats per row (the factors, then the bias)
 * @param lossSum    the last round's mean sampled loss times its samples
 * @param roundSamples triples drawn in the last round
 * @param trainSeconds wall time of the last round's training steps in the task
 * @param optimizer  the optimizer state of this partition after the last round (users' rows and
 *                   its copy of the item rows), or null for the stateless fused SGD
 */
public record UserShard(int partition, long seed, int[] users, int[] indptr, int[] indices, int numItems, long samples, float[] userFactors,
                        int[] deltaRows, float[] deltaValues, double lossSum, long roundSamples, double trainSeconds, OptState optimizer) implements Serializable {

    /**
     * Runs this shard's share of one synchronisation round with the single-machine trainer: a
     * {@link BprModel} over the local users and a private copy of the broadcast item table, trained
     * by the spine's {@link Hogwild} mode (same kernels, optimizer runtime, negative sampler and learning-rate
     * schedule), then returns the new user rows and the change of the item rows.
     *
     * @param items      broadcast item factors (read only)
     * @param bias       broadcast item biases (read only)
     * @param round      1-based global round; epoch = (round - 1) / syncsPerEpoch + 1
     */
    UserShard trainRound(float[] items, float[] bias, SparkBprConfig cfg, int round) {
        int k = cfg.bpr().factors();
        int n = users.length;
        int R = cfg.syncsPerEpoch();
        int epoch = (round - 1) / R + 1;
        int r = (round - 1) % R;
        long mine = samples * (r + 1) / R - samples * r / R;
        Table ut = Table.embedding("users", n, k).load(userFactors);
        Table it = Table.embedding("items", numItems, k).load(items);
        Table bt = Table.embedding("item_bias", numItems, 1).load(bias);
        if (mine == 0 || indices.length == 0) {
            return new UserShard(partition, seed, users, indptr, indices, numItems, samples, ut.data(), new int[0], new float[0], 0, 0, 0, optimizer);
        }
        BprModel model = new BprModel(cfg.bpr().config(), ut, it, bt);
        // adaptive optimizers continue their per-partition state (the item rows' moments are this partition's own, not averaged)
        if (optimizer != null) model.optimizer().importState("partition " + partition, optimizer.toState());
        float[] ones = new float[indices.length];
        Arrays.fill(ones, 1f);
        // empty id maps: training needs indices only, and building n + numItems strings per round would cost more than a round of a small shard
        Interactions local = new Interactions(new IdMap(), new IdMap(), n, numItems, indptr, indices, ones);
        TrainerConfig tc = TrainerConfig.defaults().withEpochs(round).withThreads(cfg.threadsPerPartition())
                .withSeed(seed).withSamplesPerEpoch(mine).withPositives(cfg.positives());
        Trainer.Result res = new Trainer(tc).fit(Hogwild.of(new EpochSchedule(model, epoch, cfg.epochs()), local, NegativeSampler.uniform(local)), Trainer.State.after(round - 1));
        float[] dq = it.data(), db = bt.data();
        for (int x = 0; x < dq.length; x++) dq[x] -= items[x];
        for (int x = 0; x < db.length; x++) db[x] -= bias[x];
        Sparse d = Sparse.of(dq, db, k);
        double loss = res.finalLoss();
        return new UserShard(partition, seed, users, indptr, indices, numItems, samples, ut.data(), d.rows(), d.values(),
                Double.isNaN(loss) ? 0 : loss * res.samples(), res.samples(), res.trainSeconds(),
                model.usesFusedKernel() ? null : OptState.of(model.optimizer().exportState()));
    }

    /**
     * The trainer runs one "epoch" per round (its streams keyed by the round; also {@link ShardedBprTrainer}'s sub-epochs); this wrapper gives
     * the model the learning rate of the real epoch, so the schedule is single-machine training's.
     */
    record EpochSchedule(BprModel model, int epoch, int epochs) implements PairwiseModel {
        @Override public Worker newWorker(int threadIndex, int threads) { return model.newWorker(threadIndex, threads); }
        @Override public void beginEpoch(int ignoredRound, int ignoredRounds) { model.beginEpoch(epoch, epochs); }
        @Override public void afterRound() { model.afterRound(); }
        @Override public java.util.List<Table> parameters() { return model.parameters(); }
        @Override public dev.sparsetrain.optim.Optimizer optimizer() { return model.optimizer(); }
    }

    /**
     * The non-zero rows of an item-table change: a row the round did not sample is bit-identical
     * (lazy semantics), so only the sampled rows travel and stay cached, not items x (k + 1) floats.
     */
    record Sparse(int[] rows, float[] values) {
        static Sparse of(float[] dq, float[] db, int k) {
            int n = db.length, m = 0;
            boolean[] moved = new boolean[n];
            for (int i = 0; i < n; i++) {
                boolean mv = db[i] != 0;
                for (int x = i * k, e = x + k; x < e && !mv; x++) mv = dq[x] != 0;
                moved[i] = mv;
                if (mv) m++;
            }
            int[] rows = new int[m];
            float[] vals = new float[m * (k + 1)];
            int r = 0;
            for (int i = 0; i < n; i++) {
                if (!moved[i]) continue;
                rows[r] = i;
                System.arraycopy(dq, i * k, vals, r * (k + 1), k);
                vals[r * (k + 1) + k] = db[i];
                r++;
            }
            return new Sparse(rows, vals);
        }
    }

    /** Local user rows and their global indices, what the driver collects at the end. */
    record Users(int[] users, float[] factors) implements Serializable {}

    Users usersOnly() {
        return new Users(users, userFactors);
    }
}
