package dev.sparsetrain.compare;

import com.google.common.collect.BiMap;
import com.google.common.collect.HashBasedTable;
import com.google.common.collect.HashBiMap;
import com.google.common.collect.Table;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.Split;
import net.librec.data.DataAppender;
import net.librec.data.DataContext;
import net.librec.data.DataModel;
import net.librec.data.DataSplitter;
import net.librec.math.structure.DataSet;
import net.librec.math.structure.SparseMatrix;

/**
 * Hands one of this project's {@link Split}s to LibRec as its {@link DataModel}, so that LibRec
 * trains on exactly the pairs sparsetrain trains on, with the same dense user and item indices
 * (row u of LibRec's user factors is user u of the split; no id translation at scoring time).
 * Every training pair becomes a 1.0 entry (implicit feedback; LibRec's BPR reads only which
 * entries exist). Building it is data loading and is never timed.
 *
 * <p>LibRec's own loaders ({@code TextDataModel} with a splitter) are bypassed on purpose: they
 * would make their own split, and the comparison needs one split for both tools. Not
 * thread-safe to build; read-only afterwards.
 */
public final class SplitDataModel implements DataModel {
    private final SparseMatrix train;
    private final SparseMatrix test;
    private final BiMap<String, Integer> users = HashBiMap.create();
    private final BiMap<String, Integer> items = HashBiMap.create();

    public SplitDataModel(Split split) {
        this.train = toMatrix(split.train());
        this.test = toMatrix(split.test());
        Interactions t = split.train();
        for (int u = 0; u < t.numUsers(); u++) users.put(t.users().id(u), u);
        for (int i = 0; i < t.numItems(); i++) items.put(t.items().id(i), i);
    }

    /** Users x items, 1.0 at every pair. */
    static SparseMatrix toMatrix(Interactions x) {
        Table<Integer, Integer, Double> t = HashBasedTable.create();
        int[] ptr = x.indptr(), idx = x.itemIndices();
        for (int u = 0; u < x.numUsers(); u++) {
            for (int p = ptr[u]; p < ptr[u + 1]; p++) t.put(u, idx[p], 1.0);
        }
        return new SparseMatrix(x.numUsers(), x.numItems(), t);
    }

    @Override public void buildDataModel() {}
    @Override public void loadDataModel() {}
    @Override public void saveDataModel() {}
    @Override public DataSplitter getDataSplitter() { return null; }
    @Override public DataSet getTrainDataSet() { return train; }
    @Override public DataSet getTestDataSet() { return test; }
    @Override public DataSet getValidDataSet() { return null; }
    @Override public DataSet getDatetimeDataSet() { return null; }
    @Override public BiMap<String, Integer> getUserMappingData() { return users; }
    @Override public BiMap<String, Integer> getItemMappingData() { return items; }
    @Override public DataAppender getDataAppender() { return null; }
    @Override public DataContext getContext() { return null; }
}
