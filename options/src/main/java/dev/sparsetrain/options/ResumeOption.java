package dev.sparsetrain.options;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --resume CHECKPOINT}: continue a training run from one of its checkpoints, as if it had not
 * stopped; {@code train} (in {@link CheckpointOptions}) and {@code ctr-train}. Which options the
 * checkpoint fixes is each command's rule, written in the help. Not thread-safe (filled by picocli).
 */
public final class ResumeOption {
    @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "Continue training from a checkpoint file as if the run had not stopped. "
            + "train: its model configuration and epoch, and, unless given again, its seed, data, split and sampling options as recorded in it "
            + "(--model vbpr|visual: also its data, and only --epochs, --patience, --threads may change); with --threads 1 the result equals the "
            + "uninterrupted run bit for bit. ctr-train: a checkpoint of --checkpoint-dir, with the same data and options; only --passes, now the "
            + "total, and --threads may change.")
    private Path checkpoint;

    /** The checkpoint to continue, null when not given. */
    public Path checkpoint() { return checkpoint; }
}
