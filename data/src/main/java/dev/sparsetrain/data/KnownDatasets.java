package dev.sparsetrain.data;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loaders for the datasets this project knows by name, reading the shared data folder in place
 * (their terms forbid copying them):
 * <ul>
 *   <li>{@code ml-100k} (movielens-100k): {@code u.data} with its timestamps, titles from
 *       {@code u.item} (ISO-8859-1);</li>
 *   <li>{@code ml-1m} (movielens-1m): {@code ratings.dat} ({@code ::}, with timestamps) when
 *       present, else {@code ratings_no_timestamp.tsv} (no timestamps: no temporal split); titles from {@code movies.dat}, through
 *       {@code item_index_to_movieid_inferred.tsv} for the TSV's item indices (92% of items);</li>
 *   <li>{@code lastfm} (lastfm-hetrec2011-2k): {@code user_artists.dat} with play counts as weights
 *       (duplicates summed, no timestamps), artist names from {@code artists.dat}.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class KnownDatasets {
    private KnownDatasets() {}

    /**
     * A loaded dataset: every interaction, the item titles by raw item id (may be empty), and
     * where it came from.
     */
    public record Dataset(String name, Path dir, Interactions interactions, Map<String, String> titles, String summary) {
        /** The title of item index {@code i}, or its raw id when there is none. */
        public String title(int i) {
            String id = interactions.items().id(i);
            String t = titles.get(id);
            return t == null ? id : t;
        }
    }

    /** Canonical folder name for a short or long dataset name, or null when unknown. */
    public static String folderOf(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ml-100k", "ml100k", "movielens-100k" -> "movielens-100k";
            case "ml-1m", "ml1m", "movielens-1m" -> "movielens-1m";
            case "lastfm", "last.fm", "lastfm-hetrec2011-2k" -> "lastfm-hetrec2011-2k";
            default -> null;
        };
    }

    /** The names {@link #load} accepts. */
    public static List<String> names() {
        return List.of("ml-100k", "ml-1m", "lastfm");
    }

    /** Loads a known dataset by name from {@code dataRoot}. */
    public static Dataset load(String name, Path dataRoot, ReadOptions options) {
        String folder = folderOf(name);
        if (folder == null) {
            throw new BadInputException("dataset '" + name + "': unknown, use one of " + names() + " or a file path");
        }
        Path dir = dataRoot.resolve(folder);
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("dataset '" + name + "': folder " + dir + " not found (set " + Settings.name("dataRoot") + " or SPARSETRAIN_DATA)");
        }
        return switch (folder) {
            case "movielens-100k" -> movieLens100k(dir, options);
            case "movielens-1m" -> movieLens1m(dir, options);
            default -> lastFm(dir, options);
        };
    }

    public static Dataset movieLens100k(Path dir, ReadOptions options) {
        var r = InteractionReader.read(dir.resolve("u.data"), DelimitedFormat.movieLens100k(), options);
        return new Dataset("ml-100k", dir, r.interactions(), titles(dir.resolve("u.item"), "|", 0, 1, false, StandardCharsets.ISO_8859_1), r.summary());
    }

    public static Dataset movieLens1m(Path dir, ReadOptions options) {
        Path dat = dir.resolve("ratings.dat");
        Map<String, String> movieTitles = titles(dir.resolve("movies.dat"), "::", 0, 1, false, StandardCharsets.ISO_8859_1);
        if (Files.exists(dat)) {
            var r = InteractionReader.read(dat, DelimitedFormat.movieLensDat(), options);
            return new Dataset("ml-1m", dir, r.interactions(), movieTitles, r.summary());
        }
        var r = InteractionReader.read(dir.resolve("ratings_no_timestamp.tsv"), DelimitedFormat.tsv(), options);
        // The TSV's item ids are dense indices 1..3706; map them to MovieIDs where the inference resolved them.
        Map<String, String> byIndex = new HashMap<>();
        Map<String, String> idx = titles(dir.resolve("item_index_to_movieid_inferred.tsv"), "\t", 0, 1, true, StandardCharsets.UTF_8);
        for (var e : idx.entrySet()) {
            String t = movieTitles.get(e.getValue());
            if (t != null) byIndex.put(e.getKey(), t);
        }
        return new Dataset("ml-1m", dir, r.interactions(), byIndex, r.summary());
    }

    public static Dataset lastFm(Path dir, ReadOptions options) {
        var r = InteractionReader.read(dir.resolve("user_artists.dat"), DelimitedFormat.lastFmUserArtists(),
                options.withDuplicates(Interactions.DuplicatePolicy.SUM));
        return new Dataset("lastfm", dir, r.interactions(), titles(dir.resolve("artists.dat"), "\t", 0, 1, true, StandardCharsets.UTF_8), r.summary());
    }

    /**
     * Reads an id-to-title map from a delimited file; a missing file gives an empty map, lines with
     * too few fields are ignored (titles are decoration, never a reason to fail).
     */
    public static Map<String, String> titles(Path file, String delim, int idCol, int titleCol, boolean header, Charset cs) {
        Map<String, String> m = new HashMap<>();
        if (!Files.isRegularFile(file)) return m;
        int need = Math.max(idCol, titleCol) + 1;
        String[] f = new String[need];
        try {
            List<String> lines = Files.readAllLines(file, cs);
            for (int k = header ? 1 : 0; k < lines.size(); k++) {
                String line = lines.get(k);
                if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
                if (line.isBlank()) continue;
                if (InteractionReader.split(line, false, delim, f, need) == null) m.put(f[idCol], f[titleCol]);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return m;
        }
        return m;
    }
}
