package dev.sparsetrain.options;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model FILE}: the saved model that {@code evaluate}, {@code recommend}, {@code serve} and
 * {@code ctr-predict} read; its kind is read from the file, and each command refuses the kinds it
 * does not take in one line. Not the {@code --model} of {@code train} or {@code ctr-train}, which
 * names the kind of model to train. Not thread-safe (filled by picocli).
 */
public final class ModelFileOption {
    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "Model file written by train (any --model) or ctr-train --save; its kind is read from the file. Required.")
    private Path file;

    /** The model file given. */
    public Path file() { return file; }
}
