package dev.sparsetrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Short probe run: per-group gradient and update figures, flags imbalance. */
@Command(name = "diagnose", mixinStandardHelpOptions = true, description = "Short probe run: per-group gradient and update figures, flags imbalance.")
public final class DiagnoseCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sparsetrain diagnose: not implemented yet");
        return ExitCodes.SOFTWARE;
    }
}
