package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.BadInputException;
import java.util.SplittableRandom;

/**
 * A seeded generator of Criteo-shaped click data with a planted click model, for scale tests and
 * for the multi-pass study where the truth must be known.
 *
 * <p>Each sparse feature draws its id from a power law (Zipf, {@code P(id = r) ~ 1/(r+1)^s} over
 * {@code cardinality} ids), so a few ids are frequent and most are rare. Dense features are
 * log-normal counts (as Criteo's), delivered already through log1p. The planted model is a
 * factorization machine over fields plus a linear dense term:
 * <pre>
 *   logit = b0 + sum_f bias_f[id_f] + sum_{f &lt; g} &lt;u_f[id_f], u_g[id_g]&gt; + sum_k w_k * log1p(x_k)
 *   label ~ Bernoulli(sigmoid(logit))
 * </pre>
 * with {@code bias_f ~ N(0, biasStd^2)}, {@code u_f ~ N(0, latentStd^2)} per coordinate
 * ({@code latentDim} of them), {@code w_k ~ N(0, denseWeightStd^2)}. The planted probability of
 * every generated row is returned, so the planted model's own NE on any split is known.
 *
 * <p>Thread-safety: instances are immutable; {@link #generate(int, long)} is deterministic in its
 * seed and may be called from several threads.
 */
public final class SyntheticCtr {

    /**
     * @param numSparse sparse features (>= 1)
     * @param cardinality ids per sparse feature (>= 1); the table rows of the encoded data
     * @param numDense dense features (>= 0)
     * @param zipfExponent power-law exponent s (>= 0; 0 = uniform)
     * @param latentDim planted interaction rank (>= 0; 0 = no interactions)
     * @param biasStd std of planted per-id biases
     * @param latentStd std of planted latent coordinates
     * @param denseWeightStd std of planted dense weights
     * @param baseLogit b0, sets the average click rate
     * @param seed master seed of the planted model
     */
    public record Config(int numSparse, int cardinality, int numDense, double zipfExponent, int latentDim,
                         double biasStd, double latentStd, double denseWeightStd, double baseLogit, long seed) {
        public Config {
            if (numSparse < 1) throw new BadInputException("synthetic: numSparse=" + numSparse + ", must be >= 1");
            if (cardinality < 1) throw new BadInputException("synthetic: cardinality=" + cardinality + ", must be >= 1");
            if (numDense < 0) throw new BadInputException("synthetic: numDense=" + numDense + ", must be >= 0");
            if (!(zipfExponent >= 0)) throw new BadInputException("synthetic: zipfExponent=" + zipfExponent + ", must be >= 0");
            if (latentDim < 0) throw new BadInputException("synthetic: latentDim=" + latentDim + ", must be >= 0");
            if (!(biasStd >= 0) || !(latentStd >= 0) || !(denseWeightStd >= 0)) {
                throw new BadInputException("synthetic: standard deviations must be >= 0");
            }
        }

        /**
         * The shape of the SparseNN multi-pass study ({@code ctr-train} without {@code --data}): one
         * user and one ad feature of 20,000 power-law ids (Zipf 1.1) each, no dense feature, a planted
         * FM of rank 4, about 21% clicks.
         */
        public static Config study(long seed) {
            return new Config(2, 20_000, 0, 1.1, 4, 0.5, 0.5, 0.2, -1.5, seed);
        }

        /** Criteo's shape: 26 sparse features of {@code cardinality} ids, 13 dense, about 25% clicks. */
        public static Config criteoShaped(int cardinality, long seed) {
            return new Config(26, cardinality, 13, 1.05, 4, 0.15, 0.12, 0.15, -1.3, seed);
        }
    }

    /** Generated rows and the planted click probability of each. */
    public record Sample(CtrData data, float[] probability) {}

    private final Config config;
    private final double[] cdf;
    private final float[] biases;   // numSparse x cardinality
    private final float[] latent;   // numSparse x cardinality x latentDim
    private final float[] denseWeights;

    public SyntheticCtr(Config config) {
        this.config = config;
        int c = config.cardinality(), ns = config.numSparse(), k = config.latentDim();
        cdf = new double[c];
        double s = 0;
        for (int r = 0; r < c; r++) {
            s += Math.pow(r + 1, -config.zipfExponent());
            cdf[r] = s;
        }
        for (int r = 0; r < c; r++) cdf[r] /= s;
        SplittableRandom rnd = new SplittableRandom(config.seed());
        biases = new float[ns * c];
        for (int i = 0; i < biases.length; i++) biases[i] = (float) (rnd.nextGaussian() * config.biasStd());
        latent = new float[ns * c * k];
        for (int i = 0; i < latent.length; i++) latent[i] = (float) (rnd.nextGaussian() * config.latentStd());
        denseWeights = new float[config.numDense()];
        for (int i = 0; i < denseWeights.length; i++) denseWeights[i] = (float) (rnd.nextGaussian() * config.denseWeightStd());
    }

    public Config config() { return config; }

    /** {@code rows} rows drawn with {@code seed} (use different seeds for train and test). */
    public Sample generate(int rows, long seed) {
        int ns = config.numSparse(), nd = config.numDense(), c = config.cardinality(), k = config.latentDim();
        String[] names = new String[ns];
        for (int f = 0; f < ns; f++) names[f] = "C" + (f + 1);
        String[] dnames = new String[nd];
        for (int j = 0; j < nd; j++) dnames[j] = "I" + (j + 1);
        int[][] ids = new int[ns][rows];
        float[] dense = new float[rows * nd];
        byte[] labels = new byte[rows];
        float[] prob = new float[rows];
        int[] tableRows = new int[ns];
        java.util.Arrays.fill(tableRows, c);
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] acc = new float[Math.max(1, k)];
        int[] rowIds = new int[ns];
        double[] counts = new double[nd];
        float[] x = new float[nd];
        for (int i = 0; i < rows; i++) {
            double p = drawRow(rnd, rowIds, counts, x, acc);
            for (int f = 0; f < ns; f++) ids[f][i] = rowIds[f];
            System.arraycopy(x, 0, dense, i * nd, nd);
            prob[i] = (float) p;
            labels[i] = (byte) (rnd.nextDouble() < p ? 1 : 0);
        }
        int[][] offsets = new int[ns][];
        return new Sample(new CtrData(names, dnames, rows, labels, dense, tableRows, offsets, ids), prob);
    }

    /**
     * One row: its ids, raw counts and their log1p, and its planted click probability (the label
     * is the caller's next draw, {@code rnd.nextDouble() < p}). The same draws, in the same order,
     * for {@link #generate} and {@link #writeCriteo}.
     */
    private double drawRow(SplittableRandom rnd, int[] rowIds, double[] counts, float[] x, float[] acc) {
        int ns = config.numSparse(), nd = config.numDense(), c = config.cardinality(), k = config.latentDim();
        double logit = config.baseLogit();
        for (int f = 0; f < ns; f++) {
            int id = draw(rnd.nextDouble());
            rowIds[f] = id;
            logit += biases[f * c + id];
        }
        if (k > 0) {
            // sum_{f<g} <u_f, u_g> = (|sum_f u_f|^2 - sum_f |u_f|^2) / 2
            java.util.Arrays.fill(acc, 0f);
            double self = 0;
            for (int f = 0; f < ns; f++) {
                int base = (f * c + rowIds[f]) * k;
                for (int d = 0; d < k; d++) {
                    float u = latent[base + d];
                    acc[d] += u;
                    self += u * u;
                }
            }
            double tot = 0;
            for (int d = 0; d < k; d++) tot += acc[d] * acc[d];
            logit += 0.5 * (tot - self);
        }
        for (int j = 0; j < nd; j++) {
            // log-normal counts, rounded like Criteo's integer features
            double count = Math.floor(Math.exp(rnd.nextGaussian() * 1.5 + 1.0));
            counts[j] = count;
            x[j] = (float) Math.log1p(count);
            logit += denseWeights[j] * (x[j] - 1.2);
        }
        return 1 / (1 + Math.exp(-logit));
    }

    /**
     * Writes {@code rows} rows drawn with {@code seed} to {@code out} in the Criteo TSV format, one
     * row at a time (memory does not grow with {@code rows}): the label, the raw integer counts
     * (what log1p of the in-memory rows came from), then each sparse id as 8 hex digits, a
     * bijection of (feature, id) onto 32 bits so that distinct ids stay distinct tokens. Reading
     * the file back with {@code CtrReader} and a vocabulary of min count 1 recovers the ids up to
     * renaming, and the dense features exactly under log1p. The rows are those of
     * {@link #generate(int, long)} with the same seed.
     *
     * @return the number of positive labels written
     */
    public long writeCriteo(java.io.OutputStream out, long rows, long seed, java.util.function.LongConsumer progress) throws java.io.IOException {
        int ns = config.numSparse(), nd = config.numDense(), k = config.latentDim();
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] acc = new float[Math.max(1, k)];
        int[] rowIds = new int[ns];
        double[] counts = new double[nd];
        float[] x = new float[nd];
        byte[] line = new byte[2 + nd * 21 + ns * 9 + 1];
        long clicks = 0;
        for (long i = 0; i < rows; i++) {
            double p = drawRow(rnd, rowIds, counts, x, acc);
            int label = rnd.nextDouble() < p ? 1 : 0;
            clicks += label;
            int q = 0;
            line[q++] = (byte) ('0' + label);
            for (int j = 0; j < nd; j++) {
                line[q++] = '\t';
                q = writeLong(line, q, (long) counts[j]);
            }
            for (int f = 0; f < ns; f++) {
                line[q++] = '\t';
                int h = token(f, rowIds[f]);
                for (int s = 28; s >= 0; s -= 4) line[q++] = (byte) HEX[(h >>> s) & 15];
            }
            line[q++] = '\n';
            out.write(line, 0, q);
            if (progress != null && (i & 0xFFFF) == 0xFFFF) progress.accept(i + 1);
        }
        return clicks;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** A bijection of id onto 32 bits for each feature (multiply by an odd constant, add, xor-shift: each step invertible). */
    static int token(int feature, int id) {
        int h = id * 0x9E3779B1 + feature * 0x85EBCA6B;
        h ^= h >>> 16;
        h *= 0x7FEB352D;
        h ^= h >>> 15;
        return h;
    }

    private static int writeLong(byte[] b, int q, long v) {
        if (v < 0) {
            b[q++] = '-';
            v = -v;
        }
        if (v == 0) {
            b[q++] = '0';
            return q;
        }
        int start = q;
        while (v > 0) {
            b[q++] = (byte) ('0' + v % 10);
            v /= 10;
        }
        for (int i = start, j = q - 1; i < j; i++, j--) {
            byte t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        return q;
    }

    private int draw(double u) {
        int lo = 0, hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
