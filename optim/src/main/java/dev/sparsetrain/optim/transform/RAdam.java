package dev.sparsetrain.optim.transform;

/**
 * RAdam, rectified Adam, exactly PyTorch's {@code torch.optim.RAdam} (1.13; 2.x adds
 * {@code decoupled_weight_decay}, which is this transform after a {@link Transform.DecayWeights}).
 *
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   rho_inf = 2 / (1 - beta2) - 1,   rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
 *   rho_t &gt; 5:  r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
 *              w -= lr * r * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)
 *   otherwise: w -= lr / (1 - beta1^t) * m          (un-adapted momentum SGD while the variance is unreliable)
 * </pre>
 *
 * <p>Paper: Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond" (ICLR),
 * Algorithm 2. Defaults as PyTorch: lr 1e-3, betas (0.9, 0.999), eps 1e-8; note eps is added to
 * {@code sqrt(v)} before the bias correction, as PyTorch does. {@code t} is the group's step, or
 * the row's own count under {@code LAZY_ROWWISE_BIAS}. With beta2 0.999 the first 5 steps are
 * un-adapted ({@code rho_t <= 5}).
 *
 * <p>Per-row state: {@code exp_avg}, {@code exp_avg_sq}: 2 x {@code dim} floats. Thread-safety:
 * immutable record; kernel Hogwild-safe, allocation-free.
 */
public record RAdam(double beta1, double beta2, double eps) implements OptimizerTransform {
    @Override public String kind() { return "radam"; }
    @Override public int dimSlots() { return 2; }
    @Override public boolean biasCorrected() { return true; }
    @Override public void validate(String where) {
        Transform.requireUnit(where, "radam beta1", beta1);
        Transform.requireUnit(where, "radam beta2", beta2);
        Transform.requireNonNegative(where, "radam eps", eps);
    }
    @Override public String describe() { return "radam(beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ")"; }
}
