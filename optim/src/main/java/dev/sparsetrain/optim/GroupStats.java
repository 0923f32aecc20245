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
    /**
     * Slots start at {@code PAD} and the arrays end {@code PAD} slots after the last group, so two
     * threads' stats allocated one after the other never share a cache line (64 bytes = 8 slots).
     */
    static final int PAD = 8;
    final int groups;
    final double[] gradSq, updateSq, weightSq, effLrSum;
    final long[] rows, nonFinite, maxStep;

    GroupStats(int groups) {
        this.groups = groups;
        int n = groups + 2 * PAD;
        gradSq = new double[n];
        updateSq = new double[n];
        weightSq = new double[n];
        effLrSum = new double[n];
        rows = new long[n];
        nonFinite = new long[n];
        maxStep = new long[n];
    }

    /** The number of group slots. */
    public int groups() { return groups; }

    /** Sum of squared (pre-clip) gradient norms of the rows updated in group {@code g}. */
    public double gradientSquaredSum(int g) { return gradSq[PAD + g]; }

    public double updateSquaredSum(int g) { return updateSq[PAD + g]; }

    public double weightSquaredSum(int g) { return weightSq[PAD + g]; }

    public double effectiveLrSum(int g) { return effLrSum[PAD + g]; }

    public long rowsUpdated(int g) { return rows[PAD + g]; }

    public long nonFiniteGradients(int g) { return nonFinite[PAD + g]; }

    /** The largest step number seen by the per-row path in group {@code g}. */
    public long maxStep(int g) { return maxStep[PAD + g]; }

    /** Adds one row update's update norm^2 and mean effective learning rate (kernels call this with the group's slot). */
    public void addUpdate(int g, double updateSquared, double meanEffectiveLr) {
        updateSq[PAD + g] += updateSquared;
        effLrSum[PAD + g] += meanEffectiveLr;
    }

    /** Adds {@code other} into this. */
    public void merge(GroupStats other) {
        for (int i = PAD; i < PAD + groups; i++) {
            gradSq[i] += other.gradSq[i];
            updateSq[i] += other.updateSq[i];
            weightSq[i] += other.weightSq[i];
            effLrSum[i] += other.effLrSum[i];
            rows[i] += other.rows[i];
            nonFinite[i] += other.nonFinite[i];
            maxStep[i] = Math.max(maxStep[i], other.maxStep[i]);
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
        java.util.Arrays.fill(maxStep, 0);
    }
}
