package dev.sparsetrain.optim.transform;

/**
 * FTRL-Proximal, McMahan et al. 2013 ("Ad Click Prediction: a View from the Trenches"),
 * Algorithm 1, per coordinate.
 *
 * <pre>
 *   sigma = (sqrt(n + g^2) - sqrt(n)) / alpha
 *   z += g - sigma * w
 *   n += g^2
 *   w  = 0                                                        if |z| &lt;= l1
 *   w  = -(z - sign(z) * l1) / ((beta + sqrt(n)) / alpha + l2)     otherwise
 * </pre>
 *
 * <p>{@code alpha} plays the role of the learning rate (a schedule or multiplier scales it).
 * Defaults: none; {@code Optimizers.ftrl(alpha, beta, l1, l2)} takes all four. PyTorch has no FTRL.
 * {@code z} and {@code n} start at zero; a touched row's weights are recomputed from them, so
 * the paper's weights are reproduced for rows that start at zero.
 *
 * <p>Per-row state: {@code z}, {@code n}: 2 x {@code dim} floats. Thread-safety: immutable record;
 * kernel Hogwild-safe.
 */
public record Ftrl(double beta, double l1, double l2) implements OptimizerTransform {
    @Override public String kind() { return "ftrl"; }
    @Override public int dimSlots() { return 2; }
    @Override public void validate(String where) {
        Transform.requireNonNegative(where, "ftrl beta", beta);
        Transform.requireNonNegative(where, "ftrl l1", l1);
        Transform.requireNonNegative(where, "ftrl l2", l2);
    }
    @Override public String describe() { return "ftrl(beta=" + beta + ", l1=" + l1 + ", l2=" + l2 + ")"; }
}
