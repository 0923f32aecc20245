package dev.sparsetrain.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedModelTest {
    @TempDir Path dir;

    Path write(Table... tables) {
        Path p = dir.resolve("m.model");
        ModelFile.write(p, new ModelFile.Contents("bpr", "{\"factors\":5}", Map.of("epoch", "3"),
                Map.of("users", List.of("a", "b", "c")), List.of(tables)));
        return p;
    }

    @Test
    void mappedTablesHoldTheSavedValues() {
        Table items = new Table("items", 41, 5, Table.Kind.EMBEDDING, Table.Layout.CHUNKED, 8).fillNormal(new SplittableRandom(2), 1);
        Table w = Table.dense("w", 3, 2).fillUniform(new SplittableRandom(3), 1);
        Path p = write(items, w);
        try (MappedModel m = MappedModel.open(p)) {
            m.verifyChecksum();
            assertEquals("bpr", m.header().modelType());
            assertEquals("3", m.header().metadata().get("epoch"));
            assertEquals(List.of("a", "b", "c"), m.header().idMap("users"));
            MappedModel.MappedTable t = m.table("items");
            assertEquals(41, t.rows());
            assertEquals(5, t.dim());
            assertTrue(t.toTable().sameValues(items));
            assertTrue(m.table("w").toTable().sameValues(w));
            float[] rows = new float[3 * 5];
            t.readRows(7, 3, rows, 0);   // across a chunk boundary of the saved table
            float[] want = new float[15];
            items.readRows(7, 3, want, 0);
            assertArrayEquals(want, rows);
            assertEquals(items.get(40, 4), t.get(40, 4));
            BadInputException e = assertThrows(BadInputException.class, () -> m.table("users"));
            assertTrue(e.getMessage().contains("no table 'users'"), e.getMessage());
        }
    }

    @Test
    void damagedTruncatedAndForeignFilesAreRefusedInOneLine() throws Exception {
        Path p = write(Table.embedding("items", 10, 4).fill(1f));
        byte[] b = Files.readAllBytes(p);
        byte[] flipped = b.clone();
        flipped[b.length - 40] ^= 1;
        Path d = dir.resolve("damaged.model");
        Files.write(d, flipped);
        try (MappedModel m = MappedModel.open(d)) {
            BadInputException e = assertThrows(BadInputException.class, m::verifyChecksum);
            assertTrue(e.getMessage().startsWith(d + ": damaged model file (checksum mismatch"), e.getMessage());
        }
        Path t = dir.resolve("truncated.model");
        Files.write(t, java.util.Arrays.copyOf(b, b.length - 30));
        BadInputException e = assertThrows(BadInputException.class, () -> MappedModel.open(t));
        assertTrue(e.getMessage().startsWith(t + ": "), e.getMessage());
        Path f = dir.resolve("foreign.model");
        Files.writeString(f, "hello, this is not a model file at all, but long enough");
        e = assertThrows(BadInputException.class, () -> MappedModel.open(f));
        assertTrue(e.getMessage().contains("not a sparsetrain model file"), e.getMessage());
    }
}
