package dev.sparsetrain.models.vbpr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.Preprocessing;
import dev.sparsetrain.data.features.SyntheticVisual;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gradient clipping per group (../shared/seeds/003: gradients scale with the inputs): on raw
 * features of large magnitude one plain-SGD rate diverges; clipping every group's gradient keeps
 * the same rate finite and learning. (Preprocessing and per-group rates, the defaults, do better
 * still: VbprSyntheticTest.)
 */
class VbprClipTest {
    static final FeatureDataset DATA = SyntheticVisual.generate(new SyntheticVisual.Config(600, 400, 512, 8, 8, 40.0, 1.0, 1.0, 0.05, 3));

    static VbprConfig singleRate(double lr, GroupSpec.Clip sparse, GroupSpec.Clip dense) {
        Map<String, GroupSpec> g = new LinkedHashMap<>();
        for (String t : VbprConfig.tableNames(Variant.VBPR)) {
            boolean d = VbprModel.isDense(t);
            g.put(t, GroupSpec.sgd(lr, d ? 0 : 1e-3).withClip(d ? dense : sparse));
        }
        return VbprConfig.defaults(Variant.VBPR).withGroups(g).withPreprocessing(Preprocessing.NONE).withAutoBalance(false, Double.NaN)
                .withEpochs(8, 8).withThreads(1);
    }

    @Test
    void clippingKeepsOneSgdRateFromDivergingOnRawFeatures() {
        double lr = 1e-3;
        VbprTrainer.Result plain = new VbprTrainer(DATA, singleRate(lr, GroupSpec.Clip.NONE, GroupSpec.Clip.NONE)).fit();
        GroupSpec.Clip row = new GroupSpec.Clip(GroupSpec.ClipKind.ROW_NORM, 1), global = new GroupSpec.Clip(GroupSpec.ClipKind.GLOBAL_NORM, 1);
        VbprTrainer.Result clipped = new VbprTrainer(DATA, singleRate(lr, row, global)).fit();
        System.out.printf(Locale.ROOT, "single-rate SGD %.0e on raw features: last loss %.4f, best validation AUC %.4f; clipped (rows 1, E and beta' 1): "
                        + "last loss %.4f, best validation AUC %.4f%n", lr, plain.history().getLast().loss(), plain.bestValidationAuc(),
                clipped.history().getLast().loss(), clipped.bestValidationAuc());
        assertTrue(Double.isNaN(plain.history().getLast().loss()), "without clipping the rate diverges");
        assertTrue(Double.isFinite(clipped.history().getLast().loss()), "clipped, the loss stays finite");
        assertTrue(clipped.bestValidationAuc() > 0.55 && clipped.bestValidationAuc() > plain.bestValidationAuc(), "and the model learns: " + clipped.bestValidationAuc());
    }

    @Test
    void clipRulesAreValidatedAndShownInTheSpec() {
        GroupSpec s = GroupSpec.sgd(0.05, 0).withClip(new GroupSpec.Clip(GroupSpec.ClipKind.parse("row-norm"), 2));
        assertEquals("sgd:0.05 clip row-norm:2.0", s.toString());
        // the text form is OptimizerSpec's, with the L2 after a second ':'; it reads back
        GroupSpec t = GroupSpec.parse("adam:0.001,beta2=0.99:1.0E-4");
        assertEquals(0.99, t.optimizer().number("beta2"));
        assertEquals(1e-4, t.l2());
        assertEquals(t, GroupSpec.parse(t.toString()));
        assertEquals("adam beta2=1.5, must be in [0, 1)", assertThrows(BadInputException.class, () -> GroupSpec.parse("adam:0.01,beta2=1.5")).getMessage());
        assertThrows(BadInputException.class, () -> new GroupSpec.Clip(GroupSpec.ClipKind.VALUE, 0));
        BadInputException e = assertThrows(BadInputException.class, () -> GroupSpec.ClipKind.parse("l2"));
        assertEquals("clip 'l2': allowed value, row-norm, global-norm", e.getMessage());
        // global-norm needs the whole step's gradient: refused on a group updated per sample
        VbprConfig bad = singleRate(1e-3, new GroupSpec.Clip(GroupSpec.ClipKind.GLOBAL_NORM, 1), GroupSpec.Clip.NONE);
        BadInputException g = assertThrows(BadInputException.class, () -> new VbprTrainer(DATA, bad));
        assertTrue(g.getMessage().contains("clipByGlobalNorm"), g.getMessage());
        assertFalse(g.getMessage().contains("\n"));
    }
}
