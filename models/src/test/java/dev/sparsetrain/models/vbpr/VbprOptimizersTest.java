package dev.sparsetrain.models.vbpr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.SyntheticVisual;
import dev.sparsetrain.optim.Optimizers;
import dev.sparsetrain.optim.SparseSemantics;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every optimizer of the runtime as a VBPR group rule: it moves every table and the loss goes down. */
class VbprOptimizersTest {
    static final FeatureDataset DATA = SyntheticVisual.generate(new SyntheticVisual.Config(300, 200, 48, 6, 8, 40, 1, 1, 0.08, 3));

    /** A learning rate at which each rule trains on unit-norm features (PyTorch-like scales). */
    static final Map<String, Double> LR = Map.ofEntries(Map.entry("sgd", 0.05), Map.entry("momentum", 0.01), Map.entry("nesterov", 0.01),
            Map.entry("adagrad", 0.05), Map.entry("rowwise_adagrad", 0.05), Map.entry("rmsprop", 0.003), Map.entry("adadelta", 1.0),
            Map.entry("adam", 0.01), Map.entry("amsgrad", 0.01), Map.entry("adamw", 0.01), Map.entry("adamax", 0.01),
            Map.entry("nadam", 0.01), Map.entry("sparse_adam", 0.01), Map.entry("ftrl", 0.05));

    @Test
    void everyRuleOfTheRuntimeMovesEveryTableAndLowersTheLoss() {
        assertEquals(Optimizers.NAMES.size(), LR.size(), "a rate for every runtime optimizer");
        for (String rule : Optimizers.NAMES) {
            GroupSpec spec = GroupSpec.of(rule, LR.get(rule), rule.equals("ftrl") ? 0 : 1e-4);
            VbprConfig cfg = VbprConfig.defaults(Variant.VBPR).withGroups(VbprConfig.uniform(spec)).withThreads(1)
                    .withEpochs(4, 4).withAutoBalance(false, Double.NaN).withDenseBatch(512);
            VbprTrainer t = new VbprTrainer(DATA, cfg);
            VbprModel before = t.model().copy();
            VbprTrainer.Result r = t.fit();
            double first = r.history().get(0).loss(), last = r.history().get(r.history().size() - 1).loss();
            System.out.printf(Locale.ROOT, "%-16s loss %.4f -> %.4f, best validation AUC %.4f%n", rule, first, last, r.bestValidationAuc());
            assertTrue(Double.isFinite(last) && last < first, rule + ": loss goes down " + first + " -> " + last);
            for (Table x : r.model().tables()) {
                assertFalse(Arrays.equals(x.data(), before.table(x.name()).data()), rule + " moves " + x.name());
            }
        }
    }

    @Test
    void semanticsFollowTheRule() {
        assertEquals(SparseSemantics.LAZY, GroupSpec.sgd(0.1, 0).semantics(false));
        assertEquals(SparseSemantics.LAZY, GroupSpec.of("rmsprop", 0.1, 0).semantics(false));
        assertEquals(SparseSemantics.LAZY_ROWWISE_BIAS, GroupSpec.adam(0.1, 0).semantics(false));
        assertEquals(SparseSemantics.LAZY_ROWWISE_BIAS, GroupSpec.of("NAdam", 0.1, 0).semantics(false));
        assertEquals(SparseSemantics.DENSE, GroupSpec.adam(0.1, 0).semantics(true));
        assertEquals("rowwise_adagrad", GroupSpec.of("Rowwise-Adagrad", 0.1, 0).rule());
        BadInputException e = assertThrows(BadInputException.class, () -> GroupSpec.of("adamm", 0.1, 0));
        assertTrue(e.getMessage().contains("'adamm'") && e.getMessage().contains("rowwise_adagrad") && e.getMessage().contains("ftrl"), e.getMessage());
    }
}
