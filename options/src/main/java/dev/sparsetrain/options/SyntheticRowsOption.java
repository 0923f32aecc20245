package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --synthetic-rows}: training rows of the synthetic click data with a planted model (test
 * rows: half as many), with the command's own default (100,000 in {@link ClickDataOptions}, 40,000
 * in {@code experiment dynamic-tables}). Each command checks its own minimum. Not thread-safe
 * (filled by picocli).
 */
public final class SyntheticRowsOption {
    // No defaultValue: picocli keeps the field's initial value when the option is absent and shows it as ${DEFAULT-VALUE}.
    @Option(names = "--synthetic-rows", description = "Synthetic training rows (test rows: half as many). Default: ${DEFAULT-VALUE}.")
    private int rows;

    /** The option with the command's default. */
    public SyntheticRowsOption(int defaultRows) { this.rows = defaultRows; }

    /** The rows given, else the default. */
    public int rows() { return rows; }
}
