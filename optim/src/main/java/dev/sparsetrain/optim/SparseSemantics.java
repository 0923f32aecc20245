package dev.sparsetrain.optim;

/**
 * How a parameter group treats rows that get no gradient in a step. Chosen per group
 * ({@link ParamGroup#withSemantics(SparseSemantics)}).
 *
 * <p>The step count {@code t} of a group is the number of optimizer steps the group has taken
 * (1-based). Bias corrections (Adam family), Adagrad's {@code lr_decay}, NAdam's momentum schedule
 * and learning-rate schedules read it.
 */
public enum SparseSemantics {
    /**
     * Only rows with a gradient change, and only their own state changes; the step count used for
     * bias correction is the group's global step (PyTorch's {@code SparseAdam} and sparse
     * {@code Adagrad}). An untouched row stays bit-identical, its state too. A row's first update
     * initialises momentum buffers (PyTorch's "buffer = gradient" on the first step).
     */
    LAZY,
    /**
     * Like {@link #LAZY}, but Adam-family bias correction ({@code 1 - beta^t}) and NAdam's
     * momentum schedule use the row's own update count instead of the group's step (FBGEMM's
     * {@code use_rowwise_bias_correction}). Only meaningful for the optimizers that read the step
     * (adam, amsgrad, adamw, adamax, nadam, sparse_adam, radam, adafactor, eve, lamb,
     * partial_rowwise_adam); refused for the others.
     */
    LAZY_ROWWISE_BIAS,
    /**
     * Exactly the dense optimizer, evaluated lazily: a row touched after {@code k} idle steps first
     * receives the {@code k} updates the dense optimizer would have applied with a zero gradient
     * (momentum carries on, moments decay, weight decay acts), in closed form where one exists and
     * otherwise by an exact loop that stops early once the state has decayed to exactly zero and no
     * decay acts. {@link Optimizer#flush()} brings every row up to date (before saving or
     * evaluating). Costs one {@code long} per row for the step at which the row was last brought
     * up to date.
     */
    CATCH_UP,
    /**
     * Every row every step: rows without a gradient get a zero gradient. Right for dense tensors
     * and small tables; on a large embedding table each step costs a pass over the whole table
     * (the build logs a warning above a million rows; CATCH_UP gives the same weights touching only
     * used rows). Only the batch path ({@code Optimizer.step()}) can visit every row; the per-row
     * path updates the rows it is given, with {@code t = step} and "first step" meaning step 1.
     */
    DENSE
}
