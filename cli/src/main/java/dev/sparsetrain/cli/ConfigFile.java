package dev.sparsetrain.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sparsetrain.core.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options from a JSON or YAML file ({@code --config run.yaml}): a flat map whose keys are option
 * names without the leading dashes ({@code factors: 64}, {@code lr: 0.1}, {@code data: ml-1m}).
 * A flag given on the command line wins over the file. Unknown keys and values of the wrong type
 * are refused in one line naming the file and the key.
 */
public final class ConfigFile {
    private ConfigFile() {}

    /** Reads a flat map of option values from a .json, .yaml or .yml file. */
    public static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": config file not found");
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper m = n.endsWith(".yaml") || n.endsWith(".yml") ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        JsonNode root;
        try {
            root = m.readTree(file.toFile());
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
            throw new BadInputException(file + ": not valid " + (m.getFactory() instanceof YAMLFactory ? "YAML" : "JSON") + " (" + msg + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) return Map.of();
        if (!root.isObject()) throw new BadInputException(file + ": expected a map of option: value, got " + root.getNodeType());
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            JsonNode v = e.getValue();
            if (v.isContainerNode()) {
                if (v.isArray()) {
                    List<String> parts = new ArrayList<>();
                    for (JsonNode x : v) parts.add(x.asText());
                    out.put(e.getKey(), String.join(",", parts));
                    continue;
                }
                throw new BadInputException(file + ": option '" + e.getKey() + "' has a nested map; values must be numbers, strings or booleans");
            }
            out.put(e.getKey(), v.asText());
        }
        return out;
    }

    /**
     * Sets every option of {@code values} that was not given on the command line. {@code source}
     * names the origin in messages ("run.yaml", "model metadata").
     */
    public static void apply(CommandSpec spec, Map<String, String> values, String source, boolean ignoreUnknown) {
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        for (var e : values.entrySet()) {
            String key = e.getKey().startsWith("-") ? e.getKey() : "--" + e.getKey();
            OptionSpec opt = spec.findOption(key);
            if (opt == null) {
                if (ignoreUnknown) continue;
                List<String> names = new ArrayList<>();
                for (OptionSpec o : spec.options()) if (!o.usageHelp() && !o.versionHelp()) names.add(o.longestName().replaceFirst("^-+", ""));
                throw new BadInputException(source + ": unknown option '" + e.getKey() + "', known: " + String.join(", ", names));
            }
            if (pr != null && pr.hasMatchedOption(opt)) continue; // the command line wins
            Object v = convert(opt, e.getValue(), source, e.getKey());
            opt.setValue(v);
        }
    }

    private static Object convert(OptionSpec opt, String s, String source, String key) {
        Class<?> t = opt.type();
        try {
            if (t == int.class || t == Integer.class) return Integer.parseInt(s.trim());
            if (t == long.class || t == Long.class) return Long.parseLong(s.trim());
            if (t == double.class || t == Double.class) return Double.parseDouble(s.trim());
            if (t == float.class || t == Float.class) return Float.parseFloat(s.trim());
            if (t == boolean.class || t == Boolean.class) {
                if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) return Boolean.parseBoolean(s);
                throw new BadInputException(source + ": option '" + key + "' = '" + s + "', must be true or false");
            }
            if (t == Path.class) return Path.of(s);
            if (t == String.class) return s;
            if (t.isEnum()) {
                for (Object c : t.getEnumConstants()) if (((Enum<?>) c).name().equalsIgnoreCase(s)) return c;
                throw new BadInputException(source + ": option '" + key + "' = '" + s + "', allowed: " + java.util.Arrays.toString(t.getEnumConstants()));
            }
            if (List.class.isAssignableFrom(t)) {   // a repeatable string option (e.g. --optimizer): comma-separated values
                List<String> r = new ArrayList<>();
                for (String part : s.split(",")) r.add(part.trim());
                return r;
            }
            if (t == int[].class) {
                String[] parts = s.split(",");
                int[] r = new int[parts.length];
                for (int i = 0; i < parts.length; i++) r[i] = Integer.parseInt(parts[i].trim());
                return r;
            }
        } catch (NumberFormatException ex) {
            throw new BadInputException(source + ": option '" + key + "' = '" + s + "', must be a " + t.getSimpleName());
        }
        throw new BadInputException(source + ": option '" + key + "' cannot be set from a file");
    }
}
