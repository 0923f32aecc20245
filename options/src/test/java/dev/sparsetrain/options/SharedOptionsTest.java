package dev.sparsetrain.options;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The recommender-side options declared once: each command's own defaults, given values, checks and help text. */
class SharedOptionsTest {
    @Command(name = "experiment")
    static final class Experiment {
        @Mixin EpochsOption epochs = new EpochsOption(7);
        @Mixin FactorsOption factors = new FactorsOption();
        @Mixin CutoffsOption ks = new CutoffsOption();
        @Mixin ValidationUsersOption validationUsers = new ValidationUsersOption();
        @Mixin ReportOption report = new ReportOption("study.html");
        @Mixin DataRootOption dataRoot = new DataRootOption();
        @Mixin CheckpointOptions checkpoints = new CheckpointOptions();
    }

    private static Experiment parse(String... args) {
        Experiment e = new Experiment();
        new CommandLine(e).parseArgs(args);
        return e;
    }

    @Test
    void absentOptionsKeepTheDefaults() {
        Experiment e = parse();
        assertEquals(7, e.epochs.epochs());
        assertEquals(64, e.factors.factors());
        assertArrayEquals(new int[] {5, 10, 20}, e.ks.ks());
        assertEquals(2000, e.validationUsers.validationUsers());
        assertEquals(Path.of("study.html"), e.report.path());
        assertNull(e.dataRoot.given());
        assertEquals(0, e.checkpoints.every());
        assertEquals(Path.of("runs/checkpoints"), e.checkpoints.dir());
        assertNull(e.checkpoints.resume());
    }

    @Test
    void givenValuesArriveAndAreChecked() {
        Experiment e = parse("--epochs", "3", "--factors", "8", "-k", "1,2", "--validation-users", "0", "--report", "r.html",
                "--data-root", "/tmp/d", "--checkpoint-every", "-1", "--resume", "c.model");
        assertEquals(3, e.epochs.epochs());
        assertEquals(8, e.factors.factors());
        assertArrayEquals(new int[] {1, 2}, e.ks.ks());
        assertEquals(0, e.validationUsers.validationUsers());
        assertEquals(Path.of("r.html"), e.report.path());
        assertEquals(Path.of("/tmp/d"), e.dataRoot.root());
        assertEquals(Path.of("c.model"), e.checkpoints.resume());
        assertEquals("--checkpoint-every -1: must be >= 0 (0 = never)", assertThrows(BadInputException.class, e.checkpoints::check).getMessage());
    }

    @Test
    void helpShowsEachCommandsOwnDefaults() {
        StringWriter w = new StringWriter();
        new CommandLine(new Experiment()).usage(new PrintWriter(w));
        String help = w.toString().replaceAll("\\s+", " ");   // picocli wraps long descriptions
        assertTrue(help.contains("--epochs=<epochs> Passes over the training pairs. Default: 7."), help);
        assertTrue(help.contains("--report=<report> HTML report to write. Default: study.html."), help);
        assertTrue(help.contains("Cut-offs of the ranking metrics. Default: 5,10,20."), help);
        assertTrue(help.contains("--checkpoint-dir=<checkpointDir> Folder of the checkpoints. Default: runs/checkpoints."), help);
    }
}
