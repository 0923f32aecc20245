package dev.sparsetrain.models.bpr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.IdMap;
import dev.sparsetrain.optim.OptimizerState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Saves and loads BPR-MF models (and training checkpoints) through {@link ModelFile}: model type
 * "bpr", tables {@code users}, {@code items}, {@code item_bias}, id maps {@code users} and
 * {@code items}, the {@link BprConfig} as JSON, metadata (epoch, dataset, ...) and the optimizer's
 * state ({@link OptimizerState}: moments, accumulators, row counts, step counters), which
 * {@link #load} restores, so that training resumed from a checkpoint continues exactly as the
 * uninterrupted run (with {@code --threads 1}: byte-identical model files, for every optimizer).
 * Writes are atomic; the bytes depend only on the contents, so equal models give identical files.
 */
public final class BprFiles {
    public static final String TYPE = "bpr";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BprFiles() {}

    /** A loaded model with its id maps and metadata. */
    public record Loaded(BprModel model, IdMap users, IdMap items, Map<String, String> metadata) {
        /** Epochs trained, from the metadata (0 when absent). */
        public int epoch() {
            String e = metadata.get("epoch");
            return e == null ? 0 : Integer.parseInt(e);
        }
    }

    public static String configJson(BprConfig c) {
        return String.format(Locale.ROOT,
                "{\"factors\":%d,\"learningRate\":%s,\"regularization\":%s,\"biasLearningRate\":%s,\"biasRegularization\":%s,"
                        + "\"initStd\":%s,\"finalLearningRate\":%s,\"optimizer\":\"%s\",\"biasOptimizer\":\"%s\"}",
                c.factors(), num(c.learningRate()), num(c.regularization()), num(c.biasLearningRate()),
                num(c.biasRegularization()), num(c.initStd()), num(c.finalLearningRate()), c.optimizer(), c.biasOptimizer());   // specs with their rates: OptimizerSpec's text form
    }

    private static String num(double d) {
        return Double.toString(d);
    }

    static BprConfig parseConfig(String json, String file) {
        try {
            JsonNode n = JSON.readTree(json);
            BprConfig d = BprConfig.defaults();
            // files of older versions hold bare optimizer names beside the learning rates
            return BprConfig.of(n.path("factors").asInt(d.factors()), n.path("learningRate").asDouble(d.learningRate()),
                    n.path("regularization").asDouble(d.regularization()), n.path("biasLearningRate").asDouble(d.biasLearningRate()),
                    n.path("biasRegularization").asDouble(d.biasRegularization()), n.path("initStd").asDouble(d.initStd()),
                    n.path("finalLearningRate").asDouble(d.finalLearningRate()), n.path("optimizer").asText("sgd"), n.path("biasOptimizer").asText("sgd"));
        } catch (BadInputException e) {
            throw new BadInputException(file + ": model configuration: " + e.getMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(file + ": damaged model configuration (" + e.getOriginalMessage() + ")");
        }
    }

    /** Writes {@link #contents} streaming: the optimizer state from its live arrays ({@code Optimizer.stateView}, no copy). */
    public static void save(Path path, BprModel m, IdMap users, IdMap items, Map<String, String> metadata) {
        OptimizerState view = m.optimizer().stateView();
        ModelFile.write(path, contents(m, users, items, metadata, view), view.streams());
    }

    /** What {@link #save} writes: tables, id maps, configuration, metadata and a copy of the optimizer's state. */
    public static ModelFile.Contents contents(BprModel m, IdMap users, IdMap items, Map<String, String> metadata) {
        return contents(m, users, items, metadata, m.optimizer().exportState());
    }

    /**
     * The model part only (tables, id maps, configuration, metadata; no optimizer state): what a
     * checkpoint ({@code Checkpoint.write}, which streams the state itself) takes.
     */
    public static ModelFile.Contents modelContents(BprModel m, IdMap users, IdMap items, Map<String, String> metadata) {
        return contents(m, users, items, metadata, new OptimizerState(Map.of(), List.of()));
    }

    private static ModelFile.Contents contents(BprModel m, IdMap users, IdMap items, Map<String, String> metadata, OptimizerState st) {
        if (users.size() != m.numUsers() || items.size() != m.numItems()) {
            throw new IllegalArgumentException("id maps " + users.size() + " x " + items.size() + " do not match model "
                    + m.numUsers() + " x " + m.numItems());
        }
        Map<String, List<String>> maps = new LinkedHashMap<>();
        maps.put("users", users.ids());
        maps.put("items", items.ids());
        // the optimizer's state rides along (optim.* metadata, optim/... tables), so that a
        // checkpoint resumes an adaptive optimizer exactly instead of restarting its moments
        Map<String, String> meta = new LinkedHashMap<>(OptimizerState.withoutState(metadata == null ? Map.of() : metadata));
        meta.putAll(st.metadata());
        List<Table> tables = new ArrayList<>(List.of(m.users(), m.items(), m.itemBias()));
        tables.addAll(st.tables());
        return new ModelFile.Contents(TYPE, configJson(m.config()), meta, maps, tables);
    }

    public static Loaded load(Path path) {
        return load(path, ModelFile.read(path));
    }

    /** Builds the model from a file's already-read contents (so callers that inspect the model type first read it once). */
    public static Loaded load(Path path, ModelFile.Contents c) {
        if (!c.modelType().equals(TYPE)) {
            throw new BadInputException(path + ": a '" + c.modelType() + "' model, not a BPR-MF model");
        }
        BprConfig cfg = parseConfig(c.configJson(), path.toString());
        Table u = c.table("users"), i = c.table("items"), b = c.table("item_bias");
        if (u.dim() != cfg.factors() || i.dim() != cfg.factors() || b.rows() != i.rows() || b.dim() != 1) {
            throw new BadInputException(path + ": damaged BPR-MF model (table shapes do not match factors=" + cfg.factors() + ")");
        }
        IdMap users = IdMap.of(c.idMap("users")), items = IdMap.of(c.idMap("items"));
        if (users.size() != u.rows() || items.size() != i.rows()) {
            throw new BadInputException(path + ": damaged BPR-MF model (" + users.size() + " user ids for " + u.rows() + " rows)");
        }
        BprModel model = new BprModel(cfg, u, i, b);
        // files written before optimizer state was saved load with a fresh optimizer
        if (OptimizerState.present(c.metadata())) model.optimizer().importState(path.toString(), OptimizerState.from(c.metadata(), c.tables()));
        return new Loaded(model, users, items, OptimizerState.withoutState(c.metadata()));
    }
}
