package dev.sparsetrain.core.io;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A saved {@link ModelFile} mapped read-only into memory (the FFM API: {@link FileChannel#map} into
 * a shared {@link Arena}), so that a model larger than the heap can be served: the operating
 * system pages table rows in from the file as scoring touches them, and nothing is copied onto
 * the heap but the header (type, configuration, metadata, id maps).
 *
 * <p>Opening parses the header and the table directory and checks the end marker, refusing a
 * foreign, newer, truncated or implausible file in one line naming it, as {@link ModelFile#read}
 * does; {@link #verifyChecksum()} streams the file's CRC32 through the mapping (no heap copy) and
 * compares it with the stored one. Tables are row-major big-endian float32, as written, whatever
 * the {@link Table.Layout} they were saved from; {@link MappedTable#readRows} converts rows into a
 * caller's float array, so the same kernels (and the same float results) as the heap path apply.
 *
 * <p>Thread-safety: reads from any thread until {@link #close()}; closing unmaps, after which
 * every access throws {@link IllegalStateException}.
 */
public final class MappedModel implements AutoCloseable {
    /** Big-endian float32, at any byte offset (rows follow variable-length strings). */
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final String name;
    private final Arena arena;
    private final MemorySegment file;
    private final ModelFile.Contents header;
    private final Map<String, MappedTable> tables;

    private MappedModel(String name, Arena arena, MemorySegment file, ModelFile.Contents header, Map<String, MappedTable> tables) {
        this.name = name;
        this.arena = arena;
        this.file = file;
        this.header = header;
        this.tables = tables;
    }

    /** One table of a mapped model file: {@code rows x dim} big-endian floats, read-only. */
    public static final class MappedTable {
        private final String name;
        private final Table.Kind kind;
        private final int rows, dim;
        private final MemorySegment seg;

        MappedTable(String name, Table.Kind kind, int rows, int dim, MemorySegment seg) {
            this.name = name;
            this.kind = kind;
            this.rows = rows;
            this.dim = dim;
            this.seg = seg;
        }

        public String name() { return name; }
        public Table.Kind kind() { return kind; }
        public int rows() { return rows; }
        public int dim() { return dim; }
        public long size() { return (long) rows * dim; }

        /** Element {@code c} of row {@code r}. */
        public float get(int r, int c) {
            return seg.get(FLOAT, ((long) r * dim + c) * 4L);
        }

        /** Copies rows {@code r .. r+n-1} (row-major, n*dim floats) into {@code dst} from {@code off}. */
        public void readRows(int r, int n, float[] dst, int off) {
            MemorySegment.copy(seg, FLOAT, (long) r * dim * 4L, dst, off, n * dim);
        }

        /** The whole table copied onto the heap (AUTO layout), for tests and small tables. */
        public Table toTable() {
            Table t = new Table(name, rows, dim, kind);
            for (int r = 0; r < rows; ) {
                int n = t.rowsLeftInChunk(r);
                MemorySegment.copy(seg, FLOAT, (long) r * dim * 4L, t.block(r), t.offset(r), n * dim);
                r += n;
            }
            return t;
        }
    }

    /** Maps {@code path} and reads its header; any problem is one line naming the file. */
    public static MappedModel open(Path path) {
        String name = path.toString();
        if (!Files.exists(path)) throw new BadInputException(name + ": model file not found");
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < ModelFile.MAGIC.length + 4 + 16) {
                throw new BadInputException(name + ": not a sparsetrain model file (" + size + " bytes)");
            }
            MemorySegment f = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            Reader in = new Reader(f, name, size - 16);
            byte[] magic = in.bytes(ModelFile.MAGIC.length);
            if (!java.util.Arrays.equals(magic, ModelFile.MAGIC)) {
                throw new BadInputException(name + ": not a sparsetrain model file (it does not start with the SPTRMODL header)");
            }
            int version = in.i32();
            if (version > ModelFile.VERSION || version < 1) {
                throw new BadInputException(name + ": model file format version " + version + ", this build reads versions 1.." + ModelFile.VERSION);
            }
            String type = in.str(), config = in.str();
            int nMeta = in.count("metadata entries");
            Map<String, String> meta = new LinkedHashMap<>();
            for (int k = 0; k < nMeta; k++) meta.put(in.str(), in.str());
            int nMaps = in.count("id maps");
            Map<String, List<String>> maps = new LinkedHashMap<>();
            for (int k = 0; k < nMaps; k++) {
                String mapName = in.str();
                int n = in.count("ids");
                List<String> ids = new ArrayList<>(n);
                for (int x = 0; x < n; x++) ids.add(in.str());
                maps.put(mapName, ids);
            }
            int nTables = in.count("tables");
            Map<String, MappedTable> tables = new LinkedHashMap<>();
            for (int k = 0; k < nTables; k++) {
                String tName = in.str(), kind = in.str();
                int rows = in.i32(), dim = in.i32();
                long bytes = (long) rows * dim * 4L;
                if (rows <= 0 || dim <= 0 || bytes > in.left()) {
                    throw new BadInputException(name + ": damaged or truncated model file (table '" + tName + "' claims " + rows + " x " + dim
                            + " floats, " + in.left() + " bytes left)");
                }
                Table.Kind tk = ModelFile.kind(name, tName, kind);
                tables.put(tName, new MappedTable(tName, tk, rows, dim, f.asSlice(in.pos, bytes)));
                in.pos += bytes;
            }
            if (in.pos != size - 16 || !java.util.Arrays.equals(f.asSlice(size - 8, 8).toArray(ValueLayout.JAVA_BYTE), ModelFile.END)) {
                throw new BadInputException(name + ": damaged model file (bad end marker or trailing bytes)");
            }
            ModelFile.Contents header = new ModelFile.Contents(type, config, meta, maps, List.of());
            return new MappedModel(name, arena, f, header, tables);
        } catch (IOException e) {
            arena.close();
            throw new BadInputException(name + ": cannot map model file (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Type, configuration, metadata and id maps (its table list is empty: use {@link #table}). */
    public ModelFile.Contents header() { return header; }

    public List<MappedTable> tables() { return List.copyOf(tables.values()); }

    /** The table called {@code tableName}; refused in one line when absent. */
    public MappedTable table(String tableName) {
        MappedTable t = tables.get(tableName);
        if (t == null) throw new BadInputException(name + ": no table '" + tableName + "', it has " + tables.keySet());
        return t;
    }

    /**
     * Streams the CRC32 of the file (everything before the stored checksum) through the mapping
     * and refuses a mismatch in one line. Reads the whole file once (page cache, not the heap).
     */
    public void verifyChecksum() {
        long end = file.byteSize() - 16;
        CRC32 crc = new CRC32();
        for (long p = 0; p < end; ) {
            long n = Math.min(1L << 30, end - p);
            crc.update(file.asSlice(p, n).asByteBuffer());
            p += n;
        }
        long stored = file.get(LONG, end);
        if (stored != crc.getValue()) {
            throw new BadInputException(name + ": damaged model file (checksum mismatch: stored " + Long.toHexString(stored)
                    + ", computed " + Long.toHexString(crc.getValue()) + ")");
        }
    }

    /** Unmaps the file. */
    @Override
    public void close() {
        arena.close();
    }

    /** Big-endian reads over the mapped header, bounded by {@code limit} (the checksum's offset). */
    private static final class Reader {
        final MemorySegment f;
        final String name;
        final long limit;
        long pos;

        Reader(MemorySegment f, String name, long limit) {
            this.f = f;
            this.name = name;
            this.limit = limit;
        }

        long left() { return limit - pos; }

        private void need(long n) {
            if (n > left()) throw new BadInputException(name + ": truncated model file (" + (limit + 16) + " bytes, ends inside its header)");
        }

        int i32() {
            need(4);
            int v = f.get(INT, pos);
            pos += 4;
            return v;
        }

        byte[] bytes(int n) {
            need(n);
            byte[] b = f.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
            pos += n;
            return b;
        }

        String str() {
            int n = i32();
            if (n < 0 || n > left()) throw new BadInputException(name + ": damaged model file (string of " + n + " bytes)");
            return new String(bytes(n), StandardCharsets.UTF_8);
        }

        int count(String what) {
            int n = i32();
            if (n < 0 || n > left()) throw new BadInputException(name + ": damaged model file (" + n + " " + what + ")");
            return n;
        }
    }
}
