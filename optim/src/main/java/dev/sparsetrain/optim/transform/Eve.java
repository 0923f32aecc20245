package dev.sparsetrain.optim.transform;

import dev.sparsetrain.core.BadInputException;

/**
 * Eve: Adam whose step is divided by a feedback coefficient {@code d_t} that follows the relative
 * change of the objective (the loss), smoothed.
 *
 * <pre>
 *   each step, before the update, the caller reports f = f(w_{t-1}) - f_star   (Optimizer.setObjective)
 *   t = 1:  fhat = f,  d = 1
 *   t &gt; 1:  f &gt;= fhat:  lo = k + 1,       hi = K + 1
 *           f &lt;  fhat:  lo = 1 / (K + 1), hi = 1 / (k + 1)
 *           c = min(max(lo, f / fhat), hi);   fhat' = c * fhat
 *           r = |fhat' - fhat| / min(fhat', fhat);   d = beta3 * d + (1 - beta3) * r;   fhat = fhat'
 *   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2
 *   w -= lr * (m / (1 - beta1^t)) / (d * sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 *
 * <p>Paper: Koushik &amp; Hayashi 2016, "Improving Stochastic Gradient Descent with Feedback"
 * (arXiv:1611.01505), Algorithm 1. Defaults as the paper: lr 1e-3, betas (0.9, 0.999), beta3 0.999,
 * thresholds k = 0.1 ({@code lower_threshold}) and K = 10 ({@code upper_threshold}), eps 1e-8.
 * {@code f_star} (default 0) is a known lower bound of the objective, subtracted first (the later
 * revision of the paper); the algorithm needs {@code f - f_star > 0}. The clipping of
 * {@code f / fhat} to {@code [lo, hi]} keeps a single outlier loss from changing {@code d} by more
 * than a factor {@code K + 1}.
 *
 * <p>How the loss reaches the optimizer: {@code Optimizer.setObjective(f)} (or
 * {@code setObjective(group, f)}) once per step, before the step's updates, advances the feedback
 * of every Eve group; {@code d} is one value per group, shared by its tables and read by the row
 * kernels. Without any call {@code d} stays 1 and Eve is Adam. {@code t} for the bias correction
 * is the group's step (the row's count under {@code LAZY_ROWWISE_BIAS}); the feedback counts its
 * own calls. CATCH_UP is refused: idle steps would need the {@code d} of past steps. The feedback
 * (calls, {@code d}, {@code fhat}) is part of the exported optimizer state.
 *
 * <p>Per-row state: {@code m}, {@code v}: 2 x {@code dim} floats; per group: 3 numbers.
 * Thread-safety: immutable record; kernel Hogwild-safe; {@code setObjective} is for one thread
 * between steps.
 */
public record Eve(double beta1, double beta2, double beta3, double lowerThreshold, double upperThreshold, double eps, double fStar)
        implements OptimizerTransform {
    @Override public String kind() { return "eve"; }
    @Override public int dimSlots() { return 2; }
    @Override public boolean biasCorrected() { return true; }
    @Override public void validate(String where) {
        Transform.requireUnit(where, "eve beta1", beta1);
        Transform.requireUnit(where, "eve beta2", beta2);
        Transform.requireUnit(where, "eve beta3", beta3);
        Transform.requireNonNegative(where, "eve lower_threshold", lowerThreshold);
        Transform.requireNonNegative(where, "eve upper_threshold", upperThreshold);
        if (lowerThreshold > upperThreshold) {
            throw new BadInputException(where + ": eve lower_threshold=" + lowerThreshold + " > upper_threshold=" + upperThreshold + ", must be <=");
        }
        Transform.requireNonNegative(where, "eve eps", eps);
        if (!Double.isFinite(fStar)) throw new BadInputException(where + ": eve f_star=" + fStar + ", must be finite");
    }
    @Override public String describe() {
        return "eve(beta1=" + beta1 + ", beta2=" + beta2 + ", beta3=" + beta3 + ", k=" + lowerThreshold + ", K=" + upperThreshold
                + ", eps=" + eps + ", f_star=" + fStar + ")";
    }
}
