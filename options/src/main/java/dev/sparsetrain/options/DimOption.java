package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --dim}: floats per embedding row, for the click models ({@link ClickModelOptions}) and the
 * table benchmarks ({@code benchmark sparsenn}, {@code benchmark scale}). Not thread-safe (filled
 * by picocli).
 */
public final class DimOption {
    @Option(names = "--dim", defaultValue = "16", description = "Embedding dimension (floats per table row). Default: ${DEFAULT-VALUE}.")
    private int dim = 16;

    /** The dimension given, else 16 (checked by the model or the benchmark). */
    public int dim() { return dim; }
}
