package dev.sparsetrain.spark;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.models.sparsenn.ShardedModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import scala.Tuple2;

/**
 * Saving an id-sharded model as {@link ShardedModelFiles} part files from the executors, for both
 * sharded trainers (click models, BPR-MF): each executor writes its shards' rows into a temporary
 * directory beside {@code dir} (which must be on a file system every executor and the driver
 * share), the driver then the manifest; the directory is renamed to {@code dir} last, so no reader
 * sees a half-written set. An existing {@code dir} is refused in one line.
 */
final class PartFiles {
    private PartFiles() {}

    /** Writes the manifest (and the unsharded header) into the temporary directory once every part is there. */
    interface Manifest {
        void write(Path tmp, long[] partRows, long[] partCrc);
    }

    /**
     * Saves {@code rows} (key {@code table << 40 | id}; the first {@code dims[table]} floats of a
     * value are written), hash-partitioned into {@code S} shards by Spark's {@code HashPartitioner}.
     */
    static void save(Path dir, JavaPairRDD<Long, float[]> rows, int S, String[] tableNames, int[] dims, Manifest manifest) {
        Path abs = dir.toAbsolutePath();
        if (Files.exists(abs)) throw new BadInputException(Settings.name("save") + " " + dir + ": exists; remove it or choose another directory (sharded models are directories)");
        if (rows.getNumPartitions() != S) throw new IllegalArgumentException(rows.getNumPartitions() + " partitions for " + S + " shards");
        ShardedModelFiles.writeSet(dir, Settings.name("save") + " " + dir, tmp -> {
            String where = tmp.toString();
            List<long[]> written = new ArrayList<>(rows.mapPartitionsWithIndex((s, it) -> {
                List<Tuple2<Long, float[]>> all = new ArrayList<>();
                while (it.hasNext()) all.add(it.next());
                all.sort(Comparator.comparingLong(Tuple2::_1));
                long[] k = new long[all.size()];
                float[][] v = new float[all.size()][];
                for (int i = 0; i < k.length; i++) {
                    k[i] = all.get(i)._1();
                    v[i] = all.get(i)._2();
                }
                long crc = ShardedModelFiles.writePart(Path.of(where), s, S, tableNames, dims, k, v);
                return List.of(new long[] {s, k.length, crc}).iterator();
            }, true).collect());
            long[] nRows = new long[S], crc = new long[S];
            for (long[] w : written) {
                nRows[(int) w[0]] = w[1];
                crc[(int) w[0]] = w[2];
            }
            manifest.write(tmp, nRows, crc);
        });
    }
}
