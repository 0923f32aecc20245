package dev.sparsetrain.optim.transform;

/**
 * Adam and AMSGrad, exactly PyTorch 1.13's {@code torch.optim.Adam} (and, with
 * {@code sparseEps = true}, {@code torch.optim.SparseAdam}). AdamW is this transform after a
 * {@link Transform.DecayWeights}.
 *
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   amsgrad: vmax = max(vmax, v), and vmax replaces v below
 *   w -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)          (Adam)
 *   w -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)           (SparseAdam: eps outside the correction)
 * </pre>
 *
 * <p>Papers: Kingma &amp; Ba 2015; AMSGrad Reddi, Kale &amp; Kumar 2018. Defaults as PyTorch: lr 1e-3,
 * betas (0.9, 0.999), eps 1e-8, amsgrad false. {@code t} is the group's step, or the row's own
 * update count under {@code LAZY_ROWWISE_BIAS}.
 *
 * <p>Per-row state: {@code m}, {@code v} ({@code + vmax}): 2 (3) x {@code dim} floats.
 * Thread-safety: immutable record; kernel Hogwild-safe. The hot loop has a Vector API version.
 */
public record Adam(double beta1, double beta2, double eps, boolean amsgrad, boolean sparseEps) implements OptimizerTransform {
    @Override public String kind() { return sparseEps ? "sparse_adam" : amsgrad ? "amsgrad" : "adam"; }
    @Override public int dimSlots() { return amsgrad ? 3 : 2; }
    @Override public boolean biasCorrected() { return true; }
    @Override public void validate(String where) {
        Transform.requireUnit(where, kind() + " beta1", beta1);
        Transform.requireUnit(where, kind() + " beta2", beta2);
        Transform.requireNonNegative(where, kind() + " eps", eps);
        if (sparseEps && amsgrad) throw new dev.sparsetrain.core.BadInputException(where + ": sparse_adam amsgrad=true, not supported (use adam with amsgrad)");
    }
    @Override public String describe() { return kind() + "(beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ")"; }
}
