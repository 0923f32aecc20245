package dev.sparsetrain.spark;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import java.util.Locale;

/**
 * How the item-table changes of the partitions are combined after a synchronisation round. With
 * {@code d_p,i} partition p's change of item row i (factors and bias) over the round and
 * {@code n_i} the number of partitions whose change of row i is non-zero:
 * <pre>
 *   SUM            q_i += sum_p d_p,i                 (the sequential SGD step in expectation, stale)
 *   AVERAGE        q_i += (1/P) sum_p d_p,i           (parameter mixing / FedAvg with equal weights)
 *   TOUCHED        q_i += (1/n_i) sum_p d_p,i         (the mean over the partitions that moved the row)
 * </pre>
 * {@code AVERAGE} is model averaging as in Zinkevich, Weimer, Smola, Li, "Parallelized Stochastic
 * Gradient Descent" (NIPS 2010) and McMahan et al., "Communication-Efficient Learning of Deep
 * Networks from Decentralized Data" (AISTATS 2017); with sparse rows it also divides the change of
 * a row that only one partition saw by P. {@code TOUCHED} averages only over the partitions that
 * touched the row: untouched rows are bit-identical under the project's lazy semantics, so a zero
 * change means "not sampled", not "voted for zero".
 *
 * <p>Measured (leave-one-out, default BPR-MF hyperparameters, local[2], AUC; single-machine
 * with one thread in brackets):
 * <pre>
 *   data                    partitions  rounds/epoch  SUM        TOUCHED
 *   MovieLens 1M, 20 ep.    2           1             0.9368     0.9372    (0.9375)
 *                           4           1             0.9041 *   0.9369
 *                           4           8             0.9379
 *                           8           1                        0.9342
 *                           8           8             0.9362
 *   MovieLens 100K, 20 ep.  2           1             0.9383     0.9402    (0.9390)
 *                           4           1             0.9347     0.9361
 *   synthetic 2000 x 1000,  2           1             0.9366     0.9350    (0.9376)
 *   12 epochs               4           1             0.9348     0.9258
 *                           8           1             0.9349     0.9054
 *                           4 / 8       4             0.9377 / 0.9368   0.9276 / 0.9100
 *   * diverged: the training loss rose from 0.19 to about 1500
 * </pre>
 * Summing keeps the step of sequential SGD, which suits a short, under-trained run, but each
 * partition's round of local steps is stale to the others, and on ML-1M four partitions summing a
 * whole epoch of local progress overshot and diverged; more rounds per epoch cure it at the cost
 * of more synchronisations. Averaging over the partitions that touched a row is a convex
 * combination of locally stable models and never diverged; it divides the step of a row seen by
 * n partitions by n, which costs AUC when many partitions share few samples per row (the small
 * synthetic set). {@code TOUCHED} is the default for its stability on the real data sets.
 */
public enum ItemMerge {
    SUM, AVERAGE, TOUCHED;

    public static ItemMerge parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(Settings.name("merge") + " '" + s + "': use sum, average or touched");
        }
    }

    /**
     * The weight of the summed changes of a row that {@code n} of {@code P} partitions moved:
     * 1 (SUM), 1/P (AVERAGE) or 1/n (TOUCHED).
     */
    public float changeWeight(int n, int P) {
        return switch (this) {
            case SUM -> 1f;
            case AVERAGE -> 1f / P;
            case TOUCHED -> 1f / n;
        };
    }

    /**
     * The same rule on values instead of changes: with {@code v_p} the row after partition p's
     * round and {@code q} the row before it, {@code q + w sum_p (v_p - q) = (1 - n w) q + w sum_p v_p},
     * so the new row is {@code baseWeight(n, P) * q + changeWeight(n, P) * sum_p v_p}. Merging
     * values keeps a row that one partition of one moved bit-identical to that partition's row.
     */
    public float baseWeight(int n, int P) {
        return switch (this) {
            case SUM -> 1f - n;
            case AVERAGE -> (float) (P - n) / P;
            case TOUCHED -> 0f;
        };
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
