package dev.sparsetrain.compare;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.train.PairwiseModel;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.librec.common.LibrecException;
import net.librec.math.algorithm.Randoms;

/**
 * Checks that the two tools apply the same BPR update: LibRec's {@code BPRRecommender} trains
 * from its own initial factors and its own sampling; then sparsetrain's fused SGD kernel starts
 * from a float copy of the same initial factors and is fed the same triples, drawn by replaying
 * LibRec's sampling loop on LibRec's {@link Randoms} re-seeded identically. With the matched
 * settings (constant learning rate, coupled L2 of the same strength on user and item rows, no
 * item bias: sparsetrain's bias learning rate 0) the learned factors differ only by float versus
 * double rounding. Used by the test {@code LibrecBprComparisonTest}.
 */
public final class UpdateRuleCheck {
    private UpdateRuleCheck() {}

    /** Largest |LibRec - sparsetrain| over all user and item factors, and how far training moved them. */
    public record Result(double maxDifference, double maxMove, long samples) {}

    public static Result run(Split split, int factors, double learningRate, double regularization, int iterations, long seed)
            throws LibrecException {
        SplitDataModel data = new SplitDataModel(split);
        LibrecBpr lib = new LibrecBpr().prepare(LibrecBpr.configuration(factors, learningRate, regularization, iterations), data, seed);
        int nu = split.train().numUsers(), ni = split.train().numItems();
        Table users = Table.embedding("users", nu, factors), items = Table.embedding("items", ni, factors);
        copy(lib.userFactors().getData(), users);
        copy(lib.itemFactors().getData(), items);
        double[][] p0 = deepCopy(lib.userFactors().getData());
        long sampleSeed = seed * 31 + 7;
        Randoms.seed(sampleSeed);
        lib.train();

        BprModel ours = new BprModel(matchedConfig(factors, learningRate, regularization), users, items, Table.embedding("item_bias", ni, 1));
        ours.beginEpoch(1, 1);
        PairwiseModel.Worker w = ours.newWorker(0, 1);
        w.beginRound();
        List<Set<Integer>> sets = new java.util.ArrayList<>(nu);
        for (int u = 0; u < nu; u++) {
            Set<Integer> s = new HashSet<>();
            for (int i : split.train().itemsOf(u)) s.add(i);
            sets.add(s);
        }
        Randoms.seed(sampleSeed);
        long n = 0;
        for (int it = 0; it < iterations; it++) {
            for (int s = 0; s < nu * 100; s++) {
                int u;
                Set<Integer> mine;
                do {
                    u = Randoms.uniform(nu);
                    mine = sets.get(u);
                } while (mine.isEmpty() || mine.size() == ni);
                List<Integer> cols = lib.trainColumns(u);
                int i = cols.get(Randoms.uniform(cols.size()));
                int j;
                do {
                    j = Randoms.uniform(ni);
                } while (mine.contains(j));
                w.step(u, i, j, ++n, false);
            }
        }
        double maxDiff = Math.max(maxDiff(lib.userFactors().getData(), users), maxDiff(lib.itemFactors().getData(), items));
        double move = 0;
        double[][] p1 = lib.userFactors().getData();
        for (int u = 0; u < nu; u++) for (int f = 0; f < factors; f++) move = Math.max(move, Math.abs(p1[u][f] - p0[u][f]));
        return new Result(maxDiff, move, n);
    }

    /**
     * sparsetrain's BPR-MF set up as LibRec's BPR: constant learning rate (final fraction 1), the
     * same coupled L2 on both factor tables, the item bias frozen at 0 (bias learning rate 0, as
     * LibRec's BPR has no bias), factors N(0, 0.1^2) as LibRec initialises them.
     */
    public static BprConfig matchedConfig(int factors, double learningRate, double regularization) {
        return BprConfig.of(factors, learningRate, regularization, 0.0, 0.0, 0.1, 1.0, "sgd", "sgd");
    }

    private static void copy(double[][] src, Table dst) {
        int k = dst.dim();
        float[] d = dst.data();
        for (int r = 0; r < src.length; r++) for (int f = 0; f < k; f++) d[dst.offset(r) + f] = (float) src[r][f];
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int r = 0; r < a.length; r++) c[r] = a[r].clone();
        return c;
    }

    private static double maxDiff(double[][] a, Table t) {
        double m = 0;
        for (int r = 0; r < a.length; r++) for (int f = 0; f < t.dim(); f++) m = Math.max(m, Math.abs(a[r][f] - t.get(r, f)));
        return m;
    }
}
