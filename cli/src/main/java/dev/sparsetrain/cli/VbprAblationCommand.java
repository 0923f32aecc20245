package dev.sparsetrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** BPR-MF vs visual-only vs VBPR (single rate, per-group, defaults) with an HTML report. */
@Command(name = "vbpr-ablation", mixinStandardHelpOptions = true, description = "BPR-MF vs visual-only vs VBPR (single rate, per-group, defaults) with an HTML report.")
public final class VbprAblationCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sparsetrain vbpr-ablation: not implemented yet");
        return ExitCodes.SOFTWARE;
    }
}
