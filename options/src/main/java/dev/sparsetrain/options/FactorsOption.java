package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --factors}: BPR-MF's latent factors per user and item (default 64, {@code BprConfig}'s).
 * Mixed into {@link BprOptions}, {@code benchmark bpr} and {@code experiment optimizer-tour}. Not
 * thread-safe (filled by picocli).
 */
public final class FactorsOption {
    @Option(names = "--factors", defaultValue = "64", description = "Latent factors. Default: ${DEFAULT-VALUE}.")
    private int factors;

    /** The factors given, else 64 (checked by the model's configuration). */
    public int factors() { return factors; }
}
