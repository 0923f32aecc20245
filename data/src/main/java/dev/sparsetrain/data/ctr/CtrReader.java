package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a delimited click log described by a {@link CtrSchema} into {@link CtrRawData}.
 *
 * <p>Bad rows (wrong number of fields, a dense value that is not a number, a label other than 0
 * or 1) end the read with a {@link BadInputException} whose one-line message is
 * {@code file:line: problem}; with {@code skipBad} they are skipped and counted instead
 * ({@link CtrRawData#skipped()}, with the first message kept). Lines are numbered from 1,
 * counting the header. Blank lines are ignored. Thread-safety: stateless.
 */
public final class CtrReader {
    private CtrReader() {}

    /** Reads the Criteo TSV format. */
    public static CtrRawData readCriteo(Path file, boolean skipBad) {
        return read(file, CtrSchema.criteo(), skipBad, Integer.MAX_VALUE);
    }

    /** Reads the Avazu CSV format. */
    public static CtrRawData readAvazu(Path file, boolean skipBad) {
        return read(file, CtrSchema.avazu(), skipBad, Integer.MAX_VALUE);
    }

    /** Reads at most {@code maxRows} good rows of {@code file}. */
    public static CtrRawData read(Path file, CtrSchema schema, boolean skipBad, int maxRows) {
        if (Files.isDirectory(file)) throw new BadInputException(file + ": is a directory, expected a click log file");
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": no such file");
        if (!Files.isReadable(file)) throw new BadInputException(file + ": not readable (permission denied)");
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString(), schema, skipBad, maxRows);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new BadInputException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** Reads from a reader; {@code where} names the source in messages. */
    public static CtrRawData read(BufferedReader in, String where, CtrSchema schema, boolean skipBad, int maxRows)
            throws IOException {
        return read(in, where, schema, skipBad, maxRows, true);
    }

    /**
     * Reads at most {@code maxRows} good rows of {@code file}; with {@code labelled} false the file
     * lacks the schema's label column (rows to score, e.g. Criteo's test set) and every label is 0.
     */
    public static CtrRawData read(Path file, CtrSchema schema, boolean skipBad, int maxRows, boolean labelled) {
        if (Files.isDirectory(file)) throw new BadInputException(file + ": is a directory, expected a click log file");
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": no such file");
        if (!Files.isReadable(file)) throw new BadInputException(file + ": not readable (permission denied)");
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString(), schema, skipBad, maxRows, labelled);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new BadInputException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /**
     * Number of fields of the first data line of {@code file} (after the header, if the schema has
     * one; blank lines ignored), or -1 when it has none: tells a labelled file from an unlabelled one.
     */
    public static int firstLineFields(Path file, CtrSchema schema) {
        if (!Files.isRegularFile(file)) return -1;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            boolean header = schema.header();
            while ((line = in.readLine()) != null) {
                if (header) {
                    header = false;
                    continue;
                }
                if (line.isEmpty() || line.equals("\r")) continue;
                int n = 1;
                for (int i = 0; i < line.length(); i++) if (line.charAt(i) == schema.delimiter()) n++;
                return n;
            }
            return -1;
        } catch (IOException e) {
            return -1; // read() reports the problem with its own message
        }
    }

    /** Reads from a reader; with {@code labelled} false the source lacks the label column (labels all 0). */
    public static CtrRawData read(BufferedReader in, String where, CtrSchema schema, boolean skipBad, int maxRows, boolean labelled)
            throws IOException {
        return read(in, where, schema, skipBad, maxRows, labelled, new long[1]);
    }

    /**
     * Reads the next at most {@code maxRows} good rows of {@code in}, whose lines before the
     * current one number {@code lineCounter[0]} (0 at the start of a file: then the header, if the schema
     * has one, is the next line); on return {@code lineCounter[0]} is the number of the last line read, so
     * a streaming reader ({@link CtrLogStream}) calls this block after block with messages that name
     * the right file line.
     */
    static CtrRawData read(BufferedReader in, String where, CtrSchema schema, boolean skipBad, int maxRows, boolean labelled,
                           long[] lineCounter) throws IOException {
        int label = schema.labelColumn();
        // fc[c]: the file field holding schema column c (the label column is absent when not labelled)
        int[] fc = new int[schema.columns()];
        for (int c = 0; c < fc.length; c++) fc[c] = labelled || c < label ? c : c - 1;
        int nc = labelled ? schema.columns() : schema.columns() - 1;
        String expected = labelled ? schema.describe() : nc + " fields (" + schema.denseColumns().length + " dense, "
                + schema.sparseColumns().length + " sparse, " + (nc - schema.denseColumns().length - schema.sparseColumns().length)
                + " skipped; no label)";
        int[] denseCols = schema.denseColumns();
        int[] sparseCols = schema.sparseColumns();
        int nd = denseCols.length, ns = sparseCols.length;
        boolean[] multi = new boolean[ns];
        for (int f = 0; f < ns; f++) multi[f] = schema.roles()[sparseCols[f]] == CtrSchema.Role.MULTI;
        char delim = schema.delimiter();
        char msep = schema.multiSeparator();

        int cap = Math.max(1, Math.min(1024, maxRows)), n = 0;
        byte[] labels = new byte[cap];
        float[] dense = new float[cap * nd];
        int[][] offsets = new int[ns][];
        long[][] tokens = new long[ns][];
        int[] tokenCount = new int[ns];
        for (int f = 0; f < ns; f++) {
            tokens[f] = new long[cap];
            if (multi[f]) offsets[f] = new int[cap + 1];
        }
        int[] starts = new int[nc + 1];
        long skipped = 0;
        String firstSkipped = null;
        long lineNo = lineCounter[0];
        String text;
        float[] rowDense = new float[nd];
        try {
        while (n < maxRows && (text = in.readLine()) != null) {
            String line = text;
            lineNo++;
            if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') line = line.substring(0, line.length() - 1); // CRLF files
            if (lineNo == 1 && schema.header()) {
                if (labelled) schema = schema.withNames(line.split(java.util.regex.Pattern.quote(String.valueOf(delim)), -1));
                continue;
            }
            if (line.isEmpty()) continue;
            String problem = null;
            // Split into field boundaries without allocating substrings.
            int fields = 0;
            starts[0] = 0;
            for (int i = 0, len = line.length(); i < len; i++) {
                if (line.charAt(i) == delim) {
                    fields++;
                    if (fields < nc) starts[fields] = i + 1;
                }
            }
            fields++;
            if (fields != nc) {
                problem = fields + " fields, expected " + expected;
                if (fields == 1 && nc > 1) {
                    problem += "; the line holds no " + (delim == '\t' ? "tab" : "'" + delim + "'") + " at all: wrong " + Settings.name("format") + " or " + Settings.name("delimiter") + "?";
                }
            } else {
                starts[nc] = line.length() + 1;
                int ls = labelled ? starts[label] : 0, le = labelled ? starts[label + 1] - 1 : 1;
                if (labelled && (le - ls != 1 || (line.charAt(ls) != '0' && line.charAt(ls) != '1'))) {
                    problem = "label '" + line.substring(ls, le) + "', must be 0 or 1";
                } else {
                    for (int j = 0; j < nd && problem == null; j++) {
                        int c = denseCols[j], s = starts[fc[c]], e = starts[fc[c] + 1] - 1;
                        if (s == e) {
                            rowDense[j] = Float.NaN;
                        } else {
                            float v = parseNumber(line, s, e);
                            if (Float.isNaN(v)) {
                                problem = "field " + (fc[c] + 1) + " (" + schema.names()[c] + ") = '" + line.substring(s, e)
                                        + "' is not a number";
                            } else {
                                rowDense[j] = v;
                            }
                        }
                    }
                }
            }
            if (problem != null) {
                String msg = where + ":" + lineNo + ": " + problem;
                if (!skipBad) throw new BadInputException(msg);
                if (firstSkipped == null) firstSkipped = msg;
                skipped++;
                continue;
            }
            if (n == cap) {
                cap *= 2;
                labels = Arrays.copyOf(labels, cap);
                dense = Arrays.copyOf(dense, cap * nd);
                for (int f = 0; f < ns; f++) {
                    if (multi[f]) offsets[f] = Arrays.copyOf(offsets[f], cap + 1);
                    else tokens[f] = Arrays.copyOf(tokens[f], cap);
                }
            }
            labels[n] = labelled ? (byte) (line.charAt(starts[label]) - '0') : 0;
            System.arraycopy(rowDense, 0, dense, n * nd, nd);
            for (int f = 0; f < ns; f++) {
                int c = sparseCols[f], s = starts[fc[c]], e = starts[fc[c] + 1] - 1;
                if (!multi[f]) {
                    tokens[f][n] = CtrRawData.tokenHash(line, s, e) ^ (0x9E3779B97F4A7C15L * (f + 1));
                    continue;
                }
                int p = s;
                while (p < e) {
                    int q = p;
                    while (q < e && line.charAt(q) != msep) q++;
                    if (q > p) {
                        if (tokenCount[f] == tokens[f].length) tokens[f] = Arrays.copyOf(tokens[f], tokens[f].length * 2);
                        tokens[f][tokenCount[f]++] = CtrRawData.tokenHash(line, p, q) ^ (0x9E3779B97F4A7C15L * (f + 1));
                    }
                    p = q + 1;
                }
                offsets[f][n + 1] = tokenCount[f];
            }
            n++;
        }
        } finally {
            lineCounter[0] = lineNo;
        }
        for (int f = 0; f < ns; f++) {
            if (multi[f]) {
                offsets[f] = Arrays.copyOf(offsets[f], n + 1);
                tokens[f] = Arrays.copyOf(tokens[f], tokenCount[f]);
            } else {
                tokens[f] = Arrays.copyOf(tokens[f], n);
            }
        }
        return new CtrRawData(schema.sparseNames(), schema.denseNames(), n, Arrays.copyOf(labels, n),
                Arrays.copyOf(dense, n * nd), offsets, tokens, skipped, firstSkipped);
    }

    /** A data set of 0 rows with {@code schema}'s features (the end of a stream). */
    static CtrRawData emptyLike(CtrSchema schema) {
        int ns = schema.sparseColumns().length, nd = schema.denseColumns().length;
        int[][] offsets = new int[ns][];
        long[][] tokens = new long[ns][];
        for (int f = 0; f < ns; f++) {
            tokens[f] = new long[0];
            if (schema.roles()[schema.sparseColumns()[f]] == CtrSchema.Role.MULTI) offsets[f] = new int[1];
        }
        return new CtrRawData(schema.sparseNames(), schema.denseNames(), 0, new byte[0], new float[0], offsets, tokens, 0, null);
    }

    /** Parses an integer fast, anything else through Double.parseDouble; NaN when not a number. */
    static float parseNumber(String s, int from, int to) {
        int i = from;
        boolean neg = false;
        if (s.charAt(i) == '-' || s.charAt(i) == '+') {
            neg = s.charAt(i) == '-';
            i++;
        }
        if (i < to && to - i <= 18) {
            long v = 0;
            int j = i;
            for (; j < to; j++) {
                char ch = s.charAt(j);
                if (ch < '0' || ch > '9') break;
                v = v * 10 + (ch - '0');
            }
            if (j == to) return neg ? -v : v;
        }
        try {
            double d = Double.parseDouble(s.substring(from, to));
            return Double.isFinite(d) ? (float) d : Float.NaN;
        } catch (NumberFormatException e) {
            return Float.NaN;
        }
    }
}
