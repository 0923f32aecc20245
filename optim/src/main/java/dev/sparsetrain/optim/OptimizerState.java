package dev.sparsetrain.optim;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of an {@link Optimizer}'s state, in the shape a model file stores: string metadata
 * and named float tables. Written into checkpoints next to the parameter tables so that a resumed
 * run continues the optimizer exactly (Adam moments, AdaGrad accumulators, row update counts,
 * catch-up stamps, group step counters, learning-rate multipliers) instead of restarting it.
 *
 * <pre>
 *   metadata  optim.format = 1, optim.groups = g1,g2,...
 *             optim.&lt;group&gt;.chain        chain, schedule, semantics, frozen (must match on load)
 *             optim.&lt;group&gt;.step / .observedStep / .multiplier / .lastClipNorm
 *   tables    optim/&lt;group&gt;/&lt;table&gt;/&lt;slot&gt;   kernel state, rows x dim (rows x 1 if one value per row)
 *             optim/&lt;group&gt;/&lt;table&gt;/rowCount  rows x 2: the row's update count in 16-bit pieces
 *             optim/&lt;group&gt;/&lt;table&gt;/last      rows x 4: CATCH_UP stamp (long) in 16-bit pieces
 * </pre>
 * Integers are split into 16-bit pieces held as exact floats, so that no bit pattern becomes a
 * NaN on the way through a float file. Load with {@link Optimizer#importState}: the optimizer
 * kind, hyperparameters, semantics and every shape must match, else one line names the file
 * and the mismatch. An exported state ({@link Optimizer#exportState()}) holds copies in
 * {@code tables}; a view ({@link Optimizer#stateView()}, what checkpoints write) holds
 * {@code streams} over the optimizer's live arrays instead, valid until the next update. A file is
 * read back into the live arrays through a {@link Reader} ({@link Optimizer#stateReader}).
 *
 * @param metadata the scalar state and the signatures checked on load
 * @param tables   the array state held as tables (copies, or tables read from a file)
 * @param streams  the array state as live views (written into a file without a copy)
 */
public record OptimizerState(Map<String, String> metadata, List<Table> tables, List<ModelFile.Stream> streams) {
    /** Metadata key present in every exported state. */
    public static final String FORMAT_KEY = "optim.format";
    /** Prefix of every state table name. */
    public static final String TABLE_PREFIX = "optim/";

    public OptimizerState {
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
        tables = List.copyOf(tables);
        streams = List.copyOf(streams);
    }

    /** A state held in tables (copies, or read from a file). */
    public OptimizerState(Map<String, String> metadata, List<Table> tables) {
        this(metadata, tables, List.of());
    }

    /** A live view: {@code streams} read the optimizer's own arrays when written. */
    public static OptimizerState view(Map<String, String> metadata, List<? extends ModelFile.Stream> streams) {
        return new OptimizerState(metadata, List.of(), List.copyOf(streams));
    }

    /** Whether a table name of a model file names optimizer state. */
    public static boolean isStateName(String name) {
        return name.startsWith(TABLE_PREFIX);
    }

    /** Whether a model file's metadata holds optimizer state. */
    public static boolean present(Map<String, String> metadata) {
        return metadata != null && metadata.containsKey(FORMAT_KEY);
    }

    /** Whether a table of a model file is optimizer state rather than a parameter table. */
    public static boolean isStateTable(Table t) {
        return t.name().startsWith(TABLE_PREFIX);
    }

    /** Picks the optimizer state out of a model file's metadata and tables. */
    public static OptimizerState from(Map<String, String> metadata, List<Table> tables) {
        Map<String, String> m = new LinkedHashMap<>();
        for (var e : metadata.entrySet()) if (e.getKey().startsWith("optim.")) m.put(e.getKey(), e.getValue());
        List<Table> t = new ArrayList<>();
        for (Table x : tables) if (isStateTable(x)) t.add(x);
        return new OptimizerState(m, t);
    }

    /** Metadata without the optimizer keys (what a model's own code should see). */
    public static Map<String, String> withoutState(Map<String, String> metadata) {
        Map<String, String> m = new LinkedHashMap<>();
        for (var e : metadata.entrySet()) if (!e.getKey().startsWith("optim.")) m.put(e.getKey(), e.getValue());
        return m;
    }

    /** Table {@code a}'s floats under another name and kind, read from its chunks while written. */
    static ModelFile.Stream stream(String name, Table.Kind kind, Table a) {
        long perChunk = (long) a.chunkRows() * a.dim();
        return new Encoded(name, kind, a.rows(), a.dim()) {
            @Override public void get(long from, float[] dst, int n) {
                for (int done = 0; done < n; ) {
                    float[] ch = a.chunk((int) ((from + done) / perChunk));
                    int off = (int) ((from + done) % perChunk), k = Math.min(n - done, ch.length - off);
                    System.arraycopy(ch, off, dst, done, k);
                    done += k;
                }
            }
        };
    }

    /** An int per row as rows x 2 16-bit pieces, encoded while written. */
    static ModelFile.Stream intStream(String name, int[] v) {
        return new Encoded(name, Table.Kind.DENSE, v.length, 2) {
            @Override public void get(long from, float[] dst, int n) {
                for (int i = 0; i < n; i++) {
                    long x = from + i;
                    int w = v[(int) (x >>> 1)];
                    dst[i] = (x & 1) == 0 ? (w >>> 16) & 0xffff : w & 0xffff;
                }
            }
        };
    }

    /**
     * A long per row as rows x 4 16-bit pieces (high piece first), encoded while written: how a
     * file of floats carries 64-bit integers exactly (also the dynamic tables' state).
     */
    public static ModelFile.Stream longStream(String name, long[] v) {
        return new Encoded(name, Table.Kind.DENSE, v.length, 4) {
            @Override public void get(long from, float[] dst, int n) {
                for (int i = 0; i < n; i++) {
                    long x = from + i;
                    dst[i] = (v[(int) (x >>> 2)] >>> (48 - 16 * (int) (x & 3))) & 0xffff;
                }
            }
        };
    }

    private abstract static class Encoded implements ModelFile.Stream {
        private final String name;
        private final Table.Kind kind;
        private final int rows, dim;

        Encoded(String name, Table.Kind kind, int rows, int dim) {
            this.name = name;
            this.kind = kind;
            this.rows = rows;
            this.dim = dim;
        }

        @Override public String name() { return name; }
        @Override public Table.Kind kind() { return kind; }
        @Override public int rows() { return rows; }
        @Override public int dim() { return dim; }
    }

    /** Decodes an integer array's 16-bit pieces as they are read (see {@link Reader}). */
    interface Decoder extends ModelFile.Sink {}

    /** Decodes rows x 2 pieces into {@code v} (and {@code also}, the epoch-start copy). */
    static Decoder intDecoder(String where, String table, int[] v, int[] also) {
        return (from, src, n) -> {
            for (int i = 0; i < n; i++) {
                long x = from + i;
                int r = (int) (x >>> 1), p = piece(src[i], where, table);
                if ((x & 1) == 0) {
                    v[r] = p << 16;
                } else {
                    v[r] |= p;
                    also[r] = v[r];
                }
            }
        };
    }

    /**
     * Decodes what {@link #longStream} wrote into {@code v} (one long per 4 floats) as it is read;
     * a float that is not a 16-bit piece is refused in one line naming {@code where} and {@code table}.
     */
    public static ModelFile.Sink longSink(String where, String table, long[] v) {
        return longDecoder(where, table, v);
    }

    /** Decodes rows x 4 pieces into {@code v}. */
    static Decoder longDecoder(String where, String table, long[] v) {
        return (from, src, n) -> {
            for (int i = 0; i < n; i++) {
                long x = from + i;
                int r = (int) (x >>> 2), p = piece(src[i], where, table);
                v[r] = (x & 3) == 0 ? p : (v[r] << 16) | p;
            }
        };
    }

    /**
     * Where a model file's tables go when it is read into a live model ({@link
     * ModelFile#read(java.nio.file.Path, java.util.function.Function)}): a parameter table into the
     * model's own table of its name in {@code params} (rows x dim checked, else one line naming
     * {@code where}; {@code seen} collects the names placed), an {@code optim/...} array into the
     * live optimizer's through {@code reader} (null: no state is read), anything else (a best
     * snapshot, say) into a new table.
     */
    public static ModelFile.Placement placement(String where, Map<String, Table> params, java.util.Set<String> seen, Reader reader) {
        return new ModelFile.Placement() {
            @Override public Table into(String name, Table.Kind kind, int rows, int dim) {
                Table p = params.get(name);
                if (p != null) {
                    if (p.rows() != rows || p.dim() != dim) {
                        throw new BadInputException(where + ": table '" + name + "' is " + rows + " x " + dim
                                + ", this data and configuration need " + p.rows() + " x " + p.dim());
                    }
                    seen.add(name);
                    return p;
                }
                return reader != null && isStateName(name) ? reader.into(name, kind, rows, dim) : null;
            }

            @Override public ModelFile.Sink sink(String name, Table.Kind kind, int rows, int dim) {
                return reader != null && isStateName(name) ? reader.sink(name, kind, rows, dim) : null;
            }
        };
    }

    /**
     * Reads a saved state into an optimizer's live arrays ({@link Optimizer#stateReader}): as a
     * {@link ModelFile.Placement} for the file's {@code optim/...} tables (kernel state into the
     * kernel's own tables, integer arrays decoded as they come), or from an {@link OptimizerState}
     * ({@link #read(Table)}, {@link #read(ModelFile.Stream)}). Each array's name and shape is
     * checked as it comes; {@link #finish()} checks that none is missing and sets the counters.
     */
    public static final class Reader implements ModelFile.Placement {
        private final String where;
        private final Map<String, Table> live;
        private final Map<String, Decoder> ints;
        private final Map<String, int[]> shapes;
        private final Runnable apply;
        private final java.util.Set<String> seen = new java.util.HashSet<>();

        Reader(String where, Map<String, Table> live, Map<String, Decoder> ints, Map<String, int[]> shapes, Runnable apply) {
            this.where = where;
            this.live = live;
            this.ints = ints;
            this.shapes = shapes;
            this.apply = apply;
        }

        /** Whether {@code name} is one of this optimizer's state arrays. */
        public boolean owns(String name) { return shapes.containsKey(name); }

        /** Checks that {@code name} is a rows x dim state array here; one line naming the file otherwise. */
        public void check(String name, int rows, int dim) {
            int[] s = shapes.get(name);
            if (s == null) throw new BadInputException(where + ": optimizer state array '" + name + "' has no place in this optimizer");
            if (s[0] != rows || s[1] != dim) {
                throw new BadInputException(where + ": optimizer state array '" + name + "' is " + rows + " x " + dim + ", this optimizer needs " + s[0] + " x " + s[1]);
            }
            seen.add(name);
        }

        @Override public Table into(String name, Table.Kind kind, int rows, int dim) {
            check(name, rows, dim);
            return live.get(name);
        }

        @Override public ModelFile.Sink sink(String name, Table.Kind kind, int rows, int dim) { return ints.get(name); }

        /** Reads a checked state table into the live array. */
        void read(Table t) {
            Table l = live.get(t.name());
            if (l != null) {
                if (l != t) l.copyFrom(t);
                return;
            }
            Decoder d = ints.get(t.name());
            long p = 0;
            for (int c = 0; c < t.chunkCount(); c++) {
                d.put(p, t.chunk(c), t.chunk(c).length);
                p += t.chunk(c).length;
            }
        }

        /** Reads a checked state stream into the live array. */
        void read(ModelFile.Stream s) {
            Table l = live.get(s.name());
            if (l != null) {
                long p = 0;
                for (int c = 0; c < l.chunkCount(); c++) {
                    float[] d = l.chunk(c);
                    s.get(p, d, d.length);
                    p += d.length;
                }
                return;
            }
            float[] buf = new float[1 << 14];
            long total = (long) s.rows() * s.dim();
            for (long p = 0; p < total; ) {
                int n = (int) Math.min(buf.length, total - p);
                s.get(p, buf, n);
                ints.get(s.name()).put(p, buf, n);
                p += n;
            }
        }

        /**
         * Restores a whole state held in memory: every array's name and shape is checked before
         * anything is read, then the arrays are read and the counters set.
         */
        public void readAll(OptimizerState s) {
            for (Table t : s.tables()) check(t.name(), t.rows(), t.dim());
            for (ModelFile.Stream t : s.streams()) check(t.name(), t.rows(), t.dim());
            checkComplete();
            for (Table t : s.tables()) read(t);
            for (ModelFile.Stream t : s.streams()) read(t);
            finish();
        }

        /**
         * One reader over several optimizers' disjoint arrays (a sharded optimizer's shards);
         * {@code then} runs after every part's {@link #finish}.
         */
        public static Reader merge(String where, List<Reader> parts, Runnable then) {
            Map<String, Table> live = new LinkedHashMap<>();
            Map<String, Decoder> ints = new LinkedHashMap<>();
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (Reader r : parts) {
                live.putAll(r.live);
                ints.putAll(r.ints);
                shapes.putAll(r.shapes);
            }
            return new Reader(where, live, ints, shapes, () -> {
                for (Reader r : parts) r.apply.run();
                then.run();
            });
        }

        /** Refuses a state that lacks one of this optimizer's arrays. */
        public void checkComplete() {
            for (String n : shapes.keySet()) {
                if (!seen.contains(n)) throw new BadInputException(where + ": optimizer state array '" + n + "' is missing");
            }
        }

        /** Checks that every array was read, then sets the groups' counters and multipliers. */
        public void finish() {
            checkComplete();
            apply.run();
        }
    }

    static int piece(float f, String where, String table) {
        int p = (int) f;
        if (p != f || p < 0 || p > 0xffff) throw new BadInputException(where + ": damaged integer state (table '" + table + "' holds " + f + ", not a 16-bit piece)");
        return p;
    }

}
