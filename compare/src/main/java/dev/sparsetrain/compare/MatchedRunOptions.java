package dev.sparsetrain.compare;

import dev.sparsetrain.data.KnownDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The options every head-to-head in this module shares (datasets, rounds, the matched set-up's
 * size, rate, L2, threads, warm-up and seed), with their defaults, parsing and checks. Each
 * comparison's own {@code Options} extends it with its tool's options. Not thread-safe.
 */
class MatchedRunOptions {
    List<String> data = List.of("ml-1m", "ml-100k");
    Path dataRoot = Path.of(System.getProperty("sparsetrain.data", System.getenv().getOrDefault("SPARSETRAIN_DATA", "../shared/data")));
    int repeats = 3;
    int iterations = 100;
    int factors = 64;
    double learningRate = 0.01;
    double regularization = 0.01;
    int[] threads = {1, 2};
    int warmupIterations = 3;
    long seed = 42;
    boolean sparsetrainDefaults = true;

    /**
     * Reads {@code args} into this: {@code --help} prints {@code usage} and exits 0; switches go to
     * {@link #flag}, the shared options to {@link #parseShared}, the rest to {@link #option}. An
     * unknown option or a missing value is refused in one line.
     */
    void parse(String[] args, String usage) {
        for (int a = 0; a < args.length; a++) {
            String k = args[a];
            if (k.equals("--help") || k.equals("-h")) {
                System.out.println(usage);
                System.exit(0);
            }
            if (k.equals("--no-sparsetrain-defaults")) {
                sparsetrainDefaults = false;
                continue;
            }
            if (flag(k)) continue;
            if (a + 1 >= args.length) throw new IllegalArgumentException(k + ": needs a value (see --help)");
            String v = args[++a];
            if (!parseShared(k, v) && !option(k, v)) throw new IllegalArgumentException("unknown option " + k + " (see --help)");
        }
    }

    /** A tool's own switch (an option without a value); false when {@code k} is none. */
    boolean flag(String k) { return false; }

    /** A tool's own option with a value; false when {@code k} is none. */
    boolean option(String k, String v) { return false; }

    /**
     * Sets the shared option {@code k} to {@code v}; false when {@code k} is not one of them.
     * A value that is not a number is refused in one line naming the option.
     */
    boolean parseShared(String k, String v) {
        try {
            switch (k) {
                case "--data" -> data = List.of(v.split(","));
                case "--data-root" -> dataRoot = Path.of(v);
                case "--repeats" -> repeats = positive(k, v);
                case "--iterations" -> iterations = positive(k, v);
                case "--factors" -> factors = positive(k, v);
                case "--lr" -> learningRate = Double.parseDouble(v);
                case "--reg" -> regularization = Double.parseDouble(v);
                case "--threads" -> threads = Arrays.stream(v.split(",")).mapToInt(x -> positive(k, x)).toArray();
                case "--warmup-iterations" -> warmupIterations = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                default -> { return false; }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(k + ": '" + v + "' is not a number");
        }
        return true;
    }

    /** Every {@code --data} name is ml-1m or ml-100k and its folder exists under {@code --data-root}. */
    void requireMovieLens() {
        for (String name : data) {
            if (KnownDatasets.folderOf(name) == null || name.toLowerCase(Locale.ROOT).startsWith("last")) {
                throw new IllegalArgumentException("--data " + name + ": use ml-1m and/or ml-100k");
            }
            Path dir = dataRoot.resolve(KnownDatasets.folderOf(name));
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--data " + name + ": folder " + dir.toAbsolutePath().normalize() + " not found (set --data-root)");
            }
        }
    }

    static int positive(String k, String v) {
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(k + ": '" + v + "' is not a number");
        }
        if (n < 1) throw new IllegalArgumentException(k + ": " + v + ", must be >= 1");
        return n;
    }
}
