package dev.sparsetrain.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * How a training round's state RDD cuts its lineage, for both trainers (BPR-MF, click models).
 *
 * <ul>
 *   <li>When the application has set a checkpoint directory ({@code SparkContext.setCheckpointDir},
 *       or {@code --checkpoint-dir} of the entry points; on a cluster a path on HDFS, S3 or
 *       another shared file system): each round's state (the partitions' user factors or model
 *       copies and their optimizer state) is persisted and then written there by Spark's reliable
 *       {@code checkpoint()}. A lost executor's partitions are read back from the directory, so
 *       the run survives it.</li>
 *   <li>Otherwise {@code localCheckpoint()}: the blocks live only in the executors' block
 *       managers; it is faster, but a lost executor fails the run.</li>
 * </ul>
 * Either way the lineage stays one round long. Only executor loss is covered; the driver holds
 * the merged model, and its loss ends the run.
 */
final class Rounds {
    private Rounds() {}

    /** Test seam: called after every merged round with its number (1-based); null in production. */
    static volatile java.util.function.IntConsumer afterRound;

    /** Marks {@code next} (before any action on it) to be checkpointed as described above. */
    static void checkpoint(JavaSparkContext sc, JavaRDD<?> next) {
        if (sc.getCheckpointDir().isPresent()) {
            next.persist(StorageLevel.MEMORY_AND_DISK());
            next.rdd().checkpoint();
        } else {
            next.rdd().localCheckpoint();
        }
    }

    /** Whether rounds survive a lost executor (a checkpoint directory is set). */
    static boolean reliable(JavaSparkContext sc) {
        return sc.getCheckpointDir().isPresent();
    }

    static void roundDone(int round) {
        java.util.function.IntConsumer c = afterRound;
        if (c != null) c.accept(round);
    }
}
