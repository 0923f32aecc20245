package dev.sparsetrain.spark;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.sparsenn.ShardedModelFiles;
import dev.sparsetrain.optim.OptimizerState;
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
 * {@link ShardedModelFiles} (tables {@code users}, {@code items}, {@code item_bias} and the
 * optimizer's state tables as key {@code table << 40 | id}, hash-partitioned into P shards) from the executors, which
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
        return rows(new String[0]);
    }

    /**
     * Every row as (table &lt;&lt; 40 | global id, values), where its block lives: the weight
     * tables 0..2 ({@link #TABLES}), then, for each name in {@code stateNames} (table 3 + its index),
     * the row's optimizer state, {@code optim/<group>/<table>/<slot>}, one row per user or item row.
     * A block that never trained (no pairs in any of its cells) has a fresh optimizer's state.
     */
    JavaPairRDD<Long, float[]> rows(String[] stateNames) {
        int k = cfg.bpr().factors();
        SparkBprConfig cfg = this.cfg;
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
            if (stateNames.length > 0) {
                OptState us = u.state() != null ? u.state() : fresh(cfg, u.users(), 1, "users");
                OptState is = it.state() != null ? it.state() : fresh(cfg, 1, it.items(), "items");
                for (OptState st : new OptState[] {us, is}) {
                    int base = st == us ? u.block() : it.block();
                    for (int t = 0; t < st.names().length; t++) {
                        int table = 3 + java.util.Arrays.asList(stateNames).indexOf(st.names()[t]), dim = st.dims()[t];
                        if (table < 3) throw new IllegalStateException("state table " + st.names()[t] + " not in " + java.util.Arrays.toString(stateNames));
                        for (int r = 0; r < st.rows()[t]; r++) {
                            out.add(new Tuple2<>((long) table << 40 | (base + (long) P * r), java.util.Arrays.copyOfRange(st.data()[t], r * dim, r * dim + dim)));
                        }
                    }
                }
            }
            return out.iterator();
        });
    }

    /** A fresh optimizer's state for a block of {@code users} user and {@code items} item rows: the tables of {@code side} ("users", or the items' "items" and "item_bias"). */
    static OptState fresh(SparkBprConfig cfg, int users, int items, String side) {
        int k = cfg.bpr().factors();
        BprModel m = new BprModel(cfg.bpr().config(), Table.embedding("users", users, k), Table.embedding("items", items, k), Table.embedding("item_bias", items, 1));
        OptimizerState st = m.optimizer().exportState();
        List<Table> mine = new ArrayList<>();
        for (Table t : st.tables()) if (side.equals("users") == ShardedBprTrainer.tableOf(t).equals("users")) mine.add(t);
        return OptState.of(new OptimizerState(side.equals("users") ? st.metadata() : Map.of(), mine));
    }

    /**
     * The header metadata of the user blocks' group scalars: user block 0's {@code optim.*}, and
     * {@code spark-block-<b>.<key>} for each key whose value in block b differs from block 0's
     * (none for BPR-MF's optimizers as they stand: their group counters stay 0, the row counts
     * carry the steps, and the schedule's multiplier is the same in every block).
     */
    static Map<String, String> scalarsMetadata(List<Map<String, String>> blocks) {
        Map<String, String> out = new java.util.LinkedHashMap<>(blocks.get(0));
        for (int b = 1; b < blocks.size(); b++) {
            for (var e : blocks.get(b).entrySet()) {
                if (!e.getValue().equals(blocks.get(0).get(e.getKey()))) out.put("spark-block-" + b + "." + e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * The optimizer's state tables for this configuration (names and dims, one row each, in the
     * optimizer's order), or none when training keeps no state (plain SGD runs the fused kernel).
     */
    static List<Table> stateShapes(SparkBprConfig cfg) {
        int k = cfg.bpr().factors();
        BprModel m = new BprModel(cfg.bpr().config(), Table.embedding("users", 1, k), Table.embedding("items", 1, k), Table.embedding("item_bias", 1, 1));
        return m.usesFusedKernel() ? List.of() : m.optimizer().exportState().tables();
    }

    /**
     * The group scalars of the optimizer ({@code optim.*} metadata: step counters, multipliers,
     * the signatures checked on load), one map per user block, in block order (they live with
     * the user block); a block that never trained has a fresh optimizer's.
     */
    List<Map<String, String>> blockScalars() {
        SparkBprConfig cfg = this.cfg;
        List<Tuple2<Integer, java.util.LinkedHashMap<String, String>>> got = new ArrayList<>(cells.map(c -> new Tuple2<>(c.users().block(),
                c.users().state() != null ? c.users().state().metadata() : fresh(cfg, 1, 1, "users").metadata())).collect());
        got.sort(java.util.Comparator.comparingInt(Tuple2::_1));
        List<Map<String, String>> out = new ArrayList<>();
        for (var g : got) out.add(g._2());
        return out;
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
     * {@code metadata} and the id maps {@code users}, {@code items}; no tables).
     *
     * <p>With an adaptive optimizer the set also holds its state, as a single-machine model file
     * does: each state table {@code optim/<group>/<table>/<slot>} is one more sharded table (key
     * {@code (3 + its index) << 40 | id}, every row written), and the header's metadata the
     * {@code optim.*} scalars, so {@link BprFiles#load(Path, ModelFile.Contents)} restores the
     * optimizer. The group scalars live with the user blocks: {@code optim.*} are user block 0's
     * (with one block, exactly single-machine training's), and a block's that differ are kept
     * beside them ({@link #scalarsMetadata}).
     * Plain SGD (the fused kernel) keeps no state and none is written.
     */
    public void save(Path dir, Map<String, String> metadata, Map<String, List<String>> idMaps) {
        int k = cfg.bpr().factors(), P = blocks;
        List<Table> state = stateShapes(cfg);
        int T = 3 + state.size();
        String[] names = new String[T], stateNames = new String[state.size()];
        int[] dims = new int[T], rows = new int[T];
        System.arraycopy(TABLES, 0, names, 0, 3);
        dims[0] = k;
        dims[1] = k;
        dims[2] = 1;
        rows[0] = users;
        rows[1] = items;
        rows[2] = items;
        for (int t = 0; t < state.size(); t++) {
            Table x = state.get(t);
            names[3 + t] = stateNames[t] = x.name();
            dims[3 + t] = x.dim();
            rows[3 + t] = ShardedBprTrainer.tableOf(x).equals("users") ? users : items;
        }
        Map<String, String> meta = new java.util.LinkedHashMap<>(OptimizerState.withoutState(metadata));
        if (!state.isEmpty()) {
            meta.putAll(scalarsMetadata(blockScalars()));
        }
        ModelFile.Contents header = new ModelFile.Contents(BprFiles.TYPE, BprFiles.configJson(cfg.bpr().config()), meta, idMaps, List.of());
        PartFiles.save(dir, rows(stateNames).partitionBy(new HashPartitioner(P)), P, names, dims,
                (tmp, nRows, crc) -> ShardedModelFiles.writeManifest(tmp, header, names, rows, dims,
                        cfg.bpr().initStd(), P, nRows, crc, cfg.seed()));
    }

    /** Frees the cached blocks. */
    public void release() {
        cells.unpersist(false);
    }
}
