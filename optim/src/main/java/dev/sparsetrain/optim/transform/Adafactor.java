package dev.sparsetrain.optim.transform;

import dev.sparsetrain.core.BadInputException;

/**
 * Adafactor with each row as its own parameter vector: PyTorch 2.5's {@code torch.optim.Adafactor}
 * applied to every row of a table as if the row were a separate 1-D parameter (PyTorch's
 * unfactored path), which keeps the update row-local and so exact under sparse updates.
 *
 * <pre>
 *   beta2_t = 1 - t^beta2_decay;   rho_t = min(lr, 1 / sqrt(t))
 *   alpha_t = max(eps2, RMS(w)) * rho_t                   (RMS over the row, before the decay)
 *   w *= 1 - lr * weight_decay                            (decoupled, lr not rho_t, as PyTorch)
 *   v = beta2_t * v + (1 - beta2_t) * g^2                 (v = g^2 at t = 1)
 *   u = g / sqrt(max(v, eps1^2))
 *   w -= alpha_t / max(1, RMS(u) / d) * u                 (update clipping, threshold d)
 * </pre>
 *
 * <p>Paper: Shazeer &amp; Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory
 * Cost" (ICML), Algorithms 2 and 4 with relative step sizes and update clipping; formulas and
 * defaults as PyTorch 2.5: lr 1e-2, beta2_decay -0.8, eps (None, 1e-3), d 1.0, weight_decay 0.
 * PyTorch's {@code eps1 = None} means the dtype's machine epsilon: here float32's,
 * {@code 1.1920928955078125e-7}. {@code t} is the group's step (the row's own count under
 * {@code LAZY_ROWWISE_BIAS}, which is what PyTorch does with one parameter per row).
 *
 * <p>Not built: the factored second moment of a matrix (a row factor and a column factor,
 * {@code rows + dim} floats per table instead of {@code rows x dim}). Its column factor, its
 * normalisation by the mean row factor, the parameter RMS and the update RMS are statistics of the
 * whole table in every step, which a row-local fused kernel under lazy sparse updates cannot
 * have; PyTorch's matrix Adafactor on an embedding table moves every row every step.
 *
 * <p>Per-row state: {@code variance}: 1 x {@code dim} floats. Thread-safety: immutable record;
 * kernel Hogwild-safe, allocation-free (two passes over the row; the gradient row is scratch).
 */
public record Adafactor(double beta2Decay, double eps1, double eps2, double d, double weightDecay) implements OptimizerTransform {
    /** float32's machine epsilon, PyTorch's {@code eps1 = None} for a float32 parameter. */
    public static final double FLOAT_EPS = Math.ulp(1.0f);

    @Override public String kind() { return "adafactor"; }
    @Override public int dimSlots() { return 1; }
    @Override public boolean biasCorrected() { return true; }
    @Override public void validate(String where) {
        if (!(beta2Decay <= 0) || Double.isInfinite(beta2Decay)) {
            throw new BadInputException(where + ": adafactor beta2_decay=" + beta2Decay + ", must be <= 0 and finite");
        }
        Transform.requireNonNegative(where, "adafactor eps1", eps1);
        Transform.requireNonNegative(where, "adafactor eps2", eps2);
        Transform.requirePositive(where, "adafactor d", d);
        Transform.requireNonNegative(where, "adafactor weight_decay", weightDecay);
    }
    @Override public String describe() {
        return "adafactor(beta2_decay=" + beta2Decay + ", eps1=" + eps1 + ", eps2=" + eps2 + ", d=" + d + ", weight_decay=" + weightDecay + ")";
    }
}
