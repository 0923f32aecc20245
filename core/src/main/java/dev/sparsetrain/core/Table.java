package dev.sparsetrain.core;

import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A named parameter table: {@code rows x dim} floats, row {@code r} at {@code offset(r)} in
 * {@code block(r)}.
 *
 * <p>Embedding tables (one row per user, item or hashed id) and dense tensors (a projection matrix
 * is {@code rows x cols}; a vector is one row of {@code n}) are both tables; {@link Kind} tells the
 * optimizer which sparse semantics make sense. Callers never index the backing array directly with
 * {@code r * dim}: they ask {@link #block(int)} and {@link #offset(int)}, so that kernels written for
 * {@code (float[] w, int wo)} run on either backing without copies.
 *
 * <p>Two backings ({@link Layout}):
 * <ul>
 *   <li>{@code FLAT}: one {@code float[rows * dim]}, row-major; {@link #data()} gives it. Dense
 *       tensors are always flat.</li>
 *   <li>{@code CHUNKED}: on-heap {@code float[][]} chunks of {@link #chunkRows()} rows each (a power
 *       of two; the last chunk holds the remainder), row {@code r} in chunk {@code r >>> shift} at
 *       {@code (r & mask) * dim}. This lifts the 2^31-float limit of one Java array: rows may be
 *       up to {@link Integer#MAX_VALUE}, {@link #size()} is a long. The layout TorchRec and
 *       HugeCTR use for their host-memory tables is the same idea (fixed-size slabs of rows).</li>
 * </ul>
 * Both are addressed by the same two instructions ({@code chunks[r >>> shift]}, {@code (r & mask) * dim});
 * a flat table is one chunk with {@code shift = 31}, so there is no branch on the hot path.
 * {@link Layout#AUTO} picks FLAT up to {@link #FLAT_LIMIT} floats and CHUNKED above; the system
 * property {@value #LAYOUT_PROPERTY}{@code =auto|flat|chunked} forces one for every embedding
 * table created with AUTO, and {@value #CHUNK_ROWS_PROPERTY} sets the rows per chunk. Values and
 * results do not depend on the layout: {@link #fillNormal} and {@link #fillUniform} draw in
 * row-major order in both, so training is bit-identical whichever layout holds the table.
 *
 * <p>Memory: a table larger than the heap can hold in large arrays ({@link #heapForLargeArrays()}:
 * -Xmx, less the young generation for ParallelGC) is refused before anything is allocated, in one
 * line naming its size and the heap ({@link BadInputException}); running out of heap while its
 * chunks are allocated is refused in one line too.
 *
 * <p>Thread-safety: none. Hogwild training writes rows from several threads without locks, by
 * design (Recht et al., 2011); dense tensors are only written by one thread between barriers.
 */
public final class Table {

    /** What a table holds: this decides which sparse semantics are allowed for it. */
    public enum Kind {
        /** Rows are looked up by id; a step touches few of them (embeddings, biases per id). */
        EMBEDDING,
        /** Every element takes part in every step (MLP weights, VBPR's projection E). */
        DENSE
    }

    /** How the floats are held (see the class comment). */
    public enum Layout {
        /** FLAT up to {@link #FLAT_LIMIT} floats, CHUNKED above (or as {@value #LAYOUT_PROPERTY} says). */
        AUTO,
        /** One array; at most {@link #MAX_FLAT} floats. */
        FLAT,
        /** Power-of-two chunks of rows. */
        CHUNKED
    }

    /** System property forcing the layout of AUTO embedding tables: auto, flat or chunked. */
    public static final String LAYOUT_PROPERTY = "sparsetrain.table.layout";
    /** System property setting the rows per chunk of CHUNKED tables (rounded down to a power of two). */
    public static final String CHUNK_ROWS_PROPERTY = "sparsetrain.table.chunkRows";
    /** Largest flat table: what one Java array holds (a few words below 2^31 on HotSpot). */
    public static final long MAX_FLAT = Integer.MAX_VALUE - 16;
    /** AUTO keeps a table flat up to this many floats (2^30, 4 GB). */
    public static final long FLAT_LIMIT = 1L << 30;
    /** Default chunk size in floats (2^28, 1 GB): chunk rows = largest power of two with rows * dim &lt;= this. */
    public static final long CHUNK_FLOATS = 1L << 28;

    private final String name;
    private final int rows;
    private final int dim;
    private final Kind kind;
    private final float[][] chunks;
    private final int shift;
    private final int mask;

    /** A table of zeros with the AUTO layout. */
    public Table(String name, int rows, int dim, Kind kind) {
        this(name, rows, dim, kind, Layout.AUTO, 0);
    }

    /** A table of zeros with {@code layout} (FLAT for dense tensors whatever is asked under AUTO). */
    public Table(String name, int rows, int dim, Kind kind, Layout layout) {
        this(name, rows, dim, kind, layout, 0);
    }

    /**
     * A table of zeros.
     *
     * @param chunkRows rows per chunk for CHUNKED (rounded down to a power of two), or 0 for the
     *                  default ({@value #CHUNK_ROWS_PROPERTY}, else the largest power of two with
     *                  {@code rows * dim <= } {@link #CHUNK_FLOATS})
     */
    public Table(String name, int rows, int dim, Kind kind, Layout layout, int chunkRows) {
        this.name = Objects.requireNonNull(name, "name");
        if (name.isBlank()) throw new IllegalArgumentException("table name must not be blank");
        if (rows <= 0) throw new IllegalArgumentException("table '" + name + "': rows=" + rows + ", must be > 0");
        if (dim <= 0) throw new IllegalArgumentException("table '" + name + "': dim=" + dim + ", must be > 0");
        if (chunkRows < 0) throw new IllegalArgumentException("table '" + name + "': chunkRows=" + chunkRows + ", must be >= 0");
        this.rows = rows;
        this.dim = dim;
        this.kind = Objects.requireNonNull(kind, "kind");
        long size = (long) rows * dim;
        Layout l = resolve(name, size, kind, Objects.requireNonNull(layout, "layout"));
        requireHeap(name, rows, dim, size * 4L);
        if (l == Layout.FLAT) {
            shift = 31;
            mask = Integer.MAX_VALUE;
            try {
                chunks = new float[][] {new float[(int) size]};
            } catch (OutOfMemoryError e) {
                throw outOfHeap(name, rows, dim, size, 0, 1);
            }
        } else {
            int cr = chunkRows > 0 ? Integer.highestOneBit(chunkRows) : defaultChunkRows(dim);
            if ((long) cr * dim > MAX_FLAT) {
                throw new IllegalArgumentException("table '" + name + "': chunks of " + cr + " x " + dim + " floats exceed one Java array");
            }
            shift = Integer.numberOfTrailingZeros(cr);
            mask = cr - 1;
            int n = (int) (((long) rows + cr - 1) >>> shift);
            chunks = new float[n][];
            int c = 0;
            try {
                for (; c < n; c++) {
                    int inChunk = (int) Math.min(cr, (long) rows - ((long) c << shift));
                    chunks[c] = new float[inChunk * dim];
                }
            } catch (OutOfMemoryError e) {
                // the chunks allocated so far become garbage with this half-built table: one line, not a crash
                throw outOfHeap(name, rows, dim, size, c, n);
            }
        }
    }

    private static BadInputException outOfHeap(String name, int rows, int dim, long size, int done, int n) {
        return new BadInputException("table '" + name + "' " + rows + " x " + dim + " floats = " + gb(size * 4L)
                + ": out of heap after " + done + " of " + n + " arrays (the heap allows " + gb(heapForLargeArrays())
                + " for large arrays, the program already holds " + gb(Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory())
                + "); raise -Xmx");
    }

    private static Layout resolve(String name, long size, Kind kind, Layout asked) {
        if (kind == Kind.DENSE) {
            if (asked == Layout.CHUNKED) throw new IllegalArgumentException("table '" + name + "': dense tensors are always FLAT");
            if (size > MAX_FLAT) throw new IllegalArgumentException("table '" + name + "': dense tensor of " + size + " floats exceeds one Java array");
            return Layout.FLAT;
        }
        Layout l = asked == Layout.AUTO ? propertyLayout() : asked;
        if (l == Layout.AUTO) l = size > FLAT_LIMIT ? Layout.CHUNKED : Layout.FLAT;
        if (l == Layout.FLAT && size > MAX_FLAT) {
            if (asked == Layout.FLAT) {
                throw new IllegalArgumentException("table '" + name + "': " + size + " floats exceed one Java array (max " + MAX_FLAT + "); use Layout.CHUNKED");
            }
            l = Layout.CHUNKED;   // the property asked for flat, but it cannot be
        }
        return l;
    }

    /** The layout {@value #LAYOUT_PROPERTY} asks for (AUTO when unset). */
    public static Layout propertyLayout() {
        String p = System.getProperty(LAYOUT_PROPERTY);
        if (p == null || p.isBlank()) return Layout.AUTO;
        return switch (p.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> Layout.AUTO;
            case "flat" -> Layout.FLAT;
            case "chunked" -> Layout.CHUNKED;
            default -> throw new BadInputException("-D" + LAYOUT_PROPERTY + "=" + p + ": must be auto, flat or chunked");
        };
    }

    /** Rows per chunk for a table of width {@code dim}: {@value #CHUNK_ROWS_PROPERTY}, else the largest power of two within {@link #CHUNK_FLOATS}. */
    public static int defaultChunkRows(int dim) {
        String p = System.getProperty(CHUNK_ROWS_PROPERTY);
        if (p != null && !p.isBlank()) {
            int v;
            try {
                v = Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v <= 0) throw new BadInputException("-D" + CHUNK_ROWS_PROPERTY + "=" + p + ": must be a positive integer");
            return Integer.highestOneBit(v);
        }
        long r = Math.max(1, CHUNK_FLOATS / dim);
        return Integer.highestOneBit((int) Math.min(r, 1 << 30));
    }

    /**
     * Refuses, before allocation, a table whose {@code bytes} exceed the heap this JVM may use
     * ({@link Runtime#maxMemory()}, set by -Xmx): one line with exit code 2 naming the sizes.
     */
    public static void requireHeap(String name, long rows, int dim, long bytes) {
        requireHeap("table '" + name + "' " + rows + " x " + dim + " floats", bytes);
    }

    /**
     * What the heap can hold in large arrays: the maximum of its old (tenured) generation where the
     * collector fixes one (ParallelGC and SerialGC keep the young generation apart, a third of -Xmx
     * by default: give {@code -Xmn} to shrink it), else {@link Runtime#maxMemory()} (G1, ZGC).
     */
    public static long heapForLargeArrays() {
        long max = Runtime.getRuntime().maxMemory();
        for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            String n = p.getName();
            long m = p.getUsage() == null ? -1 : p.getUsage().getMax();
            if (p.getType() == java.lang.management.MemoryType.HEAP && m > 0 && (n.contains("Old Gen") || n.contains("Tenured"))
                    && !n.startsWith("G1")) {
                max = Math.min(max, m);
            }
        }
        return max;
    }

    /**
     * Refuses, before allocation, parameters plus optimizer state that exceed the heap:
     * {@code what} names them ("table 'item' 150000000 x 16 floats with row-wise AdaGrad state").
     */
    public static void requireHeap(String what, long bytes) {
        long max = heapForLargeArrays();
        if (max != Long.MAX_VALUE && bytes > max) {
            boolean split = max < Runtime.getRuntime().maxMemory();
            throw new BadInputException(what + " = " + gb(bytes) + "; the heap allows " + gb(max)
                    + (split ? " (-Xmx " + gb(Runtime.getRuntime().maxMemory()) + " less the young generation; raise -Xmx or lower -Xmn)" : " (-Xmx)"));
        }
    }

    static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }

    /** An embedding table of zeros. */
    public static Table embedding(String name, int rows, int dim) {
        return new Table(name, rows, dim, Kind.EMBEDDING);
    }

    /** An embedding table of zeros with {@code layout}. */
    public static Table embedding(String name, int rows, int dim, Layout layout) {
        return new Table(name, rows, dim, Kind.EMBEDDING, layout);
    }

    /** A dense tensor of zeros, {@code rows x cols} (use rows = 1 for a vector). */
    public static Table dense(String name, int rows, int cols) {
        return new Table(name, rows, cols, Kind.DENSE);
    }

    public String name() { return name; }
    public int rows() { return rows; }
    public int dim() { return dim; }
    public Kind kind() { return kind; }
    public long size() { return (long) rows * dim; }

    /** FLAT or CHUNKED (never AUTO). */
    public Layout layout() { return shift == 31 ? Layout.FLAT : Layout.CHUNKED; }

    /** The array that holds row {@code r}. */
    public float[] block(int r) { return chunks[r >>> shift]; }

    /** Where row {@code r} starts in {@link #block(int)}. */
    public int offset(int r) { return (r & mask) * dim; }

    /** Number of backing arrays (1 when FLAT). */
    public int chunkCount() { return chunks.length; }

    /** Backing array {@code c}, row-major, rows {@code c * chunkRows()} onwards (live). */
    public float[] chunk(int c) { return chunks[c]; }

    /** Rows per chunk (all but the last chunk hold exactly this many); {@code rows()} when FLAT. */
    public int chunkRows() { return shift == 31 ? rows : 1 << shift; }

    /**
     * The whole table as one array, row-major: FLAT tables only (dense tensors always are); used
     * by dense updates. For a CHUNKED table this throws, naming the table: use block/offset or
     * the whole-table helpers ({@link #load}, {@link #copyFrom}, {@link #chunk}).
     */
    public float[] data() {
        if (shift != 31) {
            throw new IllegalStateException("table '" + name + "' (" + rows + " x " + dim + ") is CHUNKED (" + chunks.length
                    + " chunks): use block(r)/offset(r) or chunk(c), not data()");
        }
        return chunks[0];
    }

    public float get(int r, int c) { return chunks[r >>> shift][(r & mask) * dim + c]; }
    public void set(int r, int c, float v) { chunks[r >>> shift][(r & mask) * dim + c] = v; }

    /** Fills with N(0, std^2) from {@code rnd}, in row-major order (same values in every layout). */
    public Table fillNormal(SplittableRandom rnd, double std) {
        for (float[] d : chunks) for (int i = 0; i < d.length; i++) d[i] = (float) (gaussian(rnd) * std);
        return this;
    }

    /** Fills with U(-a, a) from {@code rnd}, in row-major order (same values in every layout). */
    public Table fillUniform(SplittableRandom rnd, double a) {
        for (float[] d : chunks) for (int i = 0; i < d.length; i++) d[i] = (float) ((rnd.nextDouble() * 2 - 1) * a);
        return this;
    }

    public Table fill(float v) {
        for (float[] d : chunks) java.util.Arrays.fill(d, v);
        return this;
    }

    /** Copies {@code values} (row-major, length rows*dim) into the table. */
    public Table load(float[] values) {
        if (values.length != size()) {
            throw new IllegalArgumentException("table '" + name + "': " + rows + " x " + dim + " = " + size()
                    + " values expected, got " + values.length);
        }
        int p = 0;
        for (float[] d : chunks) {
            System.arraycopy(values, p, d, 0, d.length);
            p += d.length;
        }
        return this;
    }

    /** Copies the values of {@code src} (same shape, any layout) into this table, chunk by chunk. */
    public Table copyFrom(Table src) {
        if (src.rows != rows || src.dim != dim) {
            throw new IllegalArgumentException("table '" + name + "' is " + rows + " x " + dim + ", '" + src.name + "' is "
                    + src.rows + " x " + src.dim);
        }
        if (src == this) return this;
        if (src.shift == shift) {
            for (int c = 0; c < chunks.length; c++) System.arraycopy(src.chunks[c], 0, chunks[c], 0, chunks[c].length);
            return this;
        }
        // different chunking: copy runs of rows that lie in one chunk of each
        int r = 0;
        while (r < rows) {
            int n = Math.min(rowsLeftInChunk(r), src.rowsLeftInChunk(r));
            System.arraycopy(src.block(r), src.offset(r), block(r), offset(r), n * dim);
            r += n;
        }
        return this;
    }

    /** Rows from {@code r} to the end of its chunk. */
    public int rowsLeftInChunk(int r) {
        return shift == 31 ? rows - r : (int) Math.min((long) rows - r, (1L << shift) - (r & mask));
    }

    /** Copies {@code n} rows starting at row {@code r} into {@code dst} from {@code dstOff} (row-major), across chunks. */
    public void readRows(int r, int n, float[] dst, int dstOff) {
        while (n > 0) {
            int k = Math.min(n, rowsLeftInChunk(r));
            System.arraycopy(block(r), offset(r), dst, dstOff, k * dim);
            dstOff += k * dim;
            r += k;
            n -= k;
        }
    }

    /** Whether {@code o} has the same shape and bit-identical values (layouts may differ). */
    public boolean sameValues(Table o) {
        if (o.rows != rows || o.dim != dim) return false;
        for (int r = 0; r < rows; ) {
            int n = Math.min(rowsLeftInChunk(r), o.rowsLeftInChunk(r));
            if (!java.util.Arrays.equals(block(r), offset(r), offset(r) + n * dim, o.block(r), o.offset(r), o.offset(r) + n * dim)) return false;
            r += n;
        }
        return true;
    }

    /** A deep copy with the same name, shape and layout. */
    public Table copy() {
        return copy(name);
    }

    /** A deep copy with the same shape and layout under {@code newName}. */
    public Table copy(String newName) {
        Table t = new Table(newName, rows, dim, kind, layout(), chunkRows());
        for (int c = 0; c < chunks.length; c++) System.arraycopy(chunks[c], 0, t.chunks[c], 0, chunks[c].length);
        return t;
    }

    /**
     * The same storage under another name (no copy): writes through either are seen by both. For
     * file containers that store a table under a prefixed name (a checkpoint's best snapshot).
     */
    public Table renamed(String newName) {
        return new Table(this, newName);
    }

    private Table(Table src, String newName) {
        this.name = Objects.requireNonNull(newName, "name");
        if (newName.isBlank()) throw new IllegalArgumentException("table name must not be blank");
        this.rows = src.rows;
        this.dim = src.dim;
        this.kind = src.kind;
        this.chunks = src.chunks;
        this.shift = src.shift;
        this.mask = src.mask;
    }

    static double gaussian(SplittableRandom rnd) {
        return rnd.nextGaussian();
    }

    @Override
    public String toString() {
        return "Table[" + name + ", " + rows + " x " + dim + ", " + kind + (shift == 31 ? "" : ", CHUNKED " + chunks.length + " x " + chunkRows() + " rows") + "]";
    }
}
