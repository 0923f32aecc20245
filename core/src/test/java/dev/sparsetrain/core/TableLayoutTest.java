package dev.sparsetrain.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Table.Layout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** FLAT and CHUNKED tables hold the same values at the same (row, col) and behave alike at chunk boundaries. */
class TableLayoutTest {

    @Test
    void chunkBoundariesAddressEveryRowOnce() {
        // 19 rows in chunks of 4 (power of two): chunks of 4,4,4,4,3 rows
        Table t = new Table("e", 19, 3, Table.Kind.EMBEDDING, Layout.CHUNKED, 4);
        assertEquals(Layout.CHUNKED, t.layout());
        assertEquals(5, t.chunkCount());
        assertEquals(4, t.chunkRows());
        assertEquals(9, t.chunk(4).length);
        for (int r = 0; r < 19; r++) {
            assertSame(t.chunk(r / 4), t.block(r), "row " + r);
            assertEquals((r % 4) * 3, t.offset(r), "row " + r);
            assertEquals(Math.min(4 - r % 4, 19 - r), t.rowsLeftInChunk(r), "row " + r);
        }
        // chunkRows rounded down to a power of two
        assertEquals(4, new Table("e", 19, 3, Table.Kind.EMBEDDING, Layout.CHUNKED, 7).chunkRows());
    }

    @Test
    void fillsDrawTheSameValuesInEveryLayout() {
        Table flat = new Table("e", 37, 5, Table.Kind.EMBEDDING, Layout.FLAT);
        Table chunked = new Table("e", 37, 5, Table.Kind.EMBEDDING, Layout.CHUNKED, 8);
        flat.fillNormal(new SplittableRandom(7), 0.1);
        chunked.fillNormal(new SplittableRandom(7), 0.1);
        assertTrue(flat.sameValues(chunked));
        for (int r = 0; r < 37; r++) for (int c = 0; c < 5; c++) assertEquals(flat.get(r, c), chunked.get(r, c));
        flat.fillUniform(new SplittableRandom(3), 0.5);
        chunked.fillUniform(new SplittableRandom(3), 0.5);
        assertTrue(flat.sameValues(chunked));
        chunked.set(36, 4, 9f);
        assertFalse(flat.sameValues(chunked));
        assertEquals(9f, chunked.block(36)[chunked.offset(36) + 4]);
    }

    @Test
    void copiesAndLoadsAcrossLayouts() {
        Table flat = new Table("e", 21, 2, Table.Kind.EMBEDDING, Layout.FLAT).fillNormal(new SplittableRandom(1), 1);
        Table c4 = new Table("e", 21, 2, Table.Kind.EMBEDDING, Layout.CHUNKED, 4).copyFrom(flat);
        Table c8 = new Table("e", 21, 2, Table.Kind.EMBEDDING, Layout.CHUNKED, 8).copyFrom(c4);
        assertTrue(flat.sameValues(c4));
        assertTrue(flat.sameValues(c8));
        Table back = new Table("e", 21, 2, Table.Kind.EMBEDDING, Layout.FLAT).copyFrom(c8);
        assertArrayEquals(flat.data(), back.data());
        Table loaded = new Table("e", 21, 2, Table.Kind.EMBEDDING, Layout.CHUNKED, 2).load(flat.data());
        assertTrue(flat.sameValues(loaded));
        Table copy = c4.copy();
        assertEquals(Layout.CHUNKED, copy.layout());
        assertEquals(4, copy.chunkRows());
        assertTrue(copy.sameValues(flat));
        float[] rows = new float[7 * 2];
        c4.readRows(3, 7, rows, 0);   // crosses two chunk boundaries
        float[] expect = java.util.Arrays.copyOfRange(flat.data(), 6, 20);
        assertArrayEquals(expect, rows);
    }

    @Test
    void dataIsForFlatTablesOnly() {
        Table c = new Table("item", 10, 2, Table.Kind.EMBEDDING, Layout.CHUNKED, 4);
        IllegalStateException e = assertThrows(IllegalStateException.class, c::data);
        assertTrue(e.getMessage().contains("'item'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Table("w", 3, 3, Table.Kind.DENSE, Layout.CHUNKED));
        assertEquals(Layout.FLAT, Table.dense("w", 3, 3).layout());
        assertEquals(Layout.FLAT, Table.embedding("small", 1000, 16).layout());
    }

    @Test
    void propertyForcesTheLayoutOfAutoEmbeddings() {
        String old = System.getProperty(Table.LAYOUT_PROPERTY), oldRows = System.getProperty(Table.CHUNK_ROWS_PROPERTY);
        try {
            System.setProperty(Table.LAYOUT_PROPERTY, "chunked");
            System.setProperty(Table.CHUNK_ROWS_PROPERTY, "16");
            Table t = Table.embedding("e", 100, 3);
            assertEquals(Layout.CHUNKED, t.layout());
            assertEquals(16, t.chunkRows());
            assertEquals(Layout.FLAT, Table.dense("w", 100, 3).layout(), "dense tensors stay flat");
            System.setProperty(Table.LAYOUT_PROPERTY, "wide");
            BadInputException e = assertThrows(BadInputException.class, () -> Table.embedding("e", 10, 3));
            assertTrue(e.getMessage().contains("auto, flat or chunked"), e.getMessage());
        } finally {
            restore(Table.LAYOUT_PROPERTY, old);
            restore(Table.CHUNK_ROWS_PROPERTY, oldRows);
        }
    }

    @Test
    void tableLargerThanTheHeapIsRefusedBeforeAllocation() {
        // 2e9 x 16 floats = 128 GB: refused whatever -Xmx the tests run with, and nothing is allocated
        BadInputException e = assertThrows(BadInputException.class,
                () -> new Table("item", 2_000_000_000, 16, Table.Kind.EMBEDDING));
        assertTrue(e.getMessage().startsWith("table 'item' 2000000000 x 16 floats = 128.0 GB; the heap allows "), e.getMessage());
        assertTrue(e.getMessage().contains(" GB (-Xmx"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Table("e", 200_000, 20_000, Table.Kind.EMBEDDING, Layout.FLAT));
    }

    @Test
    void defaultChunksHoldAtMostTwoToThe28Floats() {
        assertEquals(1 << 24, Table.defaultChunkRows(16));
        assertEquals(1 << 21, Table.defaultChunkRows(100));
        assertEquals(1, Table.defaultChunkRows(1 << 29));
    }

    private static void restore(String key, String v) {
        if (v == null) System.clearProperty(key); else System.setProperty(key, v);
    }
}
