package dev.sparsetrain.optim.transform;

/**
 * Adamax, exactly PyTorch 1.13's {@code torch.optim.Adamax}.
 *
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g
 *   u = max(beta2 * u, |g| + eps)
 *   w -= lr / (1 - beta1^t) * m / u
 * </pre>
 *
 * <p>Paper: Kingma &amp; Ba 2015, section 7.1. Defaults as PyTorch: lr 2e-3, betas (0.9, 0.999),
 * eps 1e-8.
 *
 * <p>Per-row state: {@code m}, {@code u}: 2 x {@code dim} floats. Thread-safety: immutable record;
 * kernel Hogwild-safe.
 */
public record Adamax(double beta1, double beta2, double eps) implements OptimizerTransform {
    @Override public String kind() { return "adamax"; }
    @Override public int dimSlots() { return 2; }
    @Override public boolean biasCorrected() { return true; }
    @Override public void validate(String where) {
        Transform.requireUnit(where, "adamax beta1", beta1);
        Transform.requireUnit(where, "adamax beta2", beta2);
        Transform.requireNonNegative(where, "adamax eps", eps);
    }
    @Override public String describe() { return "adamax(beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ")"; }
}
