package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.OutputPaths;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --checkpoint-every}, {@code --checkpoint-dir} and {@code --resume} ({@link ResumeOption}) of {@code train}, for
 * BPR-MF and (handed over) VBPR and visual alike. Not thread-safe (filled by picocli).
 */
public final class CheckpointOptions {
    @Option(names = "--checkpoint-every", defaultValue = "0", description = "Write a checkpoint every N epochs (0 = never), with the optimizer state; BPR-MF, VBPR and visual alike (VBPR: also the auto-balanced multipliers, early-stopping state and RNG position). Default: ${DEFAULT-VALUE}.")
    private int checkpointEvery;

    @Option(names = "--checkpoint-dir", defaultValue = "runs/checkpoints", description = "Folder of the checkpoints. Default: ${DEFAULT-VALUE}.")
    private Path checkpointDir;

    @picocli.CommandLine.Mixin
    private ResumeOption resume = new ResumeOption();

    /** {@code --checkpoint-every}: epochs between checkpoints, 0 = never. */
    public int every() { return checkpointEvery; }

    /** {@code --checkpoint-dir}. */
    public Path dir() { return checkpointDir; }

    /** {@code --resume}: the checkpoint to continue, null when not given. */
    public Path resume() { return resume.checkpoint(); }

    /** Refuses a negative {@code --checkpoint-every}, and a {@code --checkpoint-dir} that cannot be made, before training. */
    public void check() {
        if (checkpointEvery < 0) throw new BadInputException("--checkpoint-every " + checkpointEvery + ": must be >= 0 (0 = never)");
        if (checkpointEvery > 0) OutputPaths.requireFolder("--checkpoint-dir", checkpointDir);
    }
}
