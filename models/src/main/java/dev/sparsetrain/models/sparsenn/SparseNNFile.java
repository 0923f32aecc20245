package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A {@link SparseNN}'s model file ({@link ModelFile}: versioned, checksummed, atomic): type
 * {@value SparseNN#MODEL_TYPE}, the architecture as JSON ({@code type, embeddingDim, bottomHidden,
 * topHidden, interaction, embeddingInitStd, numDense, sparseNames, tableRows}), the caller's
 * metadata and id maps, and every parameter table by name. Loading rebuilds the architecture and
 * checks every table's shape; other tables (a checkpoint's optimizer and loop state) are ignored.
 *
 * <p>Dynamic tables ({@link dev.sparsetrain.data.ctr.DynamicIdMap}) add {@code "dynamic":[null |
 * {"capacity":C,"admitAfter":N,"evict":"lfu:H"|"ttl:S"}, ...]} (one entry per feature) to the
 * architecture and one id map {@code dyn.<f>} per dynamic feature with one entry per table row:
 * {@code "default"} for row 0, the owning id as 16 hex digits, or {@code "free"}. Loading rebuilds
 * the same id -&gt; row assignment, so predictions after a reload are bit-identical; the eviction
 * counts are not stored (training on from a loaded model starts them afresh). A checkpoint adds
 * the whole state of each map ({@link DynamicCheckpoint}), from which training continues exactly.
 */
final class SparseNNFile {
    private SparseNNFile() {}

    /** Prefix of a dynamic table's id map (followed by the feature index). */
    static final String DYN_PREFIX = "dyn.";
    static final String DEFAULT_ROW = "default", FREE_ROW = "free";

    static ModelFile.Contents contents(SparseNN m, Map<String, String> metadata, Map<String, List<String>> idMaps) {
        String[] names = m.sparseNames();
        int[] rows = m.tableRows();
        StringBuilder j = new StringBuilder("{");
        j.append("\"type\":\"").append(m.config().type()).append("\",");
        j.append("\"embeddingDim\":").append(m.config().embeddingDim()).append(',');
        j.append("\"bottomHidden\":").append(java.util.Arrays.toString(m.config().bottomHidden())).append(',');
        j.append("\"topHidden\":").append(java.util.Arrays.toString(m.config().topHidden())).append(',');
        j.append("\"interaction\":\"").append(m.config().interaction()).append("\",");
        j.append("\"embeddingInitStd\":").append(m.config().embeddingInitStd()).append(',');
        j.append("\"numDense\":").append(m.numDense()).append(',');
        j.append("\"sparseNames\":[");
        for (int f = 0; f < names.length; f++) {
            if (f > 0) j.append(',');
            j.append('"').append(names[f].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        j.append("],\"tableRows\":[");
        for (int f = 0; f < names.length; f++) {
            if (f > 0) j.append(',');
            j.append(rows[f]);
        }
        j.append(']');
        Map<String, List<String>> maps = idMaps;
        if (m.hasDynamicIds()) {
            maps = new java.util.LinkedHashMap<>(idMaps);
            j.append(",\"dynamic\":[");
            for (int f = 0; f < names.length; f++) {
                if (f > 0) j.append(',');
                dev.sparsetrain.data.ctr.DynamicIdMap d = m.dynamicIds(f);
                if (d == null) {
                    j.append("null");
                    continue;
                }
                j.append("{\"capacity\":").append(d.capacity()).append(",\"admitAfter\":").append(d.config().admitAfter())
                        .append(",\"evict\":\"").append(d.config().evictSpec()).append("\"}");
                boolean[] occ = new boolean[d.capacity()];
                long[] ids = d.idsByRow(occ);
                List<String> entries = new java.util.ArrayList<>(ids.length);
                entries.add(DEFAULT_ROW);
                for (int r = 1; r < ids.length; r++) entries.add(occ[r] ? String.format("%016x", ids[r]) : FREE_ROW);
                maps.put(DYN_PREFIX + f, entries);
            }
            j.append(']');
        }
        j.append('}');
        return new ModelFile.Contents(SparseNN.MODEL_TYPE, j.toString(), metadata, maps, m.tables());
    }

    /** A model and the file it was read from (metadata, id maps; its tables are the model's own). */
    record Loaded(SparseNN model, ModelFile.Contents contents) {}

    /**
     * Reads a model file straight into the model its header describes: each table is read chunk by
     * chunk into the model's own table (no second copy of any table); tables that are not the
     * model's (a checkpoint's optimizer and loop state) are read into new tables and listed in the
     * returned contents, so read a checkpoint with {@link dev.sparsetrain.models.train.Checkpoint#resume(Path,
     * dev.sparsetrain.models.train.Trainable)} instead when its state is wanted.
     */
    static Loaded read(Path path) {
        return read(path, place -> ModelFile.read(path, place));
    }

    /** {@link #read(Path)} for a directory of part files ({@link ShardedModelFiles#read(Path, java.util.function.Function)}): the sharded tables are assembled in the model's own. */
    static Loaded readParts(Path dir) {
        return read(dir, place -> ShardedModelFiles.read(dir, place));
    }

    private static Loaded read(Path path, java.util.function.Function<java.util.function.Function<ModelFile.Header, ModelFile.Placement>, ModelFile.Contents> reader) {
        SparseNN[] m = {null};
        ModelFile.Contents c = reader.apply(h -> {
            m[0] = fromHeader(path, h);
            java.util.Map<String, Table> own = new java.util.LinkedHashMap<>();
            for (Table t : m[0].tables()) own.put(t.name(), t);
            return (name, kind, rows, dim) -> {
                Table t = own.get(name);
                if (t != null) checkShape(path, t, rows, dim);
                return t;
            };
        });
        for (Table t : m[0].tables()) c.table(t.name());   // every table present, else one line
        return new Loaded(m[0], c);
    }

    /** A model built from contents already read (its tables are copied in: two copies briefly; prefer {@link #read}). */
    static SparseNN fromContents(Path path, ModelFile.Contents c) {
        SparseNN m = fromHeader(path, new ModelFile.Header(c.modelType(), c.configJson(), c.metadata(), c.idMaps()));
        for (Table t : m.tables()) {
            Table saved = c.table(t.name());
            checkShape(path, t, saved.rows(), saved.dim());
            t.copyFrom(saved);
        }
        return m;
    }

    private static void checkShape(Path path, Table t, int rows, int dim) {
        if (rows != t.rows() || dim != t.dim()) {
            throw new BadInputException(path + ": table '" + t.name() + "' is " + rows + " x "
                    + dim + ", the configuration implies " + t.rows() + " x " + t.dim());
        }
    }

    /** The model a file's header describes (architecture, dynamic id maps), its tables freshly initialised. */
    static SparseNN fromHeader(Path path, ModelFile.Header c) {
        return fromHeader(path, c, 0);
    }

    /** {@link #fromHeader(Path, ModelFile.Header)} with {@code seed} (it seeds the rows a dynamic table reinitialises after an eviction). */
    static SparseNN fromHeader(Path path, ModelFile.Header c, long seed) {
        String MODEL_TYPE = SparseNN.MODEL_TYPE;
        if (!c.modelType().equals(MODEL_TYPE)) {
            throw new BadInputException(path + ": a '" + c.modelType() + "' model, expected '" + MODEL_TYPE + "'");
        }
        try {
            com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(c.configJson());
            int[] bottom = ints(n.get("bottomHidden")), top = ints(n.get("topHidden"));
            ModelConfig mc = new ModelConfig(ModelConfig.Type.valueOf(n.get("type").asText()), n.get("embeddingDim").asInt(), bottom, top,
                    ModelConfig.Interaction.valueOf(n.get("interaction").asText()), n.get("embeddingInitStd").asDouble());
            String[] names = new String[n.get("sparseNames").size()];
            for (int f = 0; f < names.length; f++) names[f] = n.get("sparseNames").get(f).asText();
            int[] tableRows = ints(n.get("tableRows"));
            dev.sparsetrain.data.ctr.DynamicIdConfig[] dyn = null;
            com.fasterxml.jackson.databind.JsonNode dn = n.get("dynamic");
            if (dn != null) {
                if (!dn.isArray() || dn.size() != names.length) throw new BadInputException(path + ": damaged SparseNN configuration ('dynamic' is not one entry per feature)");
                dyn = new dev.sparsetrain.data.ctr.DynamicIdConfig[names.length];
                for (int f = 0; f < names.length; f++) {
                    if (dn.get(f).isNull()) continue;
                    dyn[f] = dev.sparsetrain.data.ctr.DynamicIdConfig.parse(dn.get(f).get("capacity").asInt(), dn.get(f).get("admitAfter").asInt(),
                            dn.get(f).get("evict").asText());
                }
            }
            SparseNN m = new SparseNN(mc, names, tableRows, n.get("numDense").asInt(), seed, dyn);
            if (dyn != null) {
                for (int f = 0; f < names.length; f++) {
                    if (dyn[f] != null) m.sparseArch.dyn[f] = restoreMap(path, names[f], dyn[f], c.idMaps().get(DYN_PREFIX + f));
                }
            }
            return m;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            if (e instanceof BadInputException b) throw b;
            throw new BadInputException(path + ": damaged SparseNN configuration (" + e.getMessage() + ")");
        }
    }

    /** A dynamic table's id -> row map from its id map, every entry checked; a damaged one is refused in one line naming the file. */
    private static dev.sparsetrain.data.ctr.DynamicIdMap restoreMap(Path path, String feature, dev.sparsetrain.data.ctr.DynamicIdConfig cfg,
                                                                    List<String> entries) {
        String where = path + ": dynamic table of feature " + feature;
        if (entries == null) throw new BadInputException(where + ": id map " + DYN_PREFIX + " missing");
        if (entries.size() != cfg.capacity() || !DEFAULT_ROW.equals(entries.get(0))) {
            throw new BadInputException(where + ": " + entries.size() + " entries for " + cfg.capacity() + " rows, or no default row first");
        }
        long[] ids = new long[cfg.capacity()];
        boolean[] occ = new boolean[cfg.capacity()];
        for (int r = 1; r < ids.length; r++) {
            String e = entries.get(r);
            if (FREE_ROW.equals(e)) continue;
            try {
                if (e.length() != 16) throw new NumberFormatException();
                ids[r] = Long.parseUnsignedLong(e, 16);
            } catch (NumberFormatException x) {
                throw new BadInputException(where + ", row " + r + ": '" + e + "' is neither 16 hex digits nor 'free'");
            }
            occ[r] = true;
        }
        try {
            return dev.sparsetrain.data.ctr.DynamicIdMap.restore(cfg, ids, occ);
        } catch (IllegalArgumentException x) {
            throw new BadInputException(where + ": " + x.getMessage());
        }
    }

    private static int[] ints(com.fasterxml.jackson.databind.JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }
}
