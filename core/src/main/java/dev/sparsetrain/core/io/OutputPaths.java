package dev.sparsetrain.core.io;

import dev.sparsetrain.core.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks of output paths made before any work starts, so that a path that can never be written
 * (a folder given as a file, a file given as a folder, a file standing where a parent folder
 * must be created) ends in one line and exit code 2 at once, not after a long training run.
 * Missing parent folders are fine: the writers ({@link AtomicFile}) create them. Used by the
 * command line and the Spark entry points.
 */
public final class OutputPaths {
    private OutputPaths() {}

    /** {@code file} (given by {@code option}) must be writable as a file. */
    public static void requireFile(String option, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) throw new BadInputException(option + " " + file + ": is a folder, expected a file");
        if (Files.exists(abs) && !Files.isWritable(abs)) throw new BadInputException(option + " " + file + ": exists and is not writable");
        requireFolderAncestors(option, file, abs.getParent());
    }

    /** {@code dir} (given by {@code option}) must be a folder or creatable as one. */
    public static void requireFolder(String option, Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) throw new BadInputException(option + " " + dir + ": exists and is not a folder, expected a folder");
        requireFolderAncestors(option, dir, abs);   // the folder itself when it exists, else its first existing ancestor
    }

    private static void requireFolderAncestors(String option, Path given, Path from) {
        for (Path a = from; a != null; a = a.getParent()) {
            if (Files.exists(a)) {
                if (!Files.isDirectory(a)) throw new BadInputException(option + " " + given + ": " + a + " is a file, not a folder");
                if (!Files.isWritable(a)) throw new BadInputException(option + " " + given + ": folder " + a + " is not writable");
                return;
            }
        }
    }
}
