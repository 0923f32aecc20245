package dev.sparsetrain.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file so that its final name only ever holds a complete file: the content goes to a
 * temporary file in the same folder, which is forced to disk and then renamed over the target
 * (atomically where the file system can). On any failure the temporary file is removed and the
 * target is left as it was. Files are created {@code rw-r--r--} on POSIX file systems
 * ({@code createTempFile} alone would make them owner-only).
 *
 * <p>Every writer of user-visible output (model files, {@code .npy} exports, reports, CSV
 * predictions) goes through here. Callers turn the {@link IOException} into their own one-line
 * message.
 */
public final class AtomicFile {
    private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

    /** Writes the content to the stream it is given (buffered; closed by {@link #write}). */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {}

    /**
     * Writes {@code path} atomically. The folder must exist unless {@code createFolders}.
     *
     * @throws IOException when the folder is missing or unwritable, or {@code body} fails
     */
    public static void write(Path path, boolean createFolders, Body body) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        if (createFolders && dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, READABLE);
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.writeTo(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file never carries the final name
                }
            }
        }
    }
}
