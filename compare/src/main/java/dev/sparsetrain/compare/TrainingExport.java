package dev.sparsetrain.compare;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.Interactions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hands a training set to another tool: the user x item matrix in CSR form with this project's
 * dense indices, as two NumPy int32 vectors, {@code indptr.npy} (users + 1) and
 * {@code indices.npy} (each user's items, sorted), so
 * {@code scipy.sparse.csr_matrix((ones, indices, indptr), shape=(users, items))} rebuilds it
 * exactly. Files are written atomically. Stateless.
 */
public final class TrainingExport {
    private TrainingExport() {}

    /** Writes {@code dir/indptr.npy} and {@code dir/indices.npy}. */
    public static void writeCsr(Interactions train, Path dir) {
        writeInt32(train.indptr(), dir.resolve("indptr.npy"));
        writeInt32(train.itemIndices(), dir.resolve("indices.npy"));
    }

    /** A 1-d little-endian int32 .npy file (format 1.0). */
    static void writeInt32(int[] v, Path path) {
        dev.sparsetrain.core.io.Npy.writeInt32(v, path);
    }

    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\((\\d+),\\)");

    /** Reads back a file written by {@link #writeInt32} (1-d little-endian int32, format 1.0). */
    static int[] readInt32(Path path) throws IOException {
        byte[] b = Files.readAllBytes(path);
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || b[6] != 1) throw new BadInputException(path + ": not a format 1.0 .npy file");
        int hl = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        String header = new String(b, 10, hl, StandardCharsets.US_ASCII);
        Matcher m = SHAPE.matcher(header);
        if (!header.contains("'<i4'") || !m.find()) throw new BadInputException(path + ": not a 1-d int32 .npy file: " + header.strip());
        int n = Integer.parseInt(m.group(1));
        int[] v = new int[n];
        ByteBuffer.wrap(b, 10 + hl, n * 4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
        return v;
    }
}
