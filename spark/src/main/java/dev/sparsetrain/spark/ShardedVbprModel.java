package dev.sparsetrain.spark;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.features.FeatureTransform;
import dev.sparsetrain.data.features.ItemFeatures;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprModel;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.models.sparsenn.ShardedModelFiles;
import dev.sparsetrain.models.vbpr.VbprCell;
import dev.sparsetrain.models.vbpr.VbprFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * A VBPR model trained by {@link ShardedVbprTrainer}: the user and item rows (with their optimizer
 * state) in P blocks on the executors, the last sub-epoch's cells, and the averaged E and beta' on
 * the driver with the preprocessed features and the fitted transform. {@link #save} writes it as
 * id-partitioned part files from the executors; {@link #collect} brings the rows to the driver as
 * one {@link VbprModel} (to save one ordinary VBPR file, {@code VbprFiles.save}, and for tests).
 * Not thread-safe.
 */
public final class ShardedVbprModel {
    private final VbprConfig cfg;
    private final int users, items, blocks;
    private final JavaRDD<ShardedVbprTrainer.Cell> cells;
    private final float[] projection, visualBias;
    private final ItemFeatures features;
    private final FeatureTransform transform;

    ShardedVbprModel(VbprConfig cfg, int users, int items, int blocks, JavaRDD<ShardedVbprTrainer.Cell> cells, float[] projection,
                     float[] visualBias, ItemFeatures features, FeatureTransform transform) {
        this.cfg = cfg;
        this.users = users;
        this.items = items;
        this.blocks = blocks;
        this.cells = cells;
        this.projection = projection;
        this.visualBias = visualBias;
        this.features = features;
        this.transform = transform;
    }

    public int numUsers() { return users; }
    public int numItems() { return items; }
    public int blocks() { return blocks; }

    /** The whole model on the driver (every row comes over the network once): to evaluate and save it. */
    public VbprModel collect() {
        VbprModel m = new VbprModel(cfg.variant(), users, items, cfg.factors(), cfg.visualFactors(), features, transform);
        m.table(VbprModel.PROJECTION).load(projection);
        m.table(VbprModel.VISUAL_BIAS).load(visualBias);
        boolean collab = cfg.variant().collaborative();
        List<Part> parts = cells.flatMap(c -> {
            List<Part> out = new ArrayList<>();
            var u = c.users();
            var it = c.items();
            int P = u.cells().P();
            if (collab) out.add(new Part(VbprModel.USER_FACTORS, u.cells().block(), P, u.gamma()));
            out.add(new Part(VbprModel.USER_VISUAL, u.cells().block(), P, u.theta()));
            if (collab) {
                out.add(new Part(VbprModel.ITEM_FACTORS, it.block(), P, it.gamma()));
                out.add(new Part(VbprModel.ITEM_BIAS, it.block(), P, it.bias()));
            }
            return out.iterator();
        }).collect();
        for (Part p : parts) {
            Table t = m.table(p.table());
            int d = t.dim();
            for (int r = 0; r < p.rows().length / d; r++) {
                int id = p.block() + p.P() * r;
                System.arraycopy(p.rows(), r * d, t.block(id), t.offset(id), d);
            }
        }
        m.project(0, items);
        return m;
    }

    /**
     * Every row of {@link VbprFiles#shardedTables} as (table &lt;&lt; 40 | global id, values), where
     * its block lives: the user blocks' gamma_u, theta_u, the item blocks' gamma_i, beta_i and
     * their serving form p_i = E f_i, b'_i = beta' . f_i, computed on the executor from the item
     * block's features and the final E and beta' (the same kernels, row by row, as
     * {@link VbprFiles#save} and {@link VbprModel#project}).
     */
    JavaPairRDD<Long, float[]> rows() {
        VbprConfig cfg = this.cfg;
        String[] names = VbprFiles.shardedTables(cfg.variant());
        java.util.List<String> order = java.util.Arrays.asList(names);
        float[] E = projection, B = visualBias;
        int F = features.dim();
        return cells.flatMapToPair(c -> {
            List<Tuple2<Long, float[]>> out = new ArrayList<>();
            var u = c.users();
            var it = c.items();
            int P = u.cells().P();
            Map<String, float[]> userRows = new java.util.LinkedHashMap<>(), itemRows = new java.util.LinkedHashMap<>();
            if (cfg.variant().collaborative()) {
                userRows.put(VbprModel.USER_FACTORS, u.gamma());
                itemRows.put(VbprModel.ITEM_FACTORS, it.gamma());
                itemRows.put(VbprModel.ITEM_BIAS, it.bias());
            }
            userRows.put(VbprModel.USER_VISUAL, u.theta());
            VbprModel block = new VbprModel(cfg.variant(), 1, it.items(), cfg.factors(), cfg.visualFactors(),
                    new ItemFeatures("item block " + it.block(), it.items(), F, it.features()), null);
            block.table(VbprModel.PROJECTION).load(E);
            block.table(VbprModel.VISUAL_BIAS).load(B);
            block.project(0, it.items());
            itemRows.put(VbprFiles.ITEM_PROJECTION, block.projections());
            itemRows.put(VbprFiles.ITEM_VISUAL_BIAS, block.visualBiases());
            for (int side = 0; side < 2; side++) {
                int base = side == 0 ? u.cells().block() : it.block(), n = side == 0 ? u.cells().users() : it.items();
                for (var e : (side == 0 ? userRows : itemRows).entrySet()) {
                    long t = order.indexOf(e.getKey());
                    int d = VbprFiles.shardedDim(cfg, e.getKey());
                    for (int r = 0; r < n; r++) {
                        out.add(new Tuple2<>(t << 40 | (base + (long) P * r), java.util.Arrays.copyOfRange(e.getValue(), r * d, r * d + d)));
                    }
                }
            }
            return out.iterator();
        });
    }

    /**
     * Saves as id-partitioned part files ({@link PartFiles}, P shards, the layout of
     * {@link ShardedModelFiles}) from the executors: the rows of {@link #rows} are shuffled once
     * into the hash layout and each executor writes its shards; the driver writes the manifest and
     * the header ({@link VbprFiles#header}: configuration, {@code metadata}, id maps, E, beta' and
     * the preprocessing), the only part of the model it holds. {@link VbprFiles#read(Path)} (so
     * {@code evaluate}, {@code recommend} and {@code serve}) reads the set. No optimizer state is
     * written, as a single VBPR file holds none. {@code dir} must not exist and must be on a file
     * system the driver and every executor share.
     */
    public void save(Path dir, Map<String, String> metadata) {
        String[] names = VbprFiles.shardedTables(cfg.variant());
        int T = names.length, P = blocks;
        int[] dims = new int[T], rows = new int[T];
        for (int t = 0; t < T; t++) {
            dims[t] = VbprFiles.shardedDim(cfg, names[t]);
            rows[t] = VbprCell.userTable(names[t]) ? users : items;
        }
        ModelFile.Contents header = VbprFiles.header(cfg, users, items, features.dim(), transform, projection, visualBias, metadata);
        PartFiles.save(dir, rows().partitionBy(new HashPartitioner(P)), P, names, dims,
                (tmp, nRows, crc) -> ShardedModelFiles.writeManifest(tmp, header, names, rows, dims, cfg.initStd(), P, nRows, crc, cfg.seed()));
    }

    /** One block's rows of one table (local row r is global row block + P r). */
    record Part(String table, int block, int P, float[] rows) implements java.io.Serializable {}

    /** Frees the cached blocks. */
    public void release() {
        cells.unpersist(false);
    }
}
