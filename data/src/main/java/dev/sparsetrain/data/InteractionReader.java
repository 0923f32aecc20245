package dev.sparsetrain.data;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads (user, item, weight) lines from a delimited text file into {@link Interactions}.
 *
 * <p>Raw ids (strings or numbers) become dense indices through the builder's {@link IdMap}s, in
 * order of first appearance; repeated pairs are merged by the {@link ReadOptions#duplicates()}
 * policy; pairs whose weight is below {@link ReadOptions#threshold()} are dropped (and their ids
 * not registered). A malformed line (too few columns, an empty id, a weight that is not a finite
 * number, a timestamp that is not a whole number) fails with a {@link BadInputException} "file:line: problem: 'content'", or, when
 * {@link ReadOptions#skipMalformed()} is set, is skipped and counted in {@link ReadResult}.
 * A missing or empty file is refused in one line too.
 *
 * <p>Stateless and thread-safe; ML-1M (1M lines) reads in well under a second.
 */
public final class InteractionReader {
    private InteractionReader() {}

    /** What a read produced, with the counts a user wants to see. */
    public record ReadResult(Interactions interactions, String file, long lines, long pairsRead, long skipped,
                             long belowThreshold, long duplicatesMerged, String firstSkipped) {
        /** A one-line summary. */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            sb.append(file).append(": ").append(interactions.size()).append(" pairs, ")
                    .append(interactions.numUsers()).append(" users, ").append(interactions.numItems()).append(" items");
            if (duplicatesMerged > 0) sb.append(", ").append(duplicatesMerged).append(" duplicates merged");
            if (belowThreshold > 0) sb.append(", ").append(belowThreshold).append(" below threshold");
            if (skipped > 0) sb.append(", ").append(skipped).append(" malformed lines skipped (first: ").append(firstSkipped).append(')');
            return sb.toString();
        }
    }

    /** Counts of one file read into a shared builder. */
    public record FileStats(String file, long lines, long pairsRead, long skipped, long belowThreshold, String firstSkipped) {}

    /** Reads one file into new id maps. */
    public static ReadResult read(Path file, DelimitedFormat format, ReadOptions options) {
        Interactions.Builder b = new Interactions.Builder().duplicatePolicy(options.duplicates());
        FileStats s = readInto(file, format, options, b);
        Interactions in = b.build();
        return new ReadResult(in, s.file(), s.lines(), s.pairsRead(), s.skipped(), s.belowThreshold(), b.duplicatesMerged(), s.firstSkipped());
    }

    /**
     * Reads one file into an existing builder (so that several files, e.g. an official base/test
     * pair, share id maps). Does not build.
     */
    public static FileStats readInto(Path file, DelimitedFormat format, ReadOptions options, Interactions.Builder builder) {
        String name = file.toString();
        if (!Files.exists(file)) throw new BadInputException(name + ": file not found");
        if (Files.isDirectory(file)) throw new BadInputException(name + ": is a directory, expected a file of interactions");
        int need = format.minColumns();
        String[] fields = new String[need];
        boolean ws = format.delimiter().equals(DelimitedFormat.WHITESPACE);
        String delim = format.delimiter();
        double threshold = options.threshold();
        boolean timed = format.timeColumn() >= 0;
        long lineNo = 0, pairs = 0, skipped = 0, below = 0;
        String firstSkipped = null;
        var decoder = format.charset().newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16)) {
            String line;
            boolean headerPending = format.header();
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1); // UTF-8 byte order mark
                if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') line = line.substring(0, line.length() - 1);
                if (line.isBlank() || line.startsWith("#")) continue;
                if (headerPending) {
                    headerPending = false;
                    continue;
                }
                String problem = split(line, ws, delim, fields, need);
                if (problem != null && format.weightColumn() == need - 1 && format.timeColumn() < 0
                        && split(line, ws, delim, new String[need - 1], need - 1) == null) {
                    problem += "; a file without a weight column needs " + Settings.name("columns") + " " + format.userColumn() + "," + format.itemColumn();
                }
                float w = 1f;
                long t = 0;
                if (problem == null) {
                    if (fields[format.userColumn()].isEmpty() || fields[format.itemColumn()].isEmpty()) {
                        problem = "empty user or item id";
                    } else if (format.weightColumn() >= 0) {
                        String s = fields[format.weightColumn()];
                        try {
                            w = Float.parseFloat(s);
                            if (!Float.isFinite(w)) problem = "rating '" + s + "' is not a finite number";
                        } catch (NumberFormatException e) {
                            problem = "rating '" + s + "' is not a number";
                        }
                    }
                    if (problem == null && timed) {
                        String s = fields[format.timeColumn()];
                        try {
                            t = Long.parseLong(s);
                        } catch (NumberFormatException e) {
                            problem = "time '" + s + "' in column " + format.timeColumn()
                                    + " is not a whole number (allowed: integer epoch seconds or any 64-bit integer)";
                        }
                    }
                }
                if (problem != null && pairs == 0 && skipped == 0 && below == 0 && !format.header() && problem.contains("is not a ")) {
                    problem += "; if this line is a header, give " + Settings.name("header");
                }
                if (problem != null) {
                    String msg = problem + ": '" + clip(line) + "'";
                    if (!options.skipMalformed()) {
                        throw BadInputException.at(name, lineNo, msg + " (use " + Settings.name("skipMalformed") + " to skip such lines)");
                    }
                    skipped++;
                    if (firstSkipped == null) firstSkipped = "line " + lineNo + ": " + msg;
                    continue;
                }
                if (!Double.isNaN(threshold) && w < threshold) {
                    below++;
                    continue;
                }
                if (timed) builder.add(fields[format.userColumn()], fields[format.itemColumn()], w, t);
                else builder.add(fields[format.userColumn()], fields[format.itemColumn()], w);
                pairs++;
            }
        } catch (CharacterCodingException e) {
            throw BadInputException.at(name, lineNo + 1, "not valid " + format.charset() + " text (" + e.getMessage() + ")");
        } catch (NoSuchFileException e) {
            throw new BadInputException(name + ": file not found");
        } catch (IOException e) {
            throw new BadInputException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (pairs == 0) {
            String why = lineNo == 0 ? "the file is empty" : skipped > 0 ? "every line was malformed, first " + firstSkipped
                    : below > 0 ? "every pair is below the threshold " + threshold : "no data lines";
            throw new BadInputException(name + ": no interactions (" + why + ")");
        }
        return new FileStats(name, lineNo, pairs, skipped, below, firstSkipped);
    }

    /** Splits into the first {@code need} fields (trimmed); returns a problem or null. */
    static String split(String line, boolean ws, String delim, String[] fields, int need) {
        int n = 0, pos = 0, len = line.length();
        if (ws) {
            while (n < need) {
                while (pos < len && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) pos++;
                if (pos >= len) break;
                int e = pos;
                while (e < len && line.charAt(e) != ' ' && line.charAt(e) != '\t') e++;
                fields[n++] = line.substring(pos, e);
                pos = e;
            }
        } else {
            while (n < need) {
                int e = line.indexOf(delim, pos);
                if (e < 0) {
                    fields[n++] = line.substring(pos).trim();
                    break;
                }
                fields[n++] = line.substring(pos, e).trim();
                pos = e + delim.length();
            }
        }
        if (n < need) {
            return n + (n == 1 ? " column" : " columns") + ", need at least " + need
                    + " (delimiter '" + printable(delim) + "')";
        }
        return null;
    }

    private static String printable(String d) {
        return d.replace("\t", "\\t");
    }

    private static String clip(String line) {
        String s = line.replace("\t", "\\t");
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
