package dev.sparsetrain.metrics.ranking;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.Splits;
import dev.sparsetrain.data.SyntheticImplicit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RankingEvaluatorTest {

    /** A fixed score matrix, with coarse values so that ties occur. */
    record MatrixScorer(int items, float[][] s) implements Scorer {
        public int numItems() { return items; }
        public void scoreAll(int user, float[] out) { System.arraycopy(s[user], 0, out, 0, items); }
    }

    static MatrixScorer random(int users, int items, long seed, int levels) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] s = new float[users][items];
        for (float[] row : s) for (int i = 0; i < items; i++) row[i] = r.nextInt(levels);
        return new MatrixScorer(items, s);
    }

    /** Slow reference straight from the definitions. */
    static double[] reference(MatrixScorer sc, Interactions test, Interactions train, int k) {
        double auc = 0, mrr = 0, rec = 0, ndcg = 0, prec = 0, map = 0;
        int users = 0, aucUsers = 0;
        for (int u = 0; u < test.numUsers(); u++) {
            List<Integer> cand = new ArrayList<>();
            for (int i = 0; i < sc.items; i++) if (!train.contains(u, i)) cand.add(i);
            List<Integer> rel = new ArrayList<>();
            for (int i : test.itemsOf(u)) if (!train.contains(u, i)) rel.add(i);
            if (rel.isEmpty()) continue;
            users++;
            final float[] s = sc.s[u];
            cand.sort(Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingInt(i -> i));
            double a = 0;
            int neg = 0;
            for (int j : cand) if (!rel.contains(j)) neg++;
            for (int i : rel) for (int j : cand) if (!rel.contains(j)) a += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
            if (neg > 0) { auc += a / (rel.size() * (double) neg); aucUsers++; }
            for (int r = 0; r < cand.size(); r++) if (rel.contains(cand.get(r))) { mrr += 1.0 / (r + 1); break; }
            int hits = 0;
            double dcg = 0, ap = 0, idcg = 0;
            for (int r = 0; r < Math.min(k, cand.size()); r++) {
                if (rel.contains(cand.get(r))) { hits++; dcg += 1 / log2(r + 2); ap += hits / (r + 1.0); }
            }
            for (int r = 0; r < Math.min(k, rel.size()); r++) idcg += 1 / log2(r + 2);
            rec += hits / (double) rel.size();
            ndcg += dcg / idcg;
            prec += hits / (double) k;
            map += ap / Math.min(k, rel.size());
        }
        return new double[] {auc / aucUsers, mrr / users, rec / users, ndcg / users, prec / users, map / users};
    }

    static double log2(double x) { return Math.log(x) / Math.log(2); }

    @Test
    void matchesTheDefinitionsIncludingTiesAndManyTestItems() {
        var all = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(120, 80, 30)).interactions();
        for (Split split : new Split[] {Splits.leaveOneOut(all, 1), Splits.perUserRatio(all, 0.7, 2)}) {
            for (int levels : new int[] {5, 1000000}) {
                MatrixScorer sc = random(all.numUsers(), all.numItems(), levels, levels);
                for (int threads : new int[] {1, 3}) {
                    var rep = RankingEvaluator.evaluate(sc, split.test(), List.of(split.train()),
                            RankingEvaluator.Options.defaults().withKs(3, 10).withThreads(threads));
                    double[] ref = reference(sc, split.test(), split.train(), 10);
                    assertEquals(ref[0], rep.auc(), 1e-9, "auc");
                    assertEquals(ref[1], rep.mrr(), 1e-9, "mrr");
                    assertEquals(ref[2], rep.value("recall@10"), 1e-9);
                    assertEquals(ref[3], rep.value("ndcg@10"), 1e-9);
                    assertEquals(ref[4], rep.value("precision@10"), 1e-9);
                    assertEquals(ref[5], rep.value("map@10"), 1e-9);
                    double[] ref3 = reference(sc, split.test(), split.train(), 3);
                    assertEquals(ref3[3], rep.value("ndcg@3"), 1e-9);
                }
            }
        }
    }

    @Test
    void perfectScorerGetsOnesAndCoverageCounts() {
        Interactions train = Interactions.of(6, new int[] {0, 1}, new int[] {2});
        Interactions test = Interactions.of(6, new int[] {5}, new int[] {4});
        Scorer oracle = new Scorer() {
            public int numItems() { return 6; }
            public void scoreAll(int u, float[] out) { for (int i = 0; i < 6; i++) out[i] = test.contains(u, i) ? 10 : i; }
        };
        var rep = RankingEvaluator.evaluate(oracle, test, List.of(train), RankingEvaluator.Options.defaults().withKs(1, 2));
        assertEquals(1.0, rep.auc(), 1e-12);
        assertEquals(1.0, rep.mrr(), 1e-12);
        assertEquals(1.0, rep.value("ndcg@1"), 1e-12);
        assertEquals(1.0, rep.value("recall@1"), 1e-12);
        assertEquals(0.5, rep.value("precision@2"), 1e-12);
        assertEquals(2 / 6.0, rep.value("coverage@1"), 1e-12);
        var pop = RankingEvaluator.evaluate(new PopularityScorer(train), test, List.of(train), RankingEvaluator.Options.defaults().withKs(1));
        assertTrue(pop.auc() < 1.0);
    }

    @Test
    void userSubsetAndFilter() {
        var all = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(300, 100, 20)).interactions();
        Split s = Splits.leaveOneOut(all, 3);
        var sc = random(all.numUsers(), all.numItems(), 9, 1000);
        var sub = RankingEvaluator.evaluate(sc, s.test(), List.of(s.train()), RankingEvaluator.Options.defaults().withMaxUsers(50, 4));
        assertEquals(50, sub.users());
        var even = RankingEvaluator.evaluate(sc, s.test(), List.of(s.train()), RankingEvaluator.Options.defaults().withTestItemFilter(i -> i % 2 == 0));
        assertTrue(even.users() < 300 && even.users() > 50, "users " + even.users());
    }
}
