package dev.sparsetrain.optim.transform;

/**
 * LAMB as FBGEMM's table-batched embeddings define it ({@code fbgemm_gpu} {@code optimizers.py},
 * {@code lamb}): Adam's direction plus weight decay, scaled per row by the trust ratio
 * {@code ||w|| / ||r||} of that row.
 *
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2
 *   r = (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps) + weight_decay * w
 *   w -= lr * (||w|| / ||r||) * r                  (norms over the row)
 * </pre>
 *
 * <p>Paper: You et al. 2020, "Large Batch Optimization for Deep Learning: Training BERT in 76
 * minutes" (ICLR), Algorithm 2, with the trust ratio per row (FBGEMM) rather than per layer.
 * Defaults as FBGEMM: learning_rate 0.01, beta1 0.9, beta2 0.999, eps 1e-8, weight_decay 0.
 * {@code t} is the group's step (FBGEMM's {@code iter}), the row's count under LAZY_ROWWISE_BIAS.
 * As in FBGEMM, a row that is exactly zero gets ratio 0 and never moves (initialise embeddings
 * randomly); where {@code ||r|| = 0} there is nothing to apply and the row is left as it is
 * (FBGEMM would divide by zero).
 *
 * <p>Per-row state: {@code momentum1}, {@code momentum2}: 2 x {@code dim} floats. Thread-safety:
 * immutable record; kernel Hogwild-safe, allocation-free (two passes; the gradient row is scratch).
 */
public record Lamb(double beta1, double beta2, double eps, double weightDecay) implements OptimizerTransform {
    @Override public String kind() { return "lamb"; }
    @Override public int dimSlots() { return 2; }
    @Override public boolean biasCorrected() { return true; }
    @Override public void validate(String where) {
        Transform.requireUnit(where, "lamb beta1", beta1);
        Transform.requireUnit(where, "lamb beta2", beta2);
        Transform.requireNonNegative(where, "lamb eps", eps);
        Transform.requireNonNegative(where, "lamb weight_decay", weightDecay);
    }
    @Override public String describe() { return "lamb(beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ", weight_decay=" + weightDecay + ")"; }
}
