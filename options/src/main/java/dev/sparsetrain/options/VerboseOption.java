package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --verbose}: stack traces on errors. The entry points' error handlers print the one-line
 * message always and the stack trace only with this flag. Mixed into every command of
 * {@code sparsetrain} that runs work and into the Spark entry points. Not thread-safe (filled by
 * picocli).
 */
public final class VerboseOption {
    @Option(names = "--verbose", description = "Stack traces on errors.")
    private boolean verbose;

    /** Whether --verbose was given. */
    public boolean verbose() { return verbose; }
}
