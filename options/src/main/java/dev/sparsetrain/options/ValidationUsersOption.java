package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --validation-users}: how many users (a seeded sample) a validation pass ranks, for early
 * stopping in {@code train} and rate selection in {@code experiment optimizer-tour}. Not
 * thread-safe (filled by picocli).
 */
public final class ValidationUsersOption {
    @Option(names = "--validation-users", defaultValue = "2000", description = "Validate on a seeded sample of this many users (0 = all). Default: ${DEFAULT-VALUE}.")
    private int validationUsers;

    /** The sample size given, else 2000 (0 = all users). */
    public int validationUsers() { return validationUsers; }
}
