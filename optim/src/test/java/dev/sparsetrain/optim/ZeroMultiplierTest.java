package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.sparsetrain.core.Table;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Regression: a learning-rate multiplier of exactly 0 must freeze weights, never produce NaN. */
class ZeroMultiplierTest {
    @Test
    void zeroMultiplierLeavesDenseAdamWeightsUnchanged() {
        for (String name : List.of("adam", "adamw", "sgd", "adagrad", "rmsprop", "nadam", "adamax", "rowwise_adagrad")) {
            Table t = Table.dense("E", 3, 5).fillNormal(new SplittableRandom(3), 0.1);
            Chain c = switch (name) {
                case "adam" -> Optimizers.adam(1e-3);
                case "adamw" -> Optimizers.adamw(1e-3, 0.01);
                case "sgd" -> Optimizers.momentum(0.1, 0.9);
                case "adagrad" -> Optimizers.adagrad(0.1);
                case "rmsprop" -> Optimizers.rmsprop(0.01);
                case "nadam" -> Optimizers.nadam(0.01);
                case "adamax" -> Optimizers.adamax(0.01);
                default -> Optimizers.rowwiseAdagrad(0.1);
            };
            Optimizer o = Optimizer.build(List.of(ParamGroup.of("dense", c, "E").withSemantics(SparseSemantics.DENSE)), List.of(t));
            float[] before = t.data().clone();
            o.setLearningRateMultiplier("dense", 0.0);
            for (int s = 0; s < 3; s++) {
                var b = o.gradients(t);
                for (int r = 0; r < 3; r++) {
                    int off = b.add(r);
                    for (int k = 0; k < 5; k++) b.grads()[off + k] = 0.5f * (k - 2) + r;
                }
                o.step();
            }
            assertArrayEquals(before, t.data(), name + ": multiplier 0 must leave the weights as they were");
        }
    }
}
