package dev.sparsetrain.core.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir Path dir;

    private static ModelFile.Contents sample() {
        Table a = Table.embedding("users", 5, 3).fillNormal(new SplittableRandom(1), 1);
        Table b = Table.dense("proj", 2, 7).fillNormal(new SplittableRandom(2), 1);
        return new ModelFile.Contents("bpr", "{\"factors\":3}", Map.of("epoch", "7"),
                Map.of("users", List.of("a", "b", "c", "d", "\u00e9")), List.of(a, b));
    }

    @Test
    void roundTripsEverything() {
        Path p = dir.resolve("m.bin");
        ModelFile.write(p, sample());
        var c = ModelFile.read(p);
        assertEquals("bpr", c.modelType());
        assertEquals("{\"factors\":3}", c.configJson());
        assertEquals("7", c.metadata().get("epoch"));
        assertEquals("\u00e9", c.idMap("users").get(4));
        assertArrayEquals(sample().table("users").data(), c.table("users").data());
        assertEquals(Table.Kind.DENSE, c.table("proj").kind());
        assertEquals(7, c.table("proj").dim());
        assertThrows(BadInputException.class, () -> c.table("nope"));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("m.bin"), s.map(x -> x.getFileName().toString()).toList(), "no temporary file left");
        }
        catch (IOException e) { throw new AssertionError(e); }
    }

    @Test
    void writtenFilesAreReadableByEveryoneOnPosix() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "not a POSIX file system");
        Path p = dir.resolve("shared.model");
        ModelFile.write(p, sample());
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        // overwriting an existing (private) file still gives 0644, through temp + atomic rename
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ModelFile.write(p, sample());
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        assertArrayEquals(sample().table("users").data(), ModelFile.read(p).table("users").data());
        try (var s = Files.list(dir)) {
            assertEquals(List.of("shared.model"), s.map(x -> x.getFileName().toString()).toList(), "no temporary file left");
        }
    }

    @Test
    void refusesTruncatedDamagedForeignAndMissingInOneLine() throws IOException {
        Path p = dir.resolve("m.bin");
        ModelFile.write(p, sample());
        byte[] bytes = Files.readAllBytes(p);
        for (int cut = 0; cut < bytes.length; cut += Math.max(1, bytes.length / 40)) {
            Path t = dir.resolve("t.bin");
            Files.write(t, Arrays.copyOf(bytes, cut));
            var e = assertThrows(BadInputException.class, () -> ModelFile.read(t), "cut at " + cut);
            assertFalse(e.getMessage().contains("\n"));
            assertTrue(e.getMessage().startsWith(t.toString() + ": "), e.getMessage());
        }
        for (int pos : new int[] {20, bytes.length / 2, bytes.length - 20}) {
            byte[] dmg = bytes.clone();
            dmg[pos] ^= 0x10;
            Path t = dir.resolve("d.bin");
            Files.write(t, dmg);
            var e = assertThrows(BadInputException.class, () -> ModelFile.read(t));
            assertTrue(e.getMessage().contains("damaged") || e.getMessage().contains("truncated"), e.getMessage());
        }
        Path f = dir.resolve("foreign.bin");
        Files.writeString(f, "PK\u0003\u0004 this is a zip, not a model");
        assertTrue(assertThrows(BadInputException.class, () -> ModelFile.read(f)).getMessage().contains("not a sparsetrain model file"));
        assertTrue(assertThrows(BadInputException.class, () -> ModelFile.read(dir.resolve("none.bin"))).getMessage().endsWith("model file not found"));
        byte[] newer = bytes.clone();
        newer[11] = 9;
        Path n = dir.resolve("newer.bin");
        Files.write(n, newer);
        assertTrue(assertThrows(BadInputException.class, () -> ModelFile.read(n)).getMessage().contains("format version 9"));
    }

    @Test
    void identicalContentsGiveIdenticalBytes() throws IOException {
        ModelFile.write(dir.resolve("a.bin"), sample());
        ModelFile.write(dir.resolve("b.bin"), sample());
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.bin")), Files.readAllBytes(dir.resolve("b.bin")));
    }

    @Test
    void npyHeaderAndData() throws IOException {
        Table t = Table.embedding("items", 3, 5).fillNormal(new SplittableRandom(3), 1);
        Path p = dir.resolve("items.npy");
        Npy.write(t, p);
        byte[] b = Files.readAllBytes(p);
        assertEquals((byte) 0x93, b[0]);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
        int hl = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + hl) % 64);
        String header = new String(b, 10, hl, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '<f4'") && header.contains("'shape': (3, 5)"), header);
        ByteBuffer bb = ByteBuffer.wrap(b, 10 + hl, b.length - 10 - hl).order(ByteOrder.LITTLE_ENDIAN);
        float[] back = new float[15];
        bb.asFloatBuffer().get(back);
        assertArrayEquals(t.data(), back);
    }
}
