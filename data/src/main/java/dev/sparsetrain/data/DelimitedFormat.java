package dev.sparsetrain.data;

import dev.sparsetrain.core.Settings;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How to read interactions from a delimited text file: the delimiter, which (0-based) columns hold
 * the user, the item, an optional weight and an optional timestamp, whether the first line is a
 * header, and the charset.
 *
 * <p>The delimiter is a literal string ({@code "\t"}, {@code "::"}, {@code ","}), or
 * {@code "whitespace"} for runs of spaces and tabs. Carriage returns at line ends are stripped, and
 * blank lines and lines starting with {@code #} are ignored.
 *
 * @param delimiter    literal delimiter or "whitespace"
 * @param userColumn   0-based column of the user id
 * @param itemColumn   0-based column of the item id
 * @param weightColumn 0-based column of the rating or count, or -1 for none (weight 1)
 * @param header       whether the first line is a header to skip
 * @param charset      text encoding
 * @param timeColumn   0-based column of a whole-number timestamp (epoch seconds or any {@code long}),
 *                     or -1 for none; read into {@link Interactions#times()} for the temporal splits
 */
public record DelimitedFormat(String delimiter, int userColumn, int itemColumn, int weightColumn, boolean header, Charset charset,
                              int timeColumn) {

    public static final String WHITESPACE = "whitespace";

    public DelimitedFormat {
        Objects.requireNonNull(delimiter, "delimiter");
        Objects.requireNonNull(charset, "charset");
        if (delimiter.isEmpty()) throw new dev.sparsetrain.core.BadInputException("delimiter: empty, give a literal such as '\\t', ',', '::' or 'whitespace'");
        if (userColumn < 0 || itemColumn < 0 || userColumn == itemColumn) {
            throw new dev.sparsetrain.core.BadInputException("columns: user=" + userColumn + " item=" + itemColumn
                    + ", must be distinct and >= 0");
        }
        if (weightColumn < -1 || weightColumn == userColumn || weightColumn == itemColumn) {
            throw new dev.sparsetrain.core.BadInputException("columns: weight=" + weightColumn
                    + ", must be -1 (none) or a column other than user and item");
        }
        if (timeColumn < -1 || (timeColumn >= 0 && (timeColumn == userColumn || timeColumn == itemColumn || timeColumn == weightColumn))) {
            throw new dev.sparsetrain.core.BadInputException(Settings.name("timeColumn") + " " + timeColumn
                    + ": must be a 0-based column other than user (" + userColumn + "), item (" + itemColumn + ") and weight ("
                    + weightColumn + ")");
        }
    }

    /** A format without a time column. */
    public DelimitedFormat(String delimiter, int userColumn, int itemColumn, int weightColumn, boolean header, Charset charset) {
        this(delimiter, userColumn, itemColumn, weightColumn, header, charset, -1);
    }

    /** Tab-separated user, item, rating (MovieLens 100K u.data and the ML-1M TSV). */
    public static DelimitedFormat tsv() {
        return new DelimitedFormat("\t", 0, 1, 2, false, StandardCharsets.UTF_8);
    }

    /** MovieLens 100K u.data: tab-separated user, item, rating, unix timestamp (column 3 kept as the time). */
    public static DelimitedFormat movieLens100k() {
        return new DelimitedFormat("\t", 0, 1, 2, false, StandardCharsets.UTF_8, 3);
    }

    /** {@code UserID::MovieID::Rating::Timestamp} (MovieLens 1M ratings.dat; column 3 kept as the time). */
    public static DelimitedFormat movieLensDat() {
        return new DelimitedFormat("::", 0, 1, 2, false, StandardCharsets.ISO_8859_1, 3);
    }

    /** Last.fm HetRec user_artists.dat: tab-separated with a header, play count as weight. */
    public static DelimitedFormat lastFmUserArtists() {
        return new DelimitedFormat("\t", 0, 1, 2, true, StandardCharsets.UTF_8);
    }

    /** The number of columns a line must have. */
    public int minColumns() {
        return Math.max(Math.max(Math.max(userColumn, itemColumn), weightColumn), timeColumn) + 1;
    }

    public DelimitedFormat withHeader(boolean h) {
        return new DelimitedFormat(delimiter, userColumn, itemColumn, weightColumn, h, charset, timeColumn);
    }

    /** The same format with a time column ({@code -1}: none). */
    public DelimitedFormat withTimeColumn(int column) {
        return new DelimitedFormat(delimiter, userColumn, itemColumn, weightColumn, header, charset, column);
    }

    /**
     * The format given by command-line options: {@code columns} "user,item[,weight]" (0-based; a
     * weight column of -1 or none means every line weighs 1), a delimiter as {@link #parseDelimiter}
     * reads it, a header flag and a charset name. Bad values are refused in one line naming the
     * option.
     */
    public static DelimitedFormat fromOptions(String columns, String delimiter, boolean header, String charset) {
        return fromOptions(columns, delimiter, header, charset, -1);
    }

    /** As {@link #fromOptions(String, String, boolean, String)} with a 0-based time column ({@code --time-column}; -1: none). */
    public static DelimitedFormat fromOptions(String columns, String delimiter, boolean header, String charset, int timeColumn) {
        String[] c = columns.split(",");
        if (c.length < 2 || c.length > 3) throw new dev.sparsetrain.core.BadInputException(Settings.name("columns") + " '" + columns + "': give user,item or user,item,weight (0-based)");
        int[] v = {0, 0, -1};
        for (int k = 0; k < c.length; k++) {
            try {
                v[k] = Integer.parseInt(c[k].trim());
            } catch (NumberFormatException e) {
                throw new dev.sparsetrain.core.BadInputException(Settings.name("columns") + " '" + columns + "': '" + c[k] + "' is not a column number");
            }
        }
        Charset cs;
        try {
            cs = Charset.forName(charset);
        } catch (IllegalArgumentException e) {
            throw new dev.sparsetrain.core.BadInputException(Settings.name("charset") + " '" + charset + "': unknown encoding, use e.g. UTF-8 or ISO-8859-1");
        }
        return new DelimitedFormat(parseDelimiter(delimiter), v[0], v[1], v[2], header, cs, timeColumn);
    }

    /** Parses a delimiter as typed on a command line: "\t", "tab", "comma", "::", "whitespace". */
    public static String parseDelimiter(String s) {
        return switch (s) {
            case "\\t", "tab", "TAB" -> "\t";
            case "comma" -> ",";
            case "space", "ws" -> WHITESPACE;
            case "pipe" -> "|";
            case "semicolon" -> ";";
            default -> s;
        };
    }
}
