package dev.sparsetrain.core.io;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import java.io.IOException;
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

    public static void write(Table t, Path path) {
        try {
            AtomicFile.write(path, true, out -> {
                String dict = String.format(Locale.ROOT, "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", t.rows(), t.dim());
                int preamble = 10; // magic(6) + version(2) + header length(2)
                int total = preamble + dict.length() + 1;
                int pad = (64 - total % 64) % 64;
                String header = dict + " ".repeat(pad) + "\n";
                out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
                int hl = header.length();
                out.write(hl & 0xff);
                out.write((hl >>> 8) & 0xff);
                out.write(header.getBytes(StandardCharsets.US_ASCII));
                float[] d = t.data();
                byte[] buf = new byte[1 << 16];
                ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
                int p = 0;
                while (p < d.length) {
                    int n = Math.min(buf.length / 4, d.length - p);
                    bb.clear();
                    bb.asFloatBuffer().put(d, p, n);
                    out.write(buf, 0, n * 4);
                    p += n;
                }
            });
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot write .npy (" + e.getMessage() + ")", e);
        }
    }
}
