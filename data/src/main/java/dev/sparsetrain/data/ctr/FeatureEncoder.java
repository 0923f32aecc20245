package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;

/**
 * Turns {@link CtrRawData} into {@link CtrData}: dense transform fitted on training rows, sparse
 * ids hashed into buckets, mapped through a minimum-count vocabulary, or (dynamic features) kept
 * as raw 64-bit ids for the model's dynamic tables ({@link CtrData#rawIds}), per feature as
 * {@link EncoderConfig#ids()} says.
 *
 * <p>Fit once on the training rows ({@link #fit(CtrRawData, EncoderConfig)}), then encode training
 * and test rows with the same encoder, so that test ids unseen in training land in the
 * out-of-vocabulary row (vocabulary) or in whatever bucket they hash to (hashing). Immutable after
 * fitting; {@link #encode(CtrRawData)} is thread-safe.
 */
public final class FeatureEncoder {
    private final EncoderConfig config;
    private final String[] names;
    private final String[] denseNames;
    private final float[] mean;
    private final float[] std;
    private final LongIntMap[] vocab; // null when no feature uses a vocabulary; else null entries for the others
    private final int[] tableRows;
    private final CollisionReport report;

    private FeatureEncoder(EncoderConfig config, String[] names, String[] denseNames, float[] mean, float[] std,
                           LongIntMap[] vocab, int[] tableRows, CollisionReport report) {
        this.config = config;
        this.names = names;
        this.denseNames = denseNames;
        this.mean = mean;
        this.std = std;
        this.vocab = vocab;
        this.tableRows = tableRows;
        this.report = report;
    }

    public EncoderConfig config() { return config; }

    /** Rows of each feature's table. */
    public int[] tableRows() { return tableRows.clone(); }

    /** Distinct ids, rows used and ids sharing a row, over the fitting rows (null for an encoder restored from a model file). */
    public CollisionReport collisionReport() { return report; }

    /** Sparse feature names, in table order. */
    public String[] names() { return names.clone(); }

    /** Dense feature names. */
    public String[] denseNames() { return denseNames.clone(); }

    /** Fitted means of the (log1p'd) dense features; zeros unless the transform standardizes. */
    public float[] means() { return mean.clone(); }

    /** Fitted standard deviations of the (log1p'd) dense features; ones unless the transform standardizes. */
    public float[] stds() { return std.clone(); }

    /** Whether some feature's ids go through a vocabulary. */
    public boolean hasVocabulary() { return vocab != null; }

    /** Whether feature {@code f} has a vocabulary. */
    public boolean hasVocabulary(int f) { return vocab != null && vocab[f] != null; }

    /** The id mode of feature {@code f}. */
    public IdMode mode(int f) { return config.modeOf(names[f]); }

    /**
     * Per feature the dynamic table settings (capacity = buckets), null for hashed and vocabulary
     * features; null when no feature is dynamic. What {@code new SparseNN(..., dynamic)} takes.
     */
    public DynamicIdConfig[] dynamicTables() {
        boolean[] d = dynamicFeatures();
        DynamicIdConfig[] out = null;
        for (int f = 0; f < d.length; f++) {
            if (!d[f]) continue;
            if (out == null) out = new DynamicIdConfig[d.length];
            out[f] = config.dynamicConfig();
        }
        return out;
    }

    /** Per feature: whether it is a dynamic table (its encoded rows carry raw ids). */
    public boolean[] dynamicFeatures() {
        boolean[] d = new boolean[names.length];
        for (int f = 0; f < d.length; f++) d[f] = mode(f) == IdMode.DYNAMIC;
        return d;
    }

    /**
     * The vocabulary of feature {@code f} as token hashes by row: element r is the 64-bit token
     * hash ({@link CtrRawData#tokenHash}) mapped to row r; element 0, the out-of-vocabulary row,
     * is 0 and unused.
     *
     * @throws IllegalStateException when the encoder hashes
     */
    public long[] vocabularyByRow(int f) {
        if (!hasVocabulary(f)) throw new IllegalStateException("feature " + names[f] + " has no vocabulary (" + mode(f).optionName() + ")");
        long[] out = new long[tableRows[f]];
        for (long k : vocab[f].keysArray()) out[vocab[f].get(k)] = k;
        return out;
    }

    /**
     * Rebuilds a fitted encoder from its parts (as stored by {@link EncoderState}); arguments are
     * validated by the caller. {@code vocabByRow} is null when no feature has a vocabulary, else
     * per feature null or the token hash of each row (row 0 the out-of-vocabulary row, its element ignored).
     */
    static FeatureEncoder restore(EncoderConfig config, String[] names, String[] denseNames, float[] mean, float[] std,
                                  long[][] vocabByRow, int[] tableRows) {
        LongIntMap[] vocab = null;
        if (vocabByRow != null) {
            vocab = new LongIntMap[names.length];
            for (int f = 0; f < names.length; f++) {
                if (vocabByRow[f] == null) continue;
                LongIntMap m = new LongIntMap(Math.max(4, vocabByRow[f].length));
                for (int r = 1; r < vocabByRow[f].length; r++) m.put(vocabByRow[f][r], r);
                vocab[f] = m;
            }
        }
        return new FeatureEncoder(config, names.clone(), denseNames.clone(), mean.clone(), std.clone(), vocab, tableRows.clone(), null);
    }

    /**
     * The dense columns of {@code train} that would reach the model spanning orders of magnitude
     * under {@code transform} ({@link dev.sparsetrain.data.ScaleCheck}): every raw heavy-tailed
     * column under {@link DenseTransform#NONE} or {@link DenseTransform#STANDARDIZE} (a z-score of
     * a count of 10^6 is still in the hundreds), none after log1p. Checked before training, so a
     * command can warn in one line per column.
     */
    public static java.util.List<dev.sparsetrain.data.ScaleCheck.Wide> wideDenseColumns(CtrRawData train, DenseTransform transform) {
        if (transform == DenseTransform.LOG1P || transform == DenseTransform.LOG1P_STANDARDIZE || train.numDense() == 0) return java.util.List.of();
        return dev.sparsetrain.data.ScaleCheck.wideColumns(train.denseNames(), train.dense(), train.rows(), train.numDense());
    }

    /** Fits dense statistics and (for {@code minCount >= 1}) the vocabularies on {@code train}. */
    public static FeatureEncoder fit(CtrRawData train, EncoderConfig config) {
        int nd = train.numDense(), ns = train.numSparse(), n = train.rows();
        float[] mean = new float[nd];
        float[] std = new float[nd];
        java.util.Arrays.fill(std, 1f);
        boolean log = config.dense() == DenseTransform.LOG1P || config.dense() == DenseTransform.LOG1P_STANDARDIZE;
        if (config.dense() == DenseTransform.STANDARDIZE || config.dense() == DenseTransform.LOG1P_STANDARDIZE) {
            for (int j = 0; j < nd; j++) {
                double s = 0, s2 = 0;
                long c = 0;
                for (int i = 0; i < n; i++) {
                    float v = train.dense()[i * nd + j];
                    if (Float.isNaN(v)) continue;
                    double x = log ? Math.log1p(Math.max(v, 0)) : v;
                    s += x;
                    s2 += x * x;
                    c++;
                }
                double m = c == 0 ? 0 : s / c;
                double var = c == 0 ? 1 : s2 / c - m * m;
                mean[j] = (float) m;
                std[j] = (float) (var > 1e-12 ? Math.sqrt(var) : 1);
            }
        }
        int[] rows = new int[ns];
        String[] fnames = train.names();
        for (String named : config.ids().perFeature().keySet()) {
            if (!java.util.Arrays.asList(fnames).contains(named)) {
                throw new BadInputException(Settings.name("ids") + " names feature '" + named + "', the data's sparse features are " + String.join(", ", fnames));
            }
        }
        boolean anyVocab = false;
        for (int f = 0; f < ns; f++) anyVocab |= config.modeOf(fnames[f]) == IdMode.VOCAB;
        LongIntMap[] vocab = anyVocab ? new LongIntMap[ns] : null;
        long[] distinct = new long[ns], used = new long[ns], sharing = new long[ns];
        for (int f = 0; f < ns; f++) {
            LongIntMap counts = new LongIntMap(1024);
            for (long t : train.tokens()[f]) counts.add(t, 1);
            long[] keys = counts.keysArray();
            distinct[f] = keys.length;
            IdMode mode = config.modeOf(fnames[f]);
            if (mode == IdMode.DYNAMIC) {
                // Rows are assigned while training; at most buckets - 1 ids can own one at a time,
                // so at least the rest share the default row (a lower bound on sharing).
                rows[f] = config.buckets();
                used[f] = Math.min(keys.length, config.buckets() - 1L) + (keys.length > config.buckets() - 1L ? 1 : 0);
                sharing[f] = keys.length > config.buckets() - 1L ? keys.length - (config.buckets() - 1L) : 0;
            } else if (mode == IdMode.VOCAB) {
                vocab[f] = vocabulary(counts, keys, config.minCount(), config.buckets());
                rows[f] = Math.max(1, vocab[f].size() + 1);
                vocabularyUse(keys.length, vocab[f].size(), f, used, sharing);
            } else {
                rows[f] = config.buckets();
                hashedUse(keys, config.buckets(), config.hashSeed(), f, used, sharing);
            }
        }
        CollisionReport rep = new CollisionReport(train.names(), distinct, rows, used, sharing);
        return new FeatureEncoder(config, train.names(), train.denseNames(), mean, std, vocab, rows, rep);
    }

    /**
     * The vocabulary rule of every fit, in memory and streamed ({@link EncoderFitter}): the ids of
     * {@code keys} seen at least {@code minCount} times in {@code counts} get rows 1..V in order of
     * decreasing count (ties in the order of {@code keys}, deterministic), at most
     * {@code buckets - 1} of them; the others share the out-of-vocabulary row 0.
     */
    static LongIntMap vocabulary(LongIntMap counts, long[] keys, int minCount, int buckets) {
        int kept = 0;
        for (long k : keys) if (counts.get(k) >= minCount) kept++;
        long[] keep = new long[kept];
        int p = 0;
        for (long k : keys) if (counts.get(k) >= minCount) keep[p++] = k;
        // sort by count desc: pack (count, index)
        long[] order = new long[kept];
        for (int i = 0; i < kept; i++) order[i] = ((long) (Integer.MAX_VALUE - counts.get(keep[i])) << 32) | i;
        java.util.Arrays.sort(order);
        int v = Math.min(kept, buckets - 1);
        LongIntMap map = new LongIntMap(Math.max(4, v));
        for (int i = 0; i < v; i++) map.put(keep[(int) order[i]], i + 1);
        return map;
    }

    /** Sets feature f's rows used and ids sharing a row ({@link CollisionReport}): {@code distinct} ids, {@code v} of them in the vocabulary. */
    static void vocabularyUse(long distinct, int v, int f, long[] used, long[] sharing) {
        long oov = distinct - v;
        used[f] = v + (oov > 0 ? 1 : 0);
        sharing[f] = oov > 1 ? oov : 0;
    }

    /** Sets feature f's buckets used and ids sharing a bucket with another ({@link CollisionReport}) when {@code keys} are hashed. */
    static void hashedUse(long[] keys, int buckets, long hashSeed, int f, long[] used, long[] sharing) {
        LongIntMap perBucket = new LongIntMap(Math.max(4, keys.length));
        for (long k : keys) perBucket.add(bucket(k, buckets, hashSeed), 1);
        used[f] = perBucket.size();
        long share = 0;
        for (long k : keys) if (perBucket.get(bucket(k, buckets, hashSeed)) > 1) share++;
        sharing[f] = share;
    }

    /**
     * A fitted encoder from parts fitted elsewhere ({@link EncoderFitter}, the one-pass streaming
     * fit); {@code vocab} is null for hashing, {@code report} may be null.
     */
    static FeatureEncoder fitted(EncoderConfig config, String[] names, String[] denseNames, float[] mean, float[] std,
                                 LongIntMap[] vocab, int[] tableRows, CollisionReport report) {
        return new FeatureEncoder(config, names.clone(), denseNames.clone(), mean, std, vocab, tableRows, report);
    }

    static int bucket(long token, int buckets, long seed) {
        return (int) Math.floorMod(CtrRawData.mix64(token + seed * 0x9E3779B97F4A7C15L), (long) buckets);
    }

    /** Encodes rows with the fitted transform and id mapping. */
    public CtrData encode(CtrRawData raw) {
        if (raw.numSparse() != names.length || raw.numDense() != denseNames.length) {
            throw new IllegalArgumentException("encoder fitted on " + denseNames.length + " dense / " + names.length
                    + " sparse features, data has " + raw.numDense() + " / " + raw.numSparse());
        }
        int n = raw.rows(), nd = raw.numDense(), ns = raw.numSparse();
        float[] dense = new float[n * nd];
        DenseTransform t = config.dense();
        boolean log = t == DenseTransform.LOG1P || t == DenseTransform.LOG1P_STANDARDIZE;
        boolean stdz = t == DenseTransform.STANDARDIZE || t == DenseTransform.LOG1P_STANDARDIZE;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < nd; j++) {
                float v = raw.dense()[i * nd + j];
                if (Float.isNaN(v)) { dense[i * nd + j] = 0f; continue; }
                double x = log ? Math.log1p(Math.max(v, 0)) : v;
                if (stdz) x = (x - mean[j]) / std[j];
                dense[i * nd + j] = (float) x;
            }
        }
        int[][] ids = new int[ns][];
        int[][] offs = new int[ns][];
        long[][] rawIds = null;
        for (int f = 0; f < ns; f++) {
            long[] tok = raw.tokens()[f];
            int[] out = new int[tok.length];
            for (int i = 0; i < tok.length; i++) out[i] = map(f, tok[i]);
            ids[f] = out;
            offs[f] = raw.offsets()[f] == null ? null : raw.offsets()[f].clone();
            if (mode(f) == IdMode.DYNAMIC) {
                if (rawIds == null) rawIds = new long[ns][];
                rawIds[f] = tok.clone();
            }
        }
        return new CtrData(names, denseNames, n, raw.labels().clone(), dense, tableRows.clone(), offs, ids, rawIds);
    }

    /** Hashing, and dynamic features' fallback rows (see {@link CtrData#rawIds}): the token hashed into the table. */
    private int map(int f, long token) {
        if (!hasVocabulary(f)) return bucket(token, tableRows[f], config.hashSeed());
        int r = vocab[f].get(token);
        return r < 0 ? 0 : r;
    }
}
