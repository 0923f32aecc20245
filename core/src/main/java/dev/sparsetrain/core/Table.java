package dev.sparsetrain.core;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A named parameter table: {@code rows x dim} floats, row {@code r} at {@code offset(r)} in
 * {@code block(r)}.
 *
 * <p>Embedding tables (one row per user, item or hashed id) and dense tensors (a projection matrix
 * is {@code rows x cols}; a vector is one row of {@code n}) are both tables; {@link Kind} tells the
 * optimizer which sparse semantics make sense. Callers never index the backing array directly with
 * {@code r * dim}: they ask {@link #block(int)} and {@link #offset(int)}, so that a table larger than
 * one Java array can later be backed by several arrays (or off-heap memory) without changing them.
 * Today every table is one flat {@code float[]}.
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

    private final String name;
    private final int rows;
    private final int dim;
    private final Kind kind;
    private final float[] data;

    public Table(String name, int rows, int dim, Kind kind) {
        this.name = Objects.requireNonNull(name, "name");
        if (name.isBlank()) throw new IllegalArgumentException("table name must not be blank");
        if (rows <= 0) throw new IllegalArgumentException("table '" + name + "': rows=" + rows + ", must be > 0");
        if (dim <= 0) throw new IllegalArgumentException("table '" + name + "': dim=" + dim + ", must be > 0");
        if ((long) rows * dim > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("table '" + name + "': " + rows + " x " + dim
                    + " floats exceed one Java array (max " + (Integer.MAX_VALUE - 16) + ")");
        }
        this.rows = rows;
        this.dim = dim;
        this.kind = Objects.requireNonNull(kind, "kind");
        this.data = new float[rows * dim];
    }

    /** An embedding table of zeros. */
    public static Table embedding(String name, int rows, int dim) {
        return new Table(name, rows, dim, Kind.EMBEDDING);
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

    /** The array that holds row {@code r}. */
    public float[] block(int r) { return data; }

    /** Where row {@code r} starts in {@link #block(int)}. */
    public int offset(int r) { return r * dim; }

    /**
     * The whole table as one array, row-major. Only for tables that fit one array (all of them
     * today); used by serialization and by dense updates.
     */
    public float[] data() { return data; }

    public float get(int r, int c) { return data[r * dim + c]; }
    public void set(int r, int c, float v) { data[r * dim + c] = v; }

    /** Fills with N(0, std^2) from {@code rnd}. */
    public Table fillNormal(SplittableRandom rnd, double std) {
        for (int i = 0; i < data.length; i++) data[i] = (float) (gaussian(rnd) * std);
        return this;
    }

    /** Fills with U(-a, a) from {@code rnd}. */
    public Table fillUniform(SplittableRandom rnd, double a) {
        for (int i = 0; i < data.length; i++) data[i] = (float) ((rnd.nextDouble() * 2 - 1) * a);
        return this;
    }

    public Table fill(float v) {
        java.util.Arrays.fill(data, v);
        return this;
    }

    /** Copies {@code values} (row-major, length rows*dim) into the table. */
    public Table load(float[] values) {
        if (values.length != data.length) {
            throw new IllegalArgumentException("table '" + name + "': " + rows + " x " + dim + " = " + data.length
                    + " values expected, got " + values.length);
        }
        System.arraycopy(values, 0, data, 0, data.length);
        return this;
    }

    /** A deep copy with the same name and shape. */
    public Table copy() {
        Table t = new Table(name, rows, dim, kind);
        System.arraycopy(data, 0, t.data, 0, data.length);
        return t;
    }

    static double gaussian(SplittableRandom rnd) {
        // Box-Muller; SplittableRandom has no nextGaussian before JDK 17's RandomGenerator default.
        return rnd.nextGaussian();
    }

    @Override
    public String toString() {
        return "Table[" + name + ", " + rows + " x " + dim + ", " + kind + "]";
    }
}
