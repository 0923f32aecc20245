package dev.sparsetrain.spark;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.models.sparsenn.BiasRefit;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.RowInit;
import dev.sparsetrain.models.sparsenn.ShardedModelFiles;
import dev.sparsetrain.models.sparsenn.SparseNN;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * A click model whose embedding tables are sharded across the executors ({@link ShardedCtrTrainer}):
 * the rows that exist (key {@code table << 40 | id} to weights and optimizer state) in an RDD
 * hash-partitioned into S shards, and the dense tensors on the driver (a {@link SparseNN} with one
 * row per table). Scoring ({@link #predict}) and saving ({@link #save}) run on the executors by
 * the same join by id as training; only {@link #collect} (tests, small tables) brings a table to
 * the driver. Not thread-safe.
 */
public final class ShardedCtrModel {
    private final JavaSparkContext sc;
    private final ModelConfig config;
    private final String[] names;
    private final int[] tableRows;
    private final int numDense;
    private final long seed;
    private final Partitioner shards;
    private final ShardedCtrPart.StateLayout layout;
    private final CtrShard.Spec spec;
    private final SparseNN dense;
    private JavaPairRDD<Long, float[]> rows;

    private ShardedCtrModel(JavaSparkContext sc, ModelConfig config, String[] names, int[] tableRows, int numDense, long seed, Partitioner shards,
                            ShardedCtrPart.StateLayout layout, CtrShard.Spec spec, JavaPairRDD<Long, float[]> rows) {
        this.sc = sc;
        this.config = config;
        this.names = names.clone();
        this.tableRows = tableRows.clone();
        this.numDense = numDense;
        this.seed = seed;
        this.shards = shards;
        this.layout = layout;
        this.spec = spec;
        this.rows = rows;
        int[] one = new int[names.length];
        Arrays.fill(one, 1);
        // the MLP's initial values do not depend on the table sizes (SparseNN splits its generator per table)
        this.dense = new SparseNN(config, names, one, numDense, seed);
    }

    /** A model no sample has touched yet: no rows exist, the dense tensors are {@link SparseNN}'s initialisation for {@code seed}. */
    static ShardedCtrModel empty(JavaSparkContext sc, ModelConfig mc, String[] names, int[] tableRows, int numDense, long seed, int S,
                                 ShardedCtrPart.StateLayout layout, CtrShard.Spec spec) {
        Partitioner h = new HashPartitioner(S);
        JavaPairRDD<Long, float[]> none = sc.<Long, float[]>parallelizePairs(new ArrayList<>(), S).partitionBy(h);
        return new ShardedCtrModel(sc, mc, names, tableRows, numDense, seed, h, layout, spec, none);
    }

    JavaPairRDD<Long, float[]> rows() { return rows; }

    Partitioner partitioner() { return shards; }

    ShardedCtrPart.StateLayout layout() { return layout; }

    CtrShard.Spec spec() { return spec; }

    public int shards() { return shards.numPartitions(); }

    public ModelConfig config() { return config; }

    /** The dense tensors' values, in {@link SparseNN#denseTables()} order (copies). */
    float[][] denseValues() {
        List<Table> d = dense.denseTables();
        float[][] v = new float[d.size()][];
        for (int t = 0; t < v.length; t++) v[t] = d.get(t).data().clone();
        return v;
    }

    void setDense(float[][] v) {
        List<Table> d = dense.denseTables();
        for (int t = 0; t < v.length; t++) d.get(t).load(v[t]);
    }

    void shiftBias(double delta) {
        BiasRefit.apply(dense, delta);
    }

    /**
     * Replaces the rows with {@code next}: persisted and checkpointed ({@link ShardedCtrTrainer#cut}),
     * materialised, and the old rows unpersisted.
     */
    ShardedCtrModel withRows(JavaPairRDD<Long, float[]> next, JavaSparkContext sc) {
        ShardedCtrTrainer.cut(sc, next.rdd());
        next.count();
        rows.unpersist(false);
        rows = next;
        return this;
    }

    /** Rows that exist (touched at least once by training). */
    public long rowCount() { return rows.count(); }

    /** What {@link #over} applies on each data partition. */
    interface PartFn<T> extends Serializable {
        List<T> apply(ShardedCtrPart part, Map<Long, float[]> rows, float[][] dense) throws Exception;
    }

    /** {@code fn} on every partition of {@code data} with every row its samples touch, fetched by id, and the dense tensors. */
    <T> JavaRDD<T> over(JavaRDD<ShardedCtrPart> data, PartFn<T> fn) {
        int P = data.getNumPartitions(), T = layout.slots().length;
        Broadcast<float[][]> d = sc.broadcast(denseValues());
        JavaPairRDD<Long, Integer> req = data.flatMapToPair(part -> {
            List<Tuple2<Long, Integer>> out = new ArrayList<>();
            if (part.rows() > 0) for (long k : ShardedCtrPart.keys(part.data(), T)) out.add(new Tuple2<>(k, part.partition));
            return out.iterator();
        });
        JavaPairRDD<Integer, Tuple2<Long, float[]>> fetched = ShardedCtrTrainer.fetch(rows, req, P);
        return data.zipPartitions(fetched, (itPart, itRows) -> {
            ShardedCtrPart part = itPart.next();
            return fn.apply(part, ShardedCtrTrainer.collectRows(itRows), d.value()).iterator();
        });
    }

    /**
     * Click probabilities of {@code test}'s rows, in order: the rows are dealt into contiguous
     * slices, one per shard, scored where the fetched rows land; only the probabilities come back.
     */
    public float[] predict(CtrData test) {
        int P = Math.max(1, Math.min(shards(), test.rows()));
        List<ShardedCtrPart> parts = new ArrayList<>(P);
        for (int p = 0; p < P; p++) {
            int from = (int) ((long) test.rows() * p / P), to = (int) ((long) test.rows() * (p + 1) / P);
            parts.add(new ShardedCtrPart(p, seed, test.slice(from, to)));
        }
        JavaRDD<ShardedCtrPart> data = sc.parallelize(parts, P);
        CtrShard.Spec spec = this.spec;
        ShardedCtrPart.StateLayout layout = this.layout;
        List<Tuple2<Integer, float[]>> got = new ArrayList<>(over(data, (part, r, dv) ->
                List.of(new Tuple2<>(part.partition, part.predict(r, dv, spec, layout)))).collect());
        got.sort(Comparator.comparingInt(Tuple2::_1));
        float[] out = new float[test.rows()];
        int o = 0;
        for (Tuple2<Integer, float[]> g : got) {
            System.arraycopy(g._2(), 0, out, o, g._2().length);
            o += g._2().length;
        }
        return out;
    }

    /** The whole model on the driver (untouched rows from {@link RowInit}): for tests and small tables only. */
    public SparseNN collect() {
        SparseNN m = RowInit.apply(new SparseNN(config, names, tableRows, numDense, seed), layout.initSeed());
        List<Table> sparse = m.sparseTables(), d = m.denseTables();
        for (Tuple2<Long, float[]> e : rows.collect()) {
            Table x = sparse.get(ShardedCtrPart.table(e._1()));
            int id = (int) ShardedCtrPart.id(e._1());
            System.arraycopy(e._2(), 0, x.block(id), x.offset(id), x.dim());
        }
        float[][] v = denseValues();
        for (int t = 0; t < v.length; t++) d.get(t).load(v[t]);
        return m;
    }

    /**
     * Saves as id-partitioned part files ({@link ShardedModelFiles}): each executor writes its
     * shards' rows into a temporary directory beside {@code dir} (which must be on a file system
     * every executor and the driver share), the driver the dense tensors and the manifest; the
     * directory is then renamed to {@code dir}. An existing {@code dir} is refused in one line.
     */
    public void save(Path dir, Map<String, String> metadata, Map<String, List<String>> idMaps) {
        String[] tn = new String[layout.slots().length];
        List<Table> sp = dense.sparseTables();
        for (int t = 0; t < tn.length; t++) tn[t] = sp.get(t).name();
        PartFiles.save(dir, rows, shards(), tn, layout.dims(),
                (tmp, nRows, crc) -> ShardedModelFiles.writeManifest(tmp, dense, tableRows, metadata, idMaps, shards(), nRows, crc, layout.initSeed()));
    }
}
