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
        for (int i = 0; i < rows; i++) {
            double logit = config.baseLogit();
            for (int f = 0; f < ns; f++) {
                int id = draw(rnd.nextDouble());
                ids[f][i] = id;
                logit += biases[f * c + id];
            }
            if (k > 0) {
                // sum_{f<g} <u_f, u_g> = (|sum_f u_f|^2 - sum_f |u_f|^2) / 2
                java.util.Arrays.fill(acc, 0f);
                double self = 0;
                for (int f = 0; f < ns; f++) {
                    int base = (f * c + ids[f][i]) * k;
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
                float x = (float) Math.log1p(count);
                dense[i * nd + j] = x;
                logit += denseWeights[j] * (x - 1.2);
            }
            double p = 1 / (1 + Math.exp(-logit));
            prob[i] = (float) p;
            labels[i] = (byte) (rnd.nextDouble() < p ? 1 : 0);
        }
        int[][] offsets = new int[ns][];
        return new Sample(new CtrData(names, dnames, rows, labels, dense, tableRows, offsets, ids), prob);
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
