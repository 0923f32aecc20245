package dev.sparsetrain.spark;

import picocli.CommandLine.Option;

/**
 * How the tasks of both entry points ({@link SparkBprMain}, {@link SparkCtrMain}) work and how their
 * changes combine: {@code --merge} ({@link ItemMerge}) and {@code --threads-per-partition}. They
 * live here rather than in module options because {@link ItemMerge} is the Spark trainers' own.
 * Filled by picocli; not thread-safe.
 */
final class PartitionOptions {
    @Option(names = "--merge", defaultValue = "touched", description = "How the partitions' changes to a table row combine: touched (mean over the "
            + "partitions that changed the row), average (over all partitions) or sum (faster on short runs, can diverge with many partitions "
            + "unless they synchronise more often); a click model's dense tensors are averaged. Default: ${DEFAULT-VALUE}.")
    private String merge = "touched";

    @Option(names = "--threads-per-partition", defaultValue = "1",
            description = "Worker threads inside one task (BPR-MF: Hogwild; a click model's result does not depend on it). Default: ${DEFAULT-VALUE}.")
    private int threadsPerPartition = 1;

    /** {@code --merge}; an unknown rule is refused in one line. */
    ItemMerge merge() { return ItemMerge.parse(merge); }

    /** {@code --threads-per-partition} as given (each trainer checks it). */
    int threadsPerPartition() { return threadsPerPartition; }
}
