package dev.sparsetrain.optim.transform;

/**
 * NAdam (Adam with Nesterov momentum and a momentum schedule), exactly PyTorch 1.13's
 * {@code torch.optim.NAdam}.
 *
 * <pre>
 *   mu_t  = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay));   P_t = mu_1 * ... * mu_t
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   d = sqrt(v / (1 - beta2^t)) + eps
 *   w -= lr * (1 - mu_t) / (1 - P_t) * g / d  +  lr * mu_{t+1} / (1 - P_t * mu_t * mu_{t+1}) * m / d
 * </pre>
 *
 * <p>The second denominator counts {@code mu_t} twice, as PyTorch 1.13 does
 * ({@code mu_product_next = mu_product * mu * mu_next}); the golden cases hold us to 1.13.
 *
 * <p>Paper: Dozat 2016. Defaults as PyTorch: lr 2e-3, betas (0.9, 0.999), eps 1e-8,
 * momentum_decay 4e-3. PyTorch keeps {@code P_t} as state; here it is a function of {@code t}
 * (cached per group), which is identical for dense steps and gives lazy rows the product at
 * their step.
 *
 * <p>Per-row state: {@code m}, {@code v}: 2 x {@code dim} floats. Thread-safety: immutable record;
 * kernel Hogwild-safe.
 */
public record NAdam(double beta1, double beta2, double eps, double momentumDecay) implements OptimizerTransform {
    @Override public String kind() { return "nadam"; }
    @Override public int dimSlots() { return 2; }
    @Override public boolean biasCorrected() { return true; }
    @Override public void validate(String where) {
        Transform.requireUnit(where, "nadam beta1", beta1);
        Transform.requireUnit(where, "nadam beta2", beta2);
        Transform.requireNonNegative(where, "nadam eps", eps);
        Transform.requireNonNegative(where, "nadam momentum_decay", momentumDecay);
    }
    @Override public String describe() { return "nadam(beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ", momentum_decay=" + momentumDecay + ")"; }
}
