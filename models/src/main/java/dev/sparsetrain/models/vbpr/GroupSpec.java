package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.BadInputException;
import java.util.Locale;

/**
 * One parameter group's optimizer: update rule, learning rate and coupled L2 (applied to the rows a
 * step touches, plus {@code l2 * w} added to their gradient). Validated on construction.
 *
 * @param rule         SGD, ADAGRAD (element-wise, PyTorch's Adagrad with initial accumulator 0)
 *                     or ADAM (lazy, with per-row bias correction, FBGEMM-style)
 * @param learningRate &gt; 0
 * @param l2           &gt;= 0
 */
public record GroupSpec(Rule rule, double learningRate, double l2) {

    /** The update rules available to a group. */
    public enum Rule { SGD, ADAGRAD, ADAM;
        public static Rule parse(String s) {
            try {
                return valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("optimizer '" + s + "': allowed sgd, adagrad, adam");
            }
        }
    }

    public GroupSpec {
        if (rule == null) throw new BadInputException("group optimizer must be given (sgd, adagrad, adam)");
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new BadInputException("learningRate=" + learningRate + ", must be a finite number > 0");
        }
        if (!(l2 >= 0) || !Double.isFinite(l2)) throw new BadInputException("l2=" + l2 + ", must be >= 0");
    }

    public static GroupSpec sgd(double lr, double l2) { return new GroupSpec(Rule.SGD, lr, l2); }
    public static GroupSpec adagrad(double lr, double l2) { return new GroupSpec(Rule.ADAGRAD, lr, l2); }
    public static GroupSpec adam(double lr, double l2) { return new GroupSpec(Rule.ADAM, lr, l2); }

    public GroupSpec withLearningRate(double lr) { return new GroupSpec(rule, lr, l2); }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s(lr=%.3g, l2=%.3g)", rule.name().toLowerCase(Locale.ROOT), learningRate, l2);
    }
}
