package dev.sparsetrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Replays a golden optimizer case and prints the trajectory as JSON. */
@Command(name = "replay-optimizer", mixinStandardHelpOptions = true, description = "Replays a golden optimizer case and prints the trajectory as JSON.")
public final class ReplayOptimizerCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sparsetrain replay-optimizer: not implemented yet");
        return ExitCodes.SOFTWARE;
    }
}
