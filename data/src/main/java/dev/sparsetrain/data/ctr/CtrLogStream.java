package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A click log read block by block from disk: {@link #next(int)} returns the next good rows as
 * {@link CtrRawData}, parsed exactly as {@link CtrReader} parses a whole file (same checks, same
 * token hashes), so a bad row ends the stream with the same one-line {@code file:line: problem}
 * {@link BadInputException}, or is skipped and counted with {@code skipBad}. Memory is one block,
 * whatever the file's size.
 *
 * <p>Lines are numbered from 1, counting the header; {@link #skipLines(long)} passes over lines
 * without parsing them (the rows of a range read before, e.g. the training rows when the test rows
 * are wanted). Not thread-safe: one reader thread owns a stream.
 */
public final class CtrLogStream implements AutoCloseable {
    private final Path file;
    private final String where;
    private final BufferedReader in;
    private final boolean skipBad;
    private CtrSchema schema;
    private final long[] line = new long[1];
    private long rows, skipped;
    private String firstSkipped;
    private boolean ended;

    /** Opens {@code file}; a missing, unreadable or non-UTF-8 file is refused in one line. */
    public CtrLogStream(Path file, CtrSchema schema, boolean skipBad) {
        check(file);
        this.file = file;
        this.where = file.toString();
        this.skipBad = skipBad;
        this.schema = schema;
        try {
            this.in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                    StandardCharsets.UTF_8.newDecoder()), 1 << 16);
            if (schema.header()) {
                String h = in.readLine();
                if (h != null) {
                    line[0] = 1;
                    if (!h.isEmpty() && h.charAt(h.length() - 1) == '\r') h = h.substring(0, h.length() - 1);
                    this.schema = schema.withNames(h.split(java.util.regex.Pattern.quote(String.valueOf(schema.delimiter())), -1));
                }
            }
        } catch (IOException e) {
            throw failure(e);
        }
    }

    static void check(Path file) {
        if (Files.isDirectory(file)) throw new BadInputException(file + ": is a directory, expected a click log file");
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": no such file");
        if (!Files.isReadable(file)) throw new BadInputException(file + ": not readable (permission denied)");
    }

    private BadInputException failure(IOException e) {
        if (e instanceof java.nio.charset.CharacterCodingException) return new BadInputException(file + ": not UTF-8 text");
        return new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
    }

    /** The schema, with the header's column names when the file has a header. */
    public CtrSchema schema() { return schema; }

    /** The number of the last line read (0 before the first). */
    public long line() { return line[0]; }

    /** Good rows returned so far. */
    public long rows() { return rows; }

    /** Bad rows skipped so far (only with {@code skipBad}). */
    public long skipped() { return skipped; }

    /** The message of the first skipped row, or null. */
    public String firstSkipped() { return firstSkipped; }

    /** The next at most {@code maxRows} good rows; a block of 0 rows at the end of the file. */
    public CtrRawData next(int maxRows) {
        if (ended) return CtrReader.emptyLike(schema);
        try {
            CtrRawData b = CtrReader.read(in, where, schema, skipBad, maxRows, true, line);
            rows += b.rows();
            skipped += b.skipped();
            if (firstSkipped == null) firstSkipped = b.firstSkipped();
            if (b.rows() < maxRows) ended = true;
            return b;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Passes over the next {@code lines} lines without parsing them; false when the file ended first. */
    public boolean skipLines(long lines) {
        try {
            for (long k = 0; k < lines; k++) {
                if (in.readLine() == null) return false;
                line[0]++;
            }
            return true;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }

    /**
     * Data lines of {@code file}: lines that are neither blank nor the header, counted by scanning
     * bytes (no parsing; about the speed of reading the file). The default 80/20 split of a
     * streamed log takes 80% of these, which equals 80% of the good rows unless rows are skipped
     * as bad ({@code --skip-bad}).
     */
    public static long countDataLines(Path file, CtrSchema schema) {
        check(file);
        long n = 0;
        boolean header = schema.header();
        int len = 0;   // bytes of the current line, a trailing '\r' not counted
        boolean cr = false;
        byte[] buf = new byte[1 << 20];
        try (InputStream is = Files.newInputStream(file)) {
            int r;
            while ((r = is.read(buf)) > 0) {
                for (int i = 0; i < r; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        if (header) header = false;
                        else if (len > 0) n++;
                        len = 0;
                        cr = false;
                    } else if (b == '\r' && !cr && len == 0) {
                        cr = true;   // a line of just "\r" is blank, as the reader sees it
                    } else {
                        len++;
                    }
                }
            }
            if (len > 0 && !header) n++;
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return n;
    }

    /**
     * The mean bytes per line of the first (up to) 10,000 lines times the file's size: an estimate of
     * its rows, for deciding whether a log fits in memory before reading it.
     */
    public static long estimateRows(Path file) {
        check(file);
        try (InputStream is = Files.newInputStream(file)) {
            long size = Files.size(file);
            byte[] buf = new byte[1 << 20];
            long bytes = 0, lines = 0;
            int r;
            while (lines < 10_000 && (r = is.read(buf)) > 0) {
                for (int i = 0; i < r && lines < 10_000; i++) {
                    bytes++;
                    if (buf[i] == '\n') lines++;
                }
            }
            if (lines == 0) return bytes > 0 ? 1 : 0;
            return Math.max(1, Math.round(size * (double) lines / bytes));
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
