package dev.sparsetrain.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} for commands that take their options from a JSON or YAML file as well
 * ({@link ConfigFile}): a run is one file anyone can rerun. Flags given on the command line win;
 * unknown keys and wrong values are refused in one line naming the file and the key. Not
 * thread-safe (filled by picocli).
 */
public final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON or YAML file of option: value (names without dashes, e.g. 'passes: 3'); flags on the command line win.")
    public Path config;

    /** Sets every option of {@code spec} that the file names and the command line did not give. */
    public void apply(CommandSpec spec) {
        if (config != null) ConfigFile.apply(spec, ConfigFile.read(config), config.toString(), false);
    }
}
