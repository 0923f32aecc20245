package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.DelimitedFormat;
import dev.sparsetrain.data.IdMap;
import dev.sparsetrain.data.InteractionReader;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.KnownDatasets;
import dev.sparsetrain.data.ReadOptions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.Splits;
import dev.sparsetrain.data.SyntheticImplicit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where implicit feedback comes from and how it is split: the built-in synthetic data, a named
 * dataset under {@code --data-root}, or a delimited file ({@code --delimiter}, {@code --columns},
 * {@code --header}, {@code --charset}, {@code --time-column}); {@code --threshold} and {@code --skip-malformed} filter it;
 * {@code --split}, {@code --test-fraction} and {@code --split-seed} split it. Mixed into
 * {@code sparsetrain train}, {@code evaluate}, {@code recommend} and {@code SparkBprMain}.
 * {@link #metadata()} records the settings in a model file so that {@code evaluate} and
 * {@code recommend} rebuild the same data and split. Not thread-safe (filled by picocli).
 */
public final class ImplicitDataOptions {
    /** Loaded implicit feedback with item titles (possibly empty) and a one-line description. */
    public record Loaded(String name, Interactions all, Map<String, String> titles, String summary) {
        public boolean hasTitles() { return titles != null && !titles.isEmpty(); }

        public String title(String rawItemId) {
            String t = titles.get(rawItemId);
            return t == null ? "" : t;
        }
    }

    @Option(names = "--data", defaultValue = "synthetic", paramLabel = "NAME|FILE",
            description = "synthetic (planted low-rank preferences, no files needed), ml-100k, ml-1m, lastfm, tiktok-diffmm (its own split; read from --data-root), "
                    + "or a delimited file of user, item[, weight] lines. Default: ${DEFAULT-VALUE}.")
    private String data;

    @picocli.CommandLine.Mixin
    private DataRootOption dataRoot = new DataRootOption();

    @Option(names = "--delimiter", defaultValue = "tab",
            description = "Field delimiter of a --data FILE: tab, comma, semicolon, pipe, whitespace, or a literal such as '::'. Default: ${DEFAULT-VALUE}.")
    private String delimiter;

    @Option(names = "--columns", defaultValue = "0,1,2", paramLabel = "U,I[,W]",
            description = "0-based columns of user, item and optional weight in a --data FILE (weight -1 or absent: every line weighs 1). Default: ${DEFAULT-VALUE}.")
    private String columns;

    @Option(names = "--time-column", paramLabel = "N",
            description = "0-based column of a whole-number timestamp (epoch seconds or any integer) in a --data FILE, for --split last/time-ratio. "
                    + "ml-100k and ml-1m's ratings.dat have theirs built in. Default: none.")
    private Integer timeColumn;

    @Option(names = "--header", description = "A --data FILE starts with a header line to skip. Default: false.")
    private boolean header;

    @Option(names = "--charset", defaultValue = "UTF-8", description = "Encoding of a --data FILE (e.g. ISO-8859-1). Default: ${DEFAULT-VALUE}.")
    private String charset;

    @Option(names = "--threshold", paramLabel = "W",
            description = "Count a pair as a positive only when its rating/weight is >= W. Default: none, every pair counts.")
    private Double threshold;

    @Option(names = "--skip-malformed", description = "Skip and count malformed lines instead of stopping at the first one. Default: false.")
    private boolean skipMalformed;

    @Option(names = "--split", defaultValue = "loo", paramLabel = "KIND",
            description = "loo (one random item per user held out), user-ratio (--test-fraction of each user's items), "
                    + "global-ratio (--test-fraction of all pairs), last (each user's latest item held out, ties to the higher item index; "
                    + "validation takes the latest remaining one), time-ratio (the latest --test-fraction of all pairs by time: a global cut, "
                    + "no future in training), or u1..u5/ua/ub (ML-100K official files). last and time-ratio need timestamps: "
                    + "ml-100k, ml-1m's ratings.dat, or a file with --time-column; given: the dataset's own train/val/test files "
                    + "(tiktok-diffmm, where it is the default). Default: ${DEFAULT-VALUE}.")
    private String split;

    @Option(names = "--test-fraction", defaultValue = "0.2", description = "Held-out fraction for the ratio splits. Default: ${DEFAULT-VALUE}.")
    private double testFraction;

    @Option(names = "--split-seed", defaultValue = "42", description = "Seed of the split. Default: ${DEFAULT-VALUE}.")
    private long splitSeed;

    @picocli.CommandLine.Mixin
    private SyntheticSizeOptions synthetic = new SyntheticSizeOptions(3000, 1500);

    @Option(names = "--synthetic-seed", defaultValue = "42", description = "Seed of the synthetic data. Default: ${DEFAULT-VALUE}.")
    private long syntheticSeed;

    /** The command this is mixed into (null when built by {@link #of}): tells which file-format options were typed. */
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    private picocli.CommandLine.Model.CommandSpec mixee;

    /** For picocli ({@code @Mixin}); the fields get their defaults when the command line is parsed. */
    public ImplicitDataOptions() {}

    /**
     * The options' defaults for {@code data} and {@code dataRoot} (null: the default root), for a
     * command that reads data without mixing these options in (e.g. {@code benchmark bpr}).
     */
    public static ImplicitDataOptions of(String data, Path dataRoot) {
        // picocli fills every other field from its @Option default, so the defaults are declared once
        ImplicitDataOptions d = new ImplicitDataOptions();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--data", data));
        if (dataRoot != null) args.addAll(java.util.List.of("--data-root", dataRoot.toString()));
        new picocli.CommandLine(d).parseArgs(args.toArray(String[]::new));
        return d;
    }

    /** {@code --data}: synthetic, a dataset name or a file. */
    public String data() { return data; }

    /** {@code --data-root} as given (null when not given); {@link #root()} resolves the default. */
    public Path dataRoot() { return dataRoot.given(); }

    public String delimiter() { return delimiter; }

    public String columns() { return columns; }

    public boolean header() { return header; }

    public String charset() { return charset; }

    /** {@code --time-column}, null when not given. */
    public Integer timeColumn() { return timeColumn; }

    /** {@code --threshold}, null when not given. */
    public Double threshold() { return threshold; }

    public boolean skipMalformed() { return skipMalformed; }

    /** {@code --split} as given (loo, user-ratio, global-ratio, last, time-ratio, u1..u5, ua, ub), or "given". */
    public String splitName() { return usesGivenSplit() ? "given" : split; }

    /** The dataset with train/val/test files of its own, read as they are (see {@link #loadGiven}). */
    static final String GIVEN = "tiktok-diffmm";

    /** After {@link #load} of a dataset with its own split: train+val, val, test, train (one index space). */
    private Interactions[] given;

    /** Whether {@code --data} names a dataset that comes with its own train/val/test split. */
    public boolean hasOwnSplit() { return data.equalsIgnoreCase(GIVEN); }

    /**
     * Whether the split is the dataset's own: {@code --split given}, or the default of a dataset
     * that has one (its files then decide, as the paper's protocol does; {@code --split loo} etc.
     * given explicitly re-split the union).
     */
    public boolean usesGivenSplit() {
        if (split.equalsIgnoreCase("given")) return true;
        if (!hasOwnSplit()) return false;
        var pr = mixee != null && mixee.commandLine() != null ? mixee.commandLine().getParseResult() : null;
        return pr == null || !pr.hasMatchedOption("--split");
    }

    /**
     * Reads tiktok-diffmm's {@code train.tsv}, {@code val.tsv} and {@code test.tsv} (0-based
     * {@code user<TAB>item}) into one index space (users and items = largest index + 1 over the
     * three). Training for the given split is train+val with val for early stopping, as VBPR's
     * reader does; items seen only in val/test are cold-start items.
     */
    private Loaded loadGiven() {
        Path dir = root().resolve(GIVEN);
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("dataset '" + GIVEN + "': folder " + dir + " not found (set --data-root or SPARSETRAIN_DATA)");
        }
        var tr = dev.sparsetrain.data.features.TiktokDiffmm.readPairs(dir.resolve("train.tsv"));
        var va = dev.sparsetrain.data.features.TiktokDiffmm.readPairs(dir.resolve("val.tsv"));
        var te = dev.sparsetrain.data.features.TiktokDiffmm.readPairs(dir.resolve("test.tsv"));
        int users = 0, items = 0;
        for (var p : java.util.List.of(tr, va, te)) {
            for (int u : p.users()) users = Math.max(users, u + 1);
            for (int i : p.items()) items = Math.max(items, i + 1);
        }
        var trainVal = union(tr, va);
        given = new Interactions[] {trainVal.toInteractions(users, items), va.toInteractions(users, items),
                te.toInteractions(users, items), tr.toInteractions(users, items)};
        Interactions all = union(trainVal, te).toInteractions(users, items);
        return new Loaded(GIVEN, all, Map.of(), String.format(Locale.ROOT,
                "%s: %d users x %d items; its own split: train %d, val %d, test %d pairs", GIVEN, users, items, tr.size(), va.size(), te.size()));
    }

    /** The pairs of {@code a} and {@code b}, each pair once. */
    private static dev.sparsetrain.data.features.FeatureDataset.Pairs union(dev.sparsetrain.data.features.FeatureDataset.Pairs a,
                                                                           dev.sparsetrain.data.features.FeatureDataset.Pairs b) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        int[] us = new int[a.size() + b.size()], is = new int[us.length];
        int n = 0;
        for (var p : java.util.List.of(a, b)) {
            for (int k = 0; k < p.size(); k++) {
                if (seen.add(((long) p.users()[k] << 32) | p.items()[k])) {
                    us[n] = p.users()[k];
                    is[n++] = p.items()[k];
                }
            }
        }
        return new dev.sparsetrain.data.features.FeatureDataset.Pairs(java.util.Arrays.copyOf(us, n), java.util.Arrays.copyOf(is, n));
    }

    public double testFraction() { return testFraction; }

    public long splitSeed() { return splitSeed; }

    public int syntheticUsers() { return synthetic.users(); }

    public int syntheticItems() { return synthetic.items(); }

    public long syntheticSeed() { return syntheticSeed; }

    /** The folder of the named datasets ({@link DataRootOption#root()}). */
    public Path root() { return dataRoot.root(); }

    /** NaN is ReadOptions' "no threshold", so --threshold NaN would silently count every pair. */
    private void requireFiniteThreshold() {
        if (threshold != null && !Double.isFinite(threshold)) {
            throw new BadInputException("--threshold " + threshold + ": must be a finite number (a pair counts when its weight is >= it)");
        }
    }

    public ReadOptions readOptions() {
        requireFiniteThreshold();
        ReadOptions r = ReadOptions.defaults().withSkipMalformed(skipMalformed);
        return threshold == null ? r : r.withThreshold(threshold);
    }

    public boolean isSynthetic() {
        return data.equalsIgnoreCase("synthetic");
    }

    /** Reads (or generates) the interactions; a missing file or a malformed line is refused in one line. */
    public Loaded load() {
        requireFiniteThreshold();
        if (hasOwnSplit()) return loadGiven();
        if (usesGivenSplit()) {
            throw new BadInputException("--split given: " + data + " has no split of its own (" + GIVEN + " has: train.tsv, val.tsv, test.tsv)");
        }
        if (timeColumn != null && (isSynthetic() || KnownDatasets.folderOf(data) != null)) {
            String f = KnownDatasets.folderOf(data);
            throw new BadInputException("--time-column " + timeColumn + ": applies to a --data FILE only; " + data
                    + (f == null || f.equals("lastfm-hetrec2011-2k") ? " has no timestamps"
                            : " reads its own timestamps (ml-100k's u.data; ml-1m's ratings.dat when that file is in its folder)"));
        }
        if ((isSynthetic() || KnownDatasets.folderOf(data) != null) && mixee != null && mixee.commandLine() != null) {
            var pr = mixee.commandLine().getParseResult();
            for (String o : new String[] {"--delimiter", "--columns", "--header", "--charset"}) {
                if (pr != null && pr.hasMatchedOption(o)) {
                    throw new BadInputException(o + ": applies to a --data FILE only; " + data
                            + (isSynthetic() ? " is generated, not read" : " is read in its own known format"));
                }
            }
        }
        if (isSynthetic() && threshold != null) {
            throw new BadInputException("--threshold " + threshold + ": applies to read data; synthetic pairs all weigh 1 and are generated, not filtered");
        }
        if (isSynthetic()) {
            SyntheticImplicit.Config base = SyntheticImplicit.Config.defaults().withSeed(syntheticSeed);
            int mean = Math.max(5, Math.min(base.meanItemsPerUser(), synthetic.items() / 2));
            var c = base.withSize(synthetic.users(), synthetic.items(), mean);
            var g = SyntheticImplicit.generate(c);
            return new Loaded("synthetic", g.interactions(), Map.of(),
                    String.format(Locale.ROOT, "synthetic: %d users x %d items, %d pairs (rank-%d planted preferences, Zipf %.1f popularity, seed %d)",
                            g.interactions().numUsers(), g.interactions().numItems(), g.interactions().size(), c.rank(), c.popularityExponent(), c.seed()));
        }
        if (KnownDatasets.folderOf(data) != null) {
            var d = KnownDatasets.load(data, root(), readOptions());
            return new Loaded(d.name(), d.interactions(), d.titles(), d.summary());
        }
        Path file = Path.of(data);
        if (!Files.exists(file)) {
            throw new BadInputException("--data '" + data + "': no such file, and not one of synthetic, " + String.join(", ", KnownDatasets.names()));
        }
        var r = InteractionReader.read(file, format(), readOptions());
        return new Loaded(file.getFileName().toString(), r.interactions(), Map.of(), r.summary());
    }

    /** The delimited format of a --data FILE ({@code --columns}, {@code --delimiter}, {@code --header}, {@code --charset}). */
    public DelimitedFormat format() {
        if (timeColumn != null && timeColumn < 0) {
            throw new BadInputException("--time-column " + timeColumn + ": must be a 0-based column number (>= 0)");
        }
        return DelimitedFormat.fromOptions(columns, delimiter, header, charset, timeColumn == null ? -1 : timeColumn);
    }

    /**
     * Splits {@code all} as {@code --split} says; an unknown kind, an official fold of other data, or
     * a temporal split ({@code last}, {@code time-ratio}) of data without timestamps is refused in
     * one line.
     */
    public Split split(Interactions all) {
        if (usesGivenSplit()) {
            if (given == null) throw new IllegalStateException("load() first");
            return new Split(given[0], given[2]);
        }
        if (Splits.isTemporal(split) && !all.hasTimes()) {
            throw new BadInputException("--split " + split + ": " + noTimesReason() + "; a temporal split needs timestamps "
                    + "(ml-100k, ml-1m with ratings.dat, or a --data FILE with --time-column N)");
        }
        Split random = Splits.byName(split, all, testFraction, splitSeed);
        if (random != null) return random;
        String s = split.toLowerCase(Locale.ROOT);
        if (s.matches("u[1-5]|ua|ub")) {
            if (KnownDatasets.folderOf(data) == null || !KnownDatasets.folderOf(data).equals("movielens-100k")) {
                throw new BadInputException("--split " + split + ": the official folds exist only for --data ml-100k");
            }
            Split off = Splits.movieLens100kOfficial(root().resolve("movielens-100k"), s, readOptions());
            return remap(off, all.users(), all.items());
        }
        throw new BadInputException("--split '" + split + "': use loo, user-ratio, global-ratio, last, time-ratio or u1..u5/ua/ub");
    }

    /**
     * The validation split (for early stopping) carved from {@code train} under this {@code --split}:
     * the latest remaining interaction of each user under {@code last} and {@code time-ratio}, a
     * random one (seeded by {@code --split-seed}) otherwise. See {@link Splits#validation(Interactions, long, String)}.
     */
    public Split validation(Interactions train) {
        if (usesGivenSplit() && given != null && train.size() == given[0].size()) return new Split(given[3], given[1]);
        return Splits.validation(train, splitSeed, split);
    }

    private String noTimesReason() {
        if (isSynthetic()) return "the synthetic data has no timestamps";
        String folder = KnownDatasets.folderOf(data);
        if (folder == null) return data + " was read without a time column (give --time-column N, 0-based)";
        return switch (folder) {
            case "lastfm-hetrec2011-2k" -> "lastfm has no timestamps (user_artists.dat holds play counts only)";
            case "movielens-1m" -> "ml-1m here has no timestamps (ratings.dat is absent from " + root().resolve(folder)
                    + "; ratings_no_timestamp.tsv was read)";
            default -> data + " has no timestamps";
        };
    }

    /** The settings that rebuild this data and split, stored in model metadata. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("data", data);
        if (dataRoot.given() != null) m.put("data-root", dataRoot.given().toString());
        if (!isSynthetic() && KnownDatasets.folderOf(data) == null) {
            m.put("delimiter", delimiter);
            m.put("columns", columns);
            m.put("header", Boolean.toString(header));
            m.put("charset", charset);
            if (timeColumn != null) m.put("time-column", Integer.toString(timeColumn));
        }
        if (threshold != null) m.put("threshold", threshold.toString());
        if (skipMalformed) m.put("skip-malformed", "true");
        m.put("split", splitName());
        m.put("test-fraction", Double.toString(testFraction));
        m.put("split-seed", Long.toString(splitSeed));
        if (isSynthetic()) {
            m.put("synthetic-users", Integer.toString(synthetic.users()));
            m.put("synthetic-items", Integer.toString(synthetic.items()));
            m.put("synthetic-seed", Long.toString(syntheticSeed));
        }
        return m;
    }

    /** Re-indexes a split onto the given id maps (pairs with unknown ids are dropped). */
    public static Split remap(Split s, IdMap users, IdMap items) {
        return new Split(remap(s.train(), users, items), remap(s.test(), users, items));
    }

    /** Re-indexes interactions onto the given id maps (pairs with unknown ids are dropped); the same object when the maps are its own. */
    public static Interactions remap(Interactions in, IdMap users, IdMap items) {
        return in.remap(users, items);
    }
}
