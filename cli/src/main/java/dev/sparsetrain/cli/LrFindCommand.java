package dev.sparsetrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Per-group learning-rate range test; writes curves as CSV and SVG. */
@Command(name = "lr-find", mixinStandardHelpOptions = true, description = "Per-group learning-rate range test; writes curves as CSV and SVG.")
public final class LrFindCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sparsetrain lr-find: not implemented yet");
        return ExitCodes.SOFTWARE;
    }
}
