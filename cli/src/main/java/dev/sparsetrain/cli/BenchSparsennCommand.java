package dev.sparsetrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** SparseNN training throughput on synthetic Criteo-shaped data. */
@Command(name = "sparsenn", mixinStandardHelpOptions = true, description = "SparseNN training throughput on synthetic Criteo-shaped data.")
public final class BenchSparsennCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sparsetrain sparsenn: not implemented yet");
        return ExitCodes.SOFTWARE;
    }
}
