package dev.sparsetrain.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @Test
    void aFailingWriterLeavesTheOldFileAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("model.bin");
        AtomicFile.write(f, false, out -> out.write("old".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> AtomicFile.write(f, false, out -> {
            out.write("half of the new".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void missingFolderIsAnErrorUnlessAskedToCreateIt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a/b/out.csv");
        assertThrows(IOException.class, () -> AtomicFile.write(f, false, out -> out.write(1)));
        AtomicFile.write(f, true, out -> out.write('x'));
        assertEquals("x", Files.readString(f));
    }
}
