package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.optim.Chain;
import dev.sparsetrain.optim.Optimizers;
import java.util.Locale;
import java.util.Map;

/**
 * One parameter group's optimizer: update rule, learning rate and coupled L2 (applied to the rows a
 * step touches, plus {@code l2 * w} added to their gradient). Validated on construction.
 *
 * <p>The rule is any optimizer of the project runtime, by the names of {@link Optimizers#NAMES}
 * (sgd, momentum, nesterov, adagrad, rowwise_adagrad, rmsprop, adadelta, adam, amsgrad, adamw,
 * adamax, nadam, sparse_adam, ftrl), with PyTorch 1.13's default hyperparameters for everything
 * but the learning rate ({@link Optimizers#fromPyTorch}; for ftrl the rate is {@code alpha}).
 * How its state treats rows a sample does not touch is chosen by the trainer
 * ({@link #semantics}).
 *
 * @param rule         an optimizer name of {@link Optimizers#NAMES} (case-insensitive, '-' or '_'; stored canonical)
 * @param learningRate &gt; 0
 * @param l2           &gt;= 0
 */
public record GroupSpec(String rule, double learningRate, double l2) {

    public GroupSpec {
        rule = canonical(rule);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new BadInputException("learningRate=" + learningRate + ", must be a finite number > 0");
        }
        if (!(l2 >= 0) || !Double.isFinite(l2)) throw new BadInputException("l2=" + l2 + ", must be >= 0");
    }

    /**
     * The canonical name of an optimizer (lower case, '-' read as '_'), one of
     * {@link Optimizers#NAMES}; anything else is a one-line {@link BadInputException} listing them.
     */
    public static String canonical(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        if (!Optimizers.NAMES.contains(n)) {
            throw new BadInputException("optimizer '" + name + "': allowed " + String.join(", ", Optimizers.NAMES));
        }
        return n;
    }

    public static GroupSpec sgd(double lr, double l2) { return new GroupSpec("sgd", lr, l2); }
    public static GroupSpec adagrad(double lr, double l2) { return new GroupSpec("adagrad", lr, l2); }
    public static GroupSpec adam(double lr, double l2) { return new GroupSpec("adam", lr, l2); }
    public static GroupSpec of(String rule, double lr, double l2) { return new GroupSpec(rule, lr, l2); }

    public GroupSpec withLearningRate(double lr) { return new GroupSpec(rule, lr, l2); }

    /**
     * The runtime chain: the optimizer with PyTorch's defaults and this learning rate, then the
     * coupled L2 as weight decay on the gradient. {@code group} names the group in messages.
     */
    public Chain chain(String group) {
        return Optimizers.fromPyTorch("group '" + group + "'", rule, Map.of(rule.equals("ftrl") ? "alpha" : "lr", learningRate))
                .withWeightDecay(l2);
    }

    /**
     * The sparse semantics for this rule: DENSE for a dense tensor (E, beta'); for sparse rows
     * LAZY_ROWWISE_BIAS when the optimizer has a bias correction (the Adam family: the row's
     * own update count, as FBGEMM, since rows are touched a few times per epoch), else LAZY.
     */
    public dev.sparsetrain.optim.SparseSemantics semantics(boolean denseTensor) {
        if (denseTensor) return dev.sparsetrain.optim.SparseSemantics.DENSE;
        return chain("?").optimizer().biasCorrected() ? dev.sparsetrain.optim.SparseSemantics.LAZY_ROWWISE_BIAS
                : dev.sparsetrain.optim.SparseSemantics.LAZY;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s(lr=%.3g, l2=%.3g)", rule, learningRate, l2);
    }
}
