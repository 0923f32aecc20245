package dev.sparsetrain.spark;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.models.sparsenn.BiasRefit;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.RowInit;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.optim.OptimizerState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One data partition of the sharded click-model trainer ({@link ShardedCtrTrainer}): its training
 * (or test) rows and its seed. Each round it names the embedding rows its round touches
 * ({@link #keys}), and, given those rows as fetched from the sharded table (weights followed by the
 * row's optimizer state, {@link StateLayout}), trains a <em>compact</em> model on them
 * ({@link #train}): a {@link SparseNN} whose sparse tables hold only the touched rows, the
 * partition's ids renumbered {@code 0..n-1} per feature in increasing id order, run by the unchanged
 * single-machine {@link CtrTrainer}. Renumbering changes no arithmetic: every kernel, optimizer
 * and regulariser acts per row and per sample, never on a row's index (with LAZY sparse semantics,
 * the default; DENSE semantics on embeddings would decay every row of the full table each step and
 * has no sharded equivalent). Immutable; the rows are shared, not copied.
 */
final class ShardedCtrPart implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Bits of a key given to the id; the sparse table's index is above them. */
    static final int ID_BITS = 40;

    final int partition;
    final long seed;
    private final PartitionRows data;

    ShardedCtrPart(PartitionRows data) {
        this.partition = data.partition;
        this.seed = data.seed;
        this.data = data;
    }

    ShardedCtrPart(int partition, long seed, CtrData d) {
        this(new PartitionRows(partition, seed, d));
    }

    CtrData data() { return data.data(); }

    int rows() { return data.rows(); }

    /** The key of row {@code id} of sparse table {@code table} (its index in {@link SparseNN#sparseTables()}). */
    static long key(int table, long id) {
        return ((long) table << ID_BITS) | id;
    }

    static int table(long key) { return (int) (key >>> ID_BITS); }

    static long id(long key) { return key & ((1L << ID_BITS) - 1); }

    /** The feature whose ids sparse table {@code t} is indexed by: FM has an embedding and a linear table per feature. */
    static int feature(int t, int numSparse) { return t % numSparse; }

    /** What round {@code round} of this partition trains, possibly nothing (null): {@link PartitionRows#roundRows}. */
    CtrData roundRows(CtrShard.Spec spec, int round) { return data.roundRows(spec, round); }

    /** Distinct ids of each feature in {@code d}, ascending. */
    static int[][] distinctIds(CtrData d) {
        int[][] out = new int[d.numSparse()][];
        for (int f = 0; f < out.length; f++) out[f] = Arrays.stream(d.ids()[f]).distinct().sorted().toArray();
        return out;
    }

    /** Keys of every row of every sparse table that {@code d}'s samples touch, for a model with {@code numTables} sparse tables. */
    static long[] keys(CtrData d, int numTables) {
        int[][] u = distinctIds(d);
        int ns = d.numSparse(), n = 0;
        for (int t = 0; t < numTables; t++) n += u[feature(t, ns)].length;
        long[] k = new long[n];
        int j = 0;
        for (int t = 0; t < numTables; t++) for (int id : u[feature(t, ns)]) k[j++] = key(t, id);
        return k;
    }

    /** The compact copy of {@code d}: ids renumbered to their rank among {@code u[f]}; table rows = max(1, distinct ids). */
    static CtrData compact(CtrData d, int[][] u) {
        int ns = d.numSparse();
        int[][] cid = new int[ns][];
        int[] rows = new int[ns];
        for (int f = 0; f < ns; f++) {
            int[] src = d.ids()[f];
            cid[f] = new int[src.length];
            for (int i = 0; i < src.length; i++) cid[f][i] = Arrays.binarySearch(u[f], src[i]);
            rows[f] = Math.max(1, u[f].length);
        }
        return new CtrData(d.names(), d.denseNames(), d.rows(), d.labels(), d.dense(), rows, d.offsets(), cid);
    }

    /**
     * A compact model for {@code u}'s rows: sparse rows from {@code fetched} (by key; a missing key
     * is a row never written, initialised by {@link RowInit}), dense tensors from {@code dense}.
     */
    static SparseNN compactModel(ModelConfig mc, String[] names, int nd, long modelSeed, int[][] u, Map<Long, float[]> fetched,
                                 float[][] dense, StateLayout layout) {
        int ns = names.length;
        int[] rows = new int[ns];
        for (int f = 0; f < ns; f++) rows[f] = Math.max(1, u[f].length);
        SparseNN m = new SparseNN(mc, names, rows, nd, modelSeed);
        List<Table> sparse = m.sparseTables(), dt = m.denseTables();
        for (int t = 0; t < sparse.size(); t++) {
            Table x = sparse.get(t);
            int[] ids = u[feature(t, ns)];
            int dim = x.dim();
            for (int j = 0; j < ids.length; j++) {
                float[] row = fetched.get(key(t, ids[j]));
                if (row == null) RowInit.fill(x.block(j), x.offset(j), dim, layout.initSeed(), t, ids[j], x.name(), layout.initStd());
                else System.arraycopy(row, 0, x.block(j), x.offset(j), dim);
            }
        }
        for (int t = 0; t < dt.size(); t++) dt.get(t).load(dense[t]);
        return m;
    }

    /** What one partition's round produced: the rows it changed (key, weights + state), its dense tensors and dense optimizer state, figures. */
    record RoundOut(int partition, long[] keys, float[][] rows, float[][] dense, OptState denseState, double lossSum, long samples,
                    long clicks, double trainSeconds, long rowsFetched) implements Serializable {}

    /**
     * Round {@code round}: trains this partition's share of it (the broadcast trainer's batches,
     * {@link CtrShard#trainRound}) on a compact model loaded with {@code fetched} rows and
     * {@code dense} tensors, resuming the partition's dense optimizer state {@code denseState}
     * (null in round 0) and each fetched row's own state; returns the rows whose weights or state
     * changed, with their new weights and state.
     */
    RoundOut train(Map<Long, float[]> fetched, float[][] dense, OptState denseState, CtrShard.Spec spec, StateLayout layout,
                   int round) {
        long t0 = System.nanoTime();
        CtrData part = roundRows(spec, round);
        if (part == null) return new RoundOut(partition, new long[0], new float[0][], dense, denseState, 0, 0, 0, (System.nanoTime() - t0) / 1e9, 0);
        int[][] u = distinctIds(part);
        SparseNN m = compactModel(spec.model().get(), data.data().names(), data.data().numDense(), seed, u, fetched, dense, layout);
        CtrData local = compact(part, u);
        List<Table> sparse = m.sparseTables();
        int ns = data.data().names().length;
        // the rows as they went in (weights + state), to send back only the changed ones
        float[][][] before = new float[sparse.size()][][];
        double loss;
        long samples;
        OptState nextDense;
        float[][][] after = new float[sparse.size()][][];
        try (CtrTrainer trainer = new CtrTrainer(m, spec.roundConfig(seed, round))) {
            OptimizerState fresh = trainer.trainable().exportState();
            Map<String, Table> freshByName = StateLayout.byName(fresh);
            for (int t = 0; t < sparse.size(); t++) {
                int[] ids = u[feature(t, ns)];
                before[t] = new float[ids.length][];
                for (int j = 0; j < ids.length; j++) before[t][j] = layout.row(sparse.get(t), j, fetched.get(key(t, ids[j])), freshByName, t);
            }
            if (denseState != null) trainer.trainable().importState("partition " + partition, layout.state(fresh, denseState, before, m));
            spec.fit(trainer, local, round);
            loss = trainer.lastTrainLossSum();
            samples = trainer.lastTrainSamples();
            OptimizerState out = trainer.trainable().exportState();
            nextDense = layout.denseOnly(out, m);
            Map<String, Table> outByName = StateLayout.byName(out);
            for (int t = 0; t < sparse.size(); t++) {
                int[] ids = u[feature(t, ns)];
                after[t] = new float[ids.length][];
                for (int j = 0; j < ids.length; j++) after[t][j] = layout.row(sparse.get(t), j, null, outByName, t);
            }
        }
        List<Long> keys = new ArrayList<>();
        List<float[]> vals = new ArrayList<>();
        long fetchedRows = 0;
        for (int t = 0; t < sparse.size(); t++) {
            int[] ids = u[feature(t, ns)];
            fetchedRows += ids.length;
            for (int j = 0; j < ids.length; j++) {
                if (!Arrays.equals(before[t][j], after[t][j])) {
                    keys.add(key(t, ids[j]));
                    vals.add(after[t][j]);
                }
            }
        }
        List<Table> dt = m.denseTables();
        float[][] dv = new float[dt.size()][];
        for (int t = 0; t < dv.length; t++) dv[t] = dt.get(t).data().clone();
        long[] k = new long[keys.size()];
        for (int i = 0; i < k.length; i++) k[i] = keys.get(i);
        return new RoundOut(partition, k, vals.toArray(new float[0][]), dv, nextDense, loss, samples, PartitionRows.clicks(part), (System.nanoTime() - t0) / 1e9,
                fetchedRows);
    }

    /** Predicted click probabilities of all this partition's rows under the fetched rows and {@code dense}. */
    float[] predict(Map<Long, float[]> fetched, float[][] dense, CtrShard.Spec spec, StateLayout layout) {
        if (data.rows() == 0) return new float[0];
        CtrData d = data();
        int[][] u = distinctIds(d);
        SparseNN m = compactModel(spec.model().get(), data.data().names(), data.data().numDense(), seed, u, fetched, dense, layout);
        return m.predict(compact(d, u));
    }

    /** This partition's share of {@link BiasRefit}: its rows' logits, binned, with their clicks. */
    BiasRefit.Histogram logitHistogram(Map<Long, float[]> fetched, float[][] dense, CtrShard.Spec spec, StateLayout layout) {
        return BiasRefit.Histogram.of(predict(fetched, dense, spec, layout), data.data().labels());
    }

    /**
     * Where each sparse table's optimizer state sits in a sharded row: the row is {@code dim}
     * weights followed by, for each of the table's state tables {@code optim/<group>/<table>/<slot>}
     * in export order, that table's row. Found once on the driver from a one-row model's exported
     * state. Slots {@code rowCount} and {@code last} hold integers in 16-bit pieces
     * ({@link OptimizerState}) and are merged as integers ({@link #merge}).
     */
    record StateLayout(String[][] slots, int[][] widths, int[] dims, long initSeed, double initStd) implements Serializable {
        static StateLayout of(ModelConfig mc, String[] names, int nd, TrainConfig tc, long initSeed) {
            int[] one = new int[names.length];
            Arrays.fill(one, 1);
            SparseNN m = new SparseNN(mc, names, one, nd, 0);
            List<Table> sparse = m.sparseTables();
            String[][] s = new String[sparse.size()][];
            int[][] w = new int[sparse.size()][];
            int[] dims = new int[sparse.size()];
            for (int i = 0; i < dims.length; i++) dims[i] = sparse.get(i).dim();
            try (CtrTrainer t = new CtrTrainer(m, tc.toBuilder().threads(1).build())) {
                OptimizerState st = t.trainable().exportState();
                for (int i = 0; i < sparse.size(); i++) {
                    List<String> sl = new ArrayList<>();
                    List<Integer> wl = new ArrayList<>();
                    for (Table x : st.tables()) {
                        if (tableOf(x.name()).equals(sparse.get(i).name())) {
                            sl.add(x.name());
                            wl.add(x.dim());
                        }
                    }
                    s[i] = sl.toArray(new String[0]);
                    w[i] = wl.stream().mapToInt(Integer::intValue).toArray();
                }
            }
            return new StateLayout(s, w, dims, initSeed, mc.embeddingInitStd());
        }

        /** The parameter table a state table {@code optim/<group>/<table>/<slot>} belongs to. */
        static String tableOf(String stateName) {
            String[] p = stateName.split("/");
            return p.length >= 4 ? p[2] : "";
        }

        int stateWidth(int t) {
            int s = 0;
            for (int w : widths[t]) s += w;
            return s;
        }

        /**
         * Row {@code j} of sparse table {@code t} (model table {@code x}) as a sharded row: the
         * weights of {@code x} and the state of {@code stored} when it carries one (a row written
         * by an earlier round), else row j of the state tables in {@code st}.
         */
        float[] row(Table x, int j, float[] stored, Map<String, Table> st, int t) {
            int dim = x.dim();
            float[] r = new float[dim + stateWidth(t)];
            System.arraycopy(x.block(j), x.offset(j), r, 0, dim);
            if (stored != null && stored.length == r.length) {
                System.arraycopy(stored, dim, r, dim, r.length - dim);
                return r;
            }
            int o = dim;
            for (int s = 0; s < slots[t].length; s++) {
                Table y = st.get(slots[t][s]);
                System.arraycopy(y.block(j), y.offset(j), r, o, widths[t][s]);
                o += widths[t][s];
            }
            return r;
        }

        /** The state to import: {@code fresh}'s shapes, the sparse rows' state from {@code rows}, the dense tensors' and metadata from {@code dense}. */
        OptimizerState state(OptimizerState fresh, OptState dense, float[][][] rows, SparseNN m) {
            List<Table> sparse = m.sparseTables();
            Map<String, Integer> sparseIndex = new HashMap<>();
            for (int t = 0; t < sparse.size(); t++) sparseIndex.put(sparse.get(t).name(), t);
            Map<String, float[]> denseTables = new HashMap<>();
            for (int i = 0; i < dense.names().length; i++) denseTables.put(dense.names()[i], dense.data()[i]);
            List<Table> out = new ArrayList<>();
            for (Table x : fresh.tables()) {
                Integer t = sparseIndex.get(tableOf(x.name()));
                if (t == null) {
                    float[] v = denseTables.get(x.name());
                    out.add(v == null ? x : Table.embedding(x.name(), x.rows(), x.dim()).load(v));
                    continue;
                }
                int o = sparse.get(t).dim(), s = Arrays.asList(slots[t]).indexOf(x.name());
                for (int q = 0; q < s; q++) o += widths[t][q];
                Table y = Table.embedding(x.name(), x.rows(), x.dim()).load(x.data());
                float[][] r = rows[t];
                for (int j = 0; j < r.length; j++) System.arraycopy(r[j], o, y.block(j), y.offset(j), x.dim());
                out.add(y);
            }
            return new OptimizerState(new LinkedHashMap<>(dense.metadata()), out);
        }

        /** The metadata and the dense tensors' state of {@code st}: what a partition carries between rounds. */
        OptState denseOnly(OptimizerState st, SparseNN m) {
            java.util.Set<String> sparse = new java.util.HashSet<>();
            for (Table t : m.sparseTables()) sparse.add(t.name());
            List<Table> keep = new ArrayList<>();
            for (Table x : st.tables()) if (!sparse.contains(tableOf(x.name()))) keep.add(x);
            return OptState.of(new OptimizerState(st.metadata(), keep));
        }

        /**
         * The merged row of sparse table {@code t} from the rows of the {@code n} partitions that
         * changed it (in partition order): the mean of each float (weights and optimizer moments or
         * accumulators alike), the rounded mean of an update count, the largest catch-up stamp.
         */
        float[] merge(int t, int dim, List<float[]> rows) {
            int n = rows.size();
            float[] first = rows.get(0);
            if (n == 1) return first;
            float[] out = new float[first.length];
            int o = meanFloats(rows, out, 0, dim);
            for (int s = 0; s < slots[t].length; s++) {
                int w = widths[t][s];
                String slot = slots[t][s].substring(slots[t][s].lastIndexOf('/') + 1);
                if (slot.equals("rowCount") || slot.equals("last")) {
                    for (int e = o; e < o + w; e += w) {
                        long acc = 0, max = 0;
                        for (float[] r : rows) {
                            long v = 0;
                            for (int k = 0; k < w; k++) v = (v << 16) | (long) r[e + k];
                            acc += v;
                            max = Math.max(max, v);
                        }
                        long v = slot.equals("last") ? max : Math.round((double) acc / n);
                        for (int k = w - 1; k >= 0; k--) {
                            out[e + k] = v & 0xffff;
                            v >>>= 16;
                        }
                    }
                    o += w;
                } else {
                    o = meanFloats(rows, out, o, w);
                }
            }
            return out;
        }

        private static int meanFloats(List<float[]> rows, float[] out, int from, int len) {
            int n = rows.size();
            for (int k = from; k < from + len; k++) {
                double s = 0;
                for (float[] r : rows) s += r[k];
                out[k] = (float) (s / n);
            }
            return from + len;
        }

        static Map<String, Table> byName(OptimizerState st) {
            Map<String, Table> m = new HashMap<>();
            for (Table x : st.tables()) m.put(x.name(), x);
            return m;
        }
    }
}
