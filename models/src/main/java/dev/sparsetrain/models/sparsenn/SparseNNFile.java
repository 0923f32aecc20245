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
 */
final class SparseNNFile {
    private SparseNNFile() {}

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
        j.append("]}");
        return new ModelFile.Contents(SparseNN.MODEL_TYPE, j.toString(), metadata, idMaps, m.tables());
    }

    static SparseNN fromContents(Path path, ModelFile.Contents c) {
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
            SparseNN m = new SparseNN(mc, names, ints(n.get("tableRows")), n.get("numDense").asInt(), 0);
            for (Table t : m.tables()) {
                Table saved = c.table(t.name());
                if (saved.rows() != t.rows() || saved.dim() != t.dim()) {
                    throw new BadInputException(path + ": table '" + t.name() + "' is " + saved.rows() + " x "
                            + saved.dim() + ", the configuration implies " + t.rows() + " x " + t.dim());
                }
                t.copyFrom(saved);
            }
            return m;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            if (e instanceof BadInputException b) throw b;
            throw new BadInputException(path + ": damaged SparseNN configuration (" + e.getMessage() + ")");
        }
    }

    private static int[] ints(com.fasterxml.jackson.databind.JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }
}
