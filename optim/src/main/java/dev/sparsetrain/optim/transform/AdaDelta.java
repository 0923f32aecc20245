package dev.sparsetrain.optim.transform;

/**
 * AdaDelta, exactly PyTorch 1.13's {@code torch.optim.Adadelta}.
 *
 * <pre>
 *   s  = rho * s + (1 - rho) * g^2
 *   dx = sqrt(u + eps) / sqrt(s + eps) * g
 *   u  = rho * u + (1 - rho) * dx^2
 *   w -= lr * dx
 * </pre>
 *
 * <p>Paper: Zeiler 2012. Defaults as PyTorch: lr 1.0, rho 0.9, eps 1e-6.
 *
 * <p>Per-row state: {@code s} and {@code u}, 2 x {@code dim} floats. Thread-safety: immutable
 * record; kernel Hogwild-safe.
 */
public record AdaDelta(double rho, double eps) implements OptimizerTransform {
    @Override public String kind() { return "adadelta"; }
    @Override public int dimSlots() { return 2; }
    @Override public void validate(String where) {
        if (!(rho >= 0 && rho <= 1)) throw new dev.sparsetrain.core.BadInputException(where + ": adadelta rho=" + rho + ", must be in [0, 1]");
        Transform.requireNonNegative(where, "adadelta eps", eps);
    }
    @Override public String describe() { return "adadelta(rho=" + rho + ", eps=" + eps + ")"; }
}
