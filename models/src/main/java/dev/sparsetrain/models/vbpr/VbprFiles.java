package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Settings;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.IdMap;
import dev.sparsetrain.data.features.FeatureTransform;
import dev.sparsetrain.data.features.ItemFeatures;
import dev.sparsetrain.data.features.Preprocessing;
import dev.sparsetrain.models.sparsenn.ShardedModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads VBPR and visual-only models of this package through the project's
 * {@link ModelFile}: model type "vbpr", the configuration (variant, K, K', preprocessing, groups)
 * as JSON, the parameter tables, the fitted feature preprocessing as two tables
 * {@code feature_shift} and {@code feature_scale} (1 x F each; zero-length kinds store 1 x 1
 * zeros), id maps {@code users} and {@code items} (the data's 0-based indices as strings), and,
 * the serving form of the item side:
 *
 * <pre>
 *   item_projection    items x K'   p_i  = E f_i        (f_i preprocessed)
 *   item_visual_bias   items x 1    b'_i = beta' . f_i
 * </pre>
 *
 * With these a saved model scores every item, cold-start items included, without the feature
 * file: {@code x_ui = beta_i + gamma_u . gamma_i + theta_u . p_i + b'_i}. The item features
 * themselves are not stored (their terms may forbid it); {@link #load(Path, ItemFeatures)}
 * recomputes the projections from raw features with the saved preprocessing, which also reads
 * files written before the projections were stored.
 *
 * <p>A model too large for one machine to write is saved as id-partitioned part files instead
 * ({@code ShardedModelFiles}, by the sharded Spark trainer): {@link #shardedTables} (the user and
 * item rows and the two serving tables) in the parts, everything else in the {@link #header}.
 * {@link #read(Path)} takes either form.
 */
public final class VbprFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VbprFiles() {}

    public static final String TYPE = "vbpr", ITEM_PROJECTION = "item_projection", ITEM_VISUAL_BIAS = "item_visual_bias";

    /** A loaded model with its id maps and metadata. */
    public record Loaded(VbprModel model, IdMap users, IdMap items, Map<String, String> metadata) {}

    public static void save(Path path, VbprModel m, VbprConfig cfg, Map<String, String> metadata) {
        save(path, m, cfg, metadata, List.of());
    }

    /** As {@link #save(Path, VbprModel, VbprConfig, Map)}, with further tables after the model's. */
    static void save(Path path, VbprModel m, VbprConfig cfg, Map<String, String> metadata, List<Table> extra) {
        ModelFile.write(path, contents(m, cfg, metadata, extra));
    }

    /** What {@link #save} writes: the model's own contents (a checkpoint adds the spine's state to them). */
    static ModelFile.Contents contents(VbprModel m, VbprConfig cfg, Map<String, String> metadata, List<Table> extra) {
        ObjectNode c = config(cfg, m.variant(), m.users(), m.items(), m.featureDim(), m.transform());
        List<Table> tables = new ArrayList<>(m.tables());
        tables.addAll(preprocessingTables(m.transform(), m.featureDim()));
        // The serving form, recomputed from E, beta' and the features (not from the cache, which a caller may leave stale).
        int items = m.items(), kv = m.visualFactors(), fd = m.featureDim();
        Table p = Table.dense(ITEM_PROJECTION, items, kv), b = Table.dense(ITEM_VISUAL_BIAS, items, 1);
        if (m.servingOnly()) {
            p.load(m.projections());
            b.load(m.visualBiases());
        } else {
            float[] f = m.features().values(), bv = m.visualBias.data(), vb = b.data();
            DenseKernels.INSTANCE.project(m.projection.data(), kv, f, fd, p.data(), 0, items);
            for (int i = 0; i < items; i++) vb[i] = dev.sparsetrain.core.Kernels.dot(bv, 0, f, i * fd, fd);
        }
        tables.add(p);
        tables.add(b);
        tables.addAll(extra);
        Map<String, List<String>> maps = new LinkedHashMap<>();
        maps.put("users", indexIds(m.users()));
        maps.put("items", indexIds(m.items()));
        return new ModelFile.Contents(TYPE, c.toString(), metadata, maps, tables);
    }

    /**
     * Writes {@code m} as a part-file set of {@code S} shards on one machine, the layout the
     * sharded Spark trainer writes from its executors (key {@code t << 40 | id} of
     * {@link #shardedTables} in shard {@code ShardedModelFiles.shardOf(key, S)}): for tests and
     * for turning a single file into a set. {@code dir} is created (it must not exist) and
     * filled in a temporary sibling first, so no reader sees half a set.
     */
    public static void saveParts(Path dir, VbprModel m, VbprConfig cfg, Map<String, String> metadata, int S) {
        if (java.nio.file.Files.exists(dir)) throw new BadInputException(dir + ": exists; a part-file set is written into a new directory");
        ModelFile.Contents all = contents(m, cfg, metadata, List.of());
        String[] names = shardedTables(m.variant());
        int T = names.length;
        int[] dims = new int[T], rows = new int[T];
        List<List<Long>> keys = new ArrayList<>();
        for (int s = 0; s < S; s++) keys.add(new ArrayList<>());
        for (int t = 0; t < T; t++) {
            Table x = all.table(names[t]);
            dims[t] = x.dim();
            rows[t] = x.rows();
            for (long id = 0; id < x.rows(); id++) {
                long key = (long) t << 40 | id;
                keys.get(ShardedModelFiles.shardOf(key, S)).add(key);
            }
        }
        ShardedModelFiles.writeSet(dir, dir.toString(), tmp -> {
            long[] nRows = new long[S], crc = new long[S];
            for (int s = 0; s < S; s++) {
                List<Long> ks = keys.get(s);
                long[] k = new long[ks.size()];
                float[][] v = new float[k.length][];
                for (int j = 0; j < k.length; j++) {
                    k[j] = ks.get(j);
                    Table x = all.table(names[(int) (k[j] >>> 40)]);
                    int id = (int) (k[j] & ((1L << 40) - 1));
                    v[j] = new float[x.dim()];
                    x.readRows(id, 1, v[j], 0);
                }
                nRows[s] = k.length;
                crc[s] = ShardedModelFiles.writePart(tmp, s, S, names, dims, k, v);
            }
            List<Table> rest = new ArrayList<>();
            java.util.Set<String> sharded = java.util.Set.of(names);
            for (Table t : all.tables()) if (!sharded.contains(t.name())) rest.add(t);
            ModelFile.Contents header = new ModelFile.Contents(TYPE, all.configJson(), all.metadata(), all.idMaps(), rest);
            ShardedModelFiles.writeManifest(tmp, header, names, rows, dims, cfg.initStd(), S, nRows, crc, cfg.seed());
        });
    }

    /** The fitted preprocessing's two tables {@code feature_shift}, {@code feature_scale} (1 x F each), none for a kind without parameters. */
    private static List<Table> preprocessingTables(FeatureTransform tr, int featureDim) {
        if (tr == null || tr.shift().length == 0) return List.of();
        return List.of(Table.dense("feature_shift", 1, featureDim).load(tr.shift()), Table.dense("feature_scale", 1, featureDim).load(tr.scale()));
    }

    /** The configuration JSON of a file (shape, preprocessing, groups). */
    private static ObjectNode config(VbprConfig cfg, Variant variant, int users, int items, int featureDim, FeatureTransform tr) {
        ObjectNode c = JSON.createObjectNode();
        c.put("variant", variant.cliName());
        c.put("users", users);
        c.put("items", items);
        c.put("factors", cfg.factors());
        c.put("visualFactors", cfg.visualFactors());
        c.put("featureDim", featureDim);
        c.put("preprocessing", tr == null ? "none" : tr.kind().cliName());
        c.put("itemIdDropout", cfg.itemIdDropout());   // training-only; recorded for provenance
        ObjectNode g = c.putObject("groups");
        cfg.groups().forEach((k, v) -> g.put(k, v.toString()));
        return c;
    }

    /**
     * The tables a part-file set ({@code ShardedModelFiles}) holds sharded, in key order
     * ({@code table << 40 | id}): the variant's user and item rows, then the serving form
     * {@link #ITEM_PROJECTION} and {@link #ITEM_VISUAL_BIAS}, one row per item.
     */
    public static String[] shardedTables(Variant v) {
        return v.collaborative()
                ? new String[] {VbprModel.USER_FACTORS, VbprModel.USER_VISUAL, VbprModel.ITEM_FACTORS, VbprModel.ITEM_BIAS, ITEM_PROJECTION, ITEM_VISUAL_BIAS}
                : new String[] {VbprModel.USER_VISUAL, ITEM_PROJECTION, ITEM_VISUAL_BIAS};
    }

    /** The row width of a {@link #shardedTables} table. */
    public static int shardedDim(VbprConfig cfg, String table) {
        return switch (table) {
            case ITEM_PROJECTION -> cfg.visualFactors();
            case ITEM_VISUAL_BIAS -> 1;
            default -> VbprCell.width(cfg, table, 0);
        };
    }

    /**
     * The header of a part-file set ({@code dense.model} of {@code ShardedModelFiles}): what
     * {@link #save} writes minus the {@link #shardedTables}, i.e. the configuration, metadata, id
     * maps, E ({@code projection}, K' x F), beta' ({@code visualBias}, F) and the fitted
     * preprocessing's tables. {@link #read(Path)} reads such a set as it reads one file.
     */
    public static ModelFile.Contents header(VbprConfig cfg, int users, int items, int featureDim, FeatureTransform tr, float[] projection,
                                            float[] visualBias, Map<String, String> metadata) {
        ObjectNode c = config(cfg, cfg.variant(), users, items, featureDim, tr);
        List<Table> tables = new ArrayList<>();
        tables.add(Table.dense(VbprModel.PROJECTION, cfg.visualFactors(), featureDim).load(projection));
        tables.add(Table.dense(VbprModel.VISUAL_BIAS, 1, featureDim).load(visualBias));
        tables.addAll(preprocessingTables(tr, featureDim));
        Map<String, List<String>> maps = new LinkedHashMap<>();
        maps.put("users", indexIds(users));
        maps.put("items", indexIds(items));
        return new ModelFile.Contents(TYPE, c.toString(), metadata, maps, tables);
    }

    /** Loads a model; {@code rawFeatures} (unpreprocessed, one row per item) is required for visual variants. */
    public static VbprModel load(Path path, ItemFeatures rawFeatures) {
        ModelFile.Contents c = ModelFile.read(path);
        if (rawFeatures == null && c.modelType().equals(TYPE)) {
            // keep the old contract: features required for visual variants
            return read(path, c, null, true).model();
        }
        return read(path, c, rawFeatures, false).model();
    }

    /**
     * Reads a model for serving, without the item features: a visual model scores every item,
     * cold-start items included, from the stored {@code item_projection} and
     * {@code item_visual_bias} tables (files written before those tables existed need
     * {@link #load(Path, ItemFeatures)}). Streaming: the header builds the model, and each table
     * goes chunk by chunk straight into the model's own tables and projection arrays, so no second
     * copy of the model exists; a checkpoint's optimizer state and best-epoch snapshot are checked
     * (the file's checksum covers them) but not kept. A damaged, truncated or foreign file is
     * refused in one line; nothing is returned then. {@code path} may also be a directory of part
     * files ({@code ShardedModelFiles}, as the sharded Spark trainer saves), read the same way: a
     * part of another save or another shard layout is refused in one line.
     */
    public static Loaded read(Path path) {
        VbprModel[] m = {null};
        Shape[] shape = {null};
        Map<String, Table> own = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        boolean parts = ShardedModelFiles.isSharded(path);
        if (parts && !TYPE.equals(ShardedModelFiles.modelType(path))) {
            throw new BadInputException(path + ": a part-file set of a '" + ShardedModelFiles.modelType(path) + "' model, not vbpr");
        }
        java.util.function.Function<ModelFile.Header, ModelFile.Placement> placement = h -> {
            Shape s = shape[0] = shape(path, h.modelType(), h.configJson());
            m[0] = VbprModel.forServing(s.variant, s.users, s.items, s.k, s.kv, s.featureDim, null);
            for (Table t : m[0].tables()) own.put(t.name(), t);
            return new ModelFile.Placement() {
                @Override
                public Table into(String name, Table.Kind kind, int rows, int dim) {
                    Table t = own.get(name);
                    if (t == null) return null;
                    check(path, name, rows, dim, t.rows(), t.dim());
                    seen.add(name);
                    return t;
                }

                @Override
                public ModelFile.Sink sink(String name, Table.Kind kind, int rows, int dim) {
                    float[] to = name.equals(ITEM_PROJECTION) ? m[0].projections() : name.equals(ITEM_VISUAL_BIAS) ? m[0].visualBiases() : null;
                    if (to != null) {
                        check(path, name, rows, dim, s.items, name.equals(ITEM_PROJECTION) ? m[0].visualFactors() : 1);
                        seen.add(name);
                        return (from, src, n) -> System.arraycopy(src, 0, to, (int) from, n);
                    }
                    // training state of a checkpoint: not needed to serve
                    return dev.sparsetrain.optim.OptimizerState.isStateName(name) || name.startsWith(dev.sparsetrain.models.train.Checkpoint.BEST) ? (from, src, n) -> { } : null;
                }
            };
        };
        // a part-file set: the row tables are assembled in the model's own tables; the item projections come back as tables
        ModelFile.Contents c = parts ? ShardedModelFiles.read(path, placement) : ModelFile.read(path, placement);
        if (parts) {
            for (String n : new String[] {ITEM_PROJECTION, ITEM_VISUAL_BIAS}) {
                if (seen.contains(n) || !hasTable(c, n)) continue;
                Table t = c.table(n);
                boolean p = n.equals(ITEM_PROJECTION);
                copy(path, t, m[0].items(), p ? m[0].visualFactors() : 1, p ? m[0].projections() : m[0].visualBiases());
                seen.add(n);
            }
        }
        if (!seen.contains(ITEM_PROJECTION) || !seen.contains(ITEM_VISUAL_BIAS)) {
            throw new BadInputException(path + ": a " + m[0].variant() + " model written without its item projections (an older file); "
                    + "give the raw item features with " + Settings.name("features") + " to recompute them");
        }
        for (String n : own.keySet()) if (!seen.contains(n)) throw new BadInputException(path + ": damaged VBPR model (no table '" + n + "')");
        m[0].transform(transform(shape[0], c));
        return new Loaded(m[0], idMap(path, c, "users", m[0].users()), idMap(path, c, "items", m[0].items()), c.metadata());
    }

    /**
     * Builds the model from a file's contents. With {@code rawFeatures} the item projections are
     * recomputed from them (the saved preprocessing applied); without, a visual model is served
     * from the stored {@code item_projection} / {@code item_visual_bias} tables
     * ({@link VbprModel#forServing}). Anything inconsistent is one line naming the file.
     */
    public static Loaded read(Path path, ModelFile.Contents c, ItemFeatures rawFeatures) {
        return read(path, c, rawFeatures, false);
    }

    private static Loaded read(Path path, ModelFile.Contents c, ItemFeatures rawFeatures, boolean featuresRequired) {
        Shape s = shape(path, c.modelType(), c.configJson());
        FeatureTransform tr = transform(s, c);
        boolean stored = hasTable(c, ITEM_PROJECTION) && hasTable(c, ITEM_VISUAL_BIAS);
        VbprModel m;
        if (rawFeatures != null) {
            rawFeatures.requireRows(s.items).requireDim(s.featureDim);
            m = new VbprModel(s.variant, s.users, s.items, s.k, s.kv, tr.apply(rawFeatures), tr);
        } else if (stored && !featuresRequired) {
            m = VbprModel.forServing(s.variant, s.users, s.items, s.k, s.kv, s.featureDim, tr);
            copy(path, c.table(ITEM_PROJECTION), s.items, m.visualFactors(), m.projections());
            copy(path, c.table(ITEM_VISUAL_BIAS), s.items, 1, m.visualBiases());
        } else if (featuresRequired) {
            throw new BadInputException(path + ": a " + s.variant + " model needs the item features (" + Settings.name("features") + ")");
        } else {
            throw new BadInputException(path + ": a " + s.variant + " model written without its item projections (an older file); "
                    + "give the raw item features with " + Settings.name("features") + " to recompute them");
        }
        for (Table t : m.tables()) copy(path, c.table(t.name()), t);
        if (rawFeatures != null) m.project(0, s.items);
        return new Loaded(m, idMap(path, c, "users", s.users), idMap(path, c, "items", s.items), c.metadata());
    }

    /** What a file's configuration says about the model's shape, checked. */
    private record Shape(Variant variant, int users, int items, int k, int kv, int featureDim, Preprocessing preprocessing) {}

    private static Shape shape(Path path, String modelType, String configJson) {
        if (!modelType.equals(TYPE)) throw new BadInputException(path + ": a '" + modelType + "' model, not vbpr");
        com.fasterxml.jackson.databind.JsonNode n;
        try {
            n = JSON.readTree(configJson);
        } catch (java.io.IOException e) {
            throw new BadInputException(path + ": damaged configuration (" + e.getMessage() + ")");
        }
        for (String key : new String[] {"variant", "users", "items", "factors", "visualFactors", "featureDim", "preprocessing"}) {
            if (n == null || !n.hasNonNull(key)) throw new BadInputException(path + ": damaged VBPR model (configuration lacks '" + key + "')");
        }
        Variant v;
        try {
            v = Variant.parse(n.get("variant").asText());
        } catch (BadInputException e) {   // e.g. 'bpr', saved by VBPR's trainer in older builds
            throw new BadInputException(path + ": model file of " + e.getMessage());
        }
        int users = n.get("users").asInt(), items = n.get("items").asInt(), fd = n.get("featureDim").asInt();
        if (users <= 0 || items <= 0 || fd <= 0) {
            throw new BadInputException(path + ": damaged VBPR model (" + users + " users, " + items + " items, feature dim " + fd + ")");
        }
        return new Shape(v, users, items, Math.max(1, n.get("factors").asInt()), Math.max(1, n.get("visualFactors").asInt()), fd,
                Preprocessing.parse(n.get("preprocessing").asText()));
    }

    /** The saved feature preprocessing (its two small tables, when the kind has parameters). */
    private static FeatureTransform transform(Shape s, ModelFile.Contents c) {
        boolean params = s.preprocessing == Preprocessing.STANDARDIZE || s.preprocessing == Preprocessing.MAX_ABS;
        return FeatureTransform.of(s.preprocessing, s.featureDim, params ? c.table("feature_shift").data() : new float[0],
                params ? c.table("feature_scale").data() : new float[0]);
    }

    private static IdMap idMap(Path path, ModelFile.Contents c, String name, int n) {
        IdMap m;
        try {
            m = IdMap.of(c.idMaps().containsKey(name) ? c.idMap(name) : indexIds(n));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(path + ": damaged VBPR model (" + e.getMessage() + " in its id maps)");
        }
        if (m.size() != n) throw new BadInputException(path + ": damaged VBPR model (" + m.size() + " " + name + " ids for " + n + " rows)");
        return m;
    }

    /**
     * The ids "0".."n-1": VBPR data ({@code FeatureDataset}) identifies users and items by their
     * 0-based index, so the raw id of row k is k (unlike {@link IdMap#sequential}, which is 1-based).
     */
    public static List<String> indexIds(int n) {
        List<String> ids = new ArrayList<>(n);
        for (int k = 0; k < n; k++) ids.add(Integer.toString(k));
        return ids;
    }

    private static boolean hasTable(ModelFile.Contents c, String name) {
        for (Table t : c.tables()) if (t.name().equals(name)) return true;
        return false;
    }

    private static void copy(Path path, Table s, Table into) {
        check(path, s.name(), s.rows(), s.dim(), into.rows(), into.dim());
        into.copyFrom(s);   // any layouts, chunk by chunk
    }

    private static void check(Path path, String name, int rows, int dim, int wantRows, int wantDim) {
        if (rows != wantRows || dim != wantDim) {
            throw new BadInputException(path + ": damaged VBPR model (table '" + name + "' is " + rows + " x " + dim
                    + ", expected " + wantRows + " x " + wantDim + ")");
        }
    }

    private static void copy(Path path, Table s, int rows, int dim, float[] into) {
        check(path, s.name(), s.rows(), s.dim(), rows, dim);
        s.readRows(0, rows, into, 0);
    }
}
