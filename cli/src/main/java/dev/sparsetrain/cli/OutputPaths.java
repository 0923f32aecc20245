package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks of output paths made before any work starts, so that a path that can never be written
 * (a folder given as a file, a file given as a folder, a file standing where a parent folder
 * must be created) ends in one line and exit code 2 at once, not after a long training run.
 * Missing parent folders are fine: the writers create them.
 */
final class OutputPaths {
    private OutputPaths() {}

    /** {@code file} (given by {@code option}) must be writable as a file. */
    static void requireFile(String option, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) throw new BadInputException(option + " " + file + ": is a folder, expected a file");
        requireFolderAncestors(option, file, abs.getParent());
    }

    /** {@code dir} (given by {@code option}) must be a folder or creatable as one. */
    static void requireFolder(String option, Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) throw new BadInputException(option + " " + dir + ": exists and is not a folder, expected a folder");
        requireFolderAncestors(option, dir, abs.getParent());
    }

    private static void requireFolderAncestors(String option, Path given, Path from) {
        for (Path a = from; a != null; a = a.getParent()) {
            if (Files.exists(a)) {
                if (!Files.isDirectory(a)) throw new BadInputException(option + " " + given + ": " + a + " is a file, not a folder");
                return;
            }
        }
    }
}
