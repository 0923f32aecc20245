package dev.sparsetrain.models.vbpr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.SyntheticVisual;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast validation AUC path agrees with the project's RankingEvaluator and ColdStart. */
class VbprEvaluatorTest {
    @Test
    void fastPathAgreesWithRankingEvaluator() {
        FeatureDataset d = SyntheticVisual.generate(new SyntheticVisual.Config(300, 200, 64, 6, 8, 40, 1, 1, 0.1, 3));
        VbprConfig cfg = VbprConfig.defaults(Variant.VBPR).withThreads(1).withAutoBalance(false, Double.NaN);
        VbprTrainer t = new VbprTrainer(d, cfg);
        t.runSamples(20_000, new SplittableRandom(1));
        UserItems train = new UserItems(d.users(), d.train()), test = new UserItems(d.users(), d.test());
        VbprEvaluator.Metrics fast = VbprEvaluator.evaluate(t.model(), train, test, d.coldItems(), 20, 2);
        VbprEvaluator.Metrics full = VbprEvaluator.evaluateFull(t.model(), train, test, 20, 2);
        System.out.println("fast: " + fast + "\nfull: " + full);
        assertEquals(full.auc(), fast.auc(), 1e-9);
        assertEquals(full.coldAuc(), fast.coldAuc(), 1e-9);
        assertEquals(full.coldUsers(), fast.coldUsers());
        assertEquals(full.recall(), fast.recall(), 1e-9);
        assertEquals(full.ndcg(), fast.ndcg(), 1e-9);
    }
}
