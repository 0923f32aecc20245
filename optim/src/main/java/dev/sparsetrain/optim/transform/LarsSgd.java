package dev.sparsetrain.optim.transform;

/**
 * LARS (layer-wise adaptive rate scaling) SGD with momentum, as FBGEMM's table-batched embeddings
 * define it ({@code fbgemm_gpu} {@code optimizers.py}, {@code lars_sgd}), the "layer" being a row.
 *
 * <pre>
 *   lr_row = lr * eta * ||w|| / (||g|| + weight_decay * ||w||)       (norms over the row)
 *   m = momentum * m + lr_row * (g + weight_decay * w)
 *   w -= m
 * </pre>
 *
 * <p>Paper: You, Gitman &amp; Ginsburg 2017, "Large Batch Training of Convolutional Networks"
 * (arXiv:1708.03888), Algorithm 1. Defaults as FBGEMM: learning_rate 0.01, eta 0.001, momentum 0.9,
 * weight_decay 0. Where {@code ||g|| + weight_decay * ||w||} is 0 the local rate is 0 (FBGEMM
 * would divide by zero); a zero row gets rate 0, as in FBGEMM. Momentum is a plain buffer that
 * starts at zero (no "buffer = gradient" first step, unlike PyTorch's SGD).
 *
 * <p>Per-row state: {@code momentum1}: 1 x {@code dim} floats. Thread-safety: immutable record;
 * kernel Hogwild-safe, allocation-free.
 */
public record LarsSgd(double eta, double momentum, double weightDecay) implements OptimizerTransform {
    @Override public String kind() { return "lars_sgd"; }
    @Override public int dimSlots() { return 1; }
    @Override public void validate(String where) {
        Transform.requireNonNegative(where, "lars_sgd eta", eta);
        Transform.requireUnit(where, "lars_sgd momentum", momentum);
        Transform.requireNonNegative(where, "lars_sgd weight_decay", weightDecay);
    }
    @Override public String describe() { return "lars_sgd(eta=" + eta + ", momentum=" + momentum + ", weight_decay=" + weightDecay + ")"; }
}
