package dev.sparsetrain.models.vbpr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.features.FeatureTransform;
import dev.sparsetrain.data.features.ItemFeatures;
import dev.sparsetrain.data.features.Preprocessing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads VBPR / visual-only / BPR-MF models of this package through the project's
 * {@link ModelFile}: model type "vbpr", the configuration (variant, K, K', preprocessing, groups)
 * as JSON, the parameter tables, and the fitted feature preprocessing as two tables
 * {@code feature_shift} and {@code feature_scale} (1 x F each; zero-length kinds store 1 x 1
 * zeros). The item features themselves are not stored (their terms may forbid it); loading
 * takes the raw features and applies the saved preprocessing.
 */
public final class VbprFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VbprFiles() {}

    public static void save(Path path, VbprModel m, VbprConfig cfg, Map<String, String> metadata) {
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
        ModelFile.write(path, new ModelFile.Contents("vbpr", c.toString(), metadata, Map.of(), tables));
    }

    /** Loads a model; {@code rawFeatures} (unpreprocessed, one row per item) is required for visual variants. */
    public static VbprModel load(Path path, ItemFeatures rawFeatures) {
        ModelFile.Contents c = ModelFile.read(path);
        if (!c.modelType().equals("vbpr")) throw new BadInputException(path + ": a '" + c.modelType() + "' model, not vbpr");
        try {
            var n = JSON.readTree(c.configJson());
            Variant v = Variant.parse(n.get("variant").asText());
            int users = n.get("users").asInt(), items = n.get("items").asInt(), fd = n.get("featureDim").asInt();
            FeatureTransform tr = null;
            ItemFeatures f = null;
            if (v.visual()) {
                if (rawFeatures == null) throw new BadInputException(path + ": a " + v + " model needs the item features (--features)");
                rawFeatures.requireRows(items).requireDim(fd);
                Preprocessing p = Preprocessing.parse(n.get("preprocessing").asText());
                boolean params = p == Preprocessing.STANDARDIZE || p == Preprocessing.MAX_ABS;
                tr = FeatureTransform.of(p, fd, params ? c.table("feature_shift").data() : new float[0],
                        params ? c.table("feature_scale").data() : new float[0]);
                f = tr.apply(rawFeatures);
            }
            VbprModel m = new VbprModel(v, users, items, Math.max(1, n.get("factors").asInt()), Math.max(1, n.get("visualFactors").asInt()), f, tr);
            for (Table t : m.tables()) {
                Table s = c.table(t.name());
                if (s.rows() != t.rows() || s.dim() != t.dim()) {
                    throw new BadInputException(path + ": table '" + t.name() + "' is " + s.rows() + " x " + s.dim() + ", expected " + t.rows() + " x " + t.dim());
                }
                System.arraycopy(s.data(), 0, t.data(), 0, t.data().length);
            }
            if (v.visual()) m.project(0, items);
            return m;
        } catch (java.io.IOException e) {
            throw new BadInputException(path + ": damaged configuration (" + e.getMessage() + ")");
        }
    }
}
