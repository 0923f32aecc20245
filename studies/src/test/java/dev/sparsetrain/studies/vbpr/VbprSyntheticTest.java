package dev.sparsetrain.studies.vbpr;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.SyntheticVisual;
import dev.sparsetrain.models.vbpr.AutoBalance;
import dev.sparsetrain.models.vbpr.Diagnosis;
import dev.sparsetrain.models.vbpr.Variant;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprTrainer;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The user's failure and its cure on the built-in synthetic set with 4,096-d non-negative,
 * CNN-like features of large magnitude (row norms in the thousands): single-rate SGD VBPR is worse
 * than its better part, the defaults beat both parts, and diagnose flags the single-rate set-up
 * and not the defaults.
 */
class VbprSyntheticTest {

    @Test
    void failureReproducedAndCuredOn4096dFeatures() {
        FeatureDataset data = SyntheticVisual.generate(SyntheticVisual.Config.defaults(7));
        System.out.println(data);
        System.out.println("features: " + data.features().summary());
        VbprConfig base = VbprConfig.defaults(Variant.VBPR).withEpochs(40, 8);
        VbprAblation.Run bpr = VbprAblation.trainBpr(data, base, s -> { });
        VbprAblation.Run vis = VbprAblation.train(VbprAblation.VISUAL, "defaults", data, base.withVariant(Variant.VISUAL), s -> { });
        VbprAblation.Run def = VbprAblation.train(VbprAblation.DEFAULTS, "defaults", data, base, s -> { });
        VbprAblation.Run single = null;
        double singleLr = 0;
        for (double lr : new double[] {1e-8, 1e-7, 1e-6, 1e-5}) {
            VbprAblation.Run r = VbprAblation.train(VbprAblation.SINGLE, "sgd " + lr, data, VbprAblation.singleRate(base, lr), s -> { });
            System.out.printf(Locale.ROOT, "single-rate SGD lr %.0e: val AUC %.4f, test AUC %.4f%n", lr, r.result().bestValidationAuc(), r.test().auc());
            if (single == null || r.result().bestValidationAuc() > single.result().bestValidationAuc()) {
                single = r;
                singleLr = lr;
            }
        }
        for (VbprAblation.Run r : new VbprAblation.Run[] {bpr, vis, single, def}) {
            System.out.printf(Locale.ROOT, "synthetic-4096 %-22s test %s | best epoch %d, %.1f s, %.0f samples/s%n", r.name(), r.test(),
                    r.result().bestEpoch(), r.wallSeconds(), r.result().samplesPerSecond());
            r.result().notes().forEach(n -> System.out.println("  " + n));
        }
        double better = Math.max(bpr.test().auc(), vis.test().auc());
        assertTrue(single.test().auc() < better, "single-rate SGD VBPR is worse than its better part");
        assertTrue(def.test().auc() > better, "the defaults beat both parts");
        assertTrue(def.test().coldAuc() > bpr.test().coldAuc() + 0.25, "cold-start items scored through their features");

        Diagnosis.Report d1 = Diagnosis.probe(new VbprTrainer(data, VbprAblation.singleRate(base, singleLr)), 42);
        System.out.println("diagnose, single-rate SGD lr " + singleLr + ":\n" + d1.render());
        assertTrue(d1.anyFlagged(), "diagnose flags the single-rate set-up");
        VbprTrainer t = new VbprTrainer(data, base);
        AutoBalance.Choice c = AutoBalance.balance(t, Double.NaN);
        System.out.println(c.describe());
        for (int s = 0; s < c.multipliers().length; s++) t.setMultiplier(c.groups()[s], c.multipliers()[s]);
        Diagnosis.Report d2 = Diagnosis.probe(t, 42);
        System.out.println("diagnose, defaults:\n" + d2.render());
        assertFalse(d2.anyFlagged(), "diagnose does not flag the defaults");
    }
}
