package dev.sparsetrain.optim.transform;

/**
 * Partial row-wise Adam as FBGEMM's table-batched embeddings define it ({@code fbgemm_gpu}
 * {@code optimizers.py}, {@code partial_rowwise_adam}): Adam's first moment per element, its
 * second moment per row (the mean of {@code g^2} over the row), so the state is
 * {@code dim + 1} floats per row instead of {@code 2 dim}.
 *
 * <pre>
 *   v = beta2 * v + (1 - beta2) * mean(g^2)                        (one value per row)
 *   m = beta1 * m + (1 - beta1) * g
 *   w -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 *
 * <p>Paper: Adam, Kingma &amp; Ba 2015, with the row-wise second moment of FBGEMM (as row-wise
 * AdaGrad does for AdaGrad). Defaults as FBGEMM: learning_rate 0.01, beta1 0.9, beta2 0.999,
 * eps 1e-8, weight_decay 0; FBGEMM's {@code weight_decay} ({@code w -= lr (update + wd w)}) is
 * decoupled weight decay, {@code withDecoupledWeightDecay}. {@code t} is the group's step
 * (FBGEMM's {@code iter}), the row's count under LAZY_ROWWISE_BIAS.
 *
 * <p>Per-row state: {@code momentum1}: {@code dim} floats, {@code momentum2}: 1 float.
 * Thread-safety: immutable record; kernel Hogwild-safe, allocation-free.
 */
public record PartialRowwiseAdam(double beta1, double beta2, double eps) implements OptimizerTransform {
    @Override public String kind() { return "partial_rowwise_adam"; }
    @Override public int dimSlots() { return 1; }
    @Override public int rowSlots() { return 1; }
    @Override public boolean biasCorrected() { return true; }
    @Override public void validate(String where) {
        Transform.requireUnit(where, "partial_rowwise_adam beta1", beta1);
        Transform.requireUnit(where, "partial_rowwise_adam beta2", beta2);
        Transform.requireNonNegative(where, "partial_rowwise_adam eps", eps);
    }
    @Override public String describe() { return "partial_rowwise_adam(beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ")"; }
}
