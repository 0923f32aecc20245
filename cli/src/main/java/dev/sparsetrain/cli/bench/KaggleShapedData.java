package dev.sparsetrain.cli.bench;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.ctr.CtrData;
import java.util.SplittableRandom;

/**
 * Synthetic click data shaped like the Criteo Kaggle display-advertising set as DLRM trains it:
 * 13 dense features (log1p of log-normal counts) and 26 single-valued sparse features whose table
 * sizes are Criteo Kaggle's per-feature cardinalities ({@link #KAGGLE_CARDINALITIES}, 33,762,577
 * rows in all, the {@code ln_emb} of facebookresearch/dlrm's Kaggle configuration and torchrec's
 * {@code KAGGLE_NUM_EMBEDDINGS_PER_FEATURE}), optionally capped at {@code N} rows per table.
 *
 * <p>Ids: each feature draws a rank {@code r} from a power law {@code P(r) ~ (r+1)^-s} over its
 * {@code n} rows by inverting the continuous law's CDF ({@code x = (((n+1)^(1-s) - 1) u + 1)^(1/(1-s))},
 * {@code r = floor(x) - 1}), so no per-id table is needed at any size; the rank is then scattered
 * over the table by the bijection {@code r -> (r * a) mod n} ({@code a} coprime with {@code n}),
 * so the frequent rows are spread over the table as in a hashed one instead of packed into its
 * first cache lines. Labels: a planted model (bias per id, a rank-4 factorization machine over
 * the fields, a linear dense term), each id's planted values derived from a hash of
 * (feature, id) rather than stored, so memory is that of the generated rows only
 * ({@link dev.sparsetrain.data.ctr.SyntheticCtr} stores them, which at 10^7 ids a table would
 * take gigabytes).
 *
 * <p>Stateless; {@link #generate} is deterministic in its arguments.
 */
final class KaggleShapedData {
    /** Criteo Kaggle's 26 categorical cardinalities, C1..C26 (facebookresearch/dlrm, torchrec). */
    static final int[] KAGGLE_CARDINALITIES = {1460, 583, 10131227, 2202608, 305, 24, 12517, 633, 3, 93145, 5683, 8351593, 3194, 27,
        14992, 5461306, 10, 5652, 2173, 4, 7046547, 18, 15, 286181, 105, 142572};
    static final int NUM_DENSE = 13;
    private static final int RANK = 4;

    private KaggleShapedData() {}

    /** Each table's rows: {@code min(Kaggle cardinality, cap)}. */
    static int[] cappedRows(long cap) {
        if (cap < 1) throw new BadInputException("--rows-per-table " + cap + ", must be >= 1");
        int[] r = new int[KAGGLE_CARDINALITIES.length];
        for (int f = 0; f < r.length; f++) r[f] = (int) Math.min(KAGGLE_CARDINALITIES[f], cap);
        return r;
    }

    static long total(int[] tableRows) {
        long s = 0;
        for (int r : tableRows) s += r;
        return s;
    }

    /** {@code rows} samples over tables of {@code tableRows} rows, power-law exponent {@code zipf}. */
    static CtrData generate(int[] tableRows, int rows, double zipf, long seed) {
        int ns = tableRows.length;
        String[] names = new String[ns];
        for (int f = 0; f < ns; f++) names[f] = "C" + (f + 1);
        String[] dnames = new String[NUM_DENSE];
        for (int j = 0; j < NUM_DENSE; j++) dnames[j] = "I" + (j + 1);
        long[] mult = new long[ns];
        double[] top = new double[ns];
        for (int f = 0; f < ns; f++) {
            mult[f] = coprimeMultiplier(tableRows[f], seed + f);
            top[f] = zipf == 1 ? Math.log(tableRows[f] + 1.0) : Math.pow(tableRows[f] + 1.0, 1 - zipf) - 1;
        }
        SplittableRandom planted = new SplittableRandom(seed);
        float[] denseW = new float[NUM_DENSE];
        for (int j = 0; j < NUM_DENSE; j++) denseW[j] = (float) (planted.nextGaussian() * 0.15);
        long modelSeed = planted.nextLong();
        int[][] ids = new int[ns][rows];
        float[] dense = new float[rows * NUM_DENSE];
        byte[] labels = new byte[rows];
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        double[] acc = new double[RANK];
        for (int i = 0; i < rows; i++) {
            double logit = -1.3, self = 0;
            java.util.Arrays.fill(acc, 0);
            for (int f = 0; f < ns; f++) {
                int n = tableRows[f];
                double u = rnd.nextDouble();
                double x = zipf == 1 ? Math.exp(u * top[f]) : Math.pow(top[f] * u + 1, 1 / (1 - zipf));
                long r = Math.min(n - 1, Math.max(0, (long) x - 1));
                int id = (int) ((r * mult[f]) % n);
                ids[f][i] = id;
                long h = mix(modelSeed + f * 0x632BE59BD9B4E019L + id);
                logit += 0.15 * gaussian(h);
                for (int d = 0; d < RANK; d++) {
                    double v = 0.12 * gaussian(mix(h + d + 1));
                    acc[d] += v;
                    self += v * v;
                }
            }
            double tot = 0;
            for (int d = 0; d < RANK; d++) tot += acc[d] * acc[d];
            logit += 0.5 * (tot - self);
            for (int j = 0; j < NUM_DENSE; j++) {
                float v = (float) Math.log1p(Math.floor(Math.exp(rnd.nextGaussian() * 1.5 + 1.0)));
                dense[i * NUM_DENSE + j] = v;
                logit += denseW[j] * (v - 1.2);
            }
            labels[i] = (byte) (rnd.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
        }
        return new CtrData(names, dnames, rows, labels, dense, tableRows.clone(), new int[ns][], ids);
    }

    /** A multiplier in [n/3, n) coprime with n (1 for tiny tables), so {@code r -> r * a mod n} is a bijection. */
    static long coprimeMultiplier(int n, long seed) {
        if (n < 4) return 1;
        SplittableRandom r = new SplittableRandom(seed);
        while (true) {
            long a = n / 3 + r.nextInt(n - n / 3);
            if (gcd(a, n) == 1) return a;
        }
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** An approximately standard normal value from 64 hash bits: four 16-bit uniforms summed (Irwin-Hall), centred and scaled. */
    static double gaussian(long h) {
        double s = (h & 0xFFFF) + ((h >>> 16) & 0xFFFF) + ((h >>> 32) & 0xFFFF) + ((h >>> 48) & 0xFFFF);
        return (s / 65536.0 - 2.0) * Math.sqrt(3.0);
    }
}
