package dev.sparsetrain.optim;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.optim.transform.OptimizerTransform;
import dev.sparsetrain.optim.transform.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An optimizer as a chain of transforms (after Optax's {@code chain}): gradient transforms
 * (clipping, coupled L2), decoupled weight decay, exactly one optimizer scaling, and row
 * projections, plus a base learning rate and a {@link Schedule}. {@link Optimizers} has the usual
 * aliases; the withers add transforms.
 *
 * <p>Order of application in one row update, whatever the order the withers were called in:
 * <pre>
 *   clip by value / row norm / global norm (in the order added)  -&gt;  g += l2 * w (coupled)
 *   -&gt;  w *= 1 - lr_t * wd (decoupled)  -&gt;  optimizer update with lr_t  -&gt;  max-norm / constant-norm projection
 *   lr_t = learningRate * schedule(t) * runtime multiplier
 * </pre>
 *
 * <p>Immutable. Numeric ranges are checked by {@link #validate(String)}, which
 * {@link Optimizer#build} calls with the group's name so that a message names the group; the
 * constructor checks only the structure (exactly one optimizer transform).
 */
public record Chain(double learningRate, List<Transform> transforms, Schedule schedule) {

    public Chain {
        transforms = List.copyOf(Objects.requireNonNull(transforms, "transforms"));
        Objects.requireNonNull(schedule, "schedule");
        int n = 0;
        for (Transform t : transforms) if (t instanceof OptimizerTransform) n++;
        if (n != 1) throw new BadInputException("an optimizer chain needs exactly one optimizer transform, got " + n + ": " + transforms);
    }

    /** A chain of one optimizer transform with a constant schedule. */
    public static Chain of(double learningRate, OptimizerTransform optimizer) {
        return new Chain(learningRate, List.of(optimizer), Schedule.constant());
    }

    /** The optimizer transform of this chain. */
    public OptimizerTransform optimizer() {
        for (Transform t : transforms) if (t instanceof OptimizerTransform o) return o;
        throw new AssertionError();
    }

    /** Checks every value; {@code group} is the group's name for the message. */
    public void validate(String group) {
        String where = "group '" + group + "'";
        String what = optimizer().kind();
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new BadInputException(where + ": " + what + " " + (what.equals("ftrl") ? "alpha" : "lr") + "=" + learningRate
                    + ", must be >= 0 and finite");
        }
        for (Transform t : transforms) t.validate(where);
        schedule.validate(where);
        boolean maxN = false, constN = false, decoupled = false;
        for (Transform t : transforms) {
            maxN |= t instanceof Transform.MaxNorm;
            constN |= t instanceof Transform.ConstantNorm;
            decoupled |= t instanceof Transform.DecayWeights;
        }
        if (maxN && constN) {
            throw new BadInputException(where + ": maxNorm and constantNorm both set, a row constraint is one of them");
        }
        if (what.equals("ftrl") && (maxN || constN || decoupled)) {
            throw new BadInputException(where + ": ftrl with " + (decoupled ? "decoupled weight decay" : "a row-norm projection")
                    + ", not allowed: FTRL derives the weights from z and n at every update; use its l1/l2 (or withWeightDecay for coupled L2)");
        }
    }

    public Chain withLearningRate(double lr) { return new Chain(lr, transforms, schedule); }

    public Chain withSchedule(Schedule s) { return new Chain(learningRate, transforms, s); }

    /** Adds a transform (it is placed by kind, see the class comment). */
    public Chain with(Transform t) {
        List<Transform> l = new ArrayList<>(transforms);
        l.add(Objects.requireNonNull(t));
        return new Chain(learningRate, l, schedule);
    }

    /** Coupled L2 ({@code g += l2 * w}) on touched rows (or through catch-up): PyTorch's {@code weight_decay}. */
    public Chain withWeightDecay(double l2) { return l2 == 0 ? this : with(new Transform.AddWeightDecay(l2)); }

    /** Decoupled weight decay ({@code w *= 1 - lr_t * wd}), as AdamW. */
    public Chain withDecoupledWeightDecay(double wd) { return wd == 0 ? this : with(new Transform.DecayWeights(wd)); }

    public Chain withClipByValue(double maxValue) { return with(new Transform.ClipByValue(maxValue)); }

    public Chain withClipByRowNorm(double maxNorm) { return with(new Transform.ClipByRowNorm(maxNorm)); }

    /** torch {@code clip_grad_norm_} over the group's whole step gradient (batch path only). */
    public Chain withClipByGlobalNorm(double maxNorm) { return with(new Transform.ClipByGlobalNorm(maxNorm)); }

    public Chain withMaxNorm(double maxNorm) { return with(new Transform.MaxNorm(maxNorm)); }

    public Chain withConstantNorm(double norm) { return with(new Transform.ConstantNorm(norm)); }

    /** A one-line description for logs and reports. */
    public String describe() {
        StringBuilder b = new StringBuilder(optimizer().describe()).append(" lr=").append(learningRate);
        for (Transform t : transforms) if (!(t instanceof OptimizerTransform)) b.append(" + ").append(t.describe());
        if (!schedule.isConstant()) b.append(" schedule=").append(schedule);
        return b.toString();
    }
}
