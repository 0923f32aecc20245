package dev.sparsetrain.spark;

import dev.sparsetrain.models.sparsenn.BiasRefit;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.models.train.Trainer;
import java.io.Serializable;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

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

        /**
         * The configuration of round {@code round}'s trainer for a partition seeded {@code seed}:
         * one round is one "pass" of a trainer over the round's rows, already in order; the pass
         * counter ({@code round}) keeps the trainer's per-pass logic and dropout streams in step.
         */
        TrainConfig roundConfig(long seed, int round) {
            TrainConfig tc = train.get();
            return tc.toBuilder().shuffle(TrainConfig.Shuffle.NONE).seed(seed).numPasses(round + 1)
                    .freezeEmbeddingsAfter(tc.freezeEmbeddingsAfter() * roundsPerPass).passLrDecay(1).build();
        }

        /**
         * Round {@code round} of {@code trainer} (built with {@link #roundConfig}, its state already
         * imported) over {@code part}, with the learning-rate decay of the round's pass (the trainer
         * counts rounds as passes).
         */
        void fit(CtrTrainer trainer, CtrData part, int round) {
            TrainConfig tc = train.get();
            if (tc.passLrDecay() != 1) {
                int pass = round / roundsPerPass;
                for (var g : trainer.parameterGroups()) trainer.trainable().setLearningRateMultiplier(g.name(), tc.learningRateMultiplier(g.name(), pass));
            }
            new Trainer(trainer.loop()).fit(trainer.trainable(part), Trainer.State.after(round));
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
    private final PartitionRows data;
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

    CtrShard(String run, PartitionRows data, OptState state, Update update) {
        this.run = run;
        this.partition = data.partition;
        this.seed = data.seed;
        this.data = data;
        this.state = state;
        this.update = update;
    }

    int rows() { return data.rows(); }

    /**
     * Round {@code round} (0-based over the whole run) with the model {@code tables} (in
     * {@link SparseNN#tables()} order): the partition's rows of the round
     * ({@link PartitionRows#roundRows}), trained by a {@link CtrTrainer} (with the configuration's threads) resumed from this
     * partition's optimizer state.
     */
    CtrShard trainRound(float[][] tables, Spec spec, int round) {
        long t0 = System.nanoTime();
        SparseNN m = model(spec.model().get(), tables);
        CtrData part = data.roundRows(spec, round);
        if (part == null) return new CtrShard(run, data, state, changes(partition, m, tables, 0, 0, 0, (System.nanoTime() - t0) / 1e9));
        double loss;
        long samples;
        OptState next;
        try (CtrTrainer trainer = new CtrTrainer(m, spec.roundConfig(seed, round))) {
            if (state != null) trainer.trainable().importState("partition " + partition, state.toState());
            spec.fit(trainer, part, round);
            // the summed loss itself (the driver's weighted mean), not recovered from NE, which
            // is undefined for a round whose rows hold no click
            loss = trainer.lastTrainLossSum();
            samples = trainer.lastTrainSamples();
            next = OptState.of(trainer.trainable().exportState());
        }
        Update u = changes(partition, m, tables, loss, samples, PartitionRows.clicks(part), (System.nanoTime() - t0) / 1e9);
        return new CtrShard(run, data, next, u);
    }

    /** This partition's cached model copy of this run (a new one if there is none), loaded with {@code tables}. */
    private SparseNN model(ModelConfig mc, float[][] tables) {
        var ref = MODELS.get(partition);
        Cached cached = ref == null ? null : ref.get();
        SparseNN m = cached != null && cached.run().equals(run) ? cached.model() : new SparseNN(mc, data.data().names(), data.data().tableRows(), data.data().numDense(), seed);
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
        return BiasRefit.Histogram.of(model(spec.model().get(), tables).predict(data.data()), data.data().labels());
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
