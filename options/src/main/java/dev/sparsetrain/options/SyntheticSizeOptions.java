package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --synthetic-users} and {@code --synthetic-items}: the size of a recommender's synthetic
 * data, with the generator's own defaults (planted preferences, {@link ImplicitDataOptions}: 3,000
 * x 1,500; VBPR's visual set: 3,000 x 2,000). evaluate and recommend read them through
 * {@link ImplicitDataOptions} for any saved model, so a VBPR file's sizes are overridden by the
 * same flags that trained it. Not thread-safe (filled by picocli).
 */
public final class SyntheticSizeOptions {
    // No defaultValue: picocli keeps the fields' initial values when the options are absent and shows them as ${DEFAULT-VALUE}.
    @Option(names = "--synthetic-users", description = "Users of the synthetic data. Default: ${DEFAULT-VALUE}.")
    private int users;

    @Option(names = "--synthetic-items", description = "Items of the synthetic data. Default: ${DEFAULT-VALUE}.")
    private int items;

    /** The options with the generator's defaults. */
    public SyntheticSizeOptions(int defaultUsers, int defaultItems) {
        this.users = defaultUsers;
        this.items = defaultItems;
    }

    public int users() { return users; }

    public int items() { return items; }

    /** Sets the sizes (read back from a checkpoint's metadata). */
    public void set(int users, int items) {
        this.users = users;
        this.items = items;
    }
}
