package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --threads}: how many threads a command works with (training workers, or the scoring and
 * request threads of evaluate, recommend and serve); absent means the available processors, or,
 * for the VBPR commands, {@code VbprConfig}'s default. Not thread-safe (filled by picocli).
 */
public final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "N", description = "Worker threads. Default: the available processors; 2 for VBPR and visual-only (their configuration's default).")
    private Integer threads;

    /** The count given, or null when absent. */
    public Integer given() { return threads; }

    /** The count given, else {@link Runtime#availableProcessors()}. */
    public int threadsOrAvailable() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** {@link #threadsOrAvailable()}, a given count below 1 refused in one line naming {@code --threads}. */
    public int checked() {
        if (threads != null) dev.sparsetrain.core.Checks.atLeast("--threads", threads, 1);
        return threadsOrAvailable();
    }

    /** Refuses a given count outside [1, {@code max}] in one line naming {@code --threads} (absent is fine). */
    public void checkAtMost(int max) {
        if (threads != null && (threads < 1 || threads > max)) {
            throw new dev.sparsetrain.core.BadInputException("--threads " + threads + ": must be in [1, " + max + "]");
        }
    }
}
