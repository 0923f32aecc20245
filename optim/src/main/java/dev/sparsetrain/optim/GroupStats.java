package dev.sparsetrain.optim;

/**
 * A per-thread accumulator of diagnostics, one slot per parameter group of one {@link Optimizer}
 * ({@link Optimizer#newStats()}): sums of squared gradient, update and weight norms over the rows
 * updated, the sum of each row's mean effective learning rate, the number of rows updated and of
 * non-finite gradient rows skipped.
 *
 * <p>Cheap enough to leave on: the gradient norm is computed anyway (it detects non-finite
 * gradients), the update norm is one fused multiply-add per element in the kernel, the weight norm
 * one pass over the row. Pass {@code null} instead to skip even that.
 *
 * <p>Thread-safety: none, by design: each Hogwild worker owns one, so no thread writes a shared
 * cache line; hand them to {@link Optimizer#report(GroupStats...)} between epochs or steps.
 */
public final class GroupStats {
    final double[] gradSq, updateSq, weightSq, effLrSum;
    final long[] rows, nonFinite;

    GroupStats(int groups) {
        gradSq = new double[groups];
        updateSq = new double[groups];
        weightSq = new double[groups];
        effLrSum = new double[groups];
        rows = new long[groups];
        nonFinite = new long[groups];
    }

    /** The number of group slots. */
    public int groups() { return rows.length; }

    /** Sum of squared (pre-clip) gradient norms of the rows updated in group {@code g}. */
    public double gradientSquaredSum(int g) { return gradSq[g]; }

    public double updateSquaredSum(int g) { return updateSq[g]; }

    public double weightSquaredSum(int g) { return weightSq[g]; }

    public double effectiveLrSum(int g) { return effLrSum[g]; }

    public long rowsUpdated(int g) { return rows[g]; }

    public long nonFiniteGradients(int g) { return nonFinite[g]; }

    /** Adds one row update's update norm^2 and mean effective learning rate (kernels call this). */
    public void addUpdate(int g, double updateSquared, double meanEffectiveLr) {
        updateSq[g] += updateSquared;
        effLrSum[g] += meanEffectiveLr;
    }

    /** Adds {@code other} into this. */
    public void merge(GroupStats other) {
        for (int g = 0; g < rows.length; g++) {
            gradSq[g] += other.gradSq[g];
            updateSq[g] += other.updateSq[g];
            weightSq[g] += other.weightSq[g];
            effLrSum[g] += other.effLrSum[g];
            rows[g] += other.rows[g];
            nonFinite[g] += other.nonFinite[g];
        }
    }

    /** Zeroes every figure. */
    public void clear() {
        java.util.Arrays.fill(gradSq, 0);
        java.util.Arrays.fill(updateSq, 0);
        java.util.Arrays.fill(weightSq, 0);
        java.util.Arrays.fill(effLrSum, 0);
        java.util.Arrays.fill(rows, 0);
        java.util.Arrays.fill(nonFinite, 0);
    }
}
