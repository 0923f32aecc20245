package dev.sparsetrain.optim.transform;

/**
 * Element-wise AdaGrad, exactly PyTorch 1.13's {@code torch.optim.Adagrad}.
 *
 * <pre>
 *   clr = lr / (1 + (t - 1) * lr_decay)
 *   s  += g * g                       (s starts at initial_accumulator_value)
 *   w  -= clr * g / (sqrt(s) + eps)
 * </pre>
 *
 * <p>Paper: Duchi, Hazan &amp; Singer 2011. Defaults as PyTorch: lr 1e-2, lr_decay 0,
 * initial_accumulator_value 0, eps 1e-10. {@code t} is the group's step (PyTorch's per-tensor
 * step, also for sparse gradients).
 *
 * <p>Per-row state: the sum {@code s}, {@code dim} floats. Thread-safety: immutable record;
 * kernel Hogwild-safe.
 */
public record Adagrad(double lrDecay, double initialAccumulatorValue, double eps) implements OptimizerTransform {
    @Override public String kind() { return "adagrad"; }
    @Override public int dimSlots() { return 1; }
    @Override public void validate(String where) {
        Transform.requireNonNegative(where, "adagrad lr_decay", lrDecay);
        Transform.requireNonNegative(where, "adagrad initial_accumulator_value", initialAccumulatorValue);
        Transform.requireNonNegative(where, "adagrad eps", eps);
    }
    @Override public String describe() { return "adagrad(lr_decay=" + lrDecay + ", initial_accumulator_value=" + initialAccumulatorValue + ", eps=" + eps + ")"; }
}
