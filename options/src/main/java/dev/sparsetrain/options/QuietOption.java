package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/** {@code --quiet}: no progress line on stderr. Not thread-safe (filled by picocli). */
public final class QuietOption {
    @Option(names = "--quiet", description = "No progress line.")
    private boolean quiet;

    /** Whether --quiet was given. */
    public boolean quiet() { return quiet; }
}
