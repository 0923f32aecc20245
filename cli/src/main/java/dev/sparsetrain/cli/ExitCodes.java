package dev.sparsetrain.cli;

/** Named exit codes of the command line. */
public final class ExitCodes {
    public static final int OK = 0;
    /** An internal error: a bug, printed with a stack trace only under --verbose. */
    public static final int SOFTWARE = 1;
    /** Bad input: a flag, a file or a configuration value; one line on stderr. */
    public static final int BAD_INPUT = 2;

    private ExitCodes() {}
}
