package dev.sparsetrain.spark;

import dev.sparsetrain.models.sparsenn.BiasRefit;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import java.io.Serializable;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One partition of click-model training on Spark: its training rows, its seed, its optimizer state
 * carried from round to round, and what its last round changed (see {@link SparkCtrTrainer}).
 * Immutable: {@link #trainRound} returns the next shard. The rows are shared, not copied, between
 * a shard and its successor.
 */
final class CtrShard implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Model and training configuration in a serialisable form (the records are not Serializable). */
    record Spec(Boxed<ModelConfig> model, Boxed<TrainConfig> train, int roundsPerPass) implements Serializable {
        static Spec of(ModelConfig mc, TrainConfig tc, int roundsPerPass) {
            return new Spec(Boxed.of(mc), Boxed.of(tc), roundsPerPass);
        }
    }

    /** A record's component values, rebuilt through its canonical constructor. */
    record Boxed<T extends Record>(Class<T> type, Object[] values) implements Serializable {
        static <T extends Record> Boxed<T> of(T r) {
            @SuppressWarnings("unchecked") Class<T> c = (Class<T>) r.getClass();
            RecordComponent[] rc = c.getRecordComponents();
            Object[] v = new Object[rc.length];
            try {
                for (int i = 0; i < rc.length; i++) v[i] = rc[i].getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            return new Boxed<>(c, v);
        }

        T get() {
            RecordComponent[] rc = type.getRecordComponents();
            Class<?>[] types = new Class<?>[rc.length];
            for (int i = 0; i < rc.length; i++) types[i] = rc[i].getType();
            try {
                return type.getDeclaredConstructor(types).newInstance(values);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * What a round changed: per sparse table the rows whose values differ from the broadcast model
     * and their new values (row-major), per dense tensor its new values; the training loss summed
     * over the round's samples, samples, clicks and the task's training seconds.
     */
    record Update(int partition, int[][] rows, float[][] values, float[][] dense, double lossSum, long samples, long clicks,
                  double trainSeconds) implements Serializable {}

    final int partition;
    final long seed;
    // the rows of CtrData (a record that is not Serializable)
    private final String[] names, denseNames;
    private final int rows;
    private final byte[] labels;
    private final float[] dense;
    private final int[] tableRows;
    private final int[][] offsets, ids;
    private final OptState state;
    final Update update;
    /** Identifies the run, so that a cached model copy of another run is never reused. */
    final String run;

    /** A partition's model copy in this JVM, with the run it belongs to. */
    private record Cached(String run, SparseNN model) {}

    /**
     * This JVM's model copies by partition, reused by the partition's next round (building one
     * means initialising every table). Held softly and outside the shard, so that Spark neither
     * counts them in the cached shard's size nor keeps them when memory runs short; a partition
     * runs one task at a time (no speculative execution).
     */
    private static final java.util.concurrent.ConcurrentHashMap<Integer, java.lang.ref.SoftReference<Cached>> MODELS =
            new java.util.concurrent.ConcurrentHashMap<>();

    CtrShard(String run, int partition, long seed, CtrData d, OptState state, Update update) {
        this.run = run;
        this.partition = partition;
        this.seed = seed;
        names = d.names();
        denseNames = d.denseNames();
        rows = d.rows();
        labels = d.labels();
        dense = d.dense();
        tableRows = d.tableRows();
        offsets = d.offsets();
        ids = d.ids();
        this.state = state;
        this.update = update;
    }

    CtrData data() {
        return new CtrData(names, denseNames, rows, labels, dense, tableRows, offsets, ids);
    }

    int rows() { return rows; }

    /**
     * Round {@code round} (0-based over the whole run) with the model {@code tables} (in
     * {@link SparseNN#tables()} order): the partition's batches {@code [r * nb / R, (r + 1) * nb / R)}
     * of pass {@code round / R} in the pass's shuffled order (the trainer's own shuffle, seeded by
     * this partition's seed), trained by a {@link CtrTrainer} (with the configuration's threads) resumed from this
     * partition's optimizer state.
     */
    CtrShard trainRound(float[][] tables, Spec spec, int round) {
        long t0 = System.nanoTime();
        ModelConfig mc = spec.model().get();
        TrainConfig tc = spec.train().get();
        int R = spec.roundsPerPass(), pass = round / R, r = round % R;
        CtrData d = data();
        SparseNN m = model(mc, tables);
        // the pass's order: the single-machine trainer's shuffle, replayed from the seed
        int[] perm = new int[rows];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int p = 0; p <= pass; p++) CtrTrainer.shuffle(perm, tc.shuffle(), tc.partitions(), rnd);
        int bs = tc.batchSize(), nb = (rows + bs - 1) / bs;
        int from = (int) Math.min(rows, (long) r * nb / R * bs), to = (int) Math.min(rows, (long) (r + 1) * nb / R * bs);
        Update u;
        OptState next = state;
        if (from < to) {
            CtrData part = d.select(Arrays.copyOfRange(perm, from, to));
            // one round is one "pass" of a trainer over the round's rows, already in order; the
            // pass counter (round) keeps the trainer's per-pass logic and dropout streams in step
            TrainConfig local = tc.toBuilder().shuffle(TrainConfig.Shuffle.NONE).seed(seed).numPasses(round + 1)
                    .freezeEmbeddingsAfter(tc.freezeEmbeddingsAfter() * R).passLrDecay(1).build();
            double[] loss = new double[1];
            long[] counts = new long[2];
            try (CtrTrainer trainer = new CtrTrainer(m, local)) {
                if (state != null) trainer.trainable().importState("partition " + partition, state.toState());
                // --pass-lr-decay per pass, not per round (the local trainer counts rounds as passes)
                if (tc.passLrDecay() != 1) {
                    for (var g : trainer.parameterGroups()) trainer.trainable().setLearningRateMultiplier(g.name(), tc.learningRateMultiplier(g.name(), pass));
                }
                new dev.sparsetrain.models.train.Trainer(trainer.loop()).fit(trainer.trainable(part), dev.sparsetrain.models.train.Trainer.State.after(round));
                // the summed loss itself (the driver's weighted mean), not recovered from NE, which
                // is undefined for a round whose rows hold no click
                loss[0] = trainer.lastTrainLossSum();
                counts[0] = trainer.lastTrainSamples();
                next = OptState.of(trainer.trainable().exportState());
            }
            long clicks = 0;
            for (byte b : part.labels()) clicks += b;
            counts[1] = clicks;
            u = changes(partition, m, tables, loss[0], counts[0], counts[1], (System.nanoTime() - t0) / 1e9);
        } else {
            u = changes(partition, m, tables, 0, 0, 0, (System.nanoTime() - t0) / 1e9);
        }
        return new CtrShard(run, partition, seed, d, next, u);
    }

    /** This partition's cached model copy of this run (a new one if there is none), loaded with {@code tables}. */
    private SparseNN model(ModelConfig mc, float[][] tables) {
        var ref = MODELS.get(partition);
        Cached cached = ref == null ? null : ref.get();
        SparseNN m = cached != null && cached.run().equals(run) ? cached.model() : new SparseNN(mc, names, tableRows, denseNames.length, seed);
        MODELS.put(partition, new java.lang.ref.SoftReference<>(new Cached(run, m)));
        List<Table> ts = m.tables();
        for (int t = 0; t < ts.size(); t++) ts.get(t).load(tables[t]);
        return m;
    }

    /**
     * The logits of this partition's training rows under the model {@code tables} (in
     * {@link SparseNN#tables()} order), binned, with their clicks: the partition's share of
     * {@link BiasRefit}.
     */
    BiasRefit.Histogram logitHistogram(float[][] tables, Spec spec) {
        return BiasRefit.Histogram.of(model(spec.model().get(), tables).predict(data()), labels);
    }

    /** The rows of each sparse table that differ from {@code before}, and every dense tensor. */
    static Update changes(int partition, SparseNN m, float[][] before, double loss, long samples, long clicks, double secs) {
        List<Table> sparse = m.sparseTables(), dense = m.denseTables();
        int[][] rows = new int[sparse.size()][];
        float[][] values = new float[sparse.size()][];
        for (int t = 0; t < sparse.size(); t++) {
            Table x = sparse.get(t);
            float[] a = x.data(), b = before[t];
            int k = x.dim(), n = 0;
            int[] changed = new int[x.rows()];
            for (int i = 0; i < x.rows(); i++) {
                if (!Arrays.equals(a, i * k, i * k + k, b, i * k, i * k + k)) changed[n++] = i;
            }
            rows[t] = Arrays.copyOf(changed, n);
            values[t] = new float[n * k];
            for (int j = 0; j < n; j++) System.arraycopy(a, changed[j] * k, values[t], j * k, k);
        }
        float[][] dv = new float[dense.size()][];
        for (int t = 0; t < dense.size(); t++) dv[t] = dense.get(t).data().clone();
        return new Update(partition, rows, values, dv, loss, samples, clicks, secs);
    }
}
