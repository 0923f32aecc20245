package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --diagnostics} of {@code train} (BPR-MF) and {@code ctr-train}: print each parameter
 * group's optimizer figures, so that a group learning far faster or slower than the others shows.
 * Not thread-safe (filled by picocli).
 */
public final class DiagnosticsOption {
    @Option(names = "--diagnostics", description = "Print each parameter group's optimizer figures: gradient and update norms, update-to-weight "
            + "ratio, mean effective learning rate, fraction of rows touched, non-finite gradients. ctr-train: after every pass, flagging a group "
            + "whose update-to-weight ratio is more than 10x from the median of the groups; train: over the run, on the generic per-row "
            + "optimizer path (slower than the fused SGD kernel). Default: false.")
    private boolean diagnostics;

    /** Whether {@code --diagnostics} was given. */
    public boolean on() { return diagnostics; }
}
