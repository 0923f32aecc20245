package dev.sparsetrain.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.CliRun;
import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** benchmark scale at toy sizes on chunked tables (the real sizes need -Xmx13g and run by hand), and its refusals. */
class BenchScaleCommandTest {
    @TempDir Path dir;

    @Test
    void bothPartsRunAtToySizesOnChunkedTables() throws Exception {
        System.setProperty(Table.LAYOUT_PROPERTY, "chunked");
        System.setProperty(Table.CHUNK_ROWS_PROPERTY, "256");
        try {
            CliRun a = CliRun.of("benchmark", "scale", "--part", "a", "--rows", "20000", "--steps", "20", "--batch", "64");
            assertEquals(0, a.code(), a.err());
            assertTrue(a.out().contains("CHUNKED 79 chunks of 256 rows"), a.out());
            assertTrue(a.out().contains("samples/s") && a.out().contains("peak resident memory"), a.out());
            CliRun b = CliRun.of("benchmark", "scale", "--part", "b", "--floats", "160000", "--updates", "5000", "--dir", dir.toString());
            assertEquals(0, b.code(), b.err());
            assertTrue(b.out().contains("CRC32C") && !b.out().contains("DIFFERENT"), b.out());
            assertEquals(2, b.out().split(": equal").length - 1, b.out());
            try (var files = Files.list(dir)) {
                assertEquals(0, files.count(), "the model file is deleted at the end");
            }
        } finally {
            System.clearProperty(Table.LAYOUT_PROPERTY);
            System.clearProperty(Table.CHUNK_ROWS_PROPERTY);
        }
    }

    @Test
    void aTableLargerThanTheHeapIsRefusedInOneLine() {
        CliRun a = CliRun.of("benchmark", "scale", "--part", "a", "--rows", "2000000000");
        assertEquals(ExitCodes.BAD_INPUT, a.code(), a.out() + a.err());
        String line = a.err().strip();
        assertEquals(1, line.split("\n").length, line);
        assertTrue(line.matches(".*table 'item' 2000000000 x 16 floats with row-wise AdaGrad state \\(12 bytes per row\\) = 152\\.0 GB; the heap allows [0-9.]+ GB \\(-Xmx.*\\)"), line);
        CliRun b = CliRun.of("benchmark", "scale", "--part", "b", "--floats", "30000000000", "--dir", dir.toString());
        assertEquals(ExitCodes.BAD_INPUT, b.code());
        assertTrue(b.err().strip().matches(".*table 'big' 1875000000 x 16 floats = 120\\.0 GB; the heap allows [0-9.]+ GB \\(-Xmx.*\\)"), b.err());
    }
}
