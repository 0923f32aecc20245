package dev.sparsetrain.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.Table.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model file does not depend on the layout of the tables written into it. */
class ModelFileLayoutTest {
    @TempDir Path dir;

    @Test
    void chunkedAndFlatTablesWriteIdenticalBytesAndReadBackEqual() throws Exception {
        Table flat = new Table("items", 53, 7, Table.Kind.EMBEDDING, Layout.FLAT).fillNormal(new SplittableRandom(5), 0.3);
        Table chunked = new Table("items", 53, 7, Table.Kind.EMBEDDING, Layout.CHUNKED, 8).copyFrom(flat);
        Table bias = Table.dense("w", 2, 3).fill(0.5f);
        Path a = dir.resolve("a.model"), b = dir.resolve("b.model");
        ModelFile.write(a, new ModelFile.Contents("bpr", "{}", Map.of("k", "v"), Map.of(), List.of(flat, bias)));
        ModelFile.write(b, new ModelFile.Contents("bpr", "{}", Map.of("k", "v"), Map.of(), List.of(chunked, bias)));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        ModelFile.Contents c = ModelFile.read(b);
        assertTrue(c.table("items").sameValues(flat));
        assertEquals(Layout.FLAT, c.table("items").layout(), "AUTO: small tables come back flat");
        String old = System.getProperty(Table.LAYOUT_PROPERTY), oldRows = System.getProperty(Table.CHUNK_ROWS_PROPERTY);
        try {
            System.setProperty(Table.LAYOUT_PROPERTY, "chunked");
            System.setProperty(Table.CHUNK_ROWS_PROPERTY, "4");
            Table back = ModelFile.read(a).table("items");
            assertEquals(Layout.CHUNKED, back.layout());
            assertEquals(14, back.chunkCount());
            assertTrue(back.sameValues(flat));
        } finally {
            if (old == null) System.clearProperty(Table.LAYOUT_PROPERTY); else System.setProperty(Table.LAYOUT_PROPERTY, old);
            if (oldRows == null) System.clearProperty(Table.CHUNK_ROWS_PROPERTY); else System.setProperty(Table.CHUNK_ROWS_PROPERTY, oldRows);
        }
        Path n1 = dir.resolve("a.npy"), n2 = dir.resolve("b.npy");
        Npy.write(flat, n1);
        Npy.write(chunked, n2);
        assertArrayEquals(Files.readAllBytes(n1), Files.readAllBytes(n2));
    }
}
