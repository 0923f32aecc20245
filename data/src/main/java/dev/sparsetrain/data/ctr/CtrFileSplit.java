package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A click log split in file order: the first {@code trainRows} rows train (default 80%), the next
 * {@code testRows} test (default: the rest), both encoded by a {@link FeatureEncoder} fitted on the
 * training rows only. Shared by {@code ctr-train} and the Spark entry point, so that both read,
 * split and describe a file alike. Immutable.
 *
 * @param description where the rows came from (file, rows read and skipped, split, encoding), as stored in model files
 * @param state the encoder with its format and schema, for a model file that {@code ctr-predict} re-applies
 * @param wideDense the training rows' dense columns that reach the model spanning orders of
 *                  magnitude under the chosen transform ({@link FeatureEncoder#wideDenseColumns}),
 *                  for a command to warn about before training
 */
public record CtrFileSplit(CtrData train, CtrData test, String description, FeatureEncoder encoder, EncoderState state,
                           java.util.List<dev.sparsetrain.data.ScaleCheck.Wide> wideDense) {

    /** A split with no scale warnings. */
    public CtrFileSplit(CtrData train, CtrData test, String description, FeatureEncoder encoder, EncoderState state) {
        this(train, test, description, encoder, state, java.util.List.of());
    }

    /**
     * Reads {@code data} with {@code schema} ({@code format} names it in the saved state), splits
     * and encodes it; a file with fewer than 2 rows or an out-of-range row count is refused in one
     * line naming {@code --train-rows} or {@code --test-rows}.
     *
     * @param trainRows null for 80% of the rows
     * @param testRows null for all remaining rows
     */
    public static CtrFileSplit read(Path data, String format, CtrSchema schema, boolean skipBad, Integer trainRows, Integer testRows,
                                    EncoderConfig encoding) {
        CtrRawData raw = CtrReader.read(data, schema, skipBad, Integer.MAX_VALUE);
        int n = raw.rows();
        if (n < 2) {
            throw new BadInputException(data + ": " + n + " data rows" + (raw.skipped() > 0 ? " (" + raw.skipped() + " bad rows skipped)" : "")
                    + ", need at least 2 (one to train, one to test)");
        }
        int tr = trainRows != null ? trainRows : (int) (n * 0.8);
        if (tr < 1 || tr >= n) throw new BadInputException(Settings.name("trainRows") + " " + tr + ", must be in [1, " + (n - 1) + "] (" + n + " rows read)");
        int te = testRows != null ? testRows : n - tr;
        if (te < 1 || tr + te > n) throw new BadInputException(Settings.name("testRows") + " " + te + ", must be in [1, " + (n - tr) + "]");
        String where = String.format("train rows 1-%d, test rows %d-%d (file order)", tr, tr + 1, tr + te);
        return encode(data, format, schema, raw, 0, tr, tr, tr + te, where, encoding);
    }

    /**
     * Reads {@code data} and splits it in time ({@link TimeSplit}): training periods, then the
     * following period as the test set; too few periods are refused in one line.
     */
    public static CtrFileSplit read(Path data, String format, CtrSchema schema, boolean skipBad, TimeSplit split, EncoderConfig encoding) {
        CtrRawData raw = CtrReader.read(data, schema, skipBad, Integer.MAX_VALUE);
        int n = raw.rows();
        if (n < 2) {
            throw new BadInputException(data + ": " + n + " data rows" + (raw.skipped() > 0 ? " (" + raw.skipped() + " bad rows skipped)" : "")
                    + ", need at least 2 (one to train, one to test)");
        }
        TimeSplit.Periods p = split.periods(data, schema, n);
        int[] r = split.rows(p, data);
        return encode(data, format, schema, raw, r[0], r[1], r[2], r[3], split.describe(p, r), encoding);
    }

    private static CtrFileSplit encode(Path data, String format, CtrSchema schema, CtrRawData raw, int trFrom, int trTo, int teFrom, int teTo,
                                       String where, EncoderConfig encoding) {
        CtrRawData trainRaw = raw.slice(trFrom, trTo), testRaw = raw.slice(teFrom, teTo);
        FeatureEncoder enc = FeatureEncoder.fit(trainRaw, encoding);
        String desc = String.format("%s: %d rows read%s; %s; %s", data, raw.rows(),
                raw.skipped() > 0 ? " (" + raw.skipped() + " bad rows skipped, first: " + raw.firstSkipped() + ")" : "", where,
                encoding.describeIds());
        return new CtrFileSplit(enc.encode(trainRaw), enc.encode(testRaw), desc, enc,
                new EncoderState(format.toLowerCase(Locale.ROOT), schema, enc), FeatureEncoder.wideDenseColumns(trainRaw, encoding.dense()));
    }
}
