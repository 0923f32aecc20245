package dev.sparsetrain.spark;

import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Option;

/**
 * The Spark context options of both entry points ({@link SparkBprMain}, {@link SparkCtrMain}): the
 * master when not run by {@code spark-submit}, and the checkpoint directory that makes the rounds
 * survive a lost executor ({@link Rounds}). Filled by picocli; not thread-safe.
 */
final class SparkContextOptions {
    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Checkpoint every round's state there (a shared file system such as HDFS on a cluster), so a lost executor's partitions "
                    + "are read back instead of failing the run. Default: none (rounds are checkpointed locally: faster, not fault-tolerant).")
    String checkpointDir;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit (which sets it). Default: spark.master if set, else local[*].")
    String master;

    /** Refuses a --master URL Spark would not accept, before any data is read. */
    void check() {
        SparkBprMain.checkMaster(master);
    }

    /** {@code given} (tests, embedding applications) or a new context; the checkpoint directory set when given. */
    JavaSparkContext open(JavaSparkContext given, String appName) {
        JavaSparkContext sc = given != null ? given : SparkBprMain.start(master, appName);
        if (checkpointDir != null) sc.setCheckpointDir(checkpointDir);   // rounds then survive a lost executor (Rounds)
        return sc;
    }
}
