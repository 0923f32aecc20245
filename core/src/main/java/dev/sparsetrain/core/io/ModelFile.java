package dev.sparsetrain.core.io;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The project's model file: one versioned binary container for every model (BPR-MF, VBPR,
 * SparseNN).
 *
 * <pre>
 *   magic      8 bytes  "SPTRMODL"
 *   version    int32    {@link #VERSION}
 *   modelType  string   e.g. "bpr"
 *   config     string   the model's configuration as JSON
 *   metadata   int32 n, then n (key string, value string)   e.g. epoch, dataset, created
 *   idMaps     int32 n, then n (name string, int32 count, count strings)   raw ids in index order
 *   tables     int32 n, then n (name string, kind string, int32 rows, int32 dim, rows*dim float32)
 *   crc        int64    CRC32 of every byte above
 *   end magic  8 bytes  "SPTR-END"
 *   string = int32 byte length + UTF-8 bytes; all numbers big-endian
 * </pre>
 * Tables are stored row-major whatever their {@link Table.Layout}: a file written from a CHUNKED
 * table reads back into a FLAT one and back, and both read and write stream chunk by chunk through
 * one 64 KB buffer (never a second copy of a table in memory); reading creates AUTO tables, so a
 * table past one Java array comes back CHUNKED, and one larger than the heap is refused in one
 * line before allocation. {@link MappedModel} maps a saved file's tables read-only instead.
 * Writing goes to a temporary file in the target folder, is flushed to disk, then renamed over
 * the target atomically: a crash never leaves a half-written model under the final name. On a
 * POSIX file system the file is made readable by everyone ({@code rw-r--r--}, 0644) before the
 * rename, as files written with ordinary streams are (a temporary file starts as 0600). Reading
 * refuses, in one line naming the file: a missing file, a foreign file (wrong magic), a newer
 * format version, a truncated file, a damaged one (checksum mismatch) and implausible sizes.
 * Stateless and thread-safe.
 */
public final class ModelFile {
    /** Current format version; files of a higher version are refused. */
    public static final int VERSION = 1;
    static final byte[] MAGIC = "SPTRMODL".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "SPTR-END".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_STRING = 256 << 20;

    private ModelFile() {}

    /**
     * Everything a model file holds.
     *
     * @param modelType  short model name ("bpr", "vbpr", "sparsenn")
     * @param configJson the model configuration as JSON text
     * @param metadata   free key/value strings (insertion order kept)
     * @param idMaps     named lists of raw ids, index k holding the id of row k ("users", "items")
     * @param tables     the parameter tables
     */
    public record Contents(String modelType, String configJson, Map<String, String> metadata,
                           Map<String, List<String>> idMaps, List<Table> tables) {
        public Contents {
            Objects.requireNonNull(modelType, "modelType");
            Objects.requireNonNull(configJson, "configJson");
            metadata = metadata == null ? Map.of() : new LinkedHashMap<>(metadata);
            idMaps = idMaps == null ? Map.of() : new LinkedHashMap<>(idMaps);
            tables = List.copyOf(tables);
        }

        /** The table called {@code name}; refused in one line when absent. */
        public Table table(String name) {
            for (Table t : tables) if (t.name().equals(name)) return t;
            List<String> names = new ArrayList<>();
            for (Table t : tables) names.add(t.name());
            throw new BadInputException("model file: no table '" + name + "', it has " + names);
        }

        public List<String> idMap(String name) {
            List<String> m = idMaps.get(name);
            if (m == null) throw new BadInputException("model file: no id map '" + name + "', it has " + idMaps.keySet());
            return m;
        }
    }

    /** Writes atomically (temporary file in the same folder, fsync, rename). */
    public static void write(Path path, Contents c) {
        write(path, c, List.of());
    }

    /**
     * A table produced while it is written, not held as a {@link Table} (e.g. integer state encoded
     * as floats): its rows x dim row-major floats are asked for in order, a buffer at a time.
     */
    public interface Stream {
        String name();
        Table.Kind kind();
        int rows();
        int dim();
        /** Puts floats {@code [from, from + n)} of the row-major table into {@code dst[0, n)}. */
        void get(long from, float[] dst, int n);
    }

    /** Receives a table's row-major floats while it is read, a buffer at a time (see {@link Placement}). */
    public interface Sink {
        /** Floats {@code [from, from + n)} of the row-major table are {@code src[0, n)}. */
        void put(long from, float[] src, int n);
    }

    /** Everything before the tables (what a model needs to build itself before its tables are read). */
    public record Header(String modelType, String configJson, Map<String, String> metadata, Map<String, List<String>> idMaps) {}

    /**
     * Where {@link #read(Path, java.util.function.Function)} puts each table: into a caller's own table (a model's
     * parameters or live optimizer state, so no second copy exists), into a {@link Sink}, or (both
     * null) into a new table as {@link #read(Path)} does.
     */
    public interface Placement {
        /** The table to read {@code name} into (its shape must be rows x dim, else one line), or null. */
        Table into(String name, Table.Kind kind, int rows, int dim);
        /** A sink for {@code name} when {@link #into} gave null, or null for a new table. */
        default Sink sink(String name, Table.Kind kind, int rows, int dim) { return null; }
    }

    /**
     * Writes {@code c} followed by {@code streams} (as further tables, after {@code c}'s) atomically,
     * streaming: one 64 KB buffer, no copy of any table.
     */
    public static void write(Path path, Contents c, List<? extends Stream> streams) {
        try {
            AtomicFile.write(path, true, sink -> {
                CRC32 crc = new CRC32();
                var cos = new CheckedOutputStream(sink, crc);
                var out = new DataOutputStream(cos);
                out.write(MAGIC);
                out.writeInt(VERSION);
                str(out, c.modelType());
                str(out, c.configJson());
                out.writeInt(c.metadata().size());
                for (var e : c.metadata().entrySet()) {
                    str(out, e.getKey());
                    str(out, e.getValue());
                }
                out.writeInt(c.idMaps().size());
                for (var e : c.idMaps().entrySet()) {
                    str(out, e.getKey());
                    out.writeInt(e.getValue().size());
                    for (String id : e.getValue()) str(out, id);
                }
                out.writeInt(c.tables().size() + streams.size());
                byte[] buf = new byte[1 << 16];
                ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.BIG_ENDIAN);
                for (Table t : c.tables()) {
                    str(out, t.name());
                    str(out, t.kind().name());
                    out.writeInt(t.rows());
                    out.writeInt(t.dim());
                    for (int ch = 0; ch < t.chunkCount(); ch++) {   // streaming: one 64 KB buffer, no copy of the table
                        float[] d = t.chunk(ch);
                        int p = 0;
                        while (p < d.length) {
                            int n = Math.min(buf.length / 4, d.length - p);
                            bb.clear();
                            bb.asFloatBuffer().put(d, p, n);
                            out.write(buf, 0, n * 4);
                            p += n;
                        }
                    }
                }
                float[] fb = new float[buf.length / 4];
                for (Stream t : streams) {
                    str(out, t.name());
                    str(out, t.kind().name());
                    out.writeInt(t.rows());
                    out.writeInt(t.dim());
                    long total = (long) t.rows() * t.dim();
                    for (long p = 0; p < total; ) {
                        int n = (int) Math.min(fb.length, total - p);
                        t.get(p, fb, n);
                        bb.clear();
                        bb.asFloatBuffer().put(fb, 0, n);
                        out.write(buf, 0, n * 4);
                        p += n;
                    }
                }
                out.flush();
                long sum = crc.getValue();
                DataOutputStream raw = new DataOutputStream(cos);
                raw.writeLong(sum);
                raw.write(END);
                raw.flush();
            });
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot write model file (" + e.getMessage() + ")", e);
        }
    }

    /** Reads and verifies a model file; any problem is one line naming the file. */
    public static Contents read(Path path) {
        return read(path, (java.util.function.Function<Header, Placement>) null);
    }

    /**
     * Reads only what comes before the tables (type, configuration, metadata, id maps), without
     * verifying the checksum: so that a model can be built before {@link #read(Path, java.util.function.Function)}
     * reads its tables into it.
     */
    public static Header readHeader(Path path) {
        Header[] h = new Header[1];
        try {
            read(path, x -> {
                h[0] = x;
                throw new HeaderRead();
            });
        } catch (HeaderRead e) {
            return h[0];
        }
        throw new IllegalStateException("unreachable");
    }

    private static final class HeaderRead extends RuntimeException {
        HeaderRead() { super(null, null, false, false); }
    }

    /**
     * Reads and verifies a model file, each table where {@code placement} says (built from the
     * header once it is read; null: every table new). The returned contents list the tables read
     * into tables (the caller's or new), not those given to a sink. A failure (damage found at the
     * checksum, say) can leave the caller's tables partly overwritten: use the placed tables only
     * when this returns. Any problem is one line naming the file.
     */
    public static Contents read(Path path, java.util.function.Function<Header, Placement> placement) {
        String name = path.toString();
        if (!Files.exists(path)) throw new BadInputException(name + ": model file not found");
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw new BadInputException(name + ": cannot read (" + e.getMessage() + ")");
        }
        CRC32 crc = new CRC32();
        try (InputStream fin = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
             CheckedInputStream cin = new CheckedInputStream(fin, crc);
             DataInputStream in = new DataInputStream(cin)) {
            byte[] magic = new byte[MAGIC.length];
            int got = in.readNBytes(magic, 0, magic.length);
            if (got < magic.length || !java.util.Arrays.equals(magic, MAGIC)) {
                throw new BadInputException(name + ": not a sparsetrain model file (it does not start with the SPTRMODL header)");
            }
            int version = in.readInt();
            if (version > VERSION || version < 1) {
                throw new BadInputException(name + ": model file format version " + version + ", this build reads versions 1.." + VERSION);
            }
            String type = str(in, name, size);
            String config = str(in, name, size);
            int nMeta = count(in, name, "metadata entries", size);
            Map<String, String> meta = new LinkedHashMap<>();
            for (int k = 0; k < nMeta; k++) meta.put(str(in, name, size), str(in, name, size));
            int nMaps = count(in, name, "id maps", size);
            Map<String, List<String>> maps = new LinkedHashMap<>();
            for (int k = 0; k < nMaps; k++) {
                String mapName = str(in, name, size);
                int n = count(in, name, "ids", size);
                List<String> ids = new ArrayList<>(n);
                for (int x = 0; x < n; x++) ids.add(str(in, name, size));
                maps.put(mapName, ids);
            }
            Placement place = placement == null ? null : placement.apply(new Header(type, config, meta, maps));
            int nTables = count(in, name, "tables", size);
            List<Table> tables = new ArrayList<>(nTables);
            byte[] buf = new byte[1 << 16];
            ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.BIG_ENDIAN);
            for (int k = 0; k < nTables; k++) {
                String tName = str(in, name, size);
                String kind = str(in, name, size);
                int rows = in.readInt(), dim = in.readInt();
                if (rows <= 0 || dim <= 0 || (long) rows * dim * 4 > size) {
                    throw new BadInputException(name + ": damaged model file (table '" + tName + "' claims " + rows + " x " + dim + ")");
                }
                Table.Kind tk = kind(name, tName, kind);
                Table t = place == null ? null : place.into(tName, tk, rows, dim);
                Sink sink = place == null || t != null ? null : place.sink(tName, tk, rows, dim);
                if (t != null && (t.rows() != rows || t.dim() != dim)) {
                    throw new BadInputException(name + ": table '" + tName + "' is " + rows + " x " + dim + ", the model needs " + t.rows() + " x " + t.dim());
                }
                if (sink != null) {
                    readInto(in, sink, (long) rows * dim, buf, bb);
                    continue;
                }
                if (t == null) {
                    try {
                        t = new Table(tName, rows, dim, tk);   // AUTO: chunked when past one array
                    } catch (BadInputException e) {
                        throw new BadInputException(name + ": " + e.getMessage());
                    }
                }
                readInto(in, t, buf, bb);
                tables.add(t);
            }
            long expected = crc.getValue();
            DataInputStream tail = new DataInputStream(fin);
            long stored = tail.readLong();
            byte[] end = new byte[END.length];
            tail.readFully(end);
            if (stored != expected) {
                throw new BadInputException(name + ": damaged model file (checksum mismatch: stored " + Long.toHexString(stored)
                        + ", computed " + Long.toHexString(expected) + ")");
            }
            if (!java.util.Arrays.equals(end, END) || tail.read() != -1) {
                throw new BadInputException(name + ": damaged model file (bad end marker or trailing bytes)");
            }
            return new Contents(type, config, meta, maps, tables);
        } catch (EOFException e) {
            throw new BadInputException(name + ": truncated model file (" + size + " bytes, ends before its last table and checksum)");
        } catch (NoSuchFileException e) {
            throw new BadInputException(name + ": model file not found");
        } catch (IOException e) {
            throw new BadInputException(name + ": cannot read model file (" + e.getMessage() + ")");
        }
    }

    /** Reads the table's rows*dim big-endian floats into its chunks, through one 64 KB buffer. */
    static void readInto(DataInputStream in, Table t, byte[] buf, ByteBuffer bb) throws IOException {
        for (int ch = 0; ch < t.chunkCount(); ch++) {
            float[] d = t.chunk(ch);
            int p = 0;
            while (p < d.length) {
                int n = Math.min(buf.length / 4, d.length - p);
                in.readFully(buf, 0, n * 4);
                bb.clear();
                bb.asFloatBuffer().get(d, p, n);
                p += n;
            }
        }
    }

    /** Reads {@code total} big-endian floats into {@code sink}, through one 64 KB buffer. */
    static void readInto(DataInputStream in, Sink sink, long total, byte[] buf, ByteBuffer bb) throws IOException {
        float[] fb = new float[buf.length / 4];
        for (long p = 0; p < total; ) {
            int n = (int) Math.min(fb.length, total - p);
            in.readFully(buf, 0, n * 4);
            bb.clear();
            bb.asFloatBuffer().get(fb, 0, n);
            sink.put(p, fb, n);
            p += n;
        }
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /** Table {@code table}'s kind as file {@code name} spells it ({@code kind}); an unknown one is a damaged file. */
    static Table.Kind kind(String name, String table, String kind) {
        try {
            return Table.Kind.valueOf(kind);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(name + ": damaged model file (table '" + table + "' has unknown kind '" + kind + "')");
        }
    }

    private static String str(DataInputStream in, String name, long size) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING || n > size) throw new BadInputException(name + ": damaged model file (string of " + n + " bytes)");
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int count(DataInputStream in, String name, String what, long size) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > size) throw new BadInputException(name + ": damaged model file (" + n + " " + what + ")");
        return n;
    }

    /** Whether {@code path} starts with the model file magic (cheap check, no verification). */
    public static boolean looksLikeModelFile(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return java.util.Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

}
