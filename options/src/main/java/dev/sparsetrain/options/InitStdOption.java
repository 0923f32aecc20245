package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --init-std}: the spread of the initial embedding rows, with the model's own default
 * (BPR-MF's factors 0.1, {@code BprConfig}'s; the click models' embeddings 0.05). Not thread-safe
 * (filled by picocli).
 */
public final class InitStdOption {
    // No defaultValue: picocli keeps the field's initial value when the option is absent and shows it as ${DEFAULT-VALUE}.
    @Option(names = "--init-std", description = "Embedding rows (BPR-MF: user and item factors) start as N(0, std^2); biases at 0. Default: ${DEFAULT-VALUE}.")
    private double initStd;

    /** The option with the model's default. */
    public InitStdOption(double defaultStd) { this.initStd = defaultStd; }

    /** The std given, else the default (checked by the model's configuration). */
    public double initStd() { return initStd; }
}
