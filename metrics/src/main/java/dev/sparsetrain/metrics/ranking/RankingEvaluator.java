package dev.sparsetrain.metrics.ranking;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.Interactions;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * Full-ranking evaluation of a {@link Scorer} against held-out interactions.
 *
 * <p>For each user {@code u} with held-out items {@code T_u} and known items {@code K_u} (the union
 * of the {@code exclude} sets: training, and validation when there is one):
 * <pre>
 *   candidates C_u = all items \ K_u                   (training items excluded from the ranking)
 *   negatives  N_u = C_u \ T_u
 *   AUC_u      = 1/(|T_u||N_u|) sum_{i in T_u} sum_{j in N_u} [s_ui > s_uj] + 0.5 [s_ui = s_uj]
 *   rank(i)    = 1 + |{j in C_u : s_uj > s_ui, or s_uj = s_ui and j &lt; i}|
 *   Recall@K   = hits@K / |T_u|        Precision@K = hits@K / K
 *   NDCG@K     = sum_{hit at rank r &lt;= K} 1/log2(r+1)  /  sum_{r=1..min(K,|T_u|)} 1/log2(r+1)
 *   MAP@K      = sum_{hit at rank r &lt;= K} (hits up to r)/r  /  min(K, |T_u|)
 *   MRR        = 1 / min_{i in T_u} rank(i)
 *   Coverage@K = |union of all users' top K| / items
 * </pre>
 * AUC follows the VBPR paper (He and McAuley, AAAI 2016) and BPR (Rendle et al., UAI 2009):
 * every held-out item against every item the user never interacted with, not a sample. Figures
 * are means over users with at least one held-out item; every positive counts (no threshold
 * beyond what the reader applied).
 *
 * <p>Top-K uses a bounded min-heap (O(items log K) per user); AUC a direct count for up to 16
 * held-out items, else a sort of the negatives' scores and binary searches. Users are split over
 * {@code threads} workers; per-user figures are summed in user order, so the result does not
 * depend on the thread count. Thread-safety: the scorer must allow concurrent {@code scoreAll}.
 */
public final class RankingEvaluator {
    private RankingEvaluator() {}

    /**
     * Evaluation options.
     *
     * @param ks             cut-offs (default 5, 10, 20)
     * @param threads        workers (default: available processors)
     * @param maxUsers       evaluate a seeded random subset of this many users (0 = all; for fast
     *                       validation during training)
     * @param seed           seed of the user subset
     * @param testItemFilter only held-out items passing it count as relevant (null = all; e.g.
     *                       cold-start items); items failing it are left out of the ranking
     */
    public record Options(int[] ks, int threads, int maxUsers, long seed, IntPredicate testItemFilter) {
        public Options {
            if (ks == null || ks.length == 0) throw new BadInputException("ks: empty, give at least one cut-off such as 10");
            ks = ks.clone();
            for (int k : ks) if (k < 1) throw new BadInputException("k: " + k + ", must be >= 1");
            if (threads < 1) throw new BadInputException("threads: " + threads + ", must be >= 1");
            if (maxUsers < 0) throw new BadInputException("max users: " + maxUsers + ", must be >= 0 (0 = all)");
        }

        public static Options defaults() {
            return new Options(new int[] {5, 10, 20}, Runtime.getRuntime().availableProcessors(), 0, 1, null);
        }

        public Options withKs(int... k) { return new Options(k, threads, maxUsers, seed, testItemFilter); }
        public Options withThreads(int t) { return new Options(ks, t, maxUsers, seed, testItemFilter); }
        public Options withMaxUsers(int m, long s) { return new Options(ks, threads, m, s, testItemFilter); }
        public Options withTestItemFilter(IntPredicate f) { return new Options(ks, threads, maxUsers, seed, f); }
    }

    /** Evaluates with default options. */
    public static RankingReport evaluate(Scorer scorer, Interactions test, List<Interactions> exclude) {
        return evaluate(scorer, test, exclude, Options.defaults());
    }

    public static RankingReport evaluate(Scorer scorer, Interactions test, List<Interactions> exclude, Options opt) {
        long t0 = System.nanoTime();
        int numItems = test.numItems();
        if (scorer.numItems() != numItems) {
            throw new BadInputException("model scores " + scorer.numItems() + " items but the test set has " + numItems);
        }
        for (Interactions e : exclude) {
            if (e.numItems() != numItems || e.numUsers() != test.numUsers()) {
                throw new IllegalArgumentException("exclusion set " + e + " does not match test set " + test);
            }
        }
        int[] ks = opt.ks();
        int kMax = 0;
        for (int k : ks) kMax = Math.max(kMax, k);
        int[] users = chooseUsers(test, opt);
        int nk = ks.length;
        int n = users.length;
        double[] aucU = new double[n];
        double[] mrrU = new double[n];
        double[][] perK = new double[4 * nk][n]; // recall, ndcg, precision, map
        boolean[] counted = new boolean[n];
        boolean[] aucCounted = new boolean[n];
        int threads = Math.min(opt.threads(), Math.max(1, n / 32));
        AtomicInteger next = new AtomicInteger();
        int[][] bestRank = new int[threads][];
        final int fkMax = kMax;
        Runnable[] work = new Runnable[threads];
        for (int w = 0; w < threads; w++) {
            final int wi = w;
            work[w] = () -> {
                Worker wk = new Worker(numItems, fkMax);
                bestRank[wi] = wk.bestRank;
                int chunk = 32;
                for (int s = next.getAndAdd(chunk); s < n; s = next.getAndAdd(chunk)) {
                    int e = Math.min(n, s + chunk);
                    for (int x = s; x < e; x++) {
                        wk.user(scorer, users[x], test, exclude, opt.testItemFilter(), ks, x, aucU, mrrU, perK, counted, aucCounted);
                    }
                }
            };
        }
        Parallel.runAll(work, "eval-");
        double auc = 0, mrr = 0;
        int cnt = 0, aucCnt = 0;
        double[] sums = new double[4 * nk];
        for (int x = 0; x < n; x++) {
            if (aucCounted[x]) { auc += aucU[x]; aucCnt++; }
            if (!counted[x]) continue;
            cnt++;
            mrr += mrrU[x];
            for (int t = 0; t < 4 * nk; t++) sums[t] += perK[t][x];
        }
        double[] coverage = new double[nk];
        int[] best = new int[numItems];
        Arrays.fill(best, Integer.MAX_VALUE);
        for (int[] br : bestRank) {
            if (br == null) continue;
            for (int i = 0; i < numItems; i++) best[i] = Math.min(best[i], br[i]);
        }
        for (int t = 0; t < nk; t++) {
            int c = 0;
            for (int i = 0; i < numItems; i++) if (best[i] < ks[t]) c++;
            coverage[t] = (double) c / numItems;
        }
        double[] recall = new double[nk], ndcg = new double[nk], prec = new double[nk], map = new double[nk];
        for (int t = 0; t < nk; t++) {
            recall[t] = cnt == 0 ? 0 : sums[t] / cnt;
            ndcg[t] = cnt == 0 ? 0 : sums[nk + t] / cnt;
            prec[t] = cnt == 0 ? 0 : sums[2 * nk + t] / cnt;
            map[t] = cnt == 0 ? 0 : sums[3 * nk + t] / cnt;
        }
        return new RankingReport(cnt, aucCnt, aucCnt == 0 ? Double.NaN : auc / aucCnt, cnt == 0 ? 0 : mrr / cnt, ks.clone(),
                recall, ndcg, prec, map, coverage, (System.nanoTime() - t0) / 1e9);
    }

    private static int[] chooseUsers(Interactions test, Options opt) {
        int[] withTest = new int[test.numUsers()];
        int m = 0;
        for (int u = 0; u < test.numUsers(); u++) if (test.count(u) > 0) withTest[m++] = u;
        withTest = Arrays.copyOf(withTest, m);
        if (opt.maxUsers() == 0 || opt.maxUsers() >= m) return withTest;
        SplittableRandom rnd = new SplittableRandom(opt.seed());
        for (int t = 0; t < opt.maxUsers(); t++) {
            int s = t + rnd.nextInt(m - t);
            int tmp = withTest[t]; withTest[t] = withTest[s]; withTest[s] = tmp;
        }
        int[] sub = Arrays.copyOf(withTest, opt.maxUsers());
        Arrays.sort(sub);
        return sub;
    }

    private static final double[] INV_LOG2 = new double[4097];
    static {
        for (int r = 1; r < INV_LOG2.length; r++) INV_LOG2[r] = 1.0 / (Math.log(r + 1) / Math.log(2));
    }

    private static double discount(int rank) {
        return rank < INV_LOG2.length ? INV_LOG2[rank] : 1.0 / (Math.log(rank + 1) / Math.log(2));
    }

    /** Per-thread scratch: scores, item states, heap, sorted negatives. */
    private static final class Worker {
        final float[] scores;
        final int[] state; // stamp: EXCLUDED = 2*g, TEST = 2*g+1
        final int[] bestRank;
        final TopK top;
        final int[] testItems;
        float[] negScores;
        int generation;

        Worker(int numItems, int kMax) {
            scores = new float[numItems];
            state = new int[numItems];
            bestRank = new int[numItems];
            Arrays.fill(bestRank, Integer.MAX_VALUE);
            top = new TopK(kMax);
            testItems = new int[numItems];
        }

        /** true when a ranks before b. */
        private boolean before(int a, int b) {
            return TopK.before(scores, a, b);   // the top-K's order, so MRR and the lists agree
        }

        void user(Scorer scorer, int u, Interactions test, List<Interactions> exclude, IntPredicate filter, int[] ks, int x,
                  double[] aucU, double[] mrrU, double[][] perK, boolean[] counted, boolean[] aucCounted) {
            generation++;
            int ex = 2 * generation, te = 2 * generation + 1;
            int numItems = scores.length;
            for (Interactions e : exclude) {
                int[] idx = e.itemIndices();
                for (int p = e.start(u); p < e.end(u); p++) state[idx[p]] = ex;
            }
            int nT = 0;
            int[] tIdx = test.itemIndices();
            for (int p = test.start(u); p < test.end(u); p++) {
                int i = tIdx[p];
                if (state[i] == ex) continue;
                if (filter != null && !filter.test(i)) {
                    state[i] = ex; // neither relevant nor a negative
                    continue;
                }
                state[i] = te;
                testItems[nT++] = i;
            }
            if (nT == 0) return;
            scorer.scoreAll(u, scores);
            // top-K heap (root = worst of the kept), negatives count, and the best-ranked test item
            int nCand = 0;
            top.reset(scores);
            int bestTest = testItems[0];
            for (int t = 1; t < nT; t++) if (before(testItems[t], bestTest)) bestTest = testItems[t];
            int above = 0;
            for (int i = 0; i < numItems; i++) {
                int st = state[i];
                if (st == ex) continue;
                nCand++;
                if (st != te && before(i, bestTest)) above++;
                top.offer(i);
            }
            mrrU[x] = 1.0 / (above + 1);
            int m = top.size();
            int[] heap = top.sortInPlace();   // best-first in [0, m)
            int nk = ks.length;
            for (int t = 0; t < nk; t++) {
                int k = ks[t];
                int hits = 0;
                double dcg = 0, ap = 0;
                for (int r = 0; r < Math.min(k, m); r++) {
                    if (state[heap[r]] == te) {
                        hits++;
                        dcg += discount(r + 1);
                        ap += (double) hits / (r + 1);
                    }
                }
                double idcg = 0;
                int ideal = Math.min(k, nT);
                for (int r = 1; r <= ideal; r++) idcg += discount(r);
                perK[t][x] = (double) hits / nT;
                perK[nk + t][x] = dcg / idcg;
                perK[2 * nk + t][x] = (double) hits / k;
                perK[3 * nk + t][x] = ap / ideal;
            }
            for (int r = 0; r < m; r++) if (r < bestRank[heap[r]]) bestRank[heap[r]] = r;
            counted[x] = true;
            int nNeg = nCand - nT;
            if (nNeg > 0) {
                aucU[x] = auc(nT, nNeg, ex, te);
                aucCounted[x] = true;
            }
        }

        private double auc(int nT, int nNeg, int ex, int te) {
            int numItems = scores.length;
            double correct = 0;
            if (nT <= 16) {
                for (int t = 0; t < nT; t++) {
                    float s = scores[testItems[t]];
                    long less = 0, eq = 0;
                    for (int j = 0; j < numItems; j++) {
                        int st = state[j];
                        if (st == ex || st == te) continue;
                        float sj = scores[j];
                        if (sj < s) less++;
                        else if (sj == s) eq++;
                    }
                    correct += less + 0.5 * eq;
                }
            } else {
                if (negScores == null) negScores = new float[numItems];
                int c = 0;
                for (int j = 0; j < numItems; j++) {
                    int st = state[j];
                    if (st != ex && st != te) negScores[c++] = scores[j];
                }
                Arrays.sort(negScores, 0, c);
                for (int t = 0; t < nT; t++) {
                    float s = scores[testItems[t]];
                    int lo = lowerBound(negScores, c, s), hi = upperBound(negScores, c, s);
                    correct += lo + 0.5 * (hi - lo);
                }
            }
            return correct / ((double) nT * nNeg);
        }
    }

    static int lowerBound(float[] a, int n, float v) {
        int lo = 0, hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    static int upperBound(float[] a, int n, float v) {
        int lo = 0, hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
