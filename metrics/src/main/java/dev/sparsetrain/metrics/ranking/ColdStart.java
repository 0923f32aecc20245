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
}
