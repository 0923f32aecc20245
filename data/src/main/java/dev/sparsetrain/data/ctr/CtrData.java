package dev.sparsetrain.data.ctr;

/**
 * Model-ready click data: labels, encoded dense features and, per sparse feature, embedding row
 * indices in {@code [0, tableRows[f])}.
 *
 * <p>A single-valued feature stores one index per row ({@code offsets[f] == null}); a
 * multi-valued one stores CSR offsets. Use {@link #begin(int, int)} and {@link #end(int, int)}.
 * Immutable by convention (arrays are shared, never written after construction).
 *
 * @param names sparse feature names
 * @param denseNames dense feature names
 * @param rows number of rows
 * @param labels 0 or 1 per row
 * @param dense row-major {@code rows x numDense}, already transformed (log1p or standardized)
 * @param tableRows rows of each feature's embedding table (bucket count or vocabulary size)
 * @param offsets CSR offsets per feature, or null for single-valued features
 * @param ids embedding row indices per feature
 * @param rawIds null, or per feature null or (for a {@link IdMode#DYNAMIC} feature) the raw id of
 *               every entry of {@code ids[f]}, laid out alike: the 64-bit token hash
 *               ({@link CtrRawData#tokenHash}) of a log's id, or the exact id of synthetic data.
 *               The model maps it to a row while training ({@link DynamicIdMap}); {@code ids[f]}
 *               then holds the id hashed into {@code tableRows[f]} rows, used only by consumers
 *               that know no dynamic ids (impression strata, the Spark trainer).
 *               <p>Why the 64-bit hash and not an index into an exact vocabulary: it needs no
 *               dictionary of every id ever seen (33M ids for the full Criteo log; a stream has
 *               no end), the same raw id comes out at encode, train and predict time without
 *               any state, and it is what the saved id -&gt; row map is keyed by. It is
 *               collision-free with high probability: n distinct ids collide with probability
 *               about n^2 / 2^65 (3e-5 for 33M ids), against certain collisions of a 1e5-bucket
 *               hash; Monolith keys its tables by 64-bit ids as well.
 */
public record CtrData(String[] names, String[] denseNames, int rows, byte[] labels, float[] dense, int[] tableRows,
                      int[][] offsets, int[][] ids, long[][] rawIds) {

    /** Data without dynamic features. */
    public CtrData(String[] names, String[] denseNames, int rows, byte[] labels, float[] dense, int[] tableRows, int[][] offsets, int[][] ids) {
        this(names, denseNames, rows, labels, dense, tableRows, offsets, ids, null);
    }

    /** Whether feature {@code f} carries raw ids for a dynamic table. */
    public boolean isDynamic(int f) { return rawIds != null && rawIds[f] != null; }

    /** Whether any feature carries raw ids. */
    public boolean hasDynamic() {
        if (rawIds == null) return false;
        for (long[] r : rawIds) if (r != null) return true;
        return false;
    }

    /**
     * Synthetic or otherwise exact ids as input to dynamic tables: for every feature with
     * {@code which[f]} the ids become raw ids and the table {@code capacity} rows (ids[f] the
     * ids hashed into it); the others unchanged.
     */
    public CtrData withDynamicIds(boolean[] which, int capacity, long seed) {
        long[][] raw = new long[names.length][];
        int[][] out = ids.clone();
        int[] rowsOut = tableRows.clone();
        for (int f = 0; f < names.length; f++) {
            if (!which[f]) continue;
            raw[f] = new long[ids[f].length];
            out[f] = new int[ids[f].length];
            for (int k = 0; k < raw[f].length; k++) {
                raw[f][k] = ids[f][k];
                out[f][k] = FeatureEncoder.bucket(ids[f][k], capacity, seed);
            }
            rowsOut[f] = capacity;
        }
        return new CtrData(names, denseNames, rows, labels, dense, rowsOut, offsets, out, raw);
    }

    /**
     * Exact ids hashed into {@code buckets} rows per feature with the encoder's bucket hash (the
     * hashing trick applied to already-exact ids, e.g. synthetic ones); a real hash, unlike
     * {@link #foldBuckets}' modulo.
     */
    public CtrData hashed(int buckets, long seed) {
        int[][] out = new int[names.length][];
        int[] rowsOut = new int[names.length];
        for (int f = 0; f < names.length; f++) {
            out[f] = new int[ids[f].length];
            for (int k = 0; k < out[f].length; k++) out[f][k] = FeatureEncoder.bucket(ids[f][k], buckets, seed);
            rowsOut[f] = buckets;
        }
        return new CtrData(names, denseNames, rows, labels, dense, rowsOut, offsets, out, null);
    }

    public int numSparse() { return names.length; }

    public int numDense() { return denseNames.length; }

    public int begin(int f, int i) { return offsets[f] == null ? i : offsets[f][i]; }

    public int end(int f, int i) { return offsets[f] == null ? i + 1 : offsets[f][i + 1]; }

    public double clickRate() {
        long s = 0;
        for (byte b : labels) s += b;
        return rows == 0 ? 0 : (double) s / rows;
    }

    /** Rows [from, to) as a new data set (copies). */
    public CtrData slice(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside [0, " + rows + "]");
        }
        int n = to - from, nd = denseNames.length;
        int[][] o = new int[names.length][];
        int[][] t = new int[names.length][];
        long[][] raw = rawIds == null ? null : new long[names.length][];
        for (int f = 0; f < names.length; f++) {
            if (offsets[f] == null) {
                t[f] = java.util.Arrays.copyOfRange(ids[f], from, to);
                if (isDynamic(f)) raw[f] = java.util.Arrays.copyOfRange(rawIds[f], from, to);
            } else {
                int b = offsets[f][from], e = offsets[f][to];
                o[f] = new int[n + 1];
                for (int i = 0; i <= n; i++) o[f][i] = offsets[f][from + i] - b;
                t[f] = java.util.Arrays.copyOfRange(ids[f], b, e);
                if (isDynamic(f)) raw[f] = java.util.Arrays.copyOfRange(rawIds[f], b, e);
            }
        }
        return new CtrData(names, denseNames, n, java.util.Arrays.copyOfRange(labels, from, to),
                java.util.Arrays.copyOfRange(dense, from * nd, to * nd), tableRows, o, t, raw);
    }

    /**
     * The rows {@code order[0..n)} in that order, as a new data set (copies). Trainers use it to lay
     * a shuffled pass out contiguously, so that reading a sample's dense values and ids streams
     * through memory instead of missing the cache once per feature.
     */
    public CtrData select(int[] order) {
        int n = order.length, nd = denseNames.length;
        byte[] l = new byte[n];
        float[] d = new float[n * nd];
        int[][] o = new int[names.length][];
        int[][] t = new int[names.length][];
        for (int i = 0; i < n; i++) {
            int r = order[i];
            l[i] = labels[r];
            if (nd > 0) System.arraycopy(dense, r * nd, d, i * nd, nd);
        }
        long[][] raw = rawIds == null ? null : new long[names.length][];
        for (int f = 0; f < names.length; f++) {
            int[] src = ids[f];
            if (isDynamic(f)) {
                long[] rs = rawIds[f];
                long[] rd;
                if (offsets[f] == null) {
                    rd = new long[n];
                    for (int i = 0; i < n; i++) rd[i] = rs[order[i]];
                } else {
                    int[] of = offsets[f];
                    int total = 0;
                    for (int i = 0; i < n; i++) total += of[order[i] + 1] - of[order[i]];
                    rd = new long[total];
                    for (int i = 0, p = 0; i < n; i++) {
                        int len = of[order[i] + 1] - of[order[i]];
                        System.arraycopy(rs, of[order[i]], rd, p, len);
                        p += len;
                    }
                }
                raw[f] = rd;
            }
            if (offsets[f] == null) {
                int[] dst = new int[n];
                for (int i = 0; i < n; i++) dst[i] = src[order[i]];
                t[f] = dst;
            } else {
                int[] of = offsets[f];
                int[] no = new int[n + 1];
                for (int i = 0; i < n; i++) no[i + 1] = no[i] + of[order[i] + 1] - of[order[i]];
                int[] dst = new int[no[n]];
                for (int i = 0; i < n; i++) System.arraycopy(src, of[order[i]], dst, no[i], no[i + 1] - no[i]);
                o[f] = no;
                t[f] = dst;
            }
        }
        return new CtrData(names, denseNames, n, l, d, tableRows, o, t, raw);
    }

    /**
     * The same rows with every table shrunk to at most {@code buckets} rows: an id {@code r} of a
     * larger table becomes {@code r mod buckets} (a second hashing; folds unrelated ids together,
     * the "fewer buckets" regularizer of the SparseNN study).
     */
    public CtrData foldBuckets(int buckets) {
        if (buckets < 1) throw new dev.sparsetrain.core.BadInputException("buckets=" + buckets + ", must be >= 1");
        int[] rowsOut = tableRows.clone();
        int[][] out = new int[ids.length][];
        for (int f = 0; f < ids.length; f++) {
            if (tableRows[f] <= buckets) {
                out[f] = ids[f];
                continue;
            }
            rowsOut[f] = buckets;
            out[f] = new int[ids[f].length];
            for (int k = 0; k < out[f].length; k++) out[f][k] = ids[f][k] % buckets;
        }
        return new CtrData(names, denseNames, rows, labels, dense, rowsOut, offsets, out, rawIds);
    }

    /**
     * How many times each row of feature {@code f}'s table occurs in this data (the "training
     * impressions" used to stratify metrics by id frequency).
     */
    public int[] impressions(int f) {
        int[] c = new int[tableRows[f]];
        for (int v : ids[f]) c[v]++;
        return c;
    }

    /**
     * For every row of this data, how often its id of feature {@code f} occurs in training:
     * {@code counts} is the training data's {@link #impressions(int)} of the same feature (same
     * encoder, so the same table rows). A multi-valued feature uses the row's first id; a row
     * with no id of {@code f} gets 0. What {@code metrics.ctr.Strata#evaluate} takes to report
     * metrics per id-frequency stratum.
     */
    public int[] impressionsPerRow(int f, int[] counts) {
        if (counts.length != tableRows[f]) {
            throw new IllegalArgumentException("feature '" + names[f] + "': " + counts.length + " counts for a table of " + tableRows[f] + " rows");
        }
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            int b = begin(f, i);
            out[i] = b < end(f, i) ? counts[ids[f][b]] : 0;
        }
        return out;
    }
}
