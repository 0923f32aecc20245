package dev.sparsetrain.options;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --out FILE}: where a recommender's training writes its model ({@code train}, BPR-MF, VBPR
 * and visual-only alike, and {@code SparkBprMain}); absent, the command names the file after the
 * model and the data. Not thread-safe (filled by picocli).
 */
public final class ModelOutOption {
    @Option(names = "--out", paramLabel = "FILE", description = "Model file to write (on Spark: on the driver; with --tables sharded a directory "
            + "of part files). Default: runs/<model>-<data>.model (SparkBprMain: runs/bpr-spark-<data>.model or .parts).")
    private Path out;

    /** The file given, or {@code fallback} when absent. */
    public Path or(Path fallback) { return out != null ? out : fallback; }

    /** Refuses a given file that cannot be written (a missing or unwritable folder) before training; absent is fine. */
    public void check() {
        if (out != null) dev.sparsetrain.core.io.OutputPaths.requireFile("--out", out);
    }
}
