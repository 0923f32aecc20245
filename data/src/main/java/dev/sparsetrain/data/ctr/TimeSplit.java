package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A time split of a click log, the protocol of the SparseNN multi-pass study ("train on day N,
 * test on day N+1", as production models are judged): the rows are cut into consecutive
 * <em>periods</em> and the model trains on {@code trainPeriods} of them starting at period
 * {@code trainFrom} (1-based) and tests on the one period that follows.
 *
 * <p>Periods come from one of two sources:
 * <ul>
 *   <li>a time column ({@code --split-by hour}): each run of rows with one value of the column is a
 *       period. Avazu's {@code hour} is {@code YYMMDDHH}; {@code --split-by hour:day} keys on its
 *       first six characters ({@code YYMMDD}), so a period is a day. The rows of one value must be
 *       contiguous (the file in time order, as Avazu's is); a value that comes back after another
 *       is refused in one line;
 *   <li>contiguous row ranges ({@code --split-by rows:K}): period p holds rows
 *       {@code (p-1)K+1 .. pK}, the last one possibly shorter. For Criteo, whose logs carry no time
 *       column: the Display Advertising Challenge's training file holds 7 days of traffic and its
 *       README describes the rows as chronologically ordered (see the Criteo head's SOURCE.md), so
 *       row ranges stand for days.
 * </ul>
 * Immutable.
 *
 * @param spec         the {@code --split-by} text, for messages
 * @param column       the time column's name, or null for row ranges
 * @param dayOfHour    key on the value without its last two characters ({@code YYMMDDHH -> YYMMDD})
 * @param rowsPerPeriod rows per period for row ranges (0 for a column)
 * @param trainFrom    first training period, 1-based
 * @param trainPeriods number of training periods (>= 1)
 */
public record TimeSplit(String spec, String column, boolean dayOfHour, int rowsPerPeriod, int trainFrom, int trainPeriods) {

    public TimeSplit {
        if (trainFrom < 1) throw new BadInputException(Settings.name("trainPeriod") + " " + trainFrom + ", must be >= 1");
        if (trainPeriods < 1) throw new BadInputException(Settings.name("trainPeriods") + " " + trainPeriods + ", must be >= 1");
    }

    /**
     * Parses {@code --split-by}: {@code COLUMN}, {@code COLUMN:day} or {@code rows:K}; a bad value
     * is refused in one line naming the allowed forms.
     */
    public static TimeSplit parse(String splitBy, int trainFrom, int trainPeriods) {
        String s = splitBy.strip();
        String allowed = "allowed: COLUMN (a time column, e.g. hour), COLUMN:day (YYMMDDHH keyed by day) or rows:K (periods of K rows)";
        if (s.isEmpty()) throw new BadInputException(Settings.name("splitBy") + " '': " + allowed);
        int colon = s.lastIndexOf(':');
        if (s.toLowerCase(Locale.ROOT).startsWith("rows:")) {
            int k;
            try {
                k = Integer.parseInt(s.substring(5).strip());
            } catch (NumberFormatException e) {
                k = -1;
            }
            if (k < 1) throw new BadInputException(Settings.name("splitBy") + " '" + splitBy + "': rows:K needs a whole number K >= 1 of rows per period");
            return new TimeSplit(s, null, false, k, trainFrom, trainPeriods);
        }
        if (colon >= 0) {
            String unit = s.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            if (!unit.equals("day") || colon == 0) throw new BadInputException(Settings.name("splitBy") + " '" + splitBy + "': " + allowed);
            return new TimeSplit(s, s.substring(0, colon).strip(), true, 0, trainFrom, trainPeriods);
        }
        return new TimeSplit(s, s, false, 0, trainFrom, trainPeriods);
    }

    /** The cut of a file into periods: {@code starts[p]} is the first row of period p (0-based), with {@code rows} at the end. */
    public record Periods(int[] starts, String[] keys, String unit) {
        public int count() { return keys.length; }
    }

    /**
     * The periods of {@code rows} data rows of {@code file} read with {@code schema}. For a column
     * the file is read once more for that column only (the reader skips it as a feature).
     */
    public Periods periods(Path file, CtrSchema schema, int rows) {
        if (column == null) {
            int p = (int) ((rows + (long) rowsPerPeriod - 1) / rowsPerPeriod);
            int[] st = new int[p + 1];
            String[] keys = new String[p];
            for (int i = 0; i < p; i++) {
                st[i] = i * rowsPerPeriod;
                keys[i] = Integer.toString(i + 1);
            }
            st[p] = rows;
            return new Periods(st, keys, "day of " + rowsPerPeriod + " rows");
        }
        return columnPeriods(file, schema, rows);
    }

    private Periods columnPeriods(Path file, CtrSchema schema, int rows) {
        String delim = String.valueOf(schema.delimiter());
        List<Integer> starts = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int idx = -1;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long lineNo = 0;
            int row = 0;
            String prev = null;
            String[] names = schema.names();
            if (schema.header()) {
                line = in.readLine();
                lineNo++;
                if (line != null) names = stripCr(line).split(java.util.regex.Pattern.quote(delim), -1);
            }
            for (int c = 0; c < names.length; c++) if (names[c].strip().replace("\"", "").equals(column)) idx = c;
            if (idx < 0) {
                throw new BadInputException(Settings.name("splitBy") + " " + spec + ": " + file + " has no column '" + column + "'; columns: "
                        + String.join(", ", names));
            }
            while ((line = in.readLine()) != null) {
                lineNo++;
                line = stripCr(line);
                if (line.isEmpty()) continue;
                String v = field(line, schema.delimiter(), idx);
                if (v == null) {
                    throw new BadInputException(file + ":" + lineNo + ": no field " + (idx + 1) + " ('" + column + "') for " + Settings.name("splitBy"));
                }
                v = v.strip();
                if (dayOfHour) {
                    if (v.length() < 3) {
                        throw new BadInputException(file + ":" + lineNo + ": " + column + " '" + v + "' for " + Settings.name("splitBy") + " " + spec
                                + ", expected YYMMDDHH");
                    }
                    v = v.substring(0, v.length() - 2);
                }
                if (!v.equals(prev)) {
                    if (!seen.add(v)) {
                        throw new BadInputException(file + ":" + lineNo + ": " + column + " '" + v + "' comes back after '" + prev
                                + "'; " + Settings.name("splitBy") + " " + spec + " needs the rows of each period together (the file in time order)");
                    }
                    starts.add(row);
                    keys.add(v);
                    prev = v;
                }
                row++;
            }
            if (row != rows) {
                throw new BadInputException(file + ": " + row + " data lines but " + rows + " rows read (bad rows skipped?); " + Settings.name("splitBy") + " "
                        + spec + " needs every row; fix the file or use " + Settings.name("splitBy") + " rows:K");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] st = new int[starts.size() + 1];
        for (int i = 0; i < starts.size(); i++) st[i] = starts.get(i);
        st[starts.size()] = rows;
        return new Periods(st, keys.toArray(new String[0]), (dayOfHour ? "day of " : "value of ") + column);
    }

    private static String stripCr(String line) {
        return !line.isEmpty() && line.charAt(line.length() - 1) == '\r' ? line.substring(0, line.length() - 1) : line;
    }

    /** Field {@code idx} of {@code line}, or null when it has fewer fields. */
    static String field(String line, char delim, int idx) {
        int from = 0;
        for (int f = 0; f < idx; f++) {
            int d = line.indexOf(delim, from);
            if (d < 0) return null;
            from = d + 1;
        }
        int to = line.indexOf(delim, from);
        return line.substring(from, to < 0 ? line.length() : to);
    }

    /**
     * The training rows {@code [from, to)} and test rows of {@code periods}: training periods
     * {@code trainFrom .. trainFrom + trainPeriods - 1}, test the period after; refused in one line
     * when the file has too few periods (a file of one hour names the row split instead).
     *
     * @return {train from, train to, test from, test to}
     */
    public int[] rows(Periods p, Path file) {
        int last = trainFrom + trainPeriods - 1;   // 1-based last training period
        if (p.count() < 2) {
            throw new BadInputException(Settings.name("splitBy") + " " + spec + ": every row of " + file + " has one " + (column == null ? "period" : column
                    + (dayOfHour ? " day" : "") + " ('" + p.keys()[0] + "')") + ", a time split needs at least 2; use " + Settings.name("splitBy") + " rows:K"
                    + " (contiguous row ranges as periods, for a file in time order)");
        }
        if (last + 1 > p.count()) {
            throw new BadInputException(String.format(Locale.ROOT, Settings.name("splitBy") + " %s: %d periods; " + Settings.name("trainPeriod") + " %d with " + Settings.name("trainPeriods") + " %d"
                    + " leaves no following period to test on (need train-period + train-periods <= %d)", spec, p.count(), trainFrom,
                    trainPeriods, p.count()));
        }
        return new int[] {p.starts()[trainFrom - 1], p.starts()[last], p.starts()[last], p.starts()[last + 1]};
    }

    /** "train day 1 (rows 1-5000), test the following day 2 (rows 5001-9999)" and how periods were cut. */
    public String describe(Periods p, int[] r) {
        int last = trainFrom + trainPeriods - 1;
        String train = trainPeriods == 1 ? "period " + p.keys()[trainFrom - 1] : "periods " + p.keys()[trainFrom - 1] + ".." + p.keys()[last - 1];
        return String.format(Locale.ROOT, "time split by %s (%d periods, each a %s%s): train %s (rows %d-%d), test the following period %s (rows %d-%d)",
                spec, p.count(), p.unit(), column == null ? "; the file taken to be in time order" : "", train, r[0] + 1, r[1], p.keys()[last],
                r[2] + 1, r[3]);
    }
}
