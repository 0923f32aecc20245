package dev.sparsetrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** VBPR training throughput on tiktok-diffmm and on 4096-d synthetic features. */
@Command(name = "vbpr", mixinStandardHelpOptions = true, description = "VBPR training throughput on tiktok-diffmm and on 4096-d synthetic features.")
public final class BenchVbprCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sparsetrain vbpr: not implemented yet");
        return ExitCodes.SOFTWARE;
    }
}
