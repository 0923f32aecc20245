package dev.sparsetrain.spark;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.OptimizerState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A partition's {@link OptimizerState} in a form that travels between Spark rounds (plain arrays
 * and a map): the moments, accumulators, row counts and step counters of its users' rows and of
 * its own copy of the item rows. Immutable by convention (arrays are not copied; nobody writes them).
 */
record OptState(LinkedHashMap<String, String> metadata, String[] names, int[] rows, int[] dims, float[][] data) implements Serializable {

    static OptState of(OptimizerState s) {
        int n = s.tables().size();
        String[] names = new String[n];
        int[] rows = new int[n], dims = new int[n];
        float[][] data = new float[n][];
        for (int t = 0; t < n; t++) {
            Table x = s.tables().get(t);
            names[t] = x.name();
            rows[t] = x.rows();
            dims[t] = x.dim();
            data[t] = x.data();
        }
        return new OptState(new LinkedHashMap<>(s.metadata()), names, rows, dims, data);
    }

    OptimizerState toState() {
        List<Table> tables = new ArrayList<>(names.length);
        for (int t = 0; t < names.length; t++) tables.add(Table.embedding(names[t], rows[t], dims[t]).load(data[t]));
        return new OptimizerState(Map.copyOf(metadata), tables);
    }
}
