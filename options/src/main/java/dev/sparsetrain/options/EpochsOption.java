package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --epochs}: passes over the training pairs, with the command's own default (20 for
 * {@code train}, {@code benchmark bpr}, {@code experiment optimizer-tour} and {@code SparkBprMain}).
 * VBPR's {@code --epochs} is a maximum under early stopping and stays in its own options. Not
 * thread-safe (filled by picocli).
 */
public final class EpochsOption {
    // No defaultValue: picocli keeps the field's initial value when the option is absent and shows it as ${DEFAULT-VALUE}.
    @Option(names = "--epochs", description = "Passes over the training pairs. Default: ${DEFAULT-VALUE}.")
    private int epochs;

    /** The option with the command's default. */
    public EpochsOption(int defaultEpochs) { this.epochs = defaultEpochs; }

    /** The epochs given, else the default (checked by the trainer's configuration). */
    public int epochs() { return epochs; }
}
