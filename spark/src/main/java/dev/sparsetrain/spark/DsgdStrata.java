package dev.sparsetrain.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * The DSGD stratum schedule (Gemulla et al., KDD 2011) that both sharded recommenders run,
 * {@link ShardedBprTrainer} and {@link ShardedVbprTrainer}: user block b stays in partition b,
 * and in sub-epoch s of an epoch item block c moves to partition (c - s) mod P (one shuffle, each
 * item row once), where one task trains the cell (user block b, item block (b + s) mod P). The
 * trainers differ only in what a block holds and what a cell does, which they pass in.
 *
 * <pre>
 *   for epoch e = 1..E, for sub-epoch s = 0..P-1 (round r = (e - 1) P + s + 1):
 *     users = the last round's cells' user blocks; items = their item blocks, keyed by (c - s) mod P
 *     next  = users zipped with the items moved by key: one cell task per partition   (cellOf(r).train)
 *     checkpoint next (Rounds), then the driver's step on it: the round's figures    (afterRound)
 * </pre>
 * Each round's bytes shuffled (Spark's task metrics, {@link ShuffleBytes}) are recorded, and each
 * epoch logs one line with its figures. Thread-safety: one {@code run} at a time per context.
 */
final class DsgdStrata {
    private DsgdStrata() {}

    /** What a cell task returns: both blocks after training, to move on to the next round. */
    interface Cell<U, I> extends Serializable {
        U users();
        I items();
    }

    /** One cell of a round, on the executor: the user block of partition b and the item block that met it there. */
    @FunctionalInterface
    interface CellTask<U, I, C> extends Serializable {
        C train(U users, I items);
    }

    /** The user and item block indices, read on the executors. */
    interface Blocks<U, I> extends Serializable {
        int userBlock(U users);
        int itemBlock(I items);
    }

    /** The driver's step after a round's cells are checkpointed: returns {lossSum, samples, task seconds}. */
    @FunctionalInterface
    interface AfterRound<C> {
        double[] done(JavaRDD<C> cells);
    }

    /** The last round's cells (the trained blocks, on the executors) and the run's figures. */
    record Run<C>(JavaRDD<C> cells, List<SparkBprTrainer.EpochStats> history, double seconds, long samples, ShuffleBytes.Bytes[] shuffled) {}

    /**
     * Runs {@code epochs} epochs of P sub-epochs. {@code users} holds user block b in partition b
     * and {@code items} item block c under key c; {@code cellOf.apply(round)} is that round's cell
     * task (built on the driver, so it can carry the round's dense parameters).
     */
    static <U, I, C extends Cell<U, I>> Run<C> run(JavaSparkContext sc, int P, int epochs, JavaRDD<U> users, JavaPairRDD<Integer, I> items,
                                                     Blocks<U, I> blocks, IntFunction<CellTask<U, I, C>> cellOf, AfterRound<C> afterRound,
                                                     Consumer<String> log) {
        HashPartitioner byBlock = new HashPartitioner(P);   // Integer keys 0..P-1 land in partitions 0..P-1
        ShuffleBytes bytes = ShuffleBytes.on(sc);
        List<SparkBprTrainer.EpochStats> history = new ArrayList<>();
        ShuffleBytes.Bytes[] shuffled = new ShuffleBytes.Bytes[epochs * P];
        JavaRDD<C> cells = null;
        double total = 0;
        long samples = 0;
        try {
            for (int e = 1; e <= epochs; e++) {
                double secs = 0, lossSum = 0, taskSecs = 0;
                long n = 0, epochBytes = 0;
                for (int s = 0; s < P; s++) {
                    long t0 = System.nanoTime();
                    ShuffleBytes.Bytes before = bytes.total();
                    final int shift = s, round = (e - 1) * P + s + 1;
                    if (cells != null) {
                        users = cells.map(Cell::users);
                        items = cells.mapToPair(c -> new Tuple2<>(Math.floorMod(blocks.itemBlock(c.items()) - shift, P), c.items()));
                    }
                    CellTask<U, I, C> task = cellOf.apply(round);
                    JavaRDD<I> moved = items.partitionBy(byBlock).values();
                    JavaRDD<C> next = users.zipPartitions(moved, (iu, ii) -> {
                        U ub = iu.next();
                        I ib = ii.next();
                        if (blocks.itemBlock(ib) != (blocks.userBlock(ub) + shift) % P) {
                            throw new IllegalStateException("item block " + blocks.itemBlock(ib) + " met user block " + blocks.userBlock(ub));
                        }
                        return List.of(task.train(ub, ib)).iterator();
                    });
                    Rounds.checkpoint(sc, next);
                    double[] f = afterRound.done(next);
                    lossSum += f[0];
                    n += (long) f[1];
                    taskSecs += f[2];
                    if (cells != null) cells.unpersist(false);
                    cells = next;
                    ShuffleBytes.Bytes b = bytes.total().minus(before);
                    shuffled[round - 1] = b;
                    epochBytes += b.written();
                    Rounds.roundDone(round);
                    secs += (System.nanoTime() - t0) / 1e9;
                }
                total += secs;
                samples += n;
                var es = new SparkBprTrainer.EpochStats(e, n, secs, n == 0 ? Double.NaN : lossSum / n, taskSecs);
                history.add(es);
                if (log != null) log.accept(es.line() + String.format(Locale.ROOT, ", shuffled %s in %d sub-epoch(s)", ShuffleBytes.human(epochBytes), P));
            }
        } catch (RuntimeException ex) {
            if (cells != null) cells.unpersist(false);
            throw ex;
        }
        return new Run<>(cells, history, total, samples, shuffled);
    }
}
