package dev.sparsetrain.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared real datasets (../shared/data) and golden cases (../shared/golden) for tests.
 *
 * <p>The data's terms forbid copying it into the project, so tests read it in place. When a
 * dataset is absent a test is skipped with a message naming the folder, except under
 * {@code CI=true}, where a missing dataset fails the test.
 */
public final class Datasets {
    private Datasets() {}

    /** The folder holding the shared datasets. */
    public static Path dataRoot() {
        return locate("sparsetrain.data", "data");
    }

    /** The folder holding the golden optimizer cases. */
    public static Path goldenRoot() {
        return locate("sparsetrain.golden", "golden");
    }

    /** The folder of one dataset, e.g. "movielens-100k"; skips (or fails under CI) when absent. */
    public static Path require(String name) {
        return requireDir(dataRoot().resolve(name), "dataset '" + name + "'");
    }

    /** A folder under the golden root, e.g. "optim"; skips (or fails under CI) when absent. */
    public static Path requireGolden(String name) {
        return requireDir(goldenRoot().resolve(name), "golden cases '" + name + "'");
    }

    private static Path requireDir(Path dir, String what) {
        if (Files.isDirectory(dir)) return dir;
        String msg = what + " not found at " + dir.toAbsolutePath().normalize()
                + " (expected ../shared beside the checkout)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(msg + "; under CI=true a missing dataset is a failure");
        }
        Assumptions.abort("skipped: " + msg);
        throw new AssertionError("unreachable");
    }

    private static Path locate(String property, String sub) {
        String p = System.getProperty(property);
        if (p != null && Files.isDirectory(Path.of(p))) return Path.of(p);
        // Walk up from the working directory to find a sibling 'shared' folder.
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 6 && dir != null; i++, dir = dir.getParent()) {
            Path cand = dir.resolve("shared").resolve(sub);
            if (Files.isDirectory(cand)) return cand;
            cand = dir.resolveSibling("shared").resolve(sub);
            if (Files.isDirectory(cand)) return cand;
        }
        return Path.of(p != null ? p : "../shared/" + sub);
    }
}
