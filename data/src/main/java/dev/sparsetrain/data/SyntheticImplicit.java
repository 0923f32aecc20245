package dev.sparsetrain.data;

import dev.sparsetrain.core.BadInputException;
import java.util.SplittableRandom;

/**
 * A seeded synthetic implicit-feedback generator with planted low-rank preferences and power-law
 * item popularity, so that a fresh clone can train and evaluate with no data at hand.
 *
 * <pre>
 *   p_u, q_i ~ N(0, I_rank)                    planted user and item factors
 *   pop_i    = (rank_i + 1)^(-popularityExponent)  rank_i: a random permutation (Zipf)
 *   s_ui     = signal * p_u.q_i / sqrt(rank) + log pop_i
 *   n_u      = clip(round(meanItemsPerUser * exp(0.6 z - 0.18)), minItemsPerUser, items/2), z ~ N(0,1)
 *   user u's items: n_u items drawn without replacement with P ~ exp(s_ui)  (Gumbel top-k)
 * </pre>
 * A model that recovers {@code p_u.q_i} beats the popularity baseline by a wide margin; the
 * planted score itself is the best any model can do ({@link Result#plantedScore}).
 * Ids are "1".."users" and "1".."items". Deterministic for a seed; O(users x items) time.
 *
 * @see Config#defaults()
 */
public final class SyntheticImplicit {
    private SyntheticImplicit() {}

    /**
     * Generator settings.
     *
     * @param users              number of users (default 3000)
     * @param items              number of items (default 1500)
     * @param rank               rank of the planted preferences (default 8)
     * @param meanItemsPerUser   mean interactions per user (default 40)
     * @param minItemsPerUser    minimum interactions per user (default 5)
     * @param popularityExponent Zipf exponent of item popularity (default 0.8)
     * @param signal             strength of the planted preferences against popularity (default 3)
     * @param seed               random seed (default 42)
     */
    public record Config(int users, int items, int rank, int meanItemsPerUser, int minItemsPerUser,
                         double popularityExponent, double signal, long seed) {
        public Config {
            if (users < 1) throw new BadInputException("synthetic users: " + users + ", must be >= 1");
            if (items < 4) throw new BadInputException("synthetic items: " + items + ", must be >= 4");
            if (rank < 1) throw new BadInputException("synthetic rank: " + rank + ", must be >= 1");
            if (minItemsPerUser < 1 || minItemsPerUser > items / 2) {
                throw new BadInputException("synthetic min items per user: " + minItemsPerUser + ", must be in [1, items/2 = " + items / 2 + "]");
            }
            if (meanItemsPerUser < minItemsPerUser || meanItemsPerUser > items / 2) {
                throw new BadInputException("synthetic mean items per user: " + meanItemsPerUser
                        + ", must be in [min items per user, items/2 = " + items / 2 + "]");
            }
            if (!(popularityExponent >= 0 && popularityExponent <= 3)) {
                throw new BadInputException("synthetic popularity exponent: " + popularityExponent + ", must be in [0, 3]");
            }
            if (!(signal >= 0 && signal <= 100)) throw new BadInputException("synthetic signal: " + signal + ", must be in [0, 100]");
        }

        public static Config defaults() {
            return new Config(3000, 1500, 8, 40, 5, 0.8, 3.0, 42);
        }

        public Config withSeed(long s) {
            return new Config(users, items, rank, meanItemsPerUser, minItemsPerUser, popularityExponent, signal, s);
        }

        public Config withSize(int u, int i, int mean) {
            return new Config(u, i, rank, mean, Math.min(minItemsPerUser, mean), popularityExponent, signal, seed);
        }
    }

    /** The interactions and the planted model that produced them. */
    public record Result(Config config, Interactions interactions, float[] userFactors, float[] itemFactors, float[] itemLogPopularity) {
        /** The planted score s_ui (without the Gumbel noise). */
        public double plantedScore(int u, int i) {
            int k = config.rank();
            double d = 0;
            for (int c = 0; c < k; c++) d += userFactors[u * k + c] * itemFactors[i * k + c];
            return config.signal() * d / Math.sqrt(k) + itemLogPopularity[i];
        }
    }

    public static Result generate(Config c) {
        SplittableRandom rnd = new SplittableRandom(c.seed());
        int k = c.rank();
        float[] p = new float[c.users() * k];
        float[] q = new float[c.items() * k];
        for (int t = 0; t < p.length; t++) p[t] = (float) rnd.nextGaussian();
        for (int t = 0; t < q.length; t++) q[t] = (float) rnd.nextGaussian();
        int[] perm = new int[c.items()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        for (int i = perm.length - 1; i > 0; i--) {
            int s = rnd.nextInt(i + 1);
            int tmp = perm[i]; perm[i] = perm[s]; perm[s] = tmp;
        }
        float[] logPop = new float[c.items()];
        for (int i = 0; i < logPop.length; i++) logPop[i] = (float) (-c.popularityExponent() * Math.log(perm[i] + 1.0));
        Interactions.Builder b = new Interactions.Builder(IdMap.sequential(c.users()), IdMap.sequential(c.items()));
        double[] key = new double[c.items()];
        int[] order = new int[c.items()];
        double scale = c.signal() / Math.sqrt(k);
        for (int u = 0; u < c.users(); u++) {
            int n = (int) Math.round(c.meanItemsPerUser() * Math.exp(0.6 * rnd.nextGaussian() - 0.18));
            n = Math.max(c.minItemsPerUser(), Math.min(c.items() / 2, n));
            for (int i = 0; i < c.items(); i++) {
                double d = 0;
                for (int f = 0; f < k; f++) d += p[u * k + f] * q[i * k + f];
                double g = -Math.log(-Math.log(rnd.nextDouble() * (1 - 1e-12) + 1e-12)); // Gumbel(0,1)
                key[i] = scale * d + logPop[i] + g;
                order[i] = i;
            }
            topK(key, order, n);
            for (int t = 0; t < n; t++) b.add(u, order[t], 1f);
        }
        return new Result(c, b.build(), p, q, logPop);
    }

    /** Moves the n largest keys' indices to order[0..n) (quickselect, expected linear). */
    private static void topK(double[] key, int[] order, int n) {
        int lo = 0, hi = order.length - 1;
        while (lo < hi) {
            double pivot = key[order[(lo + hi) >>> 1]];
            int a = lo, z = hi;
            while (a <= z) {
                while (key[order[a]] > pivot) a++;
                while (key[order[z]] < pivot) z--;
                if (a <= z) { int t = order[a]; order[a] = order[z]; order[z] = t; a++; z--; }
            }
            if (n - 1 <= z) hi = z;
            else if (n - 1 >= a) lo = a;
            else break;
        }
    }
}
