package dev.sparsetrain.optim.transform;

/**
 * ASGD, averaged SGD, exactly PyTorch's {@code torch.optim.ASGD}: SGD with a decaying step and a
 * multiplicative decay of the weights, plus a running (Polyak-Ruppert) average {@code ax} of the
 * weights that starts after {@code t0} steps. The average is state, not the weights: read it
 * through the optimizer state ({@code ax}) to evaluate the averaged model.
 *
 * <pre>
 *   eta_t = lr / (1 + lambd * lr * (t - 1))^alpha        (PyTorch updates eta after each step: eta_1 = lr)
 *   mu_t  = 1 / max(1, t - 1 - t0)
 *   w = w * (1 - lambd * eta_t) - eta_t * g
 *   mu_t == 1: ax = w;   otherwise ax += mu_t * (w - ax)
 * </pre>
 *
 * <p>Paper: Polyak &amp; Juditsky 1992, "Acceleration of stochastic approximation by averaging";
 * schedule of Bottou 2012 / Xu 2011. Defaults as PyTorch: lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6,
 * weight_decay 0 (coupled L2, as {@code withWeightDecay}). {@code t} is the group's step (the
 * row's count under LAZY semantics is not used: the schedule is the group's). Under CATCH_UP a zero
 * gradient still decays the weights ({@code lambd > 0}) and moves {@code ax}: idle steps are
 * replayed exactly, O(idle steps x dim).
 *
 * <p>Per-row state: {@code ax}: 1 x {@code dim} floats. Thread-safety: immutable record; kernel
 * Hogwild-safe, allocation-free.
 */
public record Asgd(double lambd, double alpha, double t0) implements OptimizerTransform {
    @Override public String kind() { return "asgd"; }
    @Override public int dimSlots() { return 1; }
    @Override public void validate(String where) {
        Transform.requireNonNegative(where, "asgd lambd", lambd);
        Transform.requireNonNegative(where, "asgd alpha", alpha);
        Transform.requireNonNegative(where, "asgd t0", t0);
    }
    @Override public String describe() { return "asgd(lambd=" + lambd + ", alpha=" + alpha + ", t0=" + t0 + ")"; }
}
