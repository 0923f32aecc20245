package dev.sparsetrain.optim;

import dev.sparsetrain.core.Table;

/**
 * The fast per-row path of an {@link Optimizer} for one table: one call applies one row's
 * gradient with the group's whole chain (clipping, weight decay, optimizer, projection), plus the
 * catch-up of idle steps under {@link SparseSemantics#CATCH_UP}.
 *
 * <p>Thread-safety: Hogwild (Recht et al. 2011). Several threads may call {@link #update} on
 * different or even the same rows without locks; races on one row lose or mix updates, as
 * Hogwild accepts. With one thread the result is exact and deterministic.
 */
public interface RowUpdater {

    /**
     * Applies one row's gradient.
     *
     * @param row        the row id in the table
     * @param grad       the gradient; its {@code dim} values from {@code gradOffset} may be overwritten (scratch)
     * @param gradOffset where the row's gradient starts in {@code grad}
     * @param step       the group's step count, 1-based, supplied by the caller (per-sample training: the
     *                   sample counter of the thread or a relaxed global counter, so under Hogwild the step
     *                   is approximate; mini-batch: the batch index). Lazy semantics read it for bias
     *                   correction and schedules; CATCH_UP compares it with the row's last step. Call
     *                   {@link Optimizer#report} or {@link Optimizer#flush(long)} before {@link Optimizer#flush()}
     *                   so the optimizer knows how far the per-row path has got.
     * @param stats      a per-thread accumulator from {@link Optimizer#newStats()}, or null for none
     */
    void update(int row, float[] grad, int gradOffset, long step, GroupStats stats);

    /** The table this updater writes. */
    Table table();

    /** The name of the table's group. */
    String group();
}
