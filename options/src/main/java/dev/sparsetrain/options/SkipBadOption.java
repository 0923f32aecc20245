package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --skip-bad} of the click-log readers ({@link ClickDataOptions}: {@code ctr-train},
 * {@code experiment sparsenn-passes}, {@code SparkCtrMain}; and {@code ctr-predict}). Not
 * thread-safe (filled by picocli).
 */
public final class SkipBadOption {
    @Option(names = "--skip-bad", description = "Skip and count bad rows instead of stopping at the first (exit code 2). Default: off.")
    private boolean skipBad;

    /** Whether bad rows are skipped (and counted) rather than refused. */
    public boolean on() { return skipBad; }
}
