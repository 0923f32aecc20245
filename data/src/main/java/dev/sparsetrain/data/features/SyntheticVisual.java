package dev.sparsetrain.data.features;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A synthetic VBPR data set whose features look like CNN activations (He and McAuley used 4,096-d
 * fc7 features of a pre-trained Caffe network): non-negative, about half exactly zero (ReLU),
 * heavy-tailed and of large magnitude (values in the tens to hundreds), with planted visual
 * preferences so that the visual term carries real signal.
 *
 * <pre>
 *   item style   z_i = c_{s_i} + 0.5 n,      s_i one of {@code styles} clusters, c, n ~ N(0, I_k)
 *   features     f_i = magnitude * relu(W z_i + b + 0.3 n'),  W ~ N(0, 1/k), b ~ N(-0.3, 0.25)
 *   utility      x_ui = a * p_u . q_i + v * t_u . z_i + pop_i + Gumbel noise
 *                (p, q collaborative factors invisible in f; t_u a user's taste = a noisy style centroid)
 *   positives    each user's top n_u items by utility, n_u = 4 + Geometric(mean 8)
 *   split        one validation and one test item per user (random); a fraction of items is held out
 *                of training entirely (cold-start) and their pairs go to val/test
 * </pre>
 *
 * Deterministic for a seed. Default size: 3,000 users, 2,000 items, 4,096-d.
 */
public final class SyntheticVisual {

    /** Generation parameters. */
    public record Config(int users, int items, int dim, int styles, int latent, double magnitude,
                         double collaborativeWeight, double visualWeight, double coldFraction, long seed) {
        public Config {
            if (users < 10 || items < 20 || dim < 1 || styles < 1 || latent < 1) {
                throw new IllegalArgumentException("synthetic config too small: " + users + " users, " + items + " items, dim " + dim);
            }
            if (coldFraction < 0 || coldFraction >= 0.5) throw new IllegalArgumentException("coldFraction=" + coldFraction + ", must be in [0, 0.5)");
        }

        /** 3,000 users, 2,000 items, 4,096-d, 24 styles, magnitude 40. */
        public static Config defaults(long seed) {
            return new Config(3000, 2000, 4096, 24, 16, 40.0, 1.0, 1.0, 0.07, seed);
        }
    }

    private SyntheticVisual() {}

    public static FeatureDataset generate(Config c) {
        SplittableRandom rnd = new SplittableRandom(c.seed());
        int k = c.latent(), cf = 8;
        double[][] centroids = new double[c.styles()][k];
        for (double[] ce : centroids) for (int d = 0; d < k; d++) ce[d] = rnd.nextGaussian();
        double[][] z = new double[c.items()][k];
        double[][] q = new double[c.items()][cf];
        double[] pop = new double[c.items()];
        for (int i = 0; i < c.items(); i++) {
            int s = rnd.nextInt(c.styles());
            for (int d = 0; d < k; d++) z[i][d] = centroids[s][d] + 0.5 * rnd.nextGaussian();
            for (int d = 0; d < cf; d++) q[i][d] = rnd.nextGaussian();
            pop[i] = 0.8 * rnd.nextGaussian();
        }
        // CNN-like features: a random ReLU layer over the style latent.
        float[] w = new float[c.dim() * k];
        float[] bias = new float[c.dim()];
        double ws = 1 / Math.sqrt(k);
        for (int m = 0; m < w.length; m++) w[m] = (float) (rnd.nextGaussian() * ws);
        for (int m = 0; m < bias.length; m++) bias[m] = (float) (-0.3 + 0.5 * rnd.nextGaussian());
        float[] f = new float[c.items() * c.dim()];
        for (int i = 0; i < c.items(); i++) {
            for (int m = 0; m < c.dim(); m++) {
                double a = bias[m] + 0.3 * rnd.nextGaussian();
                for (int d = 0; d < k; d++) a += w[m * k + d] * z[i][d];
                // relu, then a squared tail (activations of deep nets are heavy-tailed)
                f[i * c.dim() + m] = a > 0 ? (float) (c.magnitude() * (a + 0.5 * a * a)) : 0f;
            }
        }
        // Cold items: held out of training.
        boolean[] cold = new boolean[c.items()];
        int nCold = (int) Math.round(c.coldFraction() * c.items());
        for (int placed = 0; placed < nCold; ) {
            int i = rnd.nextInt(c.items());
            if (!cold[i]) {
                cold[i] = true;
                placed++;
            }
        }
        IntList tu = new IntList(), ti = new IntList(), vu = new IntList(), vi = new IntList(), su = new IntList(), si = new IntList();
        double[] util = new double[c.items()];
        Integer[] order = new Integer[c.items()];
        double[] p = new double[cf], t = new double[k];
        for (int u = 0; u < c.users(); u++) {
            for (int d = 0; d < cf; d++) p[d] = rnd.nextGaussian();
            double[] ce = centroids[rnd.nextInt(c.styles())];
            for (int d = 0; d < k; d++) t[d] = ce[d] + 0.5 * rnd.nextGaussian();
            for (int i = 0; i < c.items(); i++) {
                double a = 0, v = 0;
                for (int d = 0; d < cf; d++) a += p[d] * q[i][d];
                for (int d = 0; d < k; d++) v += t[d] * z[i][d];
                double gumbel = -Math.log(-Math.log(rnd.nextDouble() * (1 - 1e-12) + 1e-12));
                util[i] = c.collaborativeWeight() * a / Math.sqrt(cf) + c.visualWeight() * v / Math.sqrt(k) + pop[i] + gumbel;
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> Double.compare(util[y], util[x]));
            int n = 4 + (int) Math.floor(Math.log(1 - rnd.nextDouble()) / Math.log(1 - 1.0 / 8));
            n = Math.min(n, c.items() / 4);
            int[] chosen = new int[n];
            for (int m = 0; m < n; m++) chosen[m] = order[m];
            // one random validation and one random test item; cold items always go to val/test
            int vIdx = rnd.nextInt(n), tIdx = (vIdx + 1 + rnd.nextInt(n - 1)) % n;
            for (int m = 0; m < n; m++) {
                int i = chosen[m];
                if (m == vIdx) { vu.add(u); vi.add(i); }
                else if (m == tIdx || cold[i]) { su.add(u); si.add(i); }
                else { tu.add(u); ti.add(i); }
            }
        }
        ItemFeatures feats = new ItemFeatures("synthetic-" + c.dim() + "d(seed " + c.seed() + ")", c.items(), c.dim(), f);
        return new FeatureDataset("synthetic-" + c.dim(), c.users(), c.items(),
                new FeatureDataset.Pairs(tu.toArray(), ti.toArray()), new FeatureDataset.Pairs(vu.toArray(), vi.toArray()),
                new FeatureDataset.Pairs(su.toArray(), si.toArray()), feats);
    }

    private static final class IntList {
        int[] a = new int[256];
        int n;

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        int[] toArray() { return Arrays.copyOf(a, n); }
    }
}
