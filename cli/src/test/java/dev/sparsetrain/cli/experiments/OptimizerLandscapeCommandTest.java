package dev.sparsetrain.cli.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.CliRun;
import dev.sparsetrain.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** experiment optimizer-landscape through {@link Main#run} (no subprocess), with few steps and seeds. */
class OptimizerLandscapeCommandTest {
    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void printsTheTablesAndWritesTheReport(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("sub").resolve("landscape.html");
        CliRun r = run("experiment", "optimizer-landscape", "--problems", "line_fit,rastrigin", "--optimizers", "sgd,adam", "--steps", "200",
                "--seeds", "10", "--restarts", "4", "--sweep-starts", "3", "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        System.out.print(r.out());
        assertTrue(r.out().contains("line_fit: L(a, b) = mean over 30 points"), r.out());
        assertTrue(r.out().contains("\nsgd ") && r.out().contains("\nadam "), r.out());
        assertTrue(r.out().contains("diverged@"), "PyTorch's default SGD rate diverges on the line fit: " + r.out());
        assertTrue(r.out().contains("best of restarts x4"), r.out());
        assertTrue(r.out().matches("(?s).*\\d+/10 = \\d+%.*"), "fractions of the 10 seeds");
        assertTrue(r.err().contains("rastrigin adam: tuned lr"), r.err());
        String html = Files.readString(report);
        // per problem: 2 contour plots + 3 charts; rastrigin also 2 restart plots + 1 SGDR chart
        assertEquals(2 * 5 + 3, html.split("<svg", -1).length - 1, "figures in the report");
        assertTrue(html.contains("line_fit: tuned rates") && html.contains("rastrigin: sgd: 4 restarts and SGDR, seed 1"));
        assertTrue(html.contains("clipPath"), "contour plots");
        assertFalse(html.contains("NaN"), "no NaN anywhere");
        assertTrue(html.length() < 600_000, "report size " + html.length());
        try (var files = Files.list(report.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void badInputIsOneLineWithExitCode2(@TempDir Path dir) {
        String[][] cases = {
            {"--optimizers", "sgd,adamm"},
            {"--problems", "himmelblau"},
            {"--steps", "3"},
            {"--restarts", "1"},
            {"--seeds", "0"},
            {"--optimizers", ","},
            {"--problems", ","},
        };
        String[] expected = {"--optimizers 'adamm': allowed sgd,", "--problems 'himmelblau': allowed line_fit", "--steps 3", "--restarts 1", "--seeds 0",
            "--optimizers: no name given", "--problems: no name given; allowed line_fit"};
        for (int i = 0; i < cases.length; i++) {
            Path report = dir.resolve("x" + i + ".html");
            String[] args = new String[cases[i].length + 4];
            args[0] = "experiment";
            args[1] = "optimizer-landscape";
            System.arraycopy(cases[i], 0, args, 2, cases[i].length);
            args[args.length - 2] = "--report";
            args[args.length - 1] = report.toString();
            CliRun r = run(args);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(expected[i]), r.err());
            assertFalse(Files.exists(report));
        }
        CliRun folder = run("experiment", "optimizer-landscape", "--report", dir.toString());
        assertEquals(2, folder.code());
        assertTrue(folder.err().contains("is a folder"), folder.err());
    }
}
