package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A click log too large for memory, split and encoded as {@link CtrFileSplit} splits a log that
 * fits, but kept on disk: the split is the same contiguous row ranges in file order (the first
 * {@code trainRows} good rows train, default 80% of the data lines; the next {@code testRows} test,
 * default the rest), so a streamed run and an in-memory run of the same file see the same rows.
 * The {@link FeatureEncoder} is fitted in one streaming pass over the training rows
 * ({@link EncoderFitter}); {@link #train} and {@link #test} then open background readers
 * ({@link CtrBlockReader}) of encoded blocks, as often as there are passes and evaluations.
 *
 * <p>Multi-valued columns (schema role multi) stream like single-valued ones: the blocks carry
 * their offsets ({@link #multiValued()}). Immutable after {@link #fit}; each reader is used by one thread.
 */
public final class CtrStreamSplit {
    /** Rows per encoded block handed from the reader thread to the trainer. */
    public static final int BLOCK_ROWS = 8192;
    /** Blocks the reader may queue ahead of the trainer. */
    public static final int QUEUE_BLOCKS = 8;

    private final Path file;
    private final CtrSchema schema;
    private final boolean skipBad;
    private final long trainRows, testRows, trainStartLine, trainEndLine;
    private final FeatureEncoder encoder;
    private final EncoderState state;
    private final String description;
    private final java.util.List<dev.sparsetrain.data.ScaleCheck.Wide> wideDense;

    private CtrStreamSplit(Path file, CtrSchema schema, boolean skipBad, long trainRows, long testRows, long trainStartLine, long trainEndLine,
                           FeatureEncoder encoder, EncoderState state, String description,
                           java.util.List<dev.sparsetrain.data.ScaleCheck.Wide> wideDense) {
        this.file = file;
        this.schema = schema;
        this.skipBad = skipBad;
        this.trainRows = trainRows;
        this.testRows = testRows;
        this.trainStartLine = trainStartLine;
        this.trainEndLine = trainEndLine;
        this.encoder = encoder;
        this.state = state;
        this.description = description;
        this.wideDense = wideDense;
    }

    /**
     * Fits the encoder in one pass over the training rows of {@code data} (and, when
     * {@code trainRows} or {@code testRows} is null, first counts the data lines); row counts out
     * of range are refused in one line naming {@code --train-rows} or {@code --test-rows}, bad rows
     * as {@link CtrReader} refuses them.
     *
     * @param countIds also count distinct ids under hashing (for the collision report)
     */
    public static CtrStreamSplit fit(Path data, String format, CtrSchema schema, boolean skipBad, Integer trainRows, Integer testRows,
                                     EncoderConfig encoding, boolean countIds) {
        CtrLogStream.check(data);
        long n = -1;
        if (trainRows == null || testRows == null) n = CtrLogStream.countDataLines(data, schema);
        if (n >= 0 && n < 2) throw new BadInputException(data + ": " + n + " data rows, need at least 2 (one to train, one to test)");
        long tr = trainRows != null ? trainRows : (long) (n * 0.8);
        if (tr < 1 || (n >= 0 && tr >= n)) {
            throw new BadInputException(Settings.name("trainRows") + " " + tr + ", must be in [1, " + (n >= 0 ? n - 1 : "rows - 1") + "]"
                    + (n >= 0 ? " (" + n + " data lines)" : ""));
        }
        long te = testRows != null ? testRows : n - tr;
        if (te < 1 || (n >= 0 && tr + te > n)) throw new BadInputException(Settings.name("testRows") + " " + te + ", must be in [1, " + (n >= 0 ? n - tr : "rows") + "]");
        return fitRange(data, format, schema, skipBad, 0, tr, te, n, String.format(Locale.ROOT, "train rows 1-%d, test rows %d-%d (file order)",
                tr, tr + 1, tr + te), encoding, countIds);
    }

    /**
     * {@link #fit(Path, String, CtrSchema, boolean, Integer, Integer, EncoderConfig, boolean)} for a
     * time split ({@link TimeSplit}, {@code --split-by}): the data lines are counted, the periods
     * cut as in memory (a time column: one more read of that column), and the training periods'
     * rows (which need not start at the first row) and the following period's stream. The periods
     * are cut over data lines, so every row must be good: {@code skipBad} is refused in one line.
     */
    public static CtrStreamSplit fit(Path data, String format, CtrSchema schema, boolean skipBad, TimeSplit split, EncoderConfig encoding,
                                     boolean countIds) {
        CtrLogStream.check(data);
        if (skipBad) {
            throw new BadInputException(Settings.name("splitBy") + " " + split.spec() + " with " + Settings.name("skipBad") + ": a streamed time split cuts "
                    + "its periods over the data lines, so every row must be good; drop " + Settings.name("skipBad") + " or " + Settings.name("stream"));
        }
        long n = CtrLogStream.countDataLines(data, schema);
        if (n < 2) throw new BadInputException(data + ": " + n + " data rows, need at least 2 (one to train, one to test)");
        if (n > Integer.MAX_VALUE - 1) throw new BadInputException(Settings.name("splitBy") + " " + split.spec() + ": " + data + " has " + n + " data lines, at most " + (Integer.MAX_VALUE - 1));
        TimeSplit.Periods p = split.periods(data, schema, (int) n);
        int[] r = split.rows(p, data);
        return fitRange(data, format, schema, skipBad, r[0], r[1] - r[0], r[3] - r[2], n, split.describe(p, r), encoding, countIds);
    }

    /**
     * Skips the first {@code skip} good rows, fits the encoder on the next {@code tr}; the test rows
     * are the {@code te} after them. {@code where} describes the split, {@code n} the data lines (-1: not counted).
     */
    private static CtrStreamSplit fitRange(Path data, String format, CtrSchema schema, boolean skipBad, long skip, long tr, long te, long n,
                                           String where, EncoderConfig encoding, boolean countIds) {
        EncoderFitter fitter;
        CtrSchema named;
        long startLine, endLine, skipped;
        String firstSkipped;
        java.util.List<dev.sparsetrain.data.ScaleCheck.Wide> wide = java.util.List.of();
        try (CtrLogStream in = new CtrLogStream(data, schema, skipBad)) {
            named = in.schema();
            for (long left = skip; left > 0; ) {
                CtrRawData b = in.next((int) Math.min(BLOCK_ROWS * 4L, left));
                if (b.rows() == 0) throw new BadInputException(data + ": ended after " + (skip - left) + " rows, before the training rows (row " + (skip + 1) + ")");
                left -= b.rows();
            }
            startLine = in.line();
            fitter = new EncoderFitter(encoding, named.sparseNames(), named.denseNames(), countIds);
            boolean first = true;
            while (fitter.rows() < tr) {
                // the first block is large enough for the scale check's sample
                int want = (int) Math.min(first ? 100_000 : BLOCK_ROWS * 4L, tr - fitter.rows());
                CtrRawData b = in.next(want);
                if (b.rows() == 0) {
                    throw new BadInputException(Settings.name("trainRows") + " " + tr + ", but " + data + " has only " + fitter.rows() + " good rows"
                            + (skip > 0 ? " after row " + skip : "") + (in.skipped() > 0 ? " (" + in.skipped() + " bad rows skipped)" : ""));
                }
                if (first) wide = FeatureEncoder.wideDenseColumns(b, encoding.dense());
                first = false;
                fitter.add(b);
            }
            endLine = in.line();
            skipped = in.skipped();
            firstSkipped = in.firstSkipped();
        }
        FeatureEncoder enc = fitter.finish();
        String desc = String.format(Locale.ROOT, "%s: streamed, %s; %s%s; %s", data, n >= 0 ? n + " data lines" : "rows not counted", where,
                skipped > 0 ? " (" + skipped + " bad training rows skipped, first: " + firstSkipped + ")" : "", encoding.describeIds());
        return new CtrStreamSplit(data, named, skipBad, tr, te, startLine, endLine, enc, new EncoderState(format.toLowerCase(Locale.ROOT), named, enc),
                desc, wide);
    }

    public Path file() { return file; }

    public long trainRows() { return trainRows; }

    /** Test rows asked for (fewer may follow when rows are skipped as bad). */
    public long testRows() { return testRows; }

    /** The file line of the last training row. */
    public long trainEndLine() { return trainEndLine; }

    public FeatureEncoder encoder() { return encoder; }

    /** Per sparse feature (encoder order): whether its column is multi-valued (schema role multi: several ids a row). */
    public boolean[] multiValued() {
        int[] cols = schema.sparseColumns();
        boolean[] out = new boolean[cols.length];
        for (int f = 0; f < cols.length; f++) out[f] = schema.roles()[cols[f]] == CtrSchema.Role.MULTI;
        return out;
    }

    public EncoderState state() { return state; }

    public String description() { return description; }

    /** The first block's dense columns that reach the model spanning orders of magnitude ({@link FeatureEncoder#wideDenseColumns}). */
    public java.util.List<dev.sparsetrain.data.ScaleCheck.Wide> wideDense() { return wideDense; }

    /** A reader of the training rows in file order (exactly {@link #trainRows()} of them from the first training row, or a one-line refusal). */
    public CtrBlockReader train() {
        return new CtrBlockReader(file, schema, skipBad, trainStartLine, trainRows, true, encoder, BLOCK_ROWS, QUEUE_BLOCKS);
    }

    /** A reader of the test rows in file order (up to {@link #testRows()}). */
    public CtrBlockReader test() {
        return new CtrBlockReader(file, schema, skipBad, trainEndLine, testRows, false, encoder, BLOCK_ROWS, QUEUE_BLOCKS);
    }
}
