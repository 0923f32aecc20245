package dev.sparsetrain.data.ctr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparsetrain.core.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Everything needed to re-encode raw click-log rows exactly as in training: the input format and
 * its {@link CtrSchema}, and the fitted {@link FeatureEncoder} (dense transform with its fitted
 * means and standard deviations, hashing settings or the full per-feature vocabularies).
 *
 * <p>Stored in a model file ({@code dev.sparsetrain.core.io.ModelFile}) as two parts:
 * <pre>
 *   metadata "encoder"  JSON {"version":1, "format":"criteo", "schema":"label,dense*13,sparse*26",
 *                             "delimiter":9, "header":false, "multiSeparator":124, "columns":[...],
 *                             "dense":"LOG1P", "buckets":100000, "minCount":0, "hashSeed":0,
 *                             "sparseNames":[...], "denseNames":[...], "means":[...], "stds":[...],
 *                             "tableRows":[...]}
 *                             plus, when features use other id modes than minCount implies,
 *                             "ids":"hash,C3=dynamic" and for dynamic tables "admitAfter", "evict"
 *   id map "vocab.&lt;f&gt;"  (vocabulary only) one entry per table row of sparse feature f: entry 0 is
 *                             "oov" (the out-of-vocabulary row), entry r the 16-hex-digit token
 *                             hash ({@link CtrRawData#tokenHash}) of the id mapped to row r
 * </pre>
 * Floats are written with their shortest exact decimal form, so a restored encoder produces
 * bit-identical inputs. {@link #restore} validates every part (version, enum names, lengths,
 * duplicate or malformed vocabulary entries) and refuses a bad one in one line naming the file.
 * Immutable and thread-safe.
 *
 * @param format  the reader's format name (criteo, avazu or schema)
 * @param schema  column roles, delimiter, header and column names
 * @param encoder the fitted encoder
 */
public record EncoderState(String format, CtrSchema schema, FeatureEncoder encoder) {
    /** Version of the stored encoder description; newer versions are refused. */
    public static final int VERSION = 1;
    /** Metadata key of the JSON description. */
    public static final String METADATA_KEY = "encoder";
    /** Prefix of the vocabulary id maps (followed by the feature index). */
    public static final String VOCAB_PREFIX = "vocab.";
    private static final String OOV = "oov";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public EncoderState {
        if (format == null || schema == null || encoder == null) throw new IllegalArgumentException("format, schema and encoder are required");
    }

    /** The JSON description stored under {@link #METADATA_KEY}. */
    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("version", VERSION);
        n.put("format", format);
        n.put("schema", schema.spec());
        n.put("delimiter", (int) schema.delimiter());
        n.put("header", schema.header());
        n.put("multiSeparator", (int) schema.multiSeparator());
        ArrayNode cols = n.putArray("columns");
        for (String c : schema.names()) cols.add(c);
        EncoderConfig c = encoder.config();
        n.put("dense", c.dense().name());
        n.put("buckets", c.buckets());
        n.put("minCount", c.minCount());
        n.put("hashSeed", c.hashSeed());
        IdSpec legacy = IdSpec.legacy(c.minCount());
        if (c.ids().defaultMode() != legacy.defaultMode() || !c.ids().perFeature().isEmpty()) {
            // per-feature id modes (written only when they differ from the minCount rule, so older files stay byte-identical)
            n.put("ids", c.ids().format());
            if (c.ids().uses(IdMode.DYNAMIC)) {
                n.put("admitAfter", c.ids().dynamic().admitAfter());
                n.put("evict", c.ids().dynamic().evictSpec());
            }
        }
        ArrayNode sn = n.putArray("sparseNames");
        for (String s : encoder.names()) sn.add(s);
        ArrayNode dn = n.putArray("denseNames");
        for (String s : encoder.denseNames()) dn.add(s);
        ArrayNode means = n.putArray("means");
        for (float v : encoder.means()) means.add(v);
        ArrayNode stds = n.putArray("stds");
        for (float v : encoder.stds()) stds.add(v);
        ArrayNode rows = n.putArray("tableRows");
        for (int r : encoder.tableRows()) rows.add(r);
        return n.toString();
    }

    /** The vocabularies as id maps (empty when hashing). */
    public Map<String, List<String>> idMaps() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (!encoder.hasVocabulary()) return out;
        for (int f = 0; f < encoder.names().length; f++) {
            if (!encoder.hasVocabulary(f)) continue;
            long[] byRow = encoder.vocabularyByRow(f);
            List<String> ids = new ArrayList<>(byRow.length);
            ids.add(OOV);
            for (int r = 1; r < byRow.length; r++) ids.add(String.format("%016x", byRow[r]));
            out.put(VOCAB_PREFIX + f, ids);
        }
        return out;
    }

    /** Adds the description to {@code metadata} (a mutable map). */
    public void addTo(Map<String, String> metadata) {
        metadata.put(METADATA_KEY, toJson());
    }

    /**
     * Restores a stored encoder. {@code where} names the model file in messages.
     *
     * @return the state, or null when {@code metadata} has no encoder (a model trained on synthetic data)
     * @throws BadInputException in one line when the description is damaged or of a newer version
     */
    public static EncoderState restore(String where, Map<String, String> metadata, Map<String, List<String>> idMaps) {
        String json = metadata.get(METADATA_KEY);
        if (json == null) return null;
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw damaged(where, "encoder description is not JSON");
        }
        if (n == null || !n.isObject()) throw damaged(where, "encoder description is not a JSON object");
        int version = integer(where, n, "version");
        if (version < 1 || version > VERSION) {
            throw new BadInputException(where + ": encoder description version " + version + ", this build reads versions 1.." + VERSION);
        }
        String format = text(where, n, "format");
        CtrSchema schema;
        try {
            schema = CtrSchema.parse(text(where, n, "schema"), (char) integer(where, n, "delimiter"), bool(where, n, "header"),
                    (char) integer(where, n, "multiSeparator"));
            String[] cols = strings(where, n, "columns");
            if (cols.length != schema.columns()) throw damaged(where, cols.length + " column names for " + schema.columns() + " columns");
            schema = new CtrSchema(schema.roles(), schema.delimiter(), schema.header(), schema.multiSeparator(), cols);
        } catch (BadInputException e) {
            if (e.getMessage().startsWith(where)) throw e;
            throw damaged(where, e.getMessage());
        }
        DenseTransform dense;
        try {
            dense = DenseTransform.valueOf(text(where, n, "dense"));
        } catch (IllegalArgumentException e) {
            throw damaged(where, "unknown dense transform '" + n.get("dense").asText() + "'");
        }
        EncoderConfig config;
        try {
            int buckets = integer(where, n, "buckets"), minCount = integer(where, n, "minCount");
            IdSpec ids = IdSpec.legacy(minCount);
            if (n.has("ids")) {
                DynamicIdConfig dyn = null;
                if (n.has("admitAfter")) dyn = DynamicIdConfig.parse(Math.max(2, buckets), integer(where, n, "admitAfter"), text(where, n, "evict"));
                ids = IdSpec.parse(text(where, n, "ids"), dyn);
            }
            config = new EncoderConfig(dense, buckets, minCount, longValue(where, n, "hashSeed"), ids);
        } catch (BadInputException e) {
            throw damaged(where, e.getMessage());
        }
        String[] names = strings(where, n, "sparseNames"), denseNames = strings(where, n, "denseNames");
        if (names.length != schema.sparseColumns().length || denseNames.length != schema.denseColumns().length) {
            throw damaged(where, names.length + " sparse / " + denseNames.length + " dense features, the schema has "
                    + schema.sparseColumns().length + " / " + schema.denseColumns().length);
        }
        float[] means = floats(where, n, "means"), stds = floats(where, n, "stds");
        if (means.length != denseNames.length || stds.length != denseNames.length) {
            throw damaged(where, means.length + " means and " + stds.length + " stds for " + denseNames.length + " dense features");
        }
        for (int j = 0; j < stds.length; j++) {
            if (!Float.isFinite(means[j]) || !Float.isFinite(stds[j]) || stds[j] <= 0) {
                throw damaged(where, "dense feature " + denseNames[j] + " has mean " + means[j] + ", std " + stds[j]);
            }
        }
        JsonNode tr = n.get("tableRows");
        if (tr == null || !tr.isArray() || tr.size() != names.length) throw damaged(where, "tableRows missing or not one per sparse feature");
        int[] rows = new int[names.length];
        for (int f = 0; f < rows.length; f++) {
            rows[f] = tr.get(f).asInt(-1);
            boolean ok = config.modeOf(names[f]) != IdMode.VOCAB ? rows[f] == config.buckets() : rows[f] >= 1 && rows[f] <= config.buckets();
            if (!ok) throw damaged(where, "feature " + names[f] + " has " + rows[f] + " table rows with buckets " + config.buckets());
        }
        long[][] vocab = null;
        if (config.ids().uses(IdMode.VOCAB)) {
            vocab = new long[names.length][];
            for (int f = 0; f < names.length; f++) {
                if (config.modeOf(names[f]) != IdMode.VOCAB) continue;
                List<String> ids = idMaps.get(VOCAB_PREFIX + f);
                if (ids == null) throw damaged(where, "vocabulary of feature " + names[f] + " (id map " + VOCAB_PREFIX + f + ") missing");
                if (ids.size() != rows[f] || !OOV.equals(ids.get(0))) {
                    throw damaged(where, "vocabulary of feature " + names[f] + " has " + ids.size() + " entries for " + rows[f]
                            + " table rows, or no out-of-vocabulary entry first");
                }
                long[] byRow = new long[rows[f]];
                LongIntMap seen = new LongIntMap(Math.max(4, rows[f]));
                for (int r = 1; r < rows[f]; r++) {
                    String s = ids.get(r);
                    try {
                        if (s.length() != 16) throw new NumberFormatException();
                        byRow[r] = Long.parseUnsignedLong(s, 16);
                    } catch (NumberFormatException e) {
                        throw damaged(where, "vocabulary of feature " + names[f] + " row " + r + ": '" + s + "' is not a 16-hex-digit id hash");
                    }
                    if (seen.get(byRow[r]) >= 0) throw damaged(where, "vocabulary of feature " + names[f] + " lists id " + s + " twice");
                    seen.put(byRow[r], r);
                }
                vocab[f] = byRow;
            }
        }
        FeatureEncoder enc = FeatureEncoder.restore(config, names, denseNames, means, stds, vocab, rows);
        return new EncoderState(format.toLowerCase(Locale.ROOT), schema, enc);
    }

    private static BadInputException damaged(String where, String what) {
        return new BadInputException(where + ": damaged encoder in model file (" + what + ")");
    }

    private static JsonNode field(String where, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) throw damaged(where, "'" + key + "' missing");
        return v;
    }

    /** Field {@code key} of {@code n}, refused as damaged unless {@code ok} (it is {@code what}), read by {@code read}. */
    private static <T> T typed(String where, JsonNode n, String key, Predicate<JsonNode> ok, String what, Function<JsonNode, T> read) {
        JsonNode v = field(where, n, key);
        if (!ok.test(v)) throw damaged(where, "'" + key + "' = " + v + " is not " + what);
        return read.apply(v);
    }

    private static int integer(String where, JsonNode n, String key) { return typed(where, n, key, JsonNode::isInt, "an integer", JsonNode::asInt); }

    private static long longValue(String where, JsonNode n, String key) {
        return typed(where, n, key, JsonNode::isIntegralNumber, "an integer", JsonNode::asLong);
    }

    private static boolean bool(String where, JsonNode n, String key) { return typed(where, n, key, JsonNode::isBoolean, "true/false", JsonNode::asBoolean); }

    private static String text(String where, JsonNode n, String key) { return typed(where, n, key, JsonNode::isTextual, "a string", JsonNode::asText); }

    /** List field {@code key} of {@code n}, refused as damaged unless every entry passes {@code ok} (is {@code what}). */
    private static JsonNode list(String where, JsonNode n, String key, Predicate<JsonNode> ok, String what) {
        JsonNode v = field(where, n, key);
        if (!v.isArray()) throw damaged(where, "'" + key + "' is not a list");
        for (int i = 0; i < v.size(); i++) if (!ok.test(v.get(i))) throw damaged(where, "'" + key + "' entry " + i + " is not " + what);
        return v;
    }

    private static String[] strings(String where, JsonNode n, String key) {
        JsonNode v = list(where, n, key, JsonNode::isTextual, "a string");
        String[] out = new String[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i).asText();
        return out;
    }

    private static float[] floats(String where, JsonNode n, String key) {
        JsonNode v = list(where, n, key, JsonNode::isNumber, "a number");
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i).decimalValue().floatValue(); // correctly rounded: the float written
        return out;
    }
}
