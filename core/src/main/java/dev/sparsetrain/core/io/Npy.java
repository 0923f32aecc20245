package dev.sparsetrain.core.io;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a table as a NumPy {@code .npy} file (format 1.0, little-endian float32, C order,
 * shape {@code (rows, dim)}), so {@code numpy.load("items.npy")} reads the embeddings. Written
 * atomically like {@link ModelFile}. Stateless and thread-safe.
 */
public final class Npy {
    private Npy() {}

    /** The table as a 2-d little-endian float32 {@code .npy} file (shape {@code (rows, dim)}), written atomically. */
    public static void write(Table t, Path path) {
        write(path, "<f4", t.rows() + ", " + t.dim(), out -> writeFloats(t, out));
    }

    /** A 1-d little-endian int32 {@code .npy} file (format 1.0, shape {@code (n,)}), written atomically. */
    public static void writeInt32(int[] v, Path path) {
        write(path, "<i4", v.length + ",", out -> stream(out, v.length, (bb, p, n) -> bb.asIntBuffer().put(v, p, n)));
    }

    /**
     * The table's floats in row order as little-endian bytes (an {@code .npy} file's data, or what
     * a checksum reads), through one 64 KiB buffer per chunk.
     */
    public static void writeFloats(Table t, OutputStream out) throws IOException {
        for (int ch = 0; ch < t.chunkCount(); ch++) {
            float[] d = t.chunk(ch);
            stream(out, d.length, (bb, p, n) -> bb.asFloatBuffer().put(d, p, n));
        }
    }

    private static void write(Path path, String descr, String shape, AtomicFile.Body body) {
        try {
            AtomicFile.write(path, true, out -> {
                header(out, descr, shape);
                body.writeTo(out);
            });
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot write .npy (" + e.getMessage() + ")", e);
        }
    }

    /** Puts elements {@code [from, from + n)} of a 4-byte array into the buffer. */
    private interface Fill {
        void put(ByteBuffer bb, int from, int n);
    }

    private static void stream(OutputStream out, int length, Fill fill) throws IOException {
        byte[] buf = new byte[1 << 16];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < length; ) {
            int n = Math.min(buf.length / 4, length - p);
            bb.clear();
            fill.put(bb, p, n);
            out.write(buf, 0, n * 4);
            p += n;
        }
    }

    /** Magic, version 1.0, and the header dict padded with spaces so the data starts at a multiple of 64 bytes. */
    private static void header(OutputStream out, String descr, String shape) throws IOException {
        String dict = String.format(Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, shape);
        int preamble = 10; // magic(6) + version(2) + header length(2)
        int pad = (64 - (preamble + dict.length() + 1) % 64) % 64;
        String h = dict + " ".repeat(pad) + "\n";
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(h.length() & 0xff);
        out.write((h.length() >>> 8) & 0xff);
        out.write(h.getBytes(StandardCharsets.US_ASCII));
    }
}
