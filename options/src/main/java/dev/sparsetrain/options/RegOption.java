package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --reg}: BPR-MF's coupled L2 on the touched user and item factor rows (default
 * {@code BprConfig}'s 0.0075). Mixed into {@link BprOptions} and {@code experiment optimizer-tour}.
 * Not thread-safe (filled by picocli).
 */
public final class RegOption {
    @Option(names = "--reg", defaultValue = "0.0075", description = "Coupled L2 on the touched user and item factor rows. Default: ${DEFAULT-VALUE}.")
    private double reg = 0.0075;

    /** The L2 given, else 0.0075 (checked by the model's configuration). */
    public double reg() { return reg; }
}
