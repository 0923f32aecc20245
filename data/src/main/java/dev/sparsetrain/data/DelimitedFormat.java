package dev.sparsetrain.data;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How to read interactions from a delimited text file: the delimiter, which (0-based) columns hold
 * the user, the item and an optional weight, whether the first line is a header, and the charset.
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
 */
public record DelimitedFormat(String delimiter, int userColumn, int itemColumn, int weightColumn, boolean header, Charset charset) {

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
    }

    /** Tab-separated user, item, rating (MovieLens 100K u.data and the ML-1M TSV). */
    public static DelimitedFormat tsv() {
        return new DelimitedFormat("\t", 0, 1, 2, false, StandardCharsets.UTF_8);
    }

    /** {@code UserID::MovieID::Rating::Timestamp} (MovieLens 1M ratings.dat). */
    public static DelimitedFormat movieLensDat() {
        return new DelimitedFormat("::", 0, 1, 2, false, StandardCharsets.ISO_8859_1);
    }

    /** Last.fm HetRec user_artists.dat: tab-separated with a header, play count as weight. */
    public static DelimitedFormat lastFmUserArtists() {
        return new DelimitedFormat("\t", 0, 1, 2, true, StandardCharsets.UTF_8);
    }

    /** The number of columns a line must have. */
    public int minColumns() {
        return Math.max(Math.max(userColumn, itemColumn), weightColumn) + 1;
    }

    public DelimitedFormat withHeader(boolean h) {
        return new DelimitedFormat(delimiter, userColumn, itemColumn, weightColumn, h, charset);
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
