package dev.sparsetrain.data.ctr;

/**
 * Per sparse feature: distinct ids seen in the fitting rows, table rows used, and ids that share
 * their row with another id (hash collisions, or ids folded into the out-of-vocabulary row).
 *
 * @param names feature names
 * @param distinctIds distinct ids per feature
 * @param tableRows rows of each table
 * @param rowsUsed rows holding at least one id
 * @param idsSharing ids whose row holds at least one other id
 */
public record CollisionReport(String[] names, long[] distinctIds, int[] tableRows, long[] rowsUsed, long[] idsSharing) {

    public long totalDistinct() { long s = 0; for (long v : distinctIds) s += v; return s; }

    public long totalSharing() { long s = 0; for (long v : idsSharing) s += v; return s; }

    /** A fixed-width table, one line per feature plus a total. */
    public String format() {
        StringBuilder sb = new StringBuilder(String.format("%-14s %10s %10s %10s %10s %8s%n", "feature", "distinct", "rows",
                "rows_used", "sharing", "share%"));
        for (int f = 0; f < names.length; f++) {
            sb.append(String.format("%-14s %10d %10d %10d %10d %7.1f%%%n", names[f], distinctIds[f], tableRows[f],
                    rowsUsed[f], idsSharing[f], distinctIds[f] == 0 ? 0 : 100.0 * idsSharing[f] / distinctIds[f]));
        }
        long d = totalDistinct(), s = totalSharing();
        sb.append(String.format("%-14s %10d %10s %10s %10d %7.1f%%%n", "total", d, "", "", s, d == 0 ? 0 : 100.0 * s / d));
        return sb.toString();
    }
}
