package dev.sparsetrain.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Trains a recommender (BPR-MF, VBPR, visual-only) on implicit feedback. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Trains a recommender (BPR-MF, VBPR, visual-only) on implicit feedback.")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sparsetrain train: not implemented yet");
        return ExitCodes.SOFTWARE;
    }
}
