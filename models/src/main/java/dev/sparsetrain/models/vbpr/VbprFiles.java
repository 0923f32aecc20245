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
        ObjectNode c = JSON.createObjectNode();
        c.put("variant", m.variant().cliName());
        c.put("users", m.users());
        c.put("items", m.items());
        c.put("factors", cfg.factors());
        c.put("visualFactors", cfg.visualFactors());
        c.put("featureDim", m.featureDim());
        c.put("preprocessing", m.transform() == null ? "none" : m.transform().kind().cliName());
        c.put("itemIdDropout", cfg.itemIdDropout());   // training-only; recorded for provenance
        ObjectNode g = c.putObject("groups");
        cfg.groups().forEach((k, v) -> g.put(k, v.toString()));
        List<Table> tables = new ArrayList<>(m.tables());
        if (m.transform() != null && m.transform().shift().length > 0) {
            tables.add(Table.dense("feature_shift", 1, m.featureDim()).load(m.transform().shift()));
            tables.add(Table.dense("feature_scale", 1, m.featureDim()).load(m.transform().scale()));
        }
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
     * {@link #load(Path, ItemFeatures)}). The same as {@code read(path, ModelFile.read(path), null)};
     * a damaged, truncated or foreign file is refused in one line.
     */
    public static Loaded read(Path path) {
        return read(path, ModelFile.read(path), null, false);
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
        if (!c.modelType().equals(TYPE)) throw new BadInputException(path + ": a '" + c.modelType() + "' model, not vbpr");
        try {
            var n = JSON.readTree(c.configJson());
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
            int k = Math.max(1, n.get("factors").asInt()), kv = Math.max(1, n.get("visualFactors").asInt());
            if (users <= 0 || items <= 0 || fd <= 0) {
                throw new BadInputException(path + ": damaged VBPR model (" + users + " users, " + items + " items, feature dim " + fd + ")");
            }
            Preprocessing p = Preprocessing.parse(n.get("preprocessing").asText());
            boolean params = p == Preprocessing.STANDARDIZE || p == Preprocessing.MAX_ABS;
            FeatureTransform tr = FeatureTransform.of(p, fd, params ? c.table("feature_shift").data() : new float[0],
                    params ? c.table("feature_scale").data() : new float[0]);
            boolean stored = hasTable(c, ITEM_PROJECTION) && hasTable(c, ITEM_VISUAL_BIAS);
            VbprModel m;
            if (rawFeatures != null) {
                rawFeatures.requireRows(items).requireDim(fd);
                m = new VbprModel(v, users, items, k, kv, tr.apply(rawFeatures), tr);
            } else if (stored && !featuresRequired) {
                m = VbprModel.forServing(v, users, items, k, kv, fd, tr);
                copy(path, c.table(ITEM_PROJECTION), items, m.visualFactors(), m.projections());
                copy(path, c.table(ITEM_VISUAL_BIAS), items, 1, m.visualBiases());
            } else if (featuresRequired) {
                throw new BadInputException(path + ": a " + v + " model needs the item features (" + Settings.name("features") + ")");
            } else {
                throw new BadInputException(path + ": a " + v + " model written without its item projections (an older file); "
                        + "give the raw item features with " + Settings.name("features") + " to recompute them");
            }
            for (Table t : m.tables()) copy(path, c.table(t.name()), t);
            if (rawFeatures != null) m.project(0, items);
            IdMap um, im;
            try {
                um = IdMap.of(c.idMaps().containsKey("users") ? c.idMap("users") : indexIds(users));
                im = IdMap.of(c.idMaps().containsKey("items") ? c.idMap("items") : indexIds(items));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(path + ": damaged VBPR model (" + e.getMessage() + " in its id maps)");
            }
            if (um.size() != users || im.size() != items) {
                throw new BadInputException(path + ": damaged VBPR model (" + um.size() + " user ids and " + im.size() + " item ids for "
                        + users + " x " + items + ")");
            }
            return new Loaded(m, um, im, c.metadata());
        } catch (java.io.IOException e) {
            throw new BadInputException(path + ": damaged configuration (" + e.getMessage() + ")");
        }
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
        check(path, s, into.rows(), into.dim());
        into.copyFrom(s);   // any layouts, chunk by chunk
    }

    private static void check(Path path, Table s, int rows, int dim) {
        if (s.rows() != rows || s.dim() != dim) {
            throw new BadInputException(path + ": damaged VBPR model (table '" + s.name() + "' is " + s.rows() + " x " + s.dim()
                    + ", expected " + rows + " x " + dim + ")");
        }
    }

    private static void copy(Path path, Table s, int rows, int dim, float[] into) {
        if (s.rows() != rows || s.dim() != dim) {
            throw new BadInputException(path + ": damaged VBPR model (table '" + s.name() + "' is " + s.rows() + " x " + s.dim()
                    + ", expected " + rows + " x " + dim + ")");
        }
        s.readRows(0, rows, into, 0);
    }
}
