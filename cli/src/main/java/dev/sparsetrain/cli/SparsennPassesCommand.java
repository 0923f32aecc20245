package dev.sparsetrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** SparseNN multi-pass overfitting study with every regularizer, HTML report. */
@Command(name = "sparsenn-passes", mixinStandardHelpOptions = true, description = "SparseNN multi-pass overfitting study with every regularizer, HTML report.")
public final class SparsennPassesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sparsetrain sparsenn-passes: not implemented yet");
        return ExitCodes.SOFTWARE;
    }
}
