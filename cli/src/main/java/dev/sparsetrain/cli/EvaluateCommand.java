package dev.sparsetrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Evaluates a saved recommender model on held-out interactions. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Evaluates a saved recommender model on held-out interactions.")
public final class EvaluateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sparsetrain evaluate: not implemented yet");
        return ExitCodes.SOFTWARE;
    }
}
