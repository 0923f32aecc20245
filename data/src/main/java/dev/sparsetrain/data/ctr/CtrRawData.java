package dev.sparsetrain.data.ctr;

/**
 * Rows as read from a file, before encoding: labels, dense values (NaN where missing) and, per
 * sparse feature, the 64-bit hash of each id token ({@link #tokenHash(CharSequence, int, int)}).
 *
 * <p>Storing a 64-bit hash instead of the string keeps 10 million rows of 26 ids in memory; two
 * distinct tokens of one feature share a 64-bit hash with probability about n^2 / 2^65, negligible
 * at any size this project reads, so a vocabulary over the hashes is exact for practical purposes.
 *
 * @param names sparse feature names
 * @param denseNames dense feature names
 * @param rows number of rows
 * @param labels 0 or 1 per row
 * @param dense row-major {@code rows x denseNames.length}
 * @param offsets per sparse feature: CSR offsets ({@code rows + 1}) for multi-valued features, or
 *     null when every row has exactly one id (then {@code tokens[f][i]} is row i's id)
 * @param tokens per sparse feature: the token hashes
 * @param skipped rows skipped as bad input (only when the reader was asked to skip)
 * @param firstSkipped the message of the first skipped row, or null
 */
public record CtrRawData(String[] names, String[] denseNames, int rows, byte[] labels, float[] dense,
                         int[][] offsets, long[][] tokens, long skipped, String firstSkipped) {

    public int numSparse() { return names.length; }

    public int numDense() { return denseNames.length; }

    public int begin(int f, int i) { return offsets[f] == null ? i : offsets[f][i]; }

    public int end(int f, int i) { return offsets[f] == null ? i + 1 : offsets[f][i + 1]; }

    /** Rows [from, to) as a new data set (copies). */
    public CtrRawData slice(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside [0, " + rows + "]");
        }
        int n = to - from, nd = denseNames.length;
        byte[] l = java.util.Arrays.copyOfRange(labels, from, to);
        float[] d = java.util.Arrays.copyOfRange(dense, from * nd, to * nd);
        int[][] o = new int[names.length][];
        long[][] t = new long[names.length][];
        for (int f = 0; f < names.length; f++) {
            if (offsets[f] == null) {
                t[f] = java.util.Arrays.copyOfRange(tokens[f], from, to);
            } else {
                int b = offsets[f][from], e = offsets[f][to];
                o[f] = new int[n + 1];
                for (int i = 0; i <= n; i++) o[f][i] = offsets[f][from + i] - b;
                t[f] = java.util.Arrays.copyOfRange(tokens[f], b, e);
            }
        }
        return new CtrRawData(names, denseNames, n, l, d, o, t, 0, null);
    }

    /** Mean label. */
    public double clickRate() {
        long s = 0;
        for (byte b : labels) s += b;
        return rows == 0 ? 0 : (double) s / rows;
    }

    /**
     * A 64-bit hash of {@code s[from, to)} (FNV-1a over UTF-16 units, then a murmur3 finalizer for
     * good low bits). The empty token has a hash too (a missing categorical is its own id).
     */
    public static long tokenHash(CharSequence s, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix64(h);
    }

    /** The murmur3 64-bit finalizer. */
    public static long mix64(long z) {
        z ^= z >>> 33;
        z *= 0xff51afd7ed558ccdL;
        z ^= z >>> 33;
        z *= 0xc4ceb9fe1a85ec53L;
        z ^= z >>> 33;
        return z;
    }
}
