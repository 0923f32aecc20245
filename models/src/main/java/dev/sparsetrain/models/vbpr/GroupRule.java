package dev.sparsetrain.models.vbpr;

/**
 * The trainer's handle on one parameter group: its {@link GroupSpec} and its learning-rate
 * multiplier (set by auto-balance, lr-find, the divergence guard and an epoch schedule), which
 * the trainer hands to the project optimizer runtime ({@code Optimizer.setLearningRateMultiplier})
 * before each run of samples. The updates themselves are the runtime's: sparse rows through its
 * {@code RowUpdater} per sample, E and beta' through its batch {@code step()} per phase.
 *
 * <p>Thread-safety: the multiplier is volatile; set it between runs.
 */
public final class GroupRule {
    final String name;
    final GroupSpec spec;
    /** Floats per row (the whole tensor for a dense group). */
    final int dim;
    private volatile float multiplier = 1f;

    public GroupRule(String name, GroupSpec spec, int rows, int dim) {
        this.name = name;
        this.spec = spec;
        this.dim = dim;
    }

    public String name() { return name; }
    public GroupSpec spec() { return spec; }
    public float multiplier() { return multiplier; }
    /** Scales this group's learning rate (auto-balancing, lr-find, schedules). */
    public void setMultiplier(double m) { this.multiplier = (float) m; }
}
