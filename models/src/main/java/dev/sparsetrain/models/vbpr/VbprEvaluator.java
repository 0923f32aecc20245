package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.metrics.ranking.ColdStart;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.metrics.ranking.Scorer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Full-ranking evaluation of a {@link VbprModel} on a held-out split, per user against every item
 * outside the user's training set (He and McAuley's protocol):
 *
 * <pre>
 *   AUC_u       = 1/|P_u| sum_{i in P_u} (#{j in N_u : x_ui &gt; x_uj} + 0.5 #{ties}) / |N_u|
 *                 P_u: the user's held-out items, N_u: items neither in train(u) nor in P_u
 *   AUC         = mean of AUC_u over users with a held-out item
 *   cold AUC    = the same with P_u restricted to cold-start items (never in training),
 *                 averaged over users with at least one such item
 *   Recall@K    = |top-K ∩ P_u| / |P_u|;  NDCG@K = sum_{hits} 1/log2(rank+1) / IDCG
 *                 (top-K among items not in train(u))
 * </pre>
 *
 * Parallel over users (each thread scores all items of a user into its own buffer). Reads the
 * model without locks: call between epochs.
 */
public final class VbprEvaluator {

    /** Evaluation figures. */
    public record Metrics(double auc, double coldAuc, double recall, double ndcg, int users, int coldUsers, int k) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "AUC %.4f, cold-start AUC %s, Recall@%d %.4f, NDCG@%d %.4f (%d users, %d with cold items)",
                    auc, coldUsers == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f", coldAuc), k, recall, k, ndcg, users, coldUsers);
        }
    }

    private VbprEvaluator() {}

    public static Metrics evaluate(VbprModel m, UserItems train, UserItems heldOut, boolean[] cold, int topK, int threads) {
        final int items = m.items(), users = m.users();
        final int k = m.factors(), kv = m.visualFactors(), w = k + kv;
        // Item matrix [gamma_i, p_i] and item offset beta_i + b'_i: one dot per (user, item).
        final float[] itemMat = new float[items * w];
        final float[] itemOff = new float[items];
        for (int i = 0; i < items; i++) {
            if (k > 0) {
                System.arraycopy(m.itemFactors.data(), i * k, itemMat, i * w, k);
                itemOff[i] += m.itemBias.data()[i];
            }
            if (kv > 0) {
                System.arraycopy(m.projections(), i * kv, itemMat, i * w + k, kv);
                itemOff[i] += m.visualBiases()[i];
            }
        }
        AtomicInteger next = new AtomicInteger();
        double[][] acc = new double[threads][6];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            final double[] a = acc[t];
            ts[t] = new Thread(() -> {
                float[] uvec = new float[w];
                float[] sc = new float[items];
                int[] top = new int[topK];
                int u;
                while ((u = next.getAndIncrement()) < users) {
                    int np = heldOut.size(u);
                    if (np == 0) continue;
                    if (k > 0) System.arraycopy(m.userFactors.data(), u * k, uvec, 0, k);
                    if (kv > 0) System.arraycopy(m.userVisual.data(), u * kv, uvec, k, kv);
                    for (int i = 0; i < items; i++) sc[i] = itemOff[i] + Kernels.dot(uvec, 0, itemMat, i * w, w);
                    // exclude training items
                    for (int q = train.from(u); q < train.to(u); q++) sc[train.item(q)] = Float.NaN;
                    int nNeg = items - train.size(u) - np;
                    double aucU = 0, coldU = 0;
                    int nCold = 0;
                    for (int q = heldOut.from(u); q < heldOut.to(u); q++) {
                        int i = heldOut.item(q);
                        float s = sc[i];
                        long less = 0, ties = 0;
                        for (int j = 0; j < items; j++) {
                            float x = sc[j];
                            if (x < s) less++;
                            else if (x == s) ties++;
                        }
                        // remove held-out items from the negative counts (ties includes i itself)
                        for (int q2 = heldOut.from(u); q2 < heldOut.to(u); q2++) {
                            float x = sc[heldOut.item(q2)];
                            if (x < s) less--;
                            else if (x == s) ties--;
                        }
                        double au = nNeg > 0 ? (less + 0.5 * ties) / nNeg : 0.5;
                        aucU += au;
                        if (cold != null && cold[i]) {
                            coldU += au;
                            nCold++;
                        }
                    }
                    a[0] += aucU / np;
                    a[1]++;
                    if (nCold > 0) {
                        a[2] += coldU / nCold;
                        a[3]++;
                    }
                    // top-K among non-training items (NaN marks training items)
                    int found = 0;
                    for (int i = 0; i < items; i++) {
                        float s = sc[i];
                        if (Float.isNaN(s)) continue;
                        if (found < topK) {
                            int p = found++;
                            while (p > 0 && sc[top[p - 1]] < s) { top[p] = top[p - 1]; p--; }
                            top[p] = i;
                        } else if (s > sc[top[topK - 1]]) {
                            int p = topK - 1;
                            while (p > 0 && sc[top[p - 1]] < s) { top[p] = top[p - 1]; p--; }
                            top[p] = i;
                        }
                    }
                    double hits = 0, dcg = 0, idcg = 0;
                    for (int r = 0; r < found; r++) {
                        if (heldOut.contains(u, top[r])) {
                            hits++;
                            dcg += 1 / (Math.log(r + 2) / Math.log(2));
                        }
                    }
                    for (int r = 0; r < Math.min(np, topK); r++) idcg += 1 / (Math.log(r + 2) / Math.log(2));
                    a[4] += hits / np;
                    a[5] += idcg > 0 ? dcg / idcg : 0;
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        double[] s = new double[6];
        for (double[] a : acc) for (int c = 0; c < 6; c++) s[c] += a[c];
        int n = (int) s[1], nc = (int) s[3];
        return new Metrics(n == 0 ? Double.NaN : s[0] / n, nc == 0 ? Double.NaN : s[2] / nc,
                n == 0 ? Double.NaN : s[4] / n, n == 0 ? Double.NaN : s[5] / n, n, nc, topK);
    }

    /**
     * Test-time evaluation through the project's {@link RankingEvaluator} (AUC, Recall@K, NDCG@K)
     * and {@link ColdStart} (the same over cold-start pairs). Validation during training uses the
     * faster AUC-only {@link #evaluate(VbprModel, UserItems, UserItems, boolean[], int, int)}
     * path; {@code VbprEvaluatorTest} checks that both agree.
     */
    public static Metrics evaluateFull(VbprModel m, UserItems train, UserItems heldOut, int topK, int threads) {
        Interactions tr = train.toInteractions(m.items()), ho = heldOut.toInteractions(m.items());
        Scorer scorer = scorer(m);
        RankingEvaluator.Options opt = RankingEvaluator.Options.defaults().withKs(topK).withThreads(threads);
        RankingReport all = RankingEvaluator.evaluate(scorer, ho, List.of(tr), opt);
        RankingReport cold = ColdStart.evaluate(scorer, ho, tr, List.of(tr), opt);
        return new Metrics(all.auc(), cold.users() == 0 ? Double.NaN : cold.auc(), all.recall()[0], all.ndcg()[0], all.users(), cold.users(), topK);
    }

    /** The model as a {@link Scorer} (reads the cached projections; safe for concurrent calls). */
    public static Scorer scorer(VbprModel m) {
        final int items = m.items(), k = m.factors(), kv = m.visualFactors(), w = k + kv;
        final float[] itemMat = new float[items * w], itemOff = new float[items];
        fillItems(m, itemMat, itemOff);
        return new Scorer() {
            @Override
            public int numItems() { return items; }

            @Override
            public void scoreAll(int u, float[] out) {
                float[] uvec = new float[w];
                if (k > 0) System.arraycopy(m.userFactors.data(), u * k, uvec, 0, k);
                if (kv > 0) System.arraycopy(m.userVisual.data(), u * kv, uvec, k, kv);
                for (int i = 0; i < items; i++) out[i] = itemOff[i] + Kernels.dot(uvec, 0, itemMat, i * w, w);
            }
        };
    }

    private static void fillItems(VbprModel m, float[] itemMat, float[] itemOff) {
        final int items = m.items(), k = m.factors(), kv = m.visualFactors(), w = k + kv;
        for (int i = 0; i < items; i++) {
            itemOff[i] = 0;
            if (k > 0) {
                System.arraycopy(m.itemFactors.data(), i * k, itemMat, i * w, k);
                itemOff[i] += m.itemBias.data()[i];
            }
            if (kv > 0) {
                System.arraycopy(m.projections(), i * kv, itemMat, i * w + k, kv);
                itemOff[i] += m.visualBiases()[i];
            }
        }
    }

    /** Convenience: evaluate {@code m} on a split of {@code data}. */
    public static Metrics evaluate(VbprModel m, FeatureDataset data, FeatureDataset.Pairs split, int threads) {
        return evaluateFull(m, new UserItems(data.users(), data.train()), new UserItems(data.users(), split), 20, threads);
    }
}
