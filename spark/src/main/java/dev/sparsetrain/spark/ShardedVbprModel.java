package dev.sparsetrain.spark;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.features.FeatureTransform;
import dev.sparsetrain.data.features.ItemFeatures;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * A VBPR model trained by {@link ShardedVbprTrainer}: the user and item rows (with their optimizer
 * state) in P blocks on the executors, the last sub-epoch's cells, and the averaged E and beta' on
 * the driver with the preprocessed features and the fitted transform. {@link #collect} brings the
 * rows to the driver as one {@link VbprModel}, which is how the entry point evaluates it and saves
 * a normal VBPR file ({@code VbprFiles.save}); part files are not written. Not thread-safe.
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

    /** One block's rows of one table (local row r is global row block + P r). */
    record Part(String table, int block, int P, float[] rows) implements java.io.Serializable {}

    /** Frees the cached blocks. */
    public void release() {
        cells.unpersist(false);
    }
}
