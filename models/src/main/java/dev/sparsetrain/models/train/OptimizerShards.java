package dev.sparsetrain.models.train;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.OptimizerState;
import dev.sparsetrain.optim.ParamGroup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One set of parameter groups stepped by up to {@code n} independent {@link Optimizer}s, so that
 * the update of a mini-batch runs in parallel: shard 0 owns every dense tensor, each embedding
 * table goes to the least loaded shard by estimated step cost (longest-processing-time first).
 * Every table is updated by exactly one shard and a group's step count advances alike in every
 * shard that holds it, so sharding changes nothing numerically. The shards' states merge into
 * one, as one optimizer over every table would write it ({@link #exportState}), and split again
 * for any other shard count ({@link #importState}); their per-epoch figures combine per group.
 */
final class OptimizerShards {
    private final List<ParamGroup> groups;
    private final List<Table> dense, sparse;
    private final Optimizer[] shards;
    /** The shard of each sparse table (dense tables: shard 0). */
    private final int[] sparseShard;

    OptimizerShards(List<ParamGroup> groups, List<Table> dense, List<Table> sparse, int n, int batchSize) {
        this.groups = List.copyOf(groups);
        this.dense = dense;
        this.sparse = sparse;
        int nShards = Math.max(1, Math.min(n, sparse.size() + (dense.isEmpty() ? 0 : 1)));
        sparseShard = new int[sparse.size()];
        // a dense tensor costs about 3 units per element (Adam: two moments, a square root and a
        // division each), an embedding table about one unit per element of the rows a batch can touch
        double[] load = new double[nShards];
        long denseElems = 0;
        for (Table d : dense) denseElems += d.size();
        load[0] = 3.0 * denseElems;
        for (int i = 0; i < sparse.size(); i++) {
            int best = 0;
            for (int k = 1; k < nShards; k++) if (load[k] < load[best]) best = k;
            sparseShard[i] = best;
            Table e = sparse.get(i);
            load[best] += (double) Math.min(e.rows(), batchSize) * e.dim();
        }
        shards = new Optimizer[nShards];
        for (int k = 0; k < nShards; k++) {
            List<Table> own = tables(k);
            shards[k] = Optimizer.build(restrict(this.groups, own), own);
        }
    }

    int size() { return shards.length; }

    List<Optimizer> optimizers() { return List.of(shards); }

    List<ParamGroup> groups() { return groups; }

    int shardOfSparse(int i) { return sparseShard[i]; }

    /** The gradient batch the owning shard steps dense table {@code i} from. */
    RowBatch denseGradients(int i) { return shards[0].gradients(dense.get(i)); }

    RowBatch sparseGradients(int i) { return shards[sparseShard[i]].gradients(sparse.get(i)); }

    void step(int k) { shards[k].step(); }

    void setLearningRateMultiplier(String group, double m) {
        for (Optimizer o : shards) if (o.groupNames().contains(group)) o.setLearningRateMultiplier(group, m);
    }

    /** The groups restricted to the given tables (groups left without a table are dropped). */
    static List<ParamGroup> restrict(List<ParamGroup> groups, List<Table> own) {
        Set<String> names = new HashSet<>();
        for (Table t : own) names.add(t.name());
        List<ParamGroup> out = new ArrayList<>();
        for (ParamGroup g : groups) {
            List<String> keep = new ArrayList<>();
            for (String n : g.tables()) if (names.contains(n)) keep.add(n);
            if (!keep.isEmpty()) out.add(new ParamGroup(g.name(), g.chain(), keep, g.semantics(), g.isFrozen()));
        }
        return out;
    }

    /** The tables shard {@code k} owns: every dense tensor for shard 0, and its embedding tables. */
    private List<Table> tables(int k) {
        List<Table> own = new ArrayList<>();
        if (k == 0) own.addAll(dense);
        for (int i = 0; i < sparse.size(); i++) if (sparseShard[i] == k) own.add(sparse.get(i));
        return own;
    }

    /** Ends the optimizers' epoch and combines each group's figures over the shards that hold its tables (weighted by rows). */
    List<GroupDiagnostics> endEpoch() {
        List<List<GroupDiagnostics>> perShard = new ArrayList<>();
        for (Optimizer o : shards) perShard.add(o.endEpoch());
        List<GroupDiagnostics> out = new ArrayList<>();
        for (ParamGroup g : groups) {
            List<GroupDiagnostics> parts = new ArrayList<>();
            List<Long> rows = new ArrayList<>();
            for (int k = 0; k < shards.length; k++) {
                for (GroupDiagnostics d : perShard.get(k)) {
                    if (!d.group().equals(g.name())) continue;
                    long r = 0;
                    for (Table t : tables(k)) if (g.tables().contains(t.name())) r += t.rows();
                    parts.add(d);
                    rows.add(r);
                }
            }
            if (parts.isEmpty()) continue;
            long[] pr = new long[rows.size()];
            for (int i = 0; i < pr.length; i++) pr[i] = rows.get(i);
            out.add(GroupDiagnostics.combine(parts, pr));
        }
        return List.copyOf(out);
    }

    /** The shards' states merged into one {@link OptimizerState} (copies), plus {@code extra} metadata. */
    OptimizerState exportState(Map<String, String> extra) {
        return merged(extra, false);
    }

    /**
     * The shards' states merged into one live view (each shard's {@link Optimizer#stateView()}:
     * no copy), plus {@code extra} metadata: what a checkpoint writes. The same names, shapes and
     * values as {@link #exportState}.
     */
    OptimizerState stateView(Map<String, String> extra) {
        return merged(extra, true);
    }

    private OptimizerState merged(Map<String, String> extra, boolean view) {
        Map<String, String> meta = new LinkedHashMap<>();
        List<Table> tables = new ArrayList<>();
        List<dev.sparsetrain.core.io.ModelFile.Stream> streams = new ArrayList<>();
        meta.put(OptimizerState.FORMAT_KEY, "1");
        List<String> names = new ArrayList<>();
        for (ParamGroup g : groups) names.add(g.name());
        meta.put("optim.groups", String.join(",", names));
        for (Optimizer o : shards) {
            OptimizerState st = view ? o.stateView() : o.exportState();
            for (var e : st.metadata().entrySet()) {
                if (!e.getKey().equals(OptimizerState.FORMAT_KEY) && !e.getKey().equals("optim.groups")) meta.putIfAbsent(e.getKey(), e.getValue());
            }
            tables.addAll(st.tables());
            streams.addAll(st.streams());
        }
        meta.putAll(extra);
        return new OptimizerState(meta, tables, streams);
    }

    /**
     * Splits a merged state over this object's shards: each takes its tables' state and its
     * groups' scalars. Every array's name and shape is checked before anything changes.
     */
    void importState(String where, OptimizerState state) {
        stateReader(where, state.metadata(), () -> {}).readAll(state);
    }

    /**
     * A reader of a merged state (metadata {@code meta}, e.g. a checkpoint's) straight into the
     * shards' own arrays, whatever the shard count that wrote it: each array goes to the shard
     * that holds its table, each shard checks its groups' metadata; {@code then} runs at the end.
     */
    OptimizerState.Reader stateReader(String where, Map<String, String> meta, Runnable then) {
        if (!OptimizerState.present(meta)) throw new BadInputException(where + ": no optimizer state");
        List<OptimizerState.Reader> parts = new ArrayList<>();
        for (Optimizer shard : shards) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(OptimizerState.FORMAT_KEY, meta.get(OptimizerState.FORMAT_KEY));
            List<String> gs = shard.groupNames();
            m.put("optim.groups", String.join(",", gs));
            for (String g : gs) {
                for (var e : meta.entrySet()) if (e.getKey().startsWith("optim." + g + ".")) m.put(e.getKey(), e.getValue());
            }
            parts.add(shard.stateReader(where, m));
        }
        return OptimizerState.Reader.merge(where, parts, then);
    }
}
