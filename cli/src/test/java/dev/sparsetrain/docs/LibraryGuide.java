package dev.sparsetrain.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code docs/library.md} and the tagged regions of {@link LibraryExamplesTest}'s source.
 *
 * <p>In the guide, a fenced block directly after a line {@code <!-- code: NAME -->} must equal the
 * source region between {@code // tag::NAME[]} and {@code // end::NAME[]}; a fenced block after
 * {@code <!-- output: NAME -->} is what example NAME printed. Code is compared line by line with
 * leading and trailing blanks, blank lines and runs of spaces normalised. Output is compared by
 * shape: every number becomes {@code #}, the folders of absolute paths are dropped, and a line {@code ...} in the guide stands for any
 * number of printed lines (for epochs, which early stopping makes vary).
 */
final class LibraryGuide {
    static final Pattern MARKER = Pattern.compile("^<!--\\s*(code|output):\\s*([A-Za-z0-9_-]+)\\s*-->\\s*$");
    /** A line holding only a start marker (a mention inside a comment does not count). */
    static final Pattern TAG = Pattern.compile("^//\\s*tag::([A-Za-z0-9_-]+)\\[\\]$");
    static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\d+(?:[.,]\\d+)*\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?|NaN|Infinity");

    /** The folders of an absolute path ("/tmp/junit-123/ratings.tsv" keeps "ratings.tsv"). */
    static final Pattern DIRS = Pattern.compile("(?<![\\w.])(?:/[^/\\s:]+)+/");

    final Map<String, String> code = new LinkedHashMap<>();
    final Map<String, String> outputs = new LinkedHashMap<>();

    private LibraryGuide() {}

    /** The guide, found from the module folder (tests run in cli/) or the repository root. */
    static Path guidePath() {
        for (Path p : new Path[] {Path.of("..", "docs", "library.md"), Path.of("docs", "library.md")}) {
            if (Files.exists(p)) return p;
        }
        fail("docs/library.md not found from " + Path.of("").toAbsolutePath());
        return null;
    }

    static Path sourcePath() {
        String rel = "src/test/java/dev/sparsetrain/docs/LibraryExamplesTest.java";
        for (Path p : new Path[] {Path.of(rel), Path.of("cli", rel)}) {
            if (Files.exists(p)) return p;
        }
        fail(rel + " not found from " + Path.of("").toAbsolutePath());
        return null;
    }

    static LibraryGuide read() throws IOException {
        return parse(Files.readAllLines(guidePath()));
    }

    /** The guide's marked blocks; a fenced block without a marker line before it fails (it would go unchecked). */
    static LibraryGuide parse(List<String> lines) {
        LibraryGuide g = new LibraryGuide();
        for (int k = 0; k < lines.size(); k++) {
            Matcher m = MARKER.matcher(lines.get(k).strip());
            if (!m.matches()) {
                if (lines.get(k).strip().startsWith("```")) {
                    fail("docs/library.md:" + (k + 1) + ": a fenced block without '<!-- code: NAME -->' or '<!-- output: NAME -->' "
                            + "on the line before it: its code would not be compiled and run by LibraryExamplesTest");
                }
                continue;
            }
            int open = k + 1;
            if (open >= lines.size() || !lines.get(open).strip().startsWith("```")) {
                fail("docs/library.md:" + (k + 1) + ": " + lines.get(k).strip() + " must be followed directly by a fenced block");
            }
            StringBuilder b = new StringBuilder();
            int close = open + 1;
            while (close < lines.size() && !lines.get(close).strip().equals("```")) b.append(lines.get(close++)).append('\n');
            if (close == lines.size()) fail("docs/library.md:" + (open + 1) + ": fenced block not closed");
            Map<String, String> into = m.group(1).equals("code") ? g.code : g.outputs;
            if (into.put(m.group(2), b.toString()) != null) fail("docs/library.md: two " + m.group(1) + " blocks named '" + m.group(2) + "'");
            k = close;
        }
        return g;
    }

    /** The tagged regions of the examples' source, by name, in source order. */
    static Map<String, String> regions() throws IOException {
        List<String> lines = Files.readAllLines(sourcePath());
        Map<String, String> out = new LinkedHashMap<>();
        for (int k = 0; k < lines.size(); k++) {
            Matcher m = TAG.matcher(lines.get(k).strip());
            if (!m.matches()) continue;
            String name = m.group(1);
            StringBuilder b = new StringBuilder();
            int e = k + 1;
            while (e < lines.size() && !lines.get(e).strip().equals("// end::" + name + "[]")) b.append(lines.get(e++)).append('\n');
            if (e == lines.size()) fail("LibraryExamplesTest: tag::" + name + "[] without end::" + name + "[]");
            out.put(name, b.toString());
        }
        return out;
    }

    String output(String name) {
        String o = outputs.get(name);
        if (o == null) fail("docs/library.md: no '<!-- output: " + name + " -->' block for example '" + name + "'");
        return o;
    }

    /** Lines stripped, blank lines dropped, runs of blanks as one space. */
    static List<String> normaliseCode(String s) {
        List<String> out = new ArrayList<>();
        for (String l : s.split("\n")) {
            String t = l.strip().replaceAll("\\s+", " ");
            if (!t.isEmpty()) out.add(t);
        }
        return out;
    }

    static String shape(String line) {
        String noDirs = DIRS.matcher(line.strip()).replaceAll("");   // temporary folders differ between machines
        return NUMBER.matcher(noDirs).replaceAll("#").replaceAll("\\s+", " ");
    }

    /** Asserts that {@code printed} has the guide's output lines, numbers aside ("..." in the guide: any lines). */
    static void assertSameShape(String name, String guide, String printed) {
        List<String> want = new ArrayList<>(), got = new ArrayList<>();
        for (String l : guide.split("\n")) if (!l.isBlank()) want.add(l.strip().equals("...") ? "..." : shape(l));
        for (String l : printed.split("\n")) if (!l.isBlank()) got.add(shape(l));
        if (!matches(want, 0, got, 0)) {
            assertEquals(String.join("\n", want), String.join("\n", got),
                    "example '" + name + "' printed lines of another shape than docs/library.md shows (numbers as #; update the guide's output block)");
        }
    }

    private static boolean matches(List<String> want, int w, List<String> got, int g) {
        if (w == want.size()) return g == got.size();
        if (want.get(w).equals("...")) {
            for (int skip = g; skip <= got.size(); skip++) if (matches(want, w + 1, got, skip)) return true;
            return false;
        }
        return g < got.size() && want.get(w).equals(got.get(g)) && matches(want, w + 1, got, g + 1);
    }
}
