package dev.sparsetrain.optim.transform;

/**
 * RMSProp, plain, centered and with momentum, exactly PyTorch 1.13's {@code torch.optim.RMSprop}.
 *
 * <pre>
 *   s = alpha * s + (1 - alpha) * g^2
 *   centered:  a = alpha * a + (1 - alpha) * g;  d = sqrt(s - a^2) + eps
 *   otherwise: d = sqrt(s) + eps
 *   momentum &gt; 0:  b = momentum * b + g / d;  w -= lr * b
 *   otherwise:     w -= lr * g / d
 * </pre>
 *
 * <p>Paper: Tieleman &amp; Hinton 2012 (lecture 6.5); centered: Graves 2013. Defaults as PyTorch:
 * lr 1e-2, alpha 0.99, eps 1e-8, momentum 0, centered false.
 *
 * <p>Per-row state: {@code s}, plus {@code a} when centered, plus {@code b} with momentum: 1 to 3
 * arrays of {@code dim} floats. Thread-safety: immutable record; kernel Hogwild-safe.
 */
public record RmsProp(double alpha, double eps, double momentum, boolean centered) implements OptimizerTransform {
    @Override public String kind() { return "rmsprop"; }
    @Override public int dimSlots() { return 1 + (centered ? 1 : 0) + (momentum != 0 ? 1 : 0); }
    @Override public void validate(String where) {
        Transform.requireUnit(where, "rmsprop alpha", alpha);
        Transform.requireNonNegative(where, "rmsprop eps", eps);
        Transform.requireUnit(where, "rmsprop momentum", momentum);
    }
    @Override public String describe() { return "rmsprop(alpha=" + alpha + ", eps=" + eps + ", momentum=" + momentum + ", centered=" + centered + ")"; }
}
