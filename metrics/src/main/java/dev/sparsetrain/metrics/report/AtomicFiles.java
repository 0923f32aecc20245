package dev.sparsetrain.metrics.report;

import dev.sparsetrain.core.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes text files atomically through {@link AtomicFile}, creating the folder if needed. */
final class AtomicFiles {
    private AtomicFiles() {}

    static void writeString(Path file, String text) throws IOException {
        AtomicFile.write(file, true, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
