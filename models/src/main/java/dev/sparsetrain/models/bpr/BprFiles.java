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

    /**
     * A loaded model with its id maps and metadata (without the optimizer's entries); {@code contents}
     * is what the file held besides what went into the model: all its metadata and any table not
     * the model's nor its optimizer's (a checkpoint's best snapshot, for {@code Checkpoint.loopState}).
     */
    public record Loaded(BprModel model, IdMap users, IdMap items, Map<String, String> metadata, ModelFile.Contents contents) {
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

    /**
     * Reads a model file or checkpoint straight into a model built from its header: the tables go
     * chunk by chunk into the model's own tables and the optimizer state ({@code optim/...}) into
     * the live optimizer's arrays through {@link dev.sparsetrain.optim.Optimizer#stateReader} (the
     * click models' reader path; no second copy of either). Files written before optimizer state
     * was saved load with a fresh optimizer. Damage (checksum, shapes, a state array that does not
     * fit) is one line naming the file.
     */
    public static Loaded load(Path path) {
        String where = path.toString();
        BprModel[] m = {null};
        OptimizerState.Reader[] reader = {null};
        Map<String, Table> own = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        ModelFile.Contents c = ModelFile.read(path, h -> {
            m[0] = fromHeader(path, h);
            for (Table t : List.of(m[0].users(), m[0].items(), m[0].itemBias())) own.put(t.name(), t);
            if (OptimizerState.present(h.metadata())) reader[0] = m[0].optimizer().stateReader(where, h.metadata());
            return OptimizerState.placement(where, own, seen, reader[0]);
        });
        for (String n : own.keySet()) if (!seen.contains(n)) throw new BadInputException(where + ": damaged BPR-MF model (no table '" + n + "')");
        if (reader[0] != null) reader[0].finish();
        return new Loaded(m[0], IdMap.of(c.idMap("users")), IdMap.of(c.idMap("items")), OptimizerState.withoutState(c.metadata()), c);
    }

    /** A model with zero tables shaped by a file's header (configuration, id maps), for {@link #load(Path)} to read into. */
    private static BprModel fromHeader(Path path, ModelFile.Header h) {
        if (!h.modelType().equals(TYPE)) {
            throw new BadInputException(path + ": a '" + h.modelType() + "' model, not a BPR-MF model");
        }
        BprConfig cfg = parseConfig(h.configJson(), path.toString());
        List<String> u = h.idMaps().get("users"), i = h.idMaps().get("items");
        if (u == null || i == null) throw new BadInputException(path + ": damaged BPR-MF model (no 'users' or 'items' id map)");
        return new BprModel(cfg, Table.embedding("users", u.size(), cfg.factors()), Table.embedding("items", i.size(), cfg.factors()),
                Table.embedding("item_bias", i.size(), 1));
    }

    /**
     * Builds the model from contents already read whole (a sharded part-file set): the tables are
     * used as they are, and the optimizer state the contents hold ({@code optim.*} metadata and
     * {@code optim/...} tables, which a sharded set of an adaptive optimizer carries) is imported
     * into the model's optimizer; without it the optimizer starts fresh. A state that does not fit
     * the model is one line naming the file.
     */
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
        BprModel m = new BprModel(cfg, u, i, b);
        if (OptimizerState.present(c.metadata())) m.optimizer().importState(path.toString(), OptimizerState.from(c.metadata(), c.tables()));
        return new Loaded(m, users, items, OptimizerState.withoutState(c.metadata()), c);
    }
}
