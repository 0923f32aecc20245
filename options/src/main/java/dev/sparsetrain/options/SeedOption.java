package dev.sparsetrain.options;

import picocli.CommandLine.Option;

/**
 * {@code --seed}: the master seed of a run (initialisation, sampling, shuffles, random starts),
 * from which every worker's stream is split. The default is the command's own, given to the
 * constructor: 42 for the recommenders (BPR-MF, VBPR) and the optimizer studies, 1 for the click
 * models. Not thread-safe (filled by picocli).
 */
public final class SeedOption {
    // No defaultValue: picocli keeps the field's initial value when the option is absent and shows it as ${DEFAULT-VALUE}.
    @Option(names = "--seed", paramLabel = "SEED",
            description = "Master seed (initialisation, sampling, random starts); with one thread a run repeats bit for bit. Default: ${DEFAULT-VALUE}.")
    private long seed;

    /** The option with the command's default seed. */
    public SeedOption(long defaultSeed) {
        this.seed = defaultSeed;
    }

    /** The seed given, else the default. */
    public long seed() { return seed; }

    /** Sets the seed (a value read back from a checkpoint's metadata). */
    public void set(long seed) { this.seed = seed; }
}
