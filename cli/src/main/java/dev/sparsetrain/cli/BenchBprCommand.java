package dev.sparsetrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** BPR-MF training throughput on MovieLens 1M. */
@Command(name = "bpr", mixinStandardHelpOptions = true, description = "BPR-MF training throughput on MovieLens 1M.")
public final class BenchBprCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sparsetrain bpr: not implemented yet");
        return ExitCodes.SOFTWARE;
    }
}
