package dev.sparsetrain.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --mmap} of {@code recommend} and {@code serve}: score a BPR-MF model from its file mapped
 * read-only into memory instead of from tables loaded onto the heap, which is also chosen without
 * the option when the file would not leave room to work (larger than half of -Xmx). Not
 * thread-safe (filled by picocli).
 */
public final class MmapOption {
    @Option(names = "--mmap", description = "BPR-MF: score from the model file mapped read-only into memory instead of loading its tables onto the heap "
            + "(same answers; for models larger than the heap, chosen by itself when the file is larger than half of -Xmx). Default: false.")
    private boolean mmap;

    /** Whether to score {@code model} memory-mapped: when asked, or when the file is larger than half of the heap. */
    public boolean use(Path model) {
        if (mmap) return true;
        try {
            return Files.isRegularFile(model) && Files.size(model) > Runtime.getRuntime().maxMemory() / 2;
        } catch (IOException e) {
            return false;
        }
    }
}
