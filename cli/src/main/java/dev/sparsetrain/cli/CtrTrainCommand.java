package dev.sparsetrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Trains a click-prediction model (SparseNN/DLRM, logistic regression, FM). */
@Command(name = "ctr-train", mixinStandardHelpOptions = true, description = "Trains a click-prediction model (SparseNN/DLRM, logistic regression, FM).")
public final class CtrTrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sparsetrain ctr-train: not implemented yet");
        return ExitCodes.SOFTWARE;
    }
}
