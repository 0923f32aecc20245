package dev.sparsetrain.options;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --data-root}: the folder of the named datasets (ml-100k, ml-1m, lastfm, tiktok-diffmm).
 * Mixed into {@link ImplicitDataOptions} and {@code benchmark bpr}. Not thread-safe (filled by
 * picocli).
 */
public final class DataRootOption {
    @Option(names = "--data-root", paramLabel = "DIR",
            description = "Folder holding the named datasets. Default: $SPARSETRAIN_DATA, else the sparsetrain.data property, else ../shared/data.")
    private Path dataRoot;

    /** {@code --data-root} as given, null when not given. */
    public Path given() { return dataRoot; }

    /** The folder of the named datasets: --data-root, else $SPARSETRAIN_DATA, else the sparsetrain.data property, else ../shared/data. */
    public Path root() {
        if (dataRoot != null) return dataRoot;
        String env = System.getenv("SPARSETRAIN_DATA");
        if (env != null && !env.isBlank()) return Path.of(env);
        String prop = System.getProperty("sparsetrain.data");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        return Path.of("..", "shared", "data");
    }
}
