package dev.sparsetrain.data;

import dev.sparsetrain.core.Settings;
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
 *   <li>{@link #lastPerUser} ({@code --split last}): each user's latest interaction goes to test,
 *       the protocol of NCF (He et al., WWW 2017) and SASRec (Kang and McAuley, ICDM 2018) on
 *       MovieLens; needs timestamps;</li>
 *   <li>{@link #timeRatio} ({@code --split time-ratio}): a global cut in time, the latest fraction of
 *       all pairs goes to test, so nothing in training happened after anything in test; needs
 *       timestamps;</li>
 *   <li>{@link #movieLens100kOfficial}: the u1..u5 (and ua, ub) base/test files shipped with ML-100K;</li>
 *   <li>{@link #validation}: a leave-one-out validation set carved from a training set, for early
 *       stopping: a random item per user, or under a temporal split ({@link #validation(Interactions,
 *       long, String)}) the latest remaining one.</li>
 * </ul>
 * Temporal splits read {@link Interactions#times()}; data without timestamps is refused in one
 * line. Ties in time are broken by the higher item index (the order in which items first appear in
 * the data), so a temporal split is a pure function of the data: evaluate, recommend, serve and
 * resume rebuild it exactly from the options recorded in a model file.
 * Stateless and thread-safe.
 */
public final class Splits {
    private Splits() {}

    /**
     * A split by its command-line name: {@code loo} (or {@code leave-one-out}),
     * {@code user-ratio}, {@code global-ratio}, {@code last} or {@code time-ratio}
     * ({@code testFraction} in (0, 1) for the ratio splits); {@code null} for any other name, which
     * the caller may know (e.g. the official ML-100K folds) or refuse.
     */
    public static Split byName(String name, Interactions all, double testFraction, long seed) {
        String s = name.toLowerCase(java.util.Locale.ROOT);
        if ((s.equals("user-ratio") || s.equals("global-ratio") || s.equals("time-ratio")) && !(testFraction > 0 && testFraction < 1)) {
            throw new dev.sparsetrain.core.BadInputException(Settings.name("testFraction") + " " + testFraction + ": must be in (0, 1)");
        }
        return switch (s) {
            case "loo", "leave-one-out" -> leaveOneOut(all, seed);
            case "user-ratio" -> perUserRatio(all, testFraction, seed);
            case "global-ratio" -> globalRatio(all, testFraction, seed);
            case "last" -> lastPerUser(all);
            case "time-ratio" -> timeRatio(all, testFraction);
            default -> null;
        };
    }

    /** Whether a split name is a temporal one ({@code last}, {@code time-ratio}), which needs timestamps. */
    public static boolean isTemporal(String name) {
        String s = name.toLowerCase(java.util.Locale.ROOT);
        return s.equals("last") || s.equals("time-ratio");
    }

    /**
     * Each user's latest interaction goes to test; users with a single interaction keep it for
     * training (as in {@link #leaveOneOut}). Among pairs of a user sharing the latest time, the one
     * with the higher item index is held out. Needs {@link Interactions#times()}.
     */
    public static Split lastPerUser(Interactions all) {
        long[] t = requireTimes(all, "last");
        boolean[] toTest = new boolean[all.size()];
        for (int u = 0; u < all.numUsers(); u++) {
            int s = all.start(u), e = all.end(u);
            if (e - s < 2) continue;
            int best = s;
            // a user's items are sorted ascending, so ">=" lets the higher item index win a tie
            for (int p = s + 1; p < e; p++) if (t[p] >= t[best]) best = p;
            toTest[best] = true;
        }
        return partition(all, toTest);
    }

    /**
     * A global cut in time: the latest {@code k = round(size * testFraction)} pairs go to test, the
     * rest to training, so no test pair is earlier than any training pair. Pairs are ordered by
     * (time, user index, item index): where several pairs share the time at the cut, those with the
     * higher user (then item) index go to test, which keeps the test size exactly {@code k}.
     * Test users or items with no training pair stay in the test set: the ranking evaluator scores
     * them with their untrained rows, as it does for any user or item unseen in training.
     */
    public static Split timeRatio(Interactions all, double testFraction) {
        checkFraction(testFraction);
        long[] t = requireTimes(all, "time-ratio");
        int n = all.size();
        int k = (int) Math.round(n * testFraction);
        if (k < 1 || k >= n) {
            throw new BadInputException(Settings.name("testFraction") + " " + testFraction + ": holds out " + k + " of " + n
                    + " pairs; time-ratio needs at least one pair in test and one in training");
        }
        long[] sorted = t.clone();
        Arrays.sort(sorted);
        long cut = sorted[n - k];           // the time of the earliest test pair
        int later = 0;
        for (long x : t) if (x > cut) later++;
        int atCut = k - later;              // pairs at exactly the cut time that go to test: the last ones in (user, item) order
        boolean[] toTest = new boolean[n];
        for (int p = n - 1; p >= 0; p--) {
            if (t[p] > cut) {
                toTest[p] = true;
            } else if (t[p] == cut && atCut > 0) {
                toTest[p] = true;
                atCut--;
            }
        }
        return partition(all, toTest);
    }

    /**
     * A one-line account of the test users and items that have no training pair (a global time
     * cut leaves users who joined late, and items released late, with none): the evaluator ranks
     * for them with their untrained rows.
     */
    public static String coldSummary(Split s) {
        Interactions tr = s.train(), te = s.test();
        int users = 0, coldUsers = 0;
        for (int u = 0; u < te.numUsers(); u++) {
            if (te.count(u) == 0) continue;
            users++;
            if (tr.count(u) == 0) coldUsers++;
        }
        int[] trItems = tr.itemCounts(), teItems = te.itemCounts();
        int items = 0, coldItems = 0;
        for (int i = 0; i < teItems.length; i++) {
            if (teItems[i] == 0) continue;
            items++;
            if (trItems[i] == 0) coldItems++;
        }
        return String.format(java.util.Locale.ROOT, "test: %d users (%d with no training pair), %d items (%d never in training); "
                + "those are ranked with their untrained rows", users, coldUsers, items, coldItems);
    }

    private static long[] requireTimes(Interactions all, String split) {
        if (!all.hasTimes()) {
            throw new BadInputException(Settings.name("split") + " " + split + ": the data has no timestamps (use ml-100k, ml-1m's ratings.dat, "
                    + "or a file with " + Settings.name("timeColumn") + " N)");
        }
        return all.times();
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
     * The validation split that goes with test split {@code splitName}: under a temporal split
     * ({@code last}, {@code time-ratio}) each user's latest remaining interaction
     * ({@link #lastPerUser}), so validation never looks further into the future than test does;
     * otherwise {@link #validation(Interactions, long)}'s random one.
     */
    public static Split validation(Interactions train, long seed, String splitName) {
        return isTemporal(splitName) ? lastPerUser(train) : validation(train, seed);
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
        long[] t = all.times();
        long[] trT = t == null ? null : new long[nTrain], teT = t == null ? null : new long[nTest];
        int a = 0, b = 0;
        int[] idx = all.itemIndices();
        float[] w = all.weights();
        for (int u = 0; u < nu; u++) {
            for (int p = all.start(u); p < all.end(u); p++) {
                if (toTest[p]) {
                    if (t != null) teT[b] = t[p];
                    teI[b] = idx[p];
                    teW[b++] = w[p];
                } else {
                    if (t != null) trT[a] = t[p];
                    trI[a] = idx[p];
                    trW[a++] = w[p];
                }
            }
            trPtr[u + 1] = a;
            tePtr[u + 1] = b;
        }
        return new Split(new Interactions(all.users(), all.items(), nu, all.numItems(), trPtr, trI, trW, trT),
                new Interactions(all.users(), all.items(), nu, all.numItems(), tePtr, teI, teW, teT));
    }

    /**
     * The union of two interaction sets over the same id maps (weights and times of {@code a} win on
     * overlap); timestamps are kept when both have them.
     */
    public static Interactions union(Interactions a, Interactions b) {
        if (a.numUsers() != b.numUsers() || a.numItems() != b.numItems()) throw new IllegalArgumentException("shapes differ");
        int nu = a.numUsers();
        int[] ptr = new int[nu + 1];
        int[] items = new int[a.size() + b.size()];
        float[] ws = new float[items.length];
        long[] ta = a.times(), tb = b.times();
        long[] ts = ta != null && tb != null ? new long[items.length] : null;
        int n = 0;
        for (int u = 0; u < nu; u++) {
            int p = a.start(u), pe = a.end(u), q = b.start(u), qe = b.end(u);
            while (p < pe || q < qe) {
                int ia = p < pe ? a.itemIndices()[p] : Integer.MAX_VALUE;
                int ib = q < qe ? b.itemIndices()[q] : Integer.MAX_VALUE;
                if (ia <= ib) {
                    if (ts != null) ts[n] = ta[p];
                    items[n] = ia; ws[n++] = a.weights()[p++];
                    if (ia == ib) q++;
                } else {
                    if (ts != null) ts[n] = tb[q];
                    items[n] = ib; ws[n++] = b.weights()[q++];
                }
            }
            ptr[u + 1] = n;
        }
        return new Interactions(a.users(), a.items(), nu, a.numItems(), ptr, Arrays.copyOf(items, n), Arrays.copyOf(ws, n),
                ts == null ? null : Arrays.copyOf(ts, n));
    }

    private static void checkFraction(double f) {
        if (!(f > 0 && f < 1)) throw new BadInputException("test fraction: " + f + ", must be in (0, 1)");
    }
}
