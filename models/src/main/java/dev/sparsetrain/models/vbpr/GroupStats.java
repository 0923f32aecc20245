package dev.sparsetrain.models.vbpr;

/**
 * Per-thread accumulator of per-group figures over a window of updates: sum of squared gradient
 * norms, squared update norms and squared weight norms (of the rows updated, after the update),
 * row-update count and non-finite gradient entries. {@link #merge} sums another thread's figures.
 *
 * <p>Derived figures, per update (root mean square over the window):
 * <pre>
 *   gradient norm       sqrt(sum |g|^2 / n)
 *   update norm         sqrt(sum |dw|^2 / n)
 *   update/weight ratio sqrt(sum |dw|^2 / sum max(|w|, floor)^2)   (floor: initStd * sqrt(dim) per row, see {@link VbprTrainer})
 *   effective lr        sqrt(sum |dw|^2 / sum |g|^2)      (= lr for SGD)
 * </pre>
 * Not thread-safe: one instance per worker.
 */
public final class GroupStats {
    final double[] grad, upd, weight;
    final long[] updates, nonFinite;

    public GroupStats(int groups) {
        grad = new double[groups];
        upd = new double[groups];
        weight = new double[groups];
        updates = new long[groups];
        nonFinite = new long[groups];
    }

    /** One update's figures (the dense groups, one per phase). */
    void add(int slot, double g, double u, double w, int nf) {
        grad[slot] += g;
        upd[slot] += u;
        weight[slot] += w;
        updates[slot]++;
        nonFinite[slot] += nf;
    }

    void addBulk(int slot, double g, double u, double w, long n, long nf) {
        grad[slot] += g;
        upd[slot] += u;
        weight[slot] += w;
        updates[slot] += n;
        nonFinite[slot] += nf;
    }

    public void merge(GroupStats o) {
        for (int s = 0; s < grad.length; s++) {
            grad[s] += o.grad[s];
            upd[s] += o.upd[s];
            weight[s] += o.weight[s];
            updates[s] += o.updates[s];
            nonFinite[s] += o.nonFinite[s];
        }
    }

    public void clear() {
        java.util.Arrays.fill(grad, 0);
        java.util.Arrays.fill(upd, 0);
        java.util.Arrays.fill(weight, 0);
        java.util.Arrays.fill(updates, 0);
        java.util.Arrays.fill(nonFinite, 0);
    }

    public int groups() { return grad.length; }
    public long updates(int s) { return updates[s]; }
    public long nonFinite(int s) { return nonFinite[s]; }
    public double gradientNorm(int s) { return updates[s] == 0 ? 0 : Math.sqrt(grad[s] / updates[s]); }
    public double updateNorm(int s) { return updates[s] == 0 ? 0 : Math.sqrt(upd[s] / updates[s]); }
    public double updateToWeight(int s) { return weight[s] == 0 ? (upd[s] == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(upd[s] / weight[s]); }
    public double effectiveLearningRate(int s) { return grad[s] == 0 ? 0 : Math.sqrt(upd[s] / grad[s]); }
}
