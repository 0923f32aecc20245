package dev.sparsetrain.optim.transform;

import dev.sparsetrain.core.BadInputException;

/**
 * One step of an optimizer chain (after Optax's {@code GradientTransformation}): a gradient
 * transform (clipping, coupled L2), a weight transform (decoupled decay, row projection), or the
 * optimizer's own scaling ({@link OptimizerTransform}). A {@link dev.sparsetrain.optim.Chain} holds
 * several; at build time they are resolved into one straight-line row kernel per group and table,
 * so no transform is ever called per element.
 *
 * <p>Records are immutable configuration; the per-row state of a transform lives in arrays that
 * the optimizer runtime allocates once per table ({@link OptimizerTransform#dimSlots()},
 * {@link OptimizerTransform#rowSlots()}).
 */
public sealed interface Transform permits Transform.ClipByValue, Transform.ClipByRowNorm,
        Transform.ClipByGlobalNorm, Transform.AddWeightDecay, Transform.DecayWeights, Transform.MaxNorm,
        Transform.ConstantNorm, OptimizerTransform {

    /** Checks the parameters; {@code where} names the group ("group 'factors'"). */
    void validate(String where);

    /** A short name for messages and reports. */
    String describe();

    static void requirePositive(String where, String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new BadInputException(where + ": " + what + "=" + v + ", must be > 0 and finite");
    }

    static void requireNonNegative(String where, String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new BadInputException(where + ": " + what + "=" + v + ", must be >= 0 and finite");
    }

    static void requireUnit(String where, String what, double v) {
        if (!(v >= 0 && v < 1)) throw new BadInputException(where + ": " + what + "=" + v + ", must be in [0, 1)");
    }

    /** Clamps every gradient element to {@code [-maxValue, maxValue]} (torch {@code clip_grad_value_}). */
    record ClipByValue(double maxValue) implements Transform {
        @Override public void validate(String where) { requirePositive(where, "clipByValue", maxValue); }
        @Override public String describe() { return "clipByValue(" + maxValue + ")"; }
    }

    /** Scales a row's gradient to norm {@code maxNorm} when its L2 norm exceeds it. */
    record ClipByRowNorm(double maxNorm) implements Transform {
        @Override public void validate(String where) { requirePositive(where, "clipByRowNorm", maxNorm); }
        @Override public String describe() { return "clipByRowNorm(" + maxNorm + ")"; }
    }

    /**
     * Scales the group's whole step gradient by {@code maxNorm / (norm + 1e-6)} when that is below 1,
     * where {@code norm} is the L2 norm over every row of every table of the group in the step
     * (torch {@code clip_grad_norm_}). Only the batch path ({@code Optimizer.step()}) sees a whole
     * step; the per-row path refuses a chain with this transform.
     */
    record ClipByGlobalNorm(double maxNorm) implements Transform {
        @Override public void validate(String where) { requirePositive(where, "clipByGlobalNorm", maxNorm); }
        @Override public String describe() { return "clipByGlobalNorm(" + maxNorm + ")"; }
    }

    /**
     * Coupled L2: {@code g += l2 * w} before the optimizer (PyTorch's {@code weight_decay} on SGD,
     * Adagrad, RMSprop, Adam, ...). Under lazy semantics it acts on touched rows only; under
     * catch-up idle rows get it through their zero-gradient steps.
     */
    record AddWeightDecay(double l2) implements Transform {
        @Override public void validate(String where) { requireNonNegative(where, "weightDecay", l2); }
        @Override public String describe() { return "addWeightDecay(" + l2 + ")"; }
    }

    /**
     * Decoupled weight decay (Loshchilov &amp; Hutter 2019): {@code w *= 1 - lr_t * wd} before the
     * optimizer's update, as PyTorch's AdamW.
     */
    record DecayWeights(double weightDecay) implements Transform {
        @Override public void validate(String where) { requireNonNegative(where, "decoupledWeightDecay", weightDecay); }
        @Override public String describe() { return "decayWeights(" + weightDecay + ")"; }
    }

    /** After the update, rescales a row to norm {@code maxNorm} when its norm exceeds it. */
    record MaxNorm(double maxNorm) implements Transform {
        @Override public void validate(String where) { requirePositive(where, "maxNorm", maxNorm); }
        @Override public String describe() { return "maxNorm(" + maxNorm + ")"; }
    }

    /** After the update, rescales a row to norm exactly {@code norm} (a zero row stays zero). */
    record ConstantNorm(double norm) implements Transform {
        @Override public void validate(String where) { requirePositive(where, "constantNorm", norm); }
        @Override public String describe() { return "constantNorm(" + norm + ")"; }
    }
}
