package dev.sparsetrain.optim;

/**
 * Diagnostics of one parameter group over a period (one step, or an epoch: everything reported
 * since the last {@link Optimizer#endEpoch()}).
 *
 * @param group               the group's name
 * @param steps               optimizer steps of the group in the period (batch path; per-row path: the
 *                            spread of the step numbers seen)
 * @param rowsUpdated         row updates applied (a row updated in two steps counts twice)
 * @param gradientNorm        sqrt of the sum of squared pre-clip gradient norms of the updated rows
 * @param updateNorm          sqrt of the sum of squared update norms ({@code w_before - w_after})
 * @param updateToWeightRatio updateNorm / (norm of the updated rows after their update)
 * @param meanEffectiveLr     mean over updated rows of the row's mean {@code lr_t / denominator}
 *                            (plain SGD: {@code lr_t}; Adam: {@code lr_t/(1-beta1^t) / (sqrt(v_hat)+eps)})
 * @param fractionRowsTouched distinct rows updated in the period / rows of the group's tables
 * @param nonFiniteGradients  gradient rows with a NaN or infinity, counted and skipped
 * @param lastClipNorm        the pre-clip global norm of the last batch step (NaN without global clipping)
 */
public record GroupDiagnostics(String group, long steps, long rowsUpdated, double gradientNorm, double updateNorm,
                               double updateToWeightRatio, double meanEffectiveLr, double fractionRowsTouched,
                               long nonFiniteGradients, double lastClipNorm) {

    /** Root-mean-square of the per-row gradient norms. */
    public double rmsRowGradientNorm() {
        return rowsUpdated == 0 ? 0 : gradientNorm / Math.sqrt(rowsUpdated);
    }

    /** One line for logs. */
    public String describe() {
        return String.format(java.util.Locale.ROOT,
                "%s: steps=%d rows=%d |g|=%.4g |u|=%.4g |u|/|w|=%.3g lr_eff=%.4g touched=%.4f non-finite=%d",
                group, steps, rowsUpdated, gradientNorm, updateNorm, updateToWeightRatio, meanEffectiveLr,
                fractionRowsTouched, nonFiniteGradients);
    }
}
