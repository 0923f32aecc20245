package dev.sparsetrain.spark;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.models.sparsenn.BiasRefit;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Click-model training on Spark with the embedding tables sharded by id: no process holds a whole
 * table, and nothing broadcasts one. The rows live in an RDD of {@code (key, row)}, key =
 * {@code table << 40 | id} ({@link ShardedCtrPart#key}), hash-partitioned over S shards; a row is
 * its {@code dim} weights followed by its optimizer state (row-wise AdaGrad's accumulator, Adam's
 * moments, the update count, ...: {@link ShardedCtrPart.StateLayout}), so the state moves with the
 * row and is the row's own, not a per-partition copy. A row that no sample has reached does not
 * exist: it is created where it is first needed, from {@code (seed, table, id)}
 * ({@link dev.sparsetrain.models.sparsenn.RowInit}), so even a table of 10^9 rows costs only the rows
 * the data touches.
 *
 * <pre>
 *   driver: dense tensors D = SparseNN(config, seed)'s (the model with one row per table: the MLP's initialisation is the full model's)
 *           training row i -> data partition i mod P (as {@link SparkCtrTrainer}); table T = {} (HashPartitioner(S))
 *   for pass e, round r (R per pass):
 *     broadcast D and each partition's dense optimizer state (small)
 *     requests = for each partition p: (key, p) for every row its round's samples touch        (the round's rows of {@link CtrShard#trainRound})
 *     fetched  = T.cogroup(requests) -> (p, (key, row)) for the rows that exist -> shuffled to p   (a join by id: shuffle 1 and 2)
 *     each p:  compact model = the touched rows (renumbered) + D; the single-machine CtrTrainer trains p's batches of the round,
 *              importing each row's state and p's dense state; returns the rows whose weights or state changed
 *     T' = T.cogroup(changed rows by key): a changed row becomes the mean over the partitions that changed it,
 *          weights and state alike (update counts: rounded mean; catch-up stamps: the latest); other rows stay    (shuffle 3)
 *     D  = mean over all partitions of their dense tensors (idle ones included, as {@link SparkCtrTrainer})
 *     T' is persisted and checkpointed ({@code --checkpoint-dir}: reliably; else locally), so lineage is one round long
 *   after the last round (refitBias): the logit bias is shifted as in {@link SparkCtrTrainer} ({@link BiasRefit})
 * </pre>
 *
 * <p>Why the mean, for weights and state alike. It is the merge the broadcast trainer uses for
 * embedding rows ({@link ItemMerge#TOUCHED}) and the one its dense tensors get, so the two trainers
 * differ only in where the optimizer state lives: a convex combination of locally stable rows
 * never diverged in {@link ItemMerge}'s measurements, where summing did. For the state, the mean
 * of the partitions' accumulators is the row's accumulator before the round plus the mean of
 * their increments: it grows as fast as one partition's would, consistent with the averaged
 * weights' step (summing the increments instead shrank the step and cost AUC in the broadcast
 * trainer's measurements, docs/spark.md). With one partition the mean is that partition's row,
 * bit for bit, so the model equals single-machine {@code CtrTrainer} training started from the
 * same initial rows ({@code ShardedCtrTest}).
 *
 * <p>Costs. Shuffled bytes per round grow with the rows the round touches (requests, fetched rows
 * and changed rows, each {@code dim + state} floats), not with the table size
 * ({@link ShuffleBytes} prints them). The table RDD itself is never shuffled (the cogroups are
 * narrow on its side), but it is rewritten once per round (a map over its materialised rows) and
 * checkpointed, which is disk traffic proportional to the rows touched so far. Group step
 * counters and the dense tensors' optimizer state are each partition's own, carried by the
 * driver between rounds (as in {@link SparkCtrTrainer}); the driver never holds an embedding
 * table. Sparse semantics must be lazy (the default): DENSE semantics on an embedding group would
 * touch every row every step. Not thread-safe: one {@code train} call at a time per context.
 */
public final class ShardedCtrTrainer {
    private ShardedCtrTrainer() {}

    /**
     * @param partitions    data partitions (0 = Spark's default parallelism)
     * @param shards        embedding shards (0 = as many as data partitions)
     * @param roundsPerPass synchronisations per pass (>= 1)
     * @param refitBias     the intercept re-fit after the last round ({@link BiasRefit})
     */
    public record Config(int partitions, int shards, int roundsPerPass, boolean refitBias) {
        public Config {
            PartitionRows.check(partitions, roundsPerPass);
            if (shards < 0) throw new BadInputException(Settings.name("embeddingShards") + " " + shards + ", must be >= 0 (0 = one per data partition)");
        }
    }

    /** Figures of one round: rows fetched by the partitions, rows changed, rows in the table afterwards, shuffle bytes, seconds. */
    public record RoundStats(int round, long rowsFetched, long rowsChanged, long tableRows, ShuffleBytes.Bytes shuffle, double seconds) {
        public String line() {
            return String.format(Locale.ROOT, "round %d: %d rows fetched, %d changed, %d in the table; shuffle read %s, written %s; %.2f s",
                    round, rowsFetched, rowsChanged, tableRows, ShuffleBytes.human(shuffle.read()), ShuffleBytes.human(shuffle.written()), seconds);
        }
    }

    /** The trained model and the run's figures (see {@link SparkCtrTrainer.Result}). */
    public record Result(ShardedCtrModel model, int partitions, List<SparkCtrTrainer.PassStats> history, List<RoundStats> rounds,
                         double trainSeconds, long samples, double biasShift) {}

    /** Called on the driver after every pass with the model so far (e.g. to evaluate it with {@link ShardedCtrModel#predict}). */
    public interface PassHook {
        void passDone(int pass, ShardedCtrModel model);
    }

    /** Sends {@code (p, value)} to partition p. */
    static final class IndexPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int n;

        IndexPartitioner(int n) { this.n = n; }

        @Override public int numPartitions() { return n; }

        @Override public int getPartition(Object key) { return (Integer) key; }

        @Override public boolean equals(Object o) { return o instanceof IndexPartitioner p && p.n == n; }

        @Override public int hashCode() { return n; }
    }

    /** Trains as the class comment says; {@code hook} and {@code log} may be null. */
    public static Result train(JavaSparkContext sc, CtrData train, ModelConfig mc, TrainConfig tc, Config cfg, PassHook hook,
                               Consumer<String> log) {
        if (train.rows() == 0) throw new BadInputException("training data has no rows");
        int P = PartitionRows.count(cfg.partitions(), sc.defaultParallelism(), train.rows());
        int S = cfg.shards() > 0 ? cfg.shards() : P;
        long totalRows = 0;
        for (int r : train.tableRows()) totalRows += r;
        if (totalRows >= 1L << ShardedCtrPart.ID_BITS) throw new BadInputException("tables of " + totalRows + " rows; at most 2^40 per table");
        CtrShard.Spec spec = CtrShard.Spec.of(mc, tc, cfg.roundsPerPass());
        ShardedCtrPart.StateLayout layout = ShardedCtrPart.StateLayout.of(mc, train.names(), train.numDense(), tc, tc.seed());
        List<ShardedCtrPart> parts = new ArrayList<>(P);
        for (PartitionRows part : PartitionRows.split(train, P, tc.seed())) parts.add(new ShardedCtrPart(part));
        JavaRDD<ShardedCtrPart> data = sc.parallelize(parts, P);
        cut(sc, data.rdd());
        data.count();
        ShardedCtrModel model = ShardedCtrModel.empty(sc, mc, train.names(), train.tableRows(), train.numDense(), tc.seed(), S, layout, spec);
        ShuffleBytes bytes = ShuffleBytes.on(sc);
        OptState[] states = new OptState[P];
        int R = cfg.roundsPerPass(), rounds = tc.numPasses() * R;
        PassTally tally = new PassTally(R);
        List<RoundStats> roundStats = new ArrayList<>();
        double shift = Double.NaN;
        List<Broadcast<?>> previous = new ArrayList<>();
        try {
            for (int round = 0; round < rounds; round++) {
                long t0 = System.nanoTime();
                ShuffleBytes.Bytes b0 = bytes.total();
                Broadcast<float[][]> dense = sc.broadcast(model.denseValues());
                Broadcast<OptState[]> st = sc.broadcast(states.clone());
                final int rd = round;
                JavaPairRDD<Integer, Tuple2<Long, float[]>> fetched = fetch(model.rows(), data.flatMapToPair(part -> {
                    CtrData d = part.roundRows(spec, rd);
                    List<Tuple2<Long, Integer>> out = new ArrayList<>();
                    if (d != null) for (long k : ShardedCtrPart.keys(d, layout.slots().length)) out.add(new Tuple2<>(k, part.partition));
                    return out.iterator();
                }), P);
                JavaRDD<ShardedCtrPart.RoundOut> outs = data.zipPartitions(fetched, (itPart, itRows) -> {
                    ShardedCtrPart part = itPart.next();
                    Map<Long, float[]> rows = collectRows(itRows);
                    return List.of(part.train(rows, dense.value(), st.value()[part.partition], spec, layout, rd)).iterator();
                });
                outs.persist(StorageLevel.MEMORY_AND_DISK());
                // the partitions' figures and dense tensors come to the driver (small); their rows never do
                List<ShardedCtrPart.RoundOut> summaries = new ArrayList<>(outs.map(o -> new ShardedCtrPart.RoundOut(o.partition(), null, null,
                        o.dense(), o.denseState(), o.lossSum(), o.samples(), o.clicks(), o.trainSeconds(), o.rowsFetched())).collect());
                summaries.sort(Comparator.comparingInt(ShardedCtrPart.RoundOut::partition));
                JavaPairRDD<Long, Tuple2<Integer, float[]>> changed = outs.flatMapToPair(o -> {
                    List<Tuple2<Long, Tuple2<Integer, float[]>>> out = new ArrayList<>(o.keys().length);
                    for (int i = 0; i < o.keys().length; i++) out.add(new Tuple2<>(o.keys()[i], new Tuple2<>(o.partition(), o.rows()[i])));
                    return out.iterator();
                });
                long nChanged = changed.count();
                model = model.withRows(merge(model.rows(), changed, layout, model.partitioner()), sc);
                long tableRows = model.rowCount();
                outs.unpersist(false);
                float[][] mean = new float[summaries.get(0).dense().length][];
                for (int t = 0; t < mean.length; t++) {
                    double[] s = new double[summaries.get(0).dense()[t].length];
                    for (ShardedCtrPart.RoundOut o : summaries) for (int x = 0; x < s.length; x++) s[x] += o.dense()[t][x];
                    mean[t] = new float[s.length];
                    for (int x = 0; x < s.length; x++) mean[t][x] = (float) (s[x] / summaries.size());
                }
                if (summaries.size() == 1) mean = summaries.get(0).dense();   // one partition: its tensors, unrounded
                model.setDense(mean);
                long fetchedRows = 0;
                for (ShardedCtrPart.RoundOut o : summaries) {
                    states[o.partition()] = o.denseState();
                    tally.add(o.lossSum(), o.samples(), o.clicks(), o.trainSeconds());
                    fetchedRows += o.rowsFetched();
                }
                for (Broadcast<?> x : previous) x.destroy();
                previous = List.of(dense, st);
                Rounds.roundDone(round + 1);
                if (round == rounds - 1 && cfg.refitBias()) shift = refitBias(sc, data, model, log);
                double s = (System.nanoTime() - t0) / 1e9;
                RoundStats rs = new RoundStats(round + 1, fetchedRows, nChanged, tableRows, bytes.total().minus(b0), s);
                roundStats.add(rs);
                if (log != null) log.accept(rs.line());
                var ps = tally.roundDone(round, s);
                if (ps != null) {
                    if (log != null) log.accept(ps.line());
                    if (hook != null) hook.passDone(ps.pass(), model);
                }
            }
        } finally {
            for (Broadcast<?> x : previous) x.destroy();
            data.unpersist(false);
        }
        return new Result(model, P, tally.history(), roundStats, tally.totalSeconds(), tally.samples(), shift);
    }

    /** The rows a partition received, by key. */
    static Map<Long, float[]> collectRows(Iterator<Tuple2<Integer, Tuple2<Long, float[]>>> it) {
        Map<Long, float[]> rows = new HashMap<>();
        while (it.hasNext()) {
            Tuple2<Long, float[]> r = it.next()._2();
            rows.put(r._1(), r._2());
        }
        return rows;
    }

    /**
     * The join by id: every requested row that exists in {@code table}, sent to the partitions that
     * asked for it (rows that do not exist yet are created by the partition, {@link ShardedCtrPart#compactModel}).
     */
    static JavaPairRDD<Integer, Tuple2<Long, float[]>> fetch(JavaPairRDD<Long, float[]> table, JavaPairRDD<Long, Integer> requests, int P) {
        return table.cogroup(requests, table.partitioner().get()).flatMapToPair(e -> {
            List<Tuple2<Integer, Tuple2<Long, float[]>>> out = new ArrayList<>(1);
            Iterator<float[]> row = e._2()._1().iterator();
            if (!row.hasNext()) return out.iterator();
            float[] r = row.next();
            for (Integer p : e._2()._2()) out.add(new Tuple2<>(p, new Tuple2<>(e._1(), r)));
            return out.iterator();
        }).partitionBy(new IndexPartitioner(P));
    }

    /** The reduction by id: each changed row becomes the merge of its partitions' rows ({@link ShardedCtrPart.StateLayout#merge}), in partition order. */
    static JavaPairRDD<Long, float[]> merge(JavaPairRDD<Long, float[]> table, JavaPairRDD<Long, Tuple2<Integer, float[]>> changed,
                                            ShardedCtrPart.StateLayout layout, Partitioner shards) {
        return table.cogroup(changed, shards).mapPartitionsToPair(it -> {
            List<Tuple2<Long, float[]>> out = new ArrayList<>();
            while (it.hasNext()) {
                var e = it.next();
                List<Tuple2<Integer, float[]>> c = new ArrayList<>();
                for (Tuple2<Integer, float[]> x : e._2()._2()) c.add(x);
                if (c.isEmpty()) {
                    out.add(new Tuple2<>(e._1(), e._2()._1().iterator().next()));
                    continue;
                }
                c.sort(Comparator.comparingInt(Tuple2::_1));
                List<float[]> rows = new ArrayList<>(c.size());
                for (Tuple2<Integer, float[]> x : c) rows.add(x._2());
                int t = ShardedCtrPart.table(e._1());
                out.add(new Tuple2<>(e._1(), layout.merge(t, rows.get(0).length - layout.stateWidth(t), rows)));
            }
            return out.iterator();
        }, true);
    }

    /** Persists {@code rdd} and cuts its lineage as {@link Rounds} does (reliably with a checkpoint directory, else locally). */
    static void cut(JavaSparkContext sc, org.apache.spark.rdd.RDD<?> rdd) {
        if (sc.getCheckpointDir().isPresent()) {
            rdd.persist(StorageLevel.MEMORY_AND_DISK_SER());
            rdd.checkpoint();
        } else {
            rdd.persist(StorageLevel.MEMORY_AND_DISK_SER());
            rdd.localCheckpoint();
        }
    }

    /** {@link BiasRefit} over the training rows: each partition bins its rows' logits under the sharded model. */
    static double refitBias(JavaSparkContext sc, JavaRDD<ShardedCtrPart> data, ShardedCtrModel model, Consumer<String> log) {
        CtrShard.Spec spec = model.spec();
        ShardedCtrPart.StateLayout layout = model.layout();
        BiasRefit.Histogram h = model.over(data, (part, rows, dense) -> List.of(part.logitHistogram(rows, dense, spec, layout)))
                .reduce(BiasRefit.Histogram::plus);
        return PassTally.refit(h, model::shiftBias, log);
    }
}
