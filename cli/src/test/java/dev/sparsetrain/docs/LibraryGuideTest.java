package dev.sparsetrain.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/library.md shows exactly the code that {@link LibraryExamplesTest} compiles and runs. */
class LibraryGuideTest {

    @Test
    void everyCodeBlockOfTheGuideIsATaggedRegionOfTheExamples() throws Exception {
        LibraryGuide guide = LibraryGuide.read();
        Map<String, String> regions = LibraryGuide.regions();
        assertFalse(regions.isEmpty(), "no tagged regions found in LibraryExamplesTest");
        assertEquals(new TreeSet<>(regions.keySet()), new TreeSet<>(guide.code.keySet()),
                "tagged regions of LibraryExamplesTest vs '<!-- code: NAME -->' blocks of docs/library.md");
        for (String line : LibraryGuide.normaliseCode(regions.get("imports"))) {
            assertFalse(line.contains("dev.sparsetrain.cli") || line.contains("dev.sparsetrain.options"),
                    "the library examples use the library modules only, not the command line: " + line);
        }
        for (var e : regions.entrySet()) {
            assertEquals(String.join("\n", LibraryGuide.normaliseCode(e.getValue())),
                    String.join("\n", LibraryGuide.normaliseCode(guide.code.get(e.getKey()))),
                    "docs/library.md block '" + e.getKey() + "' differs from LibraryExamplesTest's tag::" + e.getKey() + "[] region");
        }
    }

    @Test
    void everyExampleHasAnOutputBlockAndTheReadmeLinksTheGuide() throws Exception {
        LibraryGuide guide = LibraryGuide.read();
        Set<String> examples = Set.of("bpr", "vbpr", "ctr", "runtime");
        assertEquals(new TreeSet<>(examples), new TreeSet<>(guide.outputs.keySet()), "'<!-- output: NAME -->' blocks of docs/library.md");
        Path readme = LibraryGuide.guidePath().getParent().resolveSibling("README.md");
        assertTrue(Files.readString(readme).contains("docs/library.md"), "README.md links docs/library.md");
    }

    @Test
    void aCodeBlockWithoutAMarkerIsRefusedNotSkipped() {
        LibraryGuide ok = LibraryGuide.parse(java.util.List.of("<!-- code: a -->", "```java", "int x = 1;", "```", "text"));
        assertEquals("int x = 1;\n", ok.code.get("a"));
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> LibraryGuide.parse(java.util.List.of("<!-- code: a -->", "```java", "int x = 1;", "```", "", "```java", "y();", "```")));
        assertTrue(e.getMessage().contains("library.md:6"), e.getMessage());
    }

    @Test
    void outputShapeIgnoresNumbersAndDotsStandForAnyLines() {
        LibraryGuide.assertSameShape("t", "epoch 1 loss 0.5\n...\nAUC 0.9\n", "epoch 1 loss 0.7\nepoch 2 loss 1e-3\nAUC 0.95\n");
        LibraryGuide.assertSameShape("t", "a 1\n...\n", "a 2\n");
        LibraryGuide.assertSameShape("t", "/tmp/junit-1/r.tsv: 3 pairs\n", "/var/folders/xy/junit-2/r.tsv: 4 pairs\n");
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> LibraryGuide.assertSameShape("t", "AUC 0.9\n", "MRR 0.9\n"));
    }
}
