package dev.sparsetrain.data.ctr;

/**
 * Fits a {@link FeatureEncoder} in one streaming pass: {@link #add(CtrRawData)} block after block
 * of training rows (in file order), then {@link #finish()}. What it keeps:
 * <ul>
 *   <li>dense statistics, when the transform standardizes: per column the count, sum and sum of
 *       squares of the (log1p'd) non-missing values, accumulated in row order exactly as
 *       {@link FeatureEncoder#fit} does, so the means and standard deviations are bit-identical
 *       to the in-memory fit (13 x 3 numbers for Criteo);</li>
 *   <li>for a vocabulary ({@code minCount >= 1}): per feature the count of every distinct id, in a
 *       map filled in the same token order as the in-memory fit, so the vocabulary (rows in order of
 *       decreasing count, ties in the map's slot order) is identical too. Memory is O(distinct
 *       ids), about 26 bytes per id, not O(rows): a minimum-count vocabulary cannot be exact with
 *       less (a count sketch or lossy counting, Manku and Motwani 2002, would bound it further at
 *       the price of exactness; not done);</li>
 *   <li>for hashing and for dynamic tables ({@link IdMode#DYNAMIC}: rows are assigned while
 *       training, the encoder only keeps the raw ids): nothing but the row count, unless
 *       {@code countIds} asks for the {@link CollisionReport} (which needs the distinct ids,
 *       O(distinct ids) again).</li>
 * </ul>
 * Each feature follows its own mode ({@link EncoderConfig#modeOf}), as in {@link FeatureEncoder#fit}.
 * Not thread-safe.
 */
public final class EncoderFitter {
    private final EncoderConfig config;
    private final String[] names, denseNames;
    private final boolean log, standardize, countIds;
    private final double[] sum, sum2;
    private final long[] count;
    private final LongIntMap[] counts;
    private final IdMode[] modes;
    private long rows;

    /**
     * @param countIds for hashing: also count distinct ids, for {@link FeatureEncoder#collisionReport()}
     *                 (a vocabulary always counts them)
     */
    public EncoderFitter(EncoderConfig config, String[] names, String[] denseNames, boolean countIds) {
        this.config = config;
        this.names = names.clone();
        this.denseNames = denseNames.clone();
        DenseTransform t = config.dense();
        log = t == DenseTransform.LOG1P || t == DenseTransform.LOG1P_STANDARDIZE;
        standardize = t == DenseTransform.STANDARDIZE || t == DenseTransform.LOG1P_STANDARDIZE;
        for (String named : config.ids().perFeature().keySet()) {
            if (!java.util.Arrays.asList(names).contains(named)) {
                throw new dev.sparsetrain.core.BadInputException(dev.sparsetrain.core.Settings.name("ids") + " names feature '" + named
                        + "', the data's sparse features are " + String.join(", ", names));
            }
        }
        int nd = denseNames.length;
        sum = new double[nd];
        sum2 = new double[nd];
        count = new long[nd];
        counts = new LongIntMap[names.length];
        modes = new IdMode[names.length];
        boolean vocab = false;
        for (int f = 0; f < counts.length; f++) {
            modes[f] = config.modeOf(names[f]);
            vocab |= modes[f] == IdMode.VOCAB;
        }
        // a vocabulary counts its ids anyway: the collision report then covers every feature, as the in-memory fit's
        this.countIds = countIds || vocab;
        if (this.countIds) for (int f = 0; f < counts.length; f++) counts[f] = new LongIntMap(1024);
    }

    /** Training rows fitted so far. */
    public long rows() { return rows; }

    /** Adds the next block of training rows (file order). */
    public void add(CtrRawData block) {
        if (block.numSparse() != names.length || block.numDense() != denseNames.length) {
            throw new IllegalArgumentException("fitter of " + denseNames.length + " dense / " + names.length + " sparse features, block has "
                    + block.numDense() + " / " + block.numSparse());
        }
        int n = block.rows(), nd = denseNames.length;
        if (standardize) {
            float[] d = block.dense();
            for (int j = 0; j < nd; j++) {
                double s = sum[j], s2 = sum2[j];
                long c = count[j];
                for (int i = 0; i < n; i++) {
                    float v = d[i * nd + j];
                    if (Float.isNaN(v)) continue;
                    double x = log ? Math.log1p(Math.max(v, 0)) : v;
                    s += x;
                    s2 += x * x;
                    c++;
                }
                sum[j] = s;
                sum2[j] = s2;
                count[j] = c;
            }
        }
        for (int f = 0; f < names.length; f++) {
            LongIntMap m = counts[f];
            if (m == null) continue;
            for (long t : block.tokens()[f]) m.add(t, 1);
        }
        rows += n;
    }

    /** The fitted encoder (the fitter may not be used afterwards). */
    public FeatureEncoder finish() {
        int nd = denseNames.length, ns = names.length;
        float[] mean = new float[nd];
        float[] std = new float[nd];
        java.util.Arrays.fill(std, 1f);
        if (standardize) {
            for (int j = 0; j < nd; j++) {
                long c = count[j];
                double m = c == 0 ? 0 : sum[j] / c;
                double var = c == 0 ? 1 : sum2[j] / c - m * m;
                mean[j] = (float) m;
                std[j] = (float) (var > 1e-12 ? Math.sqrt(var) : 1);
            }
        }
        int[] tableRows = new int[ns];
        boolean anyVocab = false;
        for (IdMode m : modes) anyVocab |= m == IdMode.VOCAB;
        LongIntMap[] vocab = anyVocab ? new LongIntMap[ns] : null;
        long[] distinct = new long[ns], used = new long[ns], sharing = new long[ns];
        for (int f = 0; f < ns; f++) {
            if (modes[f] == IdMode.DYNAMIC) {
                // as FeatureEncoder#fit: rows are assigned while training; at most buckets - 1 ids
                // own one at a time, so at least the rest share the default row
                tableRows[f] = config.buckets();
                if (!countIds) continue;
                long k = counts[f].size();
                distinct[f] = k;
                used[f] = Math.min(k, config.buckets() - 1L) + (k > config.buckets() - 1L ? 1 : 0);
                sharing[f] = k > config.buckets() - 1L ? k - (config.buckets() - 1L) : 0;
                continue;
            }
            if (modes[f] == IdMode.HASH) {
                tableRows[f] = config.buckets();
                if (!countIds) continue;
                long[] keys = counts[f].keysArray();
                distinct[f] = keys.length;
                FeatureEncoder.hashedUse(keys, config.buckets(), config.hashSeed(), f, used, sharing);
                continue;
            }
            // the in-memory fit's rule (FeatureEncoder#vocabulary)
            long[] keys = counts[f].keysArray();
            distinct[f] = keys.length;
            LongIntMap map = FeatureEncoder.vocabulary(counts[f], keys, config.minCount(), config.buckets());
            vocab[f] = map;
            tableRows[f] = Math.max(1, map.size() + 1);
            FeatureEncoder.vocabularyUse(keys.length, map.size(), f, used, sharing);
            counts[f] = null;   // free the counts as soon as the vocabulary stands
        }
        CollisionReport rep = countIds ? new CollisionReport(names.clone(), distinct, tableRows.clone(), used, sharing) : null;
        return FeatureEncoder.fitted(config, names, denseNames, mean, std, vocab, tableRows, rep);
    }
}
