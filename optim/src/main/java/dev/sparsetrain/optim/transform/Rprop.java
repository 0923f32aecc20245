package dev.sparsetrain.optim.transform;

import dev.sparsetrain.core.BadInputException;

/**
 * Rprop, resilient backpropagation, exactly PyTorch's {@code torch.optim.Rprop}: a step size per
 * element that grows while the gradient keeps its sign and shrinks when it flips; only the sign of
 * the gradient is used.
 *
 * <pre>
 *   first update of a row: prev = 0, step = lr
 *   s = sign(g * prev)
 *   step = clamp(step * (s &gt; 0 ? etaplus : s &lt; 0 ? etaminus : 1), step_size_min, step_size_max)
 *   s &lt; 0: g = 0                      (after a sign flip the element waits one step)
 *   w -= sign(g) * step;   prev = g
 * </pre>
 *
 * <p>Paper: Riedmiller &amp; Braun 1993, "A direct adaptive method for faster backpropagation
 * learning: the RPROP algorithm" (the variant without weight backtracking, Rprop-). Defaults as
 * PyTorch: lr 1e-2, etas (0.5, 1.2), step_sizes (1e-6, 50). Meant for full-batch gradients; with
 * noisy mini-batch gradients the signs flip at random.
 *
 * <p>The learning rate (with schedule and multiplier) only sets the initial step size of a row,
 * as in PyTorch, where {@code lr} is read once into the state. Per-row state: {@code prev},
 * {@code step_size}: 2 x {@code dim} floats. Thread-safety: immutable record; kernel Hogwild-safe,
 * allocation-free.
 */
public record Rprop(double etaMinus, double etaPlus, double stepSizeMin, double stepSizeMax) implements OptimizerTransform {
    @Override public String kind() { return "rprop"; }
    @Override public int dimSlots() { return 2; }
    @Override public void validate(String where) {
        if (!(etaMinus > 0 && etaMinus < 1)) throw new BadInputException(where + ": rprop etaminus=" + etaMinus + ", must be in (0, 1)");
        if (!(etaPlus > 1) || Double.isInfinite(etaPlus)) throw new BadInputException(where + ": rprop etaplus=" + etaPlus + ", must be > 1 and finite");
        Transform.requireNonNegative(where, "rprop step_size_min", stepSizeMin);
        Transform.requireNonNegative(where, "rprop step_size_max", stepSizeMax);
        if (stepSizeMin > stepSizeMax) {
            throw new BadInputException(where + ": rprop step_size_min=" + stepSizeMin + " > step_size_max=" + stepSizeMax + ", must be <=");
        }
    }
    @Override public String describe() {
        return "rprop(etaminus=" + etaMinus + ", etaplus=" + etaPlus + ", step_size_min=" + stepSizeMin + ", step_size_max=" + stepSizeMax + ")";
    }
}
