package dev.sparsetrain.data;

import dev.sparsetrain.core.BadInputException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Train/test splits of implicit feedback, all seeded and deterministic.
 *
 * <ul>
 *   <li>{@link #leaveOneOut}: one random item per user goes to test (users with a single item keep
 *       it for training), the protocol of the BPR and VBPR papers;</li>
 *   <li>{@link #perUserRatio}: a fraction of each user's items (rounded, at least one when the user
 *       has two or more, never all) goes to test;</li>
 *   <li>{@link #globalRatio}: a random fraction of all pairs goes to test;</li>
 *   <li>{@link #movieLens100kOfficial}: the u1..u5 (and ua, ub) base/test files shipped with ML-100K;</li>
 *   <li>{@link #validation}: a leave-one-out validation set carved from a training set, for early
 *       stopping.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class Splits {
    private Splits() {}

    /**
     * A random split by its command-line name: {@code loo} (or {@code leave-one-out}),
     * {@code user-ratio} or {@code global-ratio} ({@code testFraction} in (0, 1) for the ratio
     * splits); {@code null} for any other name, which the caller may know (e.g. the official
     * ML-100K folds) or refuse.
     */
    public static Split byName(String name, Interactions all, double testFraction, long seed) {
        String s = name.toLowerCase(java.util.Locale.ROOT);
        if ((s.equals("user-ratio") || s.equals("global-ratio")) && !(testFraction > 0 && testFraction < 1)) {
            throw new dev.sparsetrain.core.BadInputException("--test-fraction " + testFraction + ": must be in (0, 1)");
        }
        return switch (s) {
            case "loo", "leave-one-out" -> leaveOneOut(all, seed);
            case "user-ratio" -> perUserRatio(all, testFraction, seed);
            case "global-ratio" -> globalRatio(all, testFraction, seed);
            default -> null;
        };
    }

    /** Per-user leave-one-out with the given seed. */
    public static Split leaveOneOut(Interactions all, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean[] toTest = new boolean[all.size()];
        for (int u = 0; u < all.numUsers(); u++) {
            int n = all.count(u);
            if (n >= 2) toTest[all.start(u) + rnd.nextInt(n)] = true;
        }
        return partition(all, toTest);
    }

    /** Per-user ratio: {@code round(n * testFraction)} items of each user, at least 1 when n >= 2, at most n-1. */
    public static Split perUserRatio(Interactions all, double testFraction, long seed) {
        checkFraction(testFraction);
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean[] toTest = new boolean[all.size()];
        int[] perm = new int[16];
        for (int u = 0; u < all.numUsers(); u++) {
            int n = all.count(u);
            if (n < 2) continue;
            int k = (int) Math.round(n * testFraction);
            k = Math.max(1, Math.min(n - 1, k));
            if (perm.length < n) perm = new int[n];
            for (int t = 0; t < n; t++) perm[t] = t;
            for (int t = 0; t < k; t++) { // partial Fisher-Yates
                int s = t + rnd.nextInt(n - t);
                int tmp = perm[t]; perm[t] = perm[s]; perm[s] = tmp;
                toTest[all.start(u) + perm[t]] = true;
            }
        }
        return partition(all, toTest);
    }

    /** A random {@code testFraction} of all pairs (rounded) goes to test. */
    public static Split globalRatio(Interactions all, double testFraction, long seed) {
        checkFraction(testFraction);
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = all.size();
        int k = (int) Math.round(n * testFraction);
        int[] perm = new int[n];
        for (int t = 0; t < n; t++) perm[t] = t;
        boolean[] toTest = new boolean[n];
        for (int t = 0; t < k; t++) {
            int s = t + rnd.nextInt(n - t);
            int tmp = perm[t]; perm[t] = perm[s]; perm[s] = tmp;
            toTest[perm[t]] = true;
        }
        return partition(all, toTest);
    }

    /** A leave-one-out validation split of a training set (seeded differently from the test split). */
    public static Split validation(Interactions train, long seed) {
        return leaveOneOut(train, seed * 0x9E3779B97F4A7C15L + 0x5EED);
    }

    /**
     * The official ML-100K split {@code fold} ("u1".."u5", "ua", "ub", or 1..5): {@code <fold>.base}
     * for training and {@code <fold>.test} for testing, read with shared id maps.
     */
    public static Split movieLens100kOfficial(Path dir, String fold, ReadOptions options) {
        String f = fold.matches("[1-5]") ? "u" + fold : fold;
        if (!f.matches("u[1-5]|ua|ub")) {
            throw new BadInputException("fold '" + fold + "': must be one of u1..u5, ua, ub (or 1..5)");
        }
        Interactions.Builder base = new Interactions.Builder().duplicatePolicy(options.duplicates());
        InteractionReader.readInto(dir.resolve(f + ".base"), DelimitedFormat.tsv(), options, base);
        Interactions.Builder test = new Interactions.Builder(base.users(), base.items()).duplicatePolicy(options.duplicates());
        InteractionReader.readInto(dir.resolve(f + ".test"), DelimitedFormat.tsv(), options, test);
        Interactions tr = base.build().resizedToIdMaps();
        Interactions te = test.build();
        return new Split(tr, te);
    }

    /** Splits by a mask over entries: true goes to test. */
    public static Split partition(Interactions all, boolean[] toTest) {
        int nu = all.numUsers();
        int nTest = 0;
        for (boolean b : toTest) if (b) nTest++;
        int nTrain = all.size() - nTest;
        int[] trPtr = new int[nu + 1], tePtr = new int[nu + 1];
        int[] trI = new int[nTrain], teI = new int[nTest];
        float[] trW = new float[nTrain], teW = new float[nTest];
        int a = 0, b = 0;
        int[] idx = all.itemIndices();
        float[] w = all.weights();
        for (int u = 0; u < nu; u++) {
            for (int p = all.start(u); p < all.end(u); p++) {
                if (toTest[p]) { teI[b] = idx[p]; teW[b++] = w[p]; }
                else { trI[a] = idx[p]; trW[a++] = w[p]; }
            }
            trPtr[u + 1] = a;
            tePtr[u + 1] = b;
        }
        return new Split(new Interactions(all.users(), all.items(), nu, all.numItems(), trPtr, trI, trW),
                new Interactions(all.users(), all.items(), nu, all.numItems(), tePtr, teI, teW));
    }

    /** The union of two interaction sets over the same id maps (weights of {@code a} win on overlap). */
    public static Interactions union(Interactions a, Interactions b) {
        if (a.numUsers() != b.numUsers() || a.numItems() != b.numItems()) throw new IllegalArgumentException("shapes differ");
        int nu = a.numUsers();
        int[] ptr = new int[nu + 1];
        int[] items = new int[a.size() + b.size()];
        float[] ws = new float[items.length];
        int n = 0;
        for (int u = 0; u < nu; u++) {
            int p = a.start(u), pe = a.end(u), q = b.start(u), qe = b.end(u);
            while (p < pe || q < qe) {
                int ia = p < pe ? a.itemIndices()[p] : Integer.MAX_VALUE;
                int ib = q < qe ? b.itemIndices()[q] : Integer.MAX_VALUE;
                if (ia <= ib) {
                    items[n] = ia; ws[n++] = a.weights()[p++];
                    if (ia == ib) q++;
                } else {
                    items[n] = ib; ws[n++] = b.weights()[q++];
                }
            }
            ptr[u + 1] = n;
        }
        return new Interactions(a.users(), a.items(), nu, a.numItems(), ptr, Arrays.copyOf(items, n), Arrays.copyOf(ws, n));
    }

    private static void checkFraction(double f) {
        if (!(f > 0 && f < 1)) throw new BadInputException("test fraction: " + f + ", must be in (0, 1)");
    }
}
