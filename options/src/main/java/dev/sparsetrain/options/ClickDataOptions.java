package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrFileSplit;
import dev.sparsetrain.data.ctr.CtrSchema;
import dev.sparsetrain.data.ctr.DenseTransform;
import dev.sparsetrain.data.ctr.DynamicIdConfig;
import dev.sparsetrain.data.ctr.IdMode;
import dev.sparsetrain.data.ctr.IdSpec;
import dev.sparsetrain.data.ctr.EncoderConfig;
import dev.sparsetrain.data.ctr.EncoderState;
import dev.sparsetrain.data.ctr.FeatureEncoder;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.data.ctr.TimeSplit;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where click-model rows come from and how they are encoded: a click log ({@code --data} with
 * {@code --format} criteo, avazu or schema), split in file order ({@code --train-rows},
 * {@code --test-rows}) or in time ({@code --split-by}, {@code --train-period}, {@code --train-periods}: {@link TimeSplit}), hashed or mapped by vocabulary ({@code --buckets}, {@code --min-count}),
 * dense features transformed ({@code --dense}); or, without {@code --data}, synthetic rows with a
 * planted click model ({@code --synthetic-rows}, {@code --synthetic-shape}). Options that only apply
 * to the other source are refused, not ignored. Mixed into {@code sparsetrain ctr-train},
 * {@code experiment sparsenn-passes} and {@code SparkCtrMain}. Not thread-safe (filled by picocli).
 */
public final class ClickDataOptions {
    /**
     * Encoded train and test rows with a description of where they came from; the encoder and its
     * state (null for synthetic data), and the planted click probabilities of the test rows (null for a file).
     */
    public record Split(CtrData train, CtrData test, String description, FeatureEncoder encoder, float[] plantedTestProbability,
                        EncoderState state) {}

    @Option(names = "--data", paramLabel = "FILE", description = "Click log to read. Default: none, synthetic data with a planted click model (see --synthetic-rows).")
    private Path data;

    @Option(names = "--format", defaultValue = "criteo", description = "criteo (TSV), avazu (CSV with header) or schema (see --schema). Default: avazu when the file starts with Avazu's header (id,click,hour,...), else ${DEFAULT-VALUE}.")
    private String format;

    @Option(names = "--schema", description = "Column roles for --format schema, e.g. 'label,dense*13,sparse*26' (roles: label, dense, sparse, multi, skip). Required with --format schema; no default.")
    private String schema;

    @Option(names = "--delimiter", defaultValue = "\t", description = "Field delimiter for --format schema: one character, or tab, comma, pipe, semicolon. Default: tab.")
    private String delimiter;

    @Option(names = "--header", description = "The --format schema file has a header line.")
    private boolean header;

    @picocli.CommandLine.Mixin
    private SkipBadOption skipBad = new SkipBadOption();

    @Option(names = "--train-rows", description = "First N rows train (file order). Default: 80%% of the rows.")
    private Integer trainRows;

    @Option(names = "--test-rows", description = "The next M rows test. Default: all remaining rows.")
    private Integer testRows;

    @Option(names = "--split-by", paramLabel = "COLUMN|COLUMN:day|rows:K", description = "Time split (train on period N, test on period N+1, "
            + "the multi-pass study's protocol): COLUMN = each value of a time column is a period (Avazu: hour, YYMMDDHH), COLUMN:day = "
            + "its day (YYMMDD), rows:K = contiguous ranges of K rows (Criteo has no time column; its rows are in time order). "
            + "Replaces --train-rows/--test-rows. Default: none (file-order split).")
    private String splitBy;

    @Option(names = "--train-period", defaultValue = "1", description = "With --split-by: first training period (1-based). Default: ${DEFAULT-VALUE}.")
    private int trainPeriod;

    @Option(names = "--train-periods", defaultValue = "1", description = "With --split-by: training periods; the test period is the one after them. Default: ${DEFAULT-VALUE}.")
    private int trainPeriods;

    @Option(names = "--buckets", defaultValue = "100000", description = "Rows per sparse feature table (hashing), or vocabulary cap. Default: ${DEFAULT-VALUE}.")
    private int buckets;

    @Option(names = "--min-count", defaultValue = "0", description = "0 = hashing trick; N >= 1 = vocabulary of ids seen at least N times in training, others share one row. Default: ${DEFAULT-VALUE}.")
    private int minCount;

    @Option(names = "--ids", paramLabel = "MODES", description = "How sparse ids become rows: hash (hashing into --buckets rows), vocab (a "
            + "vocabulary of ids seen --min-count times, capped at --buckets), dynamic (a collisionless id -> row table of --buckets rows "
            + "filled while training, with --admit-after and --evict; Monolith-style), or per feature, e.g. 'hash,C3=dynamic,C12=dynamic' "
            + "(the bare mode is the default). Default: hash, or vocab when --min-count >= 1.")
    private String ids;

    @picocli.CommandLine.Mixin
    private DynamicIdOptions dynamicOptions = new DynamicIdOptions();

    @Option(names = "--dense", defaultValue = "log1p", description = "Dense transform: none, log1p, standardize, log1p_standardize. Default: ${DEFAULT-VALUE}.")
    private String dense;

    @picocli.CommandLine.Mixin
    private SyntheticRowsOption syntheticRows = new SyntheticRowsOption(100_000);

    @Option(names = "--synthetic-shape", defaultValue = "study", description = "study (one user and one ad feature, 20,000 ids each, as in the SparseNN study) or criteo (26 sparse x --buckets ids, 13 dense). Default: ${DEFAULT-VALUE}.")
    private String syntheticShape;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    /**
     * {@code --ids}, {@code --admit-after} and {@code --evict} as an {@link IdSpec}; options for
     * dynamic tables without a dynamic feature, and bad values, are refused in one line.
     */
    public IdSpec idSpec() {
        DynamicIdConfig dyn = dynamicOptions.config(buckets);
        IdSpec spec = ids == null ? IdSpec.legacy(minCount) : IdSpec.parse(ids, dyn);
        if (!spec.uses(IdMode.DYNAMIC)) {
            for (String o : new String[] {"--admit-after", "--evict"}) {
                if (given(o)) throw new BadInputException(o + " applies to dynamic tables, but no feature is dynamic (use --ids dynamic or e.g. --ids hash,C3=dynamic)");
            }
        }
        if (ids != null && minCount > 0 && !spec.uses(IdMode.VOCAB)) {
            throw new BadInputException("--min-count " + minCount + " applies to vocab features, but --ids '" + ids + "' has none");
        }
        return spec;
    }

    /**
     * Refuses {@code --ids} with a dynamic feature in one line, for a trainer that has no dynamic
     * tables (it would otherwise train on the dynamic features' hashed fallback rows without
     * saying so); {@code who} names it, e.g. "SparkCtrMain".
     */
    public void refuseDynamicIds(String who) {
        if (ids != null && idSpec().uses(IdMode.DYNAMIC)) {
            throw new BadInputException("--ids " + ids + ": " + who + " has no dynamic embedding tables; use hash or vocab (ctr-train has dynamic tables)");
        }
    }

    /**
     * The dynamic table settings per feature of data loaded by {@link #load} (null entries for
     * hashed and vocabulary features; null when no feature is dynamic), for
     * {@code new SparseNN(..., dynamic)}: capacity = the feature's table rows.
     */
    public DynamicIdConfig[] dynamicTables(CtrData train) {
        if (!train.hasDynamic()) return null;
        DynamicIdConfig base = idSpec().dynamic();
        DynamicIdConfig[] out = new DynamicIdConfig[train.numSparse()];
        for (int f = 0; f < out.length; f++) if (train.isDynamic(f)) out[f] = base.withCapacity(train.tableRows()[f]);
        return out;
    }

    /** {@code --buckets}: rows per sparse feature table. */
    public int buckets() { return buckets; }

    private boolean given(String option) {
        return mixee != null && mixee.commandLine() != null && mixee.commandLine().getParseResult() != null
                && mixee.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** Options that only make sense for a file, or only for synthetic data, are refused rather than silently ignored. */
    private void refuseIgnoredOptions() {
        if (data == null) {
            for (String o : new String[] {"--format", "--schema", "--delimiter", "--header", "--skip-bad", "--train-rows", "--test-rows",
                    "--split-by", "--train-period", "--train-periods", "--min-count", "--dense"}) {
                if (given(o)) {
                    throw new BadInputException(o + " applies to a click log given with --data; without --data the rows are synthetic"
                            + " (see --synthetic-rows, --synthetic-shape)");
                }
            }
        } else {
            for (String o : new String[] {"--synthetic-rows", "--synthetic-shape"}) {
                if (given(o)) throw new BadInputException(o + " applies to synthetic data only, but --data " + data + " was given");
            }
        }
    }

    /** Reads and encodes the click log (or generates the synthetic rows with {@code seed}); bad options or rows are refused in one line. */
    public Split load(long seed) {
        refuseIgnoredOptions();
        if (data == null) return synthetic(seed);
        String fmt = resolvedFormat();
        CtrSchema s = schema(fmt, schema, delimiter, header);
        TimeSplit ts = timeSplit();   // refuses --train-period(s) without --split-by, and --train-rows beside it
        var f = ts == null ? CtrFileSplit.read(data, fmt, s, skipBad.on(), trainRows, testRows, encoder())
                : CtrFileSplit.read(data, fmt, s, skipBad.on(), ts, encoder());
        // seed 003's scale warning: one line per dense column that would reach the model spanning orders of magnitude
        warnWide(f.wideDense());
        return new Split(f.train(), f.test(), f.description(), f.encoder(), null, f.state());
    }

    /** Seed 003's scale warning: one line on stderr per dense column that would reach the model spanning orders of magnitude. */
    private void warnWide(java.util.List<dev.sparsetrain.data.ScaleCheck.Wide> wide) {
        for (var w : wide) System.err.println("sparsetrain: warning: " + data + ": " + w.describe("use --dense log1p (or log1p_standardize)"));
    }

    /** {@code --split-by} with its periods, refusing the file-order options beside it; null without {@code --split-by}. */
    public TimeSplit timeSplit() {
        if (splitBy == null) {
            for (String o : new String[] {"--train-period", "--train-periods"}) {
                if (given(o)) throw new BadInputException(o + " applies with --split-by only");
            }
            return null;
        }
        for (String o : new String[] {"--train-rows", "--test-rows"}) {
            if (given(o) || (o.equals("--train-rows") ? trainRows != null : testRows != null)) {
                throw new BadInputException(o + " and --split-by " + splitBy + " both given: the time split chooses the rows; drop one");
            }
        }
        return TimeSplit.parse(splitBy, trainPeriod, trainPeriods);
    }

    /**
     * The format of a click log whose {@code --format} was not given: "avazu" when its first line is
     * Avazu's header ({@code id,click,hour,...}), else {@code fallback} (criteo). Files that cannot be
     * read here (missing, a directory) keep the fallback, and the reader reports them.
     */
    static String detectFormat(Path file, String fallback) {
        if (!java.nio.file.Files.isRegularFile(file)) return fallback;
        try (var r = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            String first = r.readLine();
            if (first != null && first.toLowerCase(Locale.ROOT).replace("\"", "").startsWith("id,click,")) return "avazu";
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return fallback;   // unreadable or not UTF-8: the reader names the problem
        }
        return fallback;
    }

    /** The reader schema of {@code --format} (with {@code --schema}, {@code --delimiter}, {@code --header} for "schema"). */
    public static CtrSchema schema(String format, String schema, String delimiter, boolean header) {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "criteo" -> CtrSchema.criteo();
            case "avazu" -> CtrSchema.avazu();
            case "schema" -> {
                if (schema == null) throw new BadInputException("--format schema needs --schema, e.g. 'label,dense*13,sparse*26'");
                String d = dev.sparsetrain.data.DelimitedFormat.parseDelimiter(delimiter);   // tab, comma, pipe, semicolon as in train
                if (d.length() != 1) {
                    throw new BadInputException("--delimiter '" + delimiter + "', must be one character or tab, comma, pipe, semicolon");
                }
                yield CtrSchema.parse(schema, d.charAt(0), header, '|');
            }
            default -> throw new BadInputException("--format '" + format + "', allowed: criteo, avazu, schema");
        };
    }

    /** The encoder settings of {@code --dense}, {@code --buckets} and {@code --min-count}. */
    public EncoderConfig encoder() {
        DenseTransform t;
        try {
            t = DenseTransform.valueOf(dense.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--dense '" + dense + "', allowed: none, log1p, standardize, log1p_standardize");
        }
        if (buckets < 1) throw new BadInputException("--buckets " + buckets + ", must be >= 1");
        if (minCount < 0) throw new BadInputException("--min-count " + minCount + ", must be >= 0");
        IdSpec spec = idSpec();
        // --ids vocab without --min-count: every id seen in training gets a row (minimum count 1)
        int mc = spec.uses(IdMode.VOCAB) ? Math.max(1, minCount) : minCount;
        return new EncoderConfig(t, buckets, mc, 0, spec);
    }

    /** Synthetic (exact) ids under {@code spec}: hashed into {@code --buckets} rows, or raw ids of dynamic tables of that many rows. */
    private CtrData syntheticIds(CtrData d, IdSpec spec) {
        if (buckets < 2) throw new BadInputException("--buckets " + buckets + ", must be >= 2 with --ids");
        boolean[] dyn = new boolean[d.numSparse()];
        for (String named : spec.perFeature().keySet()) {
            if (!java.util.Arrays.asList(d.names()).contains(named)) {
                throw new BadInputException("--ids names feature '" + named + "', the synthetic features are " + String.join(", ", d.names()));
            }
        }
        CtrData h = d.hashed(buckets, 0);
        for (int f = 0; f < dyn.length; f++) dyn[f] = spec.modeOf(d.names()[f]) == IdMode.DYNAMIC;
        // hashed features from h, dynamic ones keep their exact ids as raw ids
        CtrData dd = d.withDynamicIds(dyn, buckets, 0);
        int[][] idsOut = new int[dyn.length][];
        for (int f = 0; f < dyn.length; f++) idsOut[f] = dyn[f] ? dd.ids()[f] : h.ids()[f];
        int[] rows = new int[dyn.length];
        java.util.Arrays.fill(rows, buckets);
        return new CtrData(d.names(), d.denseNames(), d.rows(), d.labels(), d.dense(), rows, d.offsets(), idsOut, dd.rawIds());
    }

    /** {@code --data}, or null for synthetic rows. */
    public Path dataFile() { return data; }

    /**
     * Bytes an in-memory read of {@code --data} would hold at its peak, estimated from the file's
     * size and its first lines: rows x (2 x the raw row, as read and as sliced, plus the encoded
     * row), about 680 bytes a Criteo row; -1 without {@code --data} or when the file cannot be read.
     */
    public long estimatedInMemoryBytes() {
        if (data == null || !java.nio.file.Files.isRegularFile(data)) return -1;
        CtrSchema s = streamSchema();
        int nd = s.denseColumns().length, ns = s.sparseColumns().length;
        long raw = 1 + 4L * nd + 8L * ns, encoded = 1 + 4L * nd + 4L * ns;
        return dev.sparsetrain.data.ctr.CtrLogStream.estimateRows(data) * (2 * raw + encoded);
    }

    /** The format and schema of {@code --data} as {@link #load} resolves them (options for the other source refused). */
    private CtrSchema streamSchema() {
        refuseIgnoredOptions();
        return schema(resolvedFormat(), schema, delimiter, header);
    }

    /**
     * {@code --format} of {@code --data}, recognised from the file's first line when not given (a
     * {@code --config} file may set it); the schema options are refused for a format with fixed columns.
     */
    private String resolvedFormat() {
        String fmt = given("--format") || !format.equalsIgnoreCase("criteo") ? format : detectFormat(data, format);
        if (!fmt.equalsIgnoreCase("schema")) {
            for (String o : new String[] {"--schema", "--delimiter", "--header"}) {
                if (given(o)) {
                    throw new BadInputException(o + " applies to --format schema only; " + data + " is read as " + fmt.toLowerCase(Locale.ROOT)
                            + (fmt.equalsIgnoreCase(format) ? "" : " (recognised from its first line)") + ", whose columns are fixed");
                }
            }
        }
        return fmt;
    }

    /**
     * The click log of {@code --data} split like {@link #load} splits it (same row ranges, in file
     * order or in time with {@code --split-by}), but left on disk: the encoder fitted in one streaming pass over the training rows
     * ({@link dev.sparsetrain.data.ctr.CtrStreamSplit}); scale warnings on stderr as {@link #load}.
     *
     * @param countIds also count distinct ids under hashing (the collision report)
     */
    public dev.sparsetrain.data.ctr.CtrStreamSplit stream(boolean countIds) {
        if (data == null) throw new BadInputException("--stream reads a click log given with --data");
        refuseIgnoredOptions();
        String fmt = resolvedFormat();
        TimeSplit ts = timeSplit();   // refuses --train-period(s) without --split-by, and --train-rows beside it
        CtrSchema s = schema(fmt, schema, delimiter, header);
        var f = ts == null ? dev.sparsetrain.data.ctr.CtrStreamSplit.fit(data, fmt, s, skipBad.on(), trainRows, testRows, encoder(), countIds)
                : dev.sparsetrain.data.ctr.CtrStreamSplit.fit(data, fmt, s, skipBad.on(), ts, encoder(), countIds);
        warnWide(f.wideDense());
        return f;
    }

    private Split synthetic(long seed) {
        int rows = syntheticRows.rows();
        if (rows < 10) throw new BadInputException("--synthetic-rows " + rows + ", must be >= 10");
        SyntheticCtr.Config c = switch (syntheticShape.toLowerCase(Locale.ROOT)) {
            case "study" -> SyntheticCtr.Config.study(seed);
            case "criteo" -> SyntheticCtr.Config.criteoShaped(buckets, seed);
            default -> throw new BadInputException("--synthetic-shape '" + syntheticShape + "', allowed: study, criteo");
        };
        SyntheticCtr gen = new SyntheticCtr(c);
        SyntheticCtr.Sample tr = gen.generate(rows, seed + 1), te = gen.generate(Math.max(5, rows / 2), seed + 2);
        String desc = String.format("synthetic (%s shape): %d sparse features x %d power-law ids (Zipf %.2f), %d dense, planted "
                + "FM click model of rank %d; %d train rows, %d test rows, seed %d", syntheticShape, c.numSparse(), c.cardinality(),
                c.zipfExponent(), c.numDense(), c.latentDim(), tr.data().rows(), te.data().rows(), seed);
        if (ids == null) return new Split(tr.data(), te.data(), desc, null, te.probability(), null);
        // the planted ids are exact: --ids hash hashes them into --buckets rows, dynamic gives them dynamic tables of --buckets rows
        IdSpec spec = idSpec();
        if (spec.uses(IdMode.VOCAB)) throw new BadInputException("--ids vocab applies to a click log given with --data; synthetic ids are exact already");
        CtrData trd = syntheticIds(tr.data(), spec), ted = syntheticIds(te.data(), spec);   // as many rows as generated
        desc += String.format("; --ids %s, %d rows per table%s", spec.format(), buckets,
                spec.uses(IdMode.DYNAMIC) ? " (" + spec.dynamic().withCapacity(buckets) + ")" : "");
        return new Split(trd, ted, desc, null, te.probability(), null);
    }
}
