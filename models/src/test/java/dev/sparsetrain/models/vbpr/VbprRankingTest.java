package dev.sparsetrain.models.vbpr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.SyntheticVisual;
import dev.sparsetrain.metrics.ranking.ColdStart;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * VBPR's held-out figures go through the project's RankingEvaluator and ColdStart: the model's
 * scorer agrees with {@link VbprModel#score}, and AUC / cold-start AUC equal a direct count of He
 * and McAuley's definition (every held-out item against every item outside train(u) and the
 * held-out set; cold = never in training).
 */
class VbprRankingTest {
    @Test
    void figuresEqualTheDirectCount() {
        FeatureDataset d = SyntheticVisual.generate(new SyntheticVisual.Config(300, 200, 64, 6, 8, 40, 1, 1, 0.1, 3));
        VbprConfig cfg = VbprConfig.defaults(Variant.VBPR).withThreads(1).withAutoBalance(false, Double.NaN);
        VbprTrainer t = new VbprTrainer(d, cfg);
        t.runSamples(20_000, new SplittableRandom(1));
        VbprModel m = t.model();
        float[] s = new float[d.items()];
        for (int u = 0; u < d.users(); u += 37) {
            m.scorer().scoreAll(u, s);
            for (int i = 0; i < d.items(); i++) assertEquals(m.score(u, i), s[i], 1e-4f * Math.max(1, Math.abs(s[i])));
        }
        ColdStart.Figures f = m.evaluate(d, d.test(), 2);
        Interactions tr = d.interactions(d.train()), te = d.interactions(d.test());
        boolean[] cold = d.coldItems();
        double auc = 0, coldAuc = 0;
        int users = 0, coldUsers = 0;
        for (int u = 0; u < d.users(); u++) {
            if (te.count(u) == 0) continue;
            double a = 0, c = 0;
            int nc = 0;
            for (int i : te.itemsOf(u)) {
                double hit = 0;
                long neg = 0;
                for (int j = 0; j < d.items(); j++) {
                    if (tr.contains(u, j) || te.contains(u, j)) continue;
                    neg++;
                    float si = m.score(u, i), sj = m.score(u, j);
                    hit += si > sj ? 1 : si == sj ? 0.5 : 0;
                }
                a += hit / neg;
                if (cold[i]) { c += hit / neg; nc++; }
            }
            auc += a / te.count(u);
            users++;
            if (nc > 0) { coldAuc += c / nc; coldUsers++; }
        }
        System.out.println("test: " + f + "; direct count: AUC " + auc / users + ", cold-start AUC " + coldAuc / coldUsers);
        assertTrue(coldUsers > 0, "the synthetic split has cold-start items");
        assertEquals(users, f.users());
        assertEquals(coldUsers, f.coldUsers());
        assertEquals(auc / users, f.auc(), 2e-3);
        assertEquals(coldAuc / coldUsers, f.coldAuc(), 2e-3);
    }
}
