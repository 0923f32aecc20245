package dev.sparsetrain.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.data.KnownDatasets;
import dev.sparsetrain.data.ReadOptions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.Splits;
import dev.sparsetrain.metrics.ranking.PopularityScorer;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.testkit.Datasets;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the LibRec comparison honest and runnable (a few seconds on ML-100K; skipped when the
 * data is absent, failed under CI=true): the two tools apply the same update, and with matched
 * settings on the same split they reach the same quality under the same evaluator.
 */
class LibrecBprComparisonTest {
    static Split split;

    @BeforeAll
    static void load() {
        var ds = KnownDatasets.load("ml-100k", Datasets.require("movielens-100k").getParent(), ReadOptions.defaults());
        split = Splits.leaveOneOut(ds.interactions(), 42);
    }

    @Test
    void sameTriplesFromSameStartGiveTheSameFactorsUpToFloatRounding() throws Exception {
        // one LibRec iteration (94,300 triples) replayed through sparsetrain's fused kernel
        var r = UpdateRuleCheck.run(split, 16, 0.05, 0.01, 1, 7);
        System.out.printf(Locale.ROOT, "update rule, ML-100K, 1 iteration (%d triples), 16 factors, lr 0.05, reg 0.01: "
                + "max |LibRec - sparsetrain| %.2e, max move of a user factor %.3f%n", r.samples(), r.maxDifference(), r.maxMove());
        assertEquals(94_300, r.samples());
        assertTrue(r.maxMove() > 0.05, "training moved the factors: " + r.maxMove());
        assertTrue(r.maxDifference() < 1e-4, "float vs double rounding only: " + r.maxDifference());
    }

    @Test
    void matchedRunsReachTheSameQualityUnderOneEvaluator() throws Exception {
        SplitDataModel model = new SplitDataModel(split);
        var lib = LibrecBprComparison.librec("LibRec", () -> LibrecBpr.configuration(32, 0.05, 0.01, 10), 10)
                .run("ml-100k", split, model, 42, 0);
        var ours = LibrecBprComparison.ours("sparsetrain", UpdateRuleCheck.matchedConfig(32, 0.05, 0.01), 1, 10, 100L * split.train().numUsers())
                .run("ml-100k", split, model, 42, 0);
        RankingReport pop = LibrecBprComparison.evaluate(new PopularityScorer(split.train()), split);
        System.out.printf(Locale.ROOT, "matched, ML-100K, 10 iterations x 94,300 triples, 32 factors, lr 0.05, reg 0.01:%n"
                        + "  LibRec      %.2f s (%.2f M samples/s) AUC %.4f NDCG@10 %.4f%n  sparsetrain %.2f s (%.2f M samples/s) AUC %.4f NDCG@10 %.4f%n"
                        + "  popularity AUC %.4f%n", lib.seconds(), lib.samplesPerSecond() / 1e6, lib.report().auc(), lib.report().value("ndcg@10"),
                ours.seconds(), ours.samplesPerSecond() / 1e6, ours.report().auc(), ours.report().value("ndcg@10"), pop.auc());
        assertEquals(lib.samples(), ours.samples());
        assertTrue(lib.report().auc() > pop.auc() && ours.report().auc() > pop.auc(), "both beat popularity");
        assertEquals(lib.report().auc(), ours.report().auc(), 0.01, "same update rule, same split, same evaluator");
    }
}
