package dev.sparsetrain.metrics.ranking;

import dev.sparsetrain.data.Interactions;
import java.util.List;

/**
 * Cold-start evaluation: the {@link RankingEvaluator} figures restricted to held-out pairs whose
 * item never occurs in training (He and McAuley's cold-start setting; a model without content
 * features can only guess such items).
 *
 * <pre>
 *   cold(i)   = item i has no training interaction
 *   AUC_cold  = mean over users with a cold held-out item of
 *               1/(|T_u^cold| |N_u|) sum_{i in T_u^cold} sum_{j in N_u} [s_ui &gt; s_uj] + 0.5 [s_ui = s_uj]
 *               (N_u: every item outside the user's training set and held-out items, as for AUC)
 * </pre>
 *
 * Implemented through {@link RankingEvaluator.Options#withTestItemFilter}; stateless.
 */
public final class ColdStart {
    private ColdStart() {}

    /** {@code cold[i]} is true when item {@code i} has no interaction in {@code train}. */
    public static boolean[] coldItems(Interactions train) {
        boolean[] cold = new boolean[train.numItems()];
        java.util.Arrays.fill(cold, true);
        for (int i : train.itemIndices()) cold[i] = false;
        return cold;
    }

    /** The evaluator's figures over cold-start held-out pairs only ({@code users} = users with one). */
    public static RankingReport evaluate(Scorer scorer, Interactions test, Interactions train, List<Interactions> exclude,
                                         RankingEvaluator.Options opt) {
        boolean[] cold = coldItems(train);
        return RankingEvaluator.evaluate(scorer, test, exclude, opt.withTestItemFilter(i -> cold[i]));
    }

    /**
     * The held-out figures VBPR reports (validation every epoch, test at the end): AUC,
     * Recall@K and NDCG@K over all held-out pairs, and AUC over the cold-start ones (NaN when no
     * user has a cold-start held-out item).
     *
     * @param users     users with a held-out item
     * @param coldUsers users with a cold-start held-out item
     */
    public record Figures(double auc, double coldAuc, double recall, double ndcg, int users, int coldUsers, int k) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "AUC %.4f, cold-start AUC %s, Recall@%d %.4f, NDCG@%d %.4f (%d users, %d with cold items)",
                    auc, coldUsers == 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f", coldAuc), k, recall, k, ndcg, users, coldUsers);
        }

        /** The figures of two reports of the same held-out split: all pairs, and cold-start pairs ({@link #evaluate}); cut-off {@code ks[at]}. */
        public static Figures of(RankingReport all, RankingReport cold, int at) {
            return new Figures(all.auc(), cold.users() == 0 ? Double.NaN : cold.auc(), all.recall()[at], all.ndcg()[at], all.users(),
                    cold.users(), all.ks()[at]);
        }
    }

    /**
     * {@link Figures} of {@code scorer} on {@code heldOut}, every item outside the user's training
     * set ranked (He and McAuley's protocol): one {@link RankingEvaluator} pass over all held-out
     * pairs with cut-off {@code k}, and one over the cold-start pairs (only users with one are scored).
     */
    public static Figures figures(Scorer scorer, Interactions heldOut, Interactions train, int k, int threads) {
        RankingEvaluator.Options opt = RankingEvaluator.Options.defaults().withKs(k).withThreads(threads);
        return Figures.of(RankingEvaluator.evaluate(scorer, heldOut, List.of(train), opt), evaluate(scorer, heldOut, train, List.of(train), opt), 0);
    }
}
