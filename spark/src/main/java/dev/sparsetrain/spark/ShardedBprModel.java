package dev.sparsetrain.spark;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.sparsenn.ShardedModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * A BPR-MF model trained by {@link ShardedBprTrainer}: user and item factor rows (and item
 * biases, and their optimizer state) in P user and P item blocks on the executors, the last
 * sub-epoch's cells. {@link #save} writes the id-partitioned part files of
 * {@link ShardedModelFiles} (tables {@code users}, {@code items}, {@code item_bias} as key
 * {@code table << 40 | id}, hash-partitioned into P shards) from the executors, which
 * {@code evaluate}, {@code recommend} and {@code serve} read; only {@link #collect} (tests, small
 * tables) brings the tables to the driver. Not thread-safe.
 */
public final class ShardedBprModel {
    static final String[] TABLES = {"users", "items", "item_bias"};

    private final SparkBprConfig cfg;
    private final int users, items, blocks;
    private final JavaRDD<ShardedBprTrainer.Cell> cells;

    ShardedBprModel(JavaSparkContext sc, SparkBprConfig cfg, int users, int items, int blocks, JavaRDD<ShardedBprTrainer.Cell> cells) {
        this.cfg = cfg;
        this.users = users;
        this.items = items;
        this.blocks = blocks;
        this.cells = cells;
    }

    public int numUsers() { return users; }
    public int numItems() { return items; }
    public int blocks() { return blocks; }
    public int factors() { return cfg.bpr().factors(); }

    /** The last sub-epoch's cells: user block b (and item block (b + P - 1) mod P) in partition b. */
    JavaRDD<ShardedBprTrainer.Cell> cells() { return cells; }

    /** Every row as (table &lt;&lt; 40 | global id, weights), where its block lives. */
    JavaPairRDD<Long, float[]> rows() {
        int k = cfg.bpr().factors();
        return cells.flatMapToPair(c -> {
            List<Tuple2<Long, float[]>> out = new ArrayList<>();
            var u = c.users();
            var it = c.items();
            int P = u.P();
            for (int r = 0; r < u.users(); r++) {
                out.add(new Tuple2<>((long) (u.block() + P * r), java.util.Arrays.copyOfRange(u.factors(), r * k, r * k + k)));
            }
            for (int r = 0; r < it.items(); r++) {
                long id = it.block() + (long) P * r;
                out.add(new Tuple2<>(1L << 40 | id, java.util.Arrays.copyOfRange(it.factors(), r * k, r * k + k)));
                out.add(new Tuple2<>(2L << 40 | id, new float[] {it.bias()[r]}));
            }
            return out.iterator();
        });
    }

    /** The whole model on the driver: for tests and small tables only. */
    public BprModel collect() {
        int k = cfg.bpr().factors();
        BprModel m = new BprModel(cfg.bpr().config(), Table.embedding("users", users, k), Table.embedding("items", items, k),
                Table.embedding("item_bias", items, 1));
        Table[] t = {m.users(), m.items(), m.itemBias()};
        for (Tuple2<Long, float[]> e : rows().collect()) {
            Table x = t[(int) (e._1() >>> 40)];
            int id = (int) (e._1() & ((1L << 40) - 1));
            System.arraycopy(e._2(), 0, x.block(id), x.offset(id), x.dim());
        }
        return m;
    }

    /**
     * Saves as id-partitioned part files (P shards, {@link PartFiles}): the rows are shuffled once
     * from their blocks into the hash layout of {@link ShardedModelFiles}, each executor writes its
     * shards, the driver the manifest and a header ({@code dense.model}: BPR-MF's configuration,
     * {@code metadata} and the id maps {@code users}, {@code items}; no tables). Optimizer state is
     * not saved (a loaded model starts a fresh optimizer).
     */
    public void save(Path dir, Map<String, String> metadata, Map<String, List<String>> idMaps) {
        int k = cfg.bpr().factors(), P = blocks;
        ModelFile.Contents header = new ModelFile.Contents(BprFiles.TYPE, BprFiles.configJson(cfg.bpr().config()), metadata, idMaps, List.of());
        PartFiles.save(dir, rows().partitionBy(new HashPartitioner(P)), P, TABLES, new int[] {k, k, 1},
                (tmp, nRows, crc) -> ShardedModelFiles.writeManifest(tmp, header, TABLES, new int[] {users, items, items}, new int[] {k, k, 1},
                        cfg.bpr().initStd(), P, nRows, crc, cfg.seed()));
    }

    /** Frees the cached blocks. */
    public void release() {
        cells.unpersist(false);
    }
}
