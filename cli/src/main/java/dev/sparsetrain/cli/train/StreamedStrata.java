package dev.sparsetrain.cli.train;

import dev.sparsetrain.cli.CtrOptions;
import dev.sparsetrain.data.ctr.CtrBlockReader;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrStreamSplit;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.Strata;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.StreamingCtrMetrics;

/**
 * Per-stratum test figures of {@code ctr-train --stream} (rare, medium and frequent ids of one
 * feature by training impressions, as the in-memory run prints them). The strata need the
 * training impressions of every table row, which one streamed read of the training rows counts
 * ({@code int} per row of the candidate features' tables: 10.4 MB for 26 features of 100,000
 * rows), and the thresholds from the data need the test rows tallied by those counts, which one
 * streamed read of the test rows does (memory: the distinct counts, not the rows). The choice of
 * feature and thresholds is {@link CtrOptions.StrataOptions}' over the same numbers, so it is the
 * in-memory run's. Each evaluation then streams the test rows once more, with one
 * {@link StreamingCtrMetrics} per stratum (NE against the overall test click rate, as in memory).
 */
final class StreamedStrata {
    final int feature;
    final String name;
    final Strata strata;
    final long[] sizes;
    private final int[] counts;

    private StreamedStrata(int feature, String name, Strata strata, long[] sizes, int[] counts) {
        this.feature = feature;
        this.name = name;
        this.strata = strata;
        this.sizes = sizes;
        this.counts = counts;
    }

    /** Counts the training impressions and tallies the test rows of {@code split}, then chooses the feature and thresholds as {@code o} says. */
    static StreamedStrata fit(CtrOptions.StrataOptions o, CtrStreamSplit split) {
        String[] names = split.encoder().names();
        int[] tableRows = split.encoder().tableRows();
        int named = o.namedFeature(names);
        int ns = names.length;
        int[][] counts = new int[ns][];
        for (int f = 0; f < ns; f++) if (named < 0 || named == f) counts[f] = new int[tableRows[f]];
        try (CtrBlockReader r = split.train()) {
            CtrData b;
            while ((b = r.next()) != null) {
                for (int f = 0; f < ns; f++) {
                    if (counts[f] == null) continue;
                    int[] ids = b.ids()[f], c = counts[f];
                    for (int i = 0; i < b.rows(); i++) for (int j = b.begin(f, i); j < b.end(f, i); j++) c[ids[j]]++;   // every id of the row
                }
            }
        }
        // the test rows tallied by the training count of their id, per candidate feature
        int[][] values = new int[ns][];
        long[][] tally = new long[ns][];
        for (int f = 0; f < ns; f++) {
            if (counts[f] == null) continue;
            values[f] = distinctWithZero(counts[f]);
            tally[f] = new long[values[f].length];
        }
        try (CtrBlockReader r = split.test()) {
            CtrData b;
            while ((b = r.next()) != null) {
                for (int f = 0; f < ns; f++) {
                    if (counts[f] == null) continue;
                    int[] ids = b.ids()[f], c = counts[f], v = values[f];
                    long[] t = tally[f];
                    for (int i = 0; i < b.rows(); i++) t[java.util.Arrays.binarySearch(v, impressions(b, f, i, c))]++;
                }
            }
        }
        Strata.Histogram[] test = new Strata.Histogram[ns];
        for (int f = 0; f < ns; f++) if (counts[f] != null) test[f] = Strata.Histogram.ofTally(values[f], tally[f]);
        int feature = named >= 0 ? named : o.featureIndex(names, counts, test);
        Strata st = o.strata(test[feature], names[feature]);
        return new StreamedStrata(feature, names[feature], st, st.sizes(test[feature]), counts[feature]);
    }

    /** The training impressions of row {@code i}'s id of feature {@code f} (a multi-valued feature's first id; 0 for none), as {@link CtrData#impressionsPerRow}. */
    private static int impressions(CtrData b, int f, int i, int[] counts) {
        int j = b.begin(f, i);
        return j < b.end(f, i) ? counts[b.ids()[f][j]] : 0;
    }

    /** The distinct values of {@code counts} and 0, ascending. */
    private static int[] distinctWithZero(int[] counts) {
        int[] v = java.util.Arrays.copyOf(counts, counts.length + 1);   // the extra 0: test ids never seen in training
        java.util.Arrays.sort(v);
        int k = 0;
        for (int i = 0; i < v.length; i++) if (i == 0 || v[i] != v[i - 1]) v[k++] = v[i];
        return java.util.Arrays.copyOf(v, k);
    }

    /** The test figures per stratum (rare, medium, frequent) and over all rows, streaming {@code reader} (closed) through {@code t}'s model. */
    CtrEvaluation[] evaluate(CtrTrainer t, CtrBlockReader reader) {
        StreamingCtrMetrics all = new StreamingCtrMetrics();
        StreamingCtrMetrics[] per = {new StreamingCtrMetrics(), new StreamingCtrMetrics(), new StreamingCtrMetrics()};
        try (reader) {
            CtrData b;
            while ((b = reader.next()) != null) {
                float[] p = t.predict(b);
                byte[] y = b.labels();
                all.add(y, p, b.rows());
                for (int i = 0; i < b.rows(); i++) per[strata.of(impressions(b, feature, i, counts))].add(y[i], p[i]);
            }
        }
        double bg = all.result(Double.NaN).clickRate();
        return new CtrEvaluation[] {per[0].result(bg), per[1].result(bg), per[2].result(bg), all.result(bg)};
    }
}
