package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.metrics.ctr.Strata;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Click-model options of ctr-train and experiment sparsenn-passes that the Spark entry point does
 * not share: the strata, and the table-size check. The data, architecture and training options are
 * {@code ClickDataOptions}, {@code ClickModelOptions} and {@code ClickTrainOptions} (module options).
 */
public final class CtrOptions {
    private CtrOptions() {}

    /**
     * Strata of one id feature by training impressions. Without {@code --rare-below} and
     * {@code --frequent-from} the thresholds come from the data ({@link Strata#balanced}: the test
     * rows split as close to thirds as the counts allow), so that no stratum is empty.
     */
    public static final class StrataOptions {
        @Option(names = "--strata-feature", description = "Sparse feature whose training impressions define rare/medium/frequent. Default: the one with most distinct ids in training among those whose test rows can fill three strata. A streamed run (--stream) measures strata only when this, --rare-below or --frequent-from is given (one more read of the training and the test rows).")
        String feature;

        @Option(names = "--rare-below", description = "Ids with fewer training impressions are rare. Default: chosen from the data so that rare, medium and frequent each hold about a third of the test rows (printed).")
        Integer rareBelow;

        @Option(names = "--frequent-from", description = "Ids with at least this many are frequent. Default: chosen from the data with --rare-below (printed).")
        Integer frequentFrom;

        private boolean fixed() { return rareBelow != null || frequentFrom != null; }

        /** Checks given thresholds (before any data is read). */
        public void check() {
            if (!fixed()) return;
            int r = rareBelow != null ? rareBelow : Strata.defaults().rareBelow();
            int f = frequentFrom != null ? frequentFrom : Strata.defaults().frequentFrom();
            if (r < 1) throw new BadInputException("--rare-below " + r + ", must be >= 1");
            if (f <= r) throw new BadInputException("--frequent-from " + f + ", must be > --rare-below " + r);
        }

        /**
         * The strata for test rows with training impressions {@code imp}: the given thresholds, or
         * balanced ones; refused in one line when the feature's counts cannot fill three strata.
         */
        public Strata strata(int[] imp, String featureName) { return strata(Strata.Histogram.of(imp), featureName); }

        /** {@link #strata(int[], String)} from the test rows' impressions tallied (a streamed run's). */
        public Strata strata(Strata.Histogram imp, String featureName) {
            check();
            if (fixed()) {
                return new Strata(rareBelow != null ? rareBelow : Strata.defaults().rareBelow(),
                        frequentFrom != null ? frequentFrom : Strata.defaults().frequentFrom());
            }
            Strata s = Strata.balanced(imp);
            if (s == null) {
                throw new BadInputException("--strata-feature " + featureName + ": the test rows' training impressions take fewer than 3"
                        + " distinct values, so three strata cannot all hold rows; choose another feature or give --rare-below and --frequent-from");
            }
            return s;
        }

        /**
         * {@code --strata-feature}, or the feature with most distinct training ids among those
         * whose test rows can fill three strata (with given thresholds: all three non-empty; else
         * at least 3 distinct impression counts); the most distinct one when none can.
         */
        public int featureIndex(CtrData train, CtrData test) {
            if (feature != null) {
                for (int f = 0; f < train.numSparse(); f++) if (train.names()[f].equals(feature)) return f;
                throw new BadInputException("--strata-feature '" + feature + "', known: " + String.join(", ", train.names()));
            }
            int best = -1, bestDistinct = -1, any = 0, anyDistinct = -1;
            for (int f = 0; f < train.numSparse(); f++) {
                int[] counts = train.impressions(f);
                int d = 0;
                for (int c : counts) if (c > 0) d++;
                if (d > anyDistinct) {
                    anyDistinct = d;
                    any = f;
                }
                if (d > bestDistinct && fills(test.impressionsPerRow(f, counts))) {
                    bestDistinct = d;
                    best = f;
                }
            }
            return best >= 0 ? best : any;
        }

        private boolean fills(int[] imp) { return fills(Strata.Histogram.of(imp)); }

        private boolean fills(Strata.Histogram imp) {
            if (!fixed()) return Strata.balanced(imp) != null;
            for (long n : strata(imp, "").sizes(imp)) if (n == 0) return false;
            return true;
        }

        /** Whether a strata option was given: a streamed run measures strata only then (it costs a pass over the training and the test rows). */
        public boolean given() { return feature != null || fixed(); }

        /** The index of {@code --strata-feature} among {@code names}, or -1 when not given; an unknown name is refused in one line. */
        public int namedFeature(String[] names) {
            if (feature == null) return -1;
            for (int f = 0; f < names.length; f++) if (names[f].equals(feature)) return f;
            throw new BadInputException("--strata-feature '" + feature + "', known: " + String.join(", ", names));
        }

        /**
         * {@link #featureIndex(CtrData, CtrData)} from tallies (a streamed run's): {@code trainCounts[f]}
         * the training impressions of each row of feature f's table, {@code test[f]} the test rows
         * tallied by them; the same choice as from the rows.
         */
        public int featureIndex(String[] names, int[][] trainCounts, Strata.Histogram[] test) {
            int named = namedFeature(names);
            if (named >= 0) return named;
            int best = -1, bestDistinct = -1, any = 0, anyDistinct = -1;
            for (int f = 0; f < names.length; f++) {
                int d = 0;
                for (int c : trainCounts[f]) if (c > 0) d++;
                if (d > anyDistinct) {
                    anyDistinct = d;
                    any = f;
                }
                if (d > bestDistinct && fills(test[f])) {
                    bestDistinct = d;
                    best = f;
                }
            }
            return best >= 0 ? best : any;
        }

        /** One line: the feature, the thresholds (given or from the data) and the test rows per stratum. */
        public String describe(String featureName, Strata st, int[] sizes) {
            return describe(featureName, st, java.util.Arrays.stream(sizes).asLongStream().toArray());
        }

        /** {@link #describe(String, Strata, int[])} with the sizes of a streamed run. */
        public String describe(String featureName, Strata st, long[] sizes) {
            return String.format(Locale.ROOT, "strata by training impressions of %s: rare < %d <= medium < %d <= frequent (%s); test rows"
                    + " per stratum: rare %d, medium %d, frequent %d", featureName, st.rareBelow(), st.frequentFrom(),
                    fixed() ? "thresholds given" : "thresholds from the data: test rows split closest to thirds", sizes[0], sizes[1], sizes[2]);
        }
    }

    /**
     * Refuses, before anything is allocated, embedding tables that cannot exist: a table larger than
     * one Java array, or embeddings alone (without optimizer state) larger than the JVM's maximum heap.
     * {@code sizeOptions} names the options that set the size, for the message.
     */
    public static void checkEmbeddingSize(int[] tableRows, int dim, String sizeOptions) {
        long floats = 0;
        for (int r : tableRows) {
            long f = (long) r * dim;
            if (f > Integer.MAX_VALUE - 16) {
                throw new BadInputException(sizeOptions + ": a table of " + r + " rows x " + dim + " = " + f
                        + " floats exceeds one Java array (max " + (Integer.MAX_VALUE - 16) + "); use fewer buckets or a smaller dimension");
            }
            floats += f;
        }
        long bytes = 4L * floats, max = Runtime.getRuntime().maxMemory();
        if (max != Long.MAX_VALUE && bytes > max * 0.9) {
            throw new BadInputException(String.format(Locale.ROOT, "%s: %d tables of embeddings need %.1f GiB before optimizer state, "
                    + "the JVM may use %.1f GiB; use fewer buckets or a smaller dimension, or raise the heap (SPARSETRAIN_JAVA_OPTS=-Xmx...)",
                    sizeOptions, tableRows.length, bytes / 1073741824.0, max / 1073741824.0));
        }
    }

    public static void printStrata(PrintWriter out, String label, dev.sparsetrain.metrics.ctr.CtrEvaluation[] s) {
        String[] names = {"rare", "medium", "frequent", "all"};
        for (int k = 0; k < 4; k++) out.printf("%s  %-8s %s%n", label, names[k], s[k].format());
    }
}
