package dev.sparsetrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Prints the top-K items for a user from a saved model. */
@Command(name = "recommend", mixinStandardHelpOptions = true, description = "Prints the top-K items for a user from a saved model.")
public final class RecommendCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sparsetrain recommend: not implemented yet");
        return ExitCodes.SOFTWARE;
    }
}
