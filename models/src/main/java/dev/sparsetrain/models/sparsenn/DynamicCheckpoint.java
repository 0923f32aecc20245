package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.ctr.DynamicIdMap;
import dev.sparsetrain.optim.OptimizerState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The dynamic tables' training state in a checkpoint, so that a resumed run continues exactly.
 * A saved model's id maps {@code dyn.<f>} ({@link SparseNNFile}) say which id owns which row,
 * enough to serve; training on also needs each {@link DynamicIdMap}'s counts, last steps, heap
 * order, free list, counters and admission sketch ({@link DynamicIdMap#exportState()}):
 * <pre>
 *   metadata  dyn.state.format = 1
 *   tables    dyn/&lt;f&gt;/state   words x 4: feature f's exported state, each long in 16-bit pieces
 *                              ({@link OptimizerState#longStream}), one table per dynamic feature
 * </pre>
 * The step clock the maps run on is the mini-batch counter, already in the optimizer state; the
 * rows' reinitialisation after an eviction is seeded by the run's seed, which the training
 * signature checks. Memory: the state is a copy of the maps' bookkeeping (about 32 bytes per used
 * row plus the sketch's counters), made while a checkpoint is written or read, never of the
 * embedding rows.
 */
public final class DynamicCheckpoint {
    /** Metadata key of the state's layout version. */
    public static final String FORMAT_KEY = "dyn.state.format";
    static final String FORMAT = "1";
    static final String PREFIX = "dyn/";

    private DynamicCheckpoint() {}

    static String tableName(int f) { return PREFIX + f + "/state"; }

    /**
     * Adds {@link #FORMAT_KEY} to a checkpoint's {@code metadata} and returns the state tables to
     * write beside its own (empty, and nothing added, when {@code m} has no dynamic table). Call
     * between batches.
     */
    public static List<ModelFile.Stream> streams(SparseNN m, Map<String, String> metadata) {
        List<ModelFile.Stream> out = new ArrayList<>();
        if (!m.hasDynamicIds()) return out;
        metadata.put(FORMAT_KEY, FORMAT);
        for (int f = 0; f < m.numSparse(); f++) {
            DynamicIdMap d = m.dynamicIds(f);
            if (d != null) out.add(OptimizerState.longStream(tableName(f), d.exportState()));
        }
        return out;
    }

    /**
     * Reads the state of {@code m}'s dynamic tables from a checkpoint ({@link #placement} while the
     * file is read, then {@link #finish}): each {@code dyn/<f>/state} is decoded as it comes.
     */
    static final class Reader {
        private final String where;
        private final SparseNN model;
        private final long[][] words;
        private Map<String, List<String>> idMaps = Map.of();

        Reader(String where, SparseNN model) {
            this.where = where;
            this.model = model;
            this.words = new long[model.numSparse()][];
        }

        /** The placement for the file of header {@code h}: refuses a checkpoint that lacks the state, in one line. */
        ModelFile.Placement placement(ModelFile.Header h) {
            String v = h.metadata().get(FORMAT_KEY);
            if (v == null) {
                throw new BadInputException(where + ": this checkpoint holds no state of the dynamic tables (" + FORMAT_KEY
                        + "; an older checkpoint), so " + Settings.name("ids") + " dynamic cannot continue from it exactly; train from the start");
            }
            if (!FORMAT.equals(v)) throw new BadInputException(where + ": " + FORMAT_KEY + " " + v + ", this version reads " + FORMAT);
            idMaps = h.idMaps();
            return new ModelFile.Placement() {
                @Override public Table into(String name, Table.Kind kind, int rows, int dim) { return null; }

                @Override public ModelFile.Sink sink(String name, Table.Kind kind, int rows, int dim) {
                    if (!name.startsWith(PREFIX)) return null;
                    int f = feature(name);
                    if (dim != 4) throw new BadInputException(where + ": table '" + name + "' is " + rows + " x " + dim + ", a dynamic table's state is words x 4");
                    words[f] = new long[rows];
                    return OptimizerState.longSink(where, name, words[f]);
                }
            };
        }

        /** Reads the state tables of contents already in memory. */
        void readAll(ModelFile.Contents c) {
            ModelFile.Placement p = placement(new ModelFile.Header(c.modelType(), c.configJson(), c.metadata(), c.idMaps()));
            for (Table t : c.tables()) {
                ModelFile.Sink s = p.sink(t.name(), t.kind(), t.rows(), t.dim());
                if (s == null) continue;
                long at = 0;
                for (int k = 0; k < t.chunkCount(); k++) {
                    float[] ch = t.chunk(k);
                    s.put(at, ch, ch.length);
                    at += ch.length;
                }
            }
        }

        private int feature(String name) {
            try {
                if (!name.endsWith("/state")) throw new NumberFormatException();
                int i = Integer.parseInt(name.substring(PREFIX.length(), name.length() - "/state".length()));
                if (model.dynamicIds(i) == null) throw new NumberFormatException();
                return i;
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                throw new BadInputException(where + ": table '" + name + "' is no dynamic table's state in this model");
            }
        }

        /**
         * Replaces every dynamic table of the model (fresh, or built from the checkpoint's header)
         * by the state read (call after the file's checksum was checked); a missing, damaged or
         * foreign state, or one whose rows disagree with the checkpoint's id maps, is refused in
         * one line naming the file and the feature.
         */
        void finish() {
            String[] names = model.sparseNames();
            for (int f = 0; f < names.length; f++) {
                DynamicIdMap served = model.dynamicIds(f);
                if (served == null) continue;
                String at = where + ": dynamic table of feature " + names[f];
                if (words[f] == null) throw new BadInputException(at + ": no state table '" + tableName(f) + "'");
                DynamicIdMap m;
                try {
                    m = DynamicIdMap.restoreState(served.config(), words[f]);
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(at + ": " + e.getMessage());
                }
                List<String> saved = idMaps.get(SparseNNFile.DYN_PREFIX + f);
                boolean[] occ = new boolean[m.capacity()];
                long[] ids = m.idsByRow(occ);
                if (saved == null || saved.size() != ids.length) throw new BadInputException(at + ": no id map " + SparseNNFile.DYN_PREFIX + f + " of " + ids.length + " rows");
                for (int r = 1; r < ids.length; r++) {
                    if (!saved.get(r).equals(occ[r] ? String.format("%016x", ids[r]) : SparseNNFile.FREE_ROW)) {
                        throw new BadInputException(at + ": the state and the id map " + SparseNNFile.DYN_PREFIX + f + " disagree at row " + r);
                    }
                }
                model.sparseArch.dyn[f] = m;
            }
        }
    }
}
