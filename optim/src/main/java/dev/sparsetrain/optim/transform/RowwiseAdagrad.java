package dev.sparsetrain.optim.transform;

/**
 * Row-wise AdaGrad: one accumulator per row, FBGEMM's {@code EXACT_ROWWISE_ADAGRAD} of
 * table-batched embeddings.
 *
 * <pre>
 *   a += mean_j(g_j^2)              (a starts at initial_accumulator_value)
 *   w -= lr * g / (sqrt(a) + eps)
 * </pre>
 *
 * <p>Paper: Duchi et al. 2011 (AdaGrad); the row-wise variant from FBGEMM
 * ({@code fbgemm_gpu/split_embedding_configs.py}), used by DLRM. Defaults: eps 1e-8 (FBGEMM's),
 * initial_accumulator_value 0; PyTorch has no such optimizer. Rows without a gradient are untouched.
 *
 * <p>Per-row state: one float per row: a quarter of a float per element at dim 4, 1/64 at dim 64.
 * Thread-safety: immutable record; kernel Hogwild-safe.
 */
public record RowwiseAdagrad(double initialAccumulatorValue, double eps) implements OptimizerTransform {
    @Override public String kind() { return "rowwise_adagrad"; }
    @Override public int dimSlots() { return 0; }
    @Override public int rowSlots() { return 1; }
    @Override public void validate(String where) {
        Transform.requireNonNegative(where, "rowwise_adagrad initial_accumulator_value", initialAccumulatorValue);
        Transform.requireNonNegative(where, "rowwise_adagrad eps", eps);
    }
    @Override public String describe() { return "rowwise_adagrad(initial_accumulator_value=" + initialAccumulatorValue + ", eps=" + eps + ")"; }
}
