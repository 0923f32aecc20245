package dev.sparsetrain.optim.replay;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparsetrain.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads golden case files and writes replay results as JSON (the golden README's format). */
public final class CaseFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CaseFiles() {}

    /** {@code :line:column} of a JSON error, or nothing when Jackson gives no location. */
    static String jsonLocation(JacksonException e) {
        var loc = e.getLocation();
        if (loc == null || loc.getLineNr() < 1) return "";
        return ":" + loc.getLineNr() + (loc.getColumnNr() > 0 ? ":" + loc.getColumnNr() : "");
    }

    /** Jackson's message without its source-location suffix and its hints about parser features. */
    static String jsonProblem(JacksonException e) {
        String m = e.getOriginalMessage();
        if (m == null) m = e.getClass().getSimpleName();
        m = m.replaceAll("(?s)\\s*\\(start marker at \\[Source.*$", "").replaceAll("(?s)\\s*at \\[Source.*$", "");
        m = m.replaceAll(":\\s*enable `[^`]*` to allow", "");
        return m.replace('\n', ' ').strip();
    }

    /** Reads a case; any problem is a one-line {@link BadInputException} naming the file. */
    public static OptimizerCase read(Path file) {
        String where = file.toString();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new BadInputException(where + ": no such file");
        } catch (JacksonException e) {
            throw new BadInputException(where + jsonLocation(e) + ": not valid JSON (" + jsonProblem(e) + ")");
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(where, root);
    }

    static OptimizerCase parse(String where, JsonNode root) {
        if (root == null || !root.isObject()) throw new BadInputException(where + ": a case must be a JSON object");
        String name = root.path("name").asText(fileStem(where));
        JsonNode opt = root.get("optimizer");
        if (opt == null || !opt.isTextual()) throw new BadInputException(where + ": field 'optimizer' missing, expected a name such as \"adam\"");
        if (!dev.sparsetrain.optim.Optimizers.ALL_NAMES.contains(opt.asText())) {
            throw new BadInputException(where + ": unknown optimizer '" + opt.asText() + "', known: " + String.join(", ", dev.sparsetrain.optim.Optimizers.ALL_NAMES));
        }
        Map<String, Object> hyper = new LinkedHashMap<>();
        JsonNode h = root.path("hyper");
        if (!h.isMissingNode() && !h.isObject()) throw new BadInputException(where + ": field 'hyper' must be an object");
        for (Iterator<Map.Entry<String, JsonNode>> it = h.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isBoolean()) hyper.put(e.getKey(), v.booleanValue());
            else if (v.isNumber()) hyper.put(e.getKey(), v.doubleValue());
            else if (v.isArray()) {
                List<Object> l = new ArrayList<>();
                for (JsonNode x : v) l.add(x.isNumber() ? x.doubleValue() : x.asText());
                hyper.put(e.getKey(), l);
            } else if (!v.isNull()) hyper.put(e.getKey(), v.asText());
        }
        boolean sparse = root.path("sparse").asBoolean(false);
        String semantics = root.hasNonNull("semantics") ? root.get("semantics").asText() : null;
        if (semantics != null && !semantics.equals("dense") && !semantics.equals("lazy")) {
            throw new BadInputException(where + ": semantics '" + semantics + "', allowed: dense, lazy");
        }
        double[][] init = matrix(where, "init", root.get("init"));
        JsonNode steps = root.get("steps");
        if (steps == null || !steps.isArray()) throw new BadInputException(where + ": field 'steps' missing or not a list");
        List<OptimizerCase.Step> list = new ArrayList<>();
        int k = 0;
        for (JsonNode s : steps) {
            JsonNode rows = s.get("rows");
            if (rows == null || !rows.isArray()) throw new BadInputException(where + ": steps[" + k + "].rows missing or not a list");
            int[] r = new int[rows.size()];
            for (int i = 0; i < r.length; i++) {
                if (!rows.get(i).canConvertToInt()) throw new BadInputException(where + ": steps[" + k + "].rows[" + i + "]=" + rows.get(i) + ", must be a row index");
                r[i] = rows.get(i).intValue();
            }
            double objective = Double.NaN;
            JsonNode f = s.get("objective");
            if (f != null && !f.isNull()) {
                if (!f.isNumber()) throw new BadInputException(where + ": steps[" + k + "].objective=" + f + ", must be a number (the loss before the step)");
                objective = f.doubleValue();
            }
            list.add(new OptimizerCase.Step(r, matrix(where, "steps[" + k + "].grad", s.get("grad")), objective));
            k++;
        }
        String clipType = null;
        double clipValue = 0;
        JsonNode clip = root.get("clip");
        if (clip != null && !clip.isNull()) {
            clipType = clip.path("type").asText("");
            String key = switch (clipType) {
                case "norm" -> "max_norm";
                case "value" -> "max_value";
                default -> throw new BadInputException(where + ": clip type '" + clipType + "', allowed: norm, value");
            };
            if (!clip.path(key).isNumber()) throw new BadInputException(where + ": clip needs a number '" + key + "'");
            clipValue = clip.get(key).doubleValue();
        }
        if (root.has("rows") && root.get("rows").asInt() != init.length) {
            throw new BadInputException(where + ": rows=" + root.get("rows").asInt() + " but init has " + init.length + " rows");
        }
        if (root.has("dim") && init.length > 0 && root.get("dim").asInt() != init[0].length) {
            throw new BadInputException(where + ": dim=" + root.get("dim").asInt() + " but init rows have " + init[0].length + " values");
        }
        return new OptimizerCase(name, opt.asText(), hyper, sparse, semantics, init, list, clipType, clipValue);
    }

    private static double[][] matrix(String where, String field, JsonNode n) {
        if (n == null || !n.isArray()) throw new BadInputException(where + ": field '" + field + "' missing or not a list of rows");
        double[][] m = new double[n.size()][];
        for (int r = 0; r < m.length; r++) {
            JsonNode row = n.get(r);
            if (!row.isArray()) throw new BadInputException(where + ": " + field + "[" + r + "] is not a list of numbers");
            m[r] = new double[row.size()];
            for (int c = 0; c < m[r].length; c++) {
                if (!row.get(c).isNumber()) throw new BadInputException(where + ": " + field + "[" + r + "][" + c + "]=" + row.get(c) + ", must be a number");
                m[r][c] = row.get(c).doubleValue();
            }
        }
        return m;
    }

    private static String fileStem(String where) {
        String f = Path.of(where).getFileName().toString();
        return f.endsWith(".json") ? f.substring(0, f.length() - 5) : f;
    }

    /** The expected trajectory of a case file: {@code after_each_step}, or {@code final} as one entry. */
    public static List<double[][]> expected(Path file) throws IOException {
        JsonNode root = JSON.readTree(Files.readString(file));
        List<double[][]> out = new ArrayList<>();
        if (root.has("after_each_step")) {
            int k = 0;
            for (JsonNode s : root.get("after_each_step")) out.add(matrix(file.toString(), "after_each_step[" + k++ + "]", s));
        } else {
            out.add(matrix(file.toString(), "final", root.get("final")));
        }
        return out;
    }

    /** The replay output: {"name": ..., "after_each_step": [...]} or {"name": ..., "final": [...]}. */
    public static String toJson(OptimizerCase c, List<float[][]> result) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", c.name());
        if (c.catchUp()) {
            o.set("final", tableNode(result.get(0)));
        } else {
            ArrayNode a = o.putArray("after_each_step");
            for (float[][] t : result) a.add(tableNode(t));
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JacksonException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ArrayNode tableNode(float[][] t) {
        ArrayNode a = JSON.createArrayNode();
        for (float[] row : t) {
            ArrayNode r = a.addArray();
            for (float v : row) r.add((double) v);
        }
        return a;
    }
}
