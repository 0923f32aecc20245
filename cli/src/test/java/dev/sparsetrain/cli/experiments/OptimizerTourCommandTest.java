package dev.sparsetrain.cli.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** experiment optimizer-tour through {@link Main#run} (no subprocess), on small synthetic data. */
class OptimizerTourCommandTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void printsTheTableAndWritesTheReport(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("tour.html");
        Result r = run("experiment", "optimizer-tour", "--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200",
                "--epochs", "2", "--seeds", "2", "--factors", "16", "--optimizers", "sgd,adagrad,adam", "--lr", "sgd=0.05,adagrad=0.1",
                "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        System.out.print(r.out());
        assertTrue(r.out().contains("test AUC mean±sd"), r.out());
        for (String name : new String[] {"sgd", "adagrad", "adam"}) assertTrue(r.out().contains("\n" + name + " "), name);
        assertTrue(r.out().contains("(swept)") || r.out().contains("(edge)"), "adam's rate comes from the sweep: " + r.out());
        assertTrue(r.err().contains("adam sweep lr 0.001"), r.err());
        // the SGD rows of the bin table: |dw|/|g| is the learning rate in every bin
        for (String line : r.out().split("\n")) {
            if (line.startsWith("sgd ") && line.trim().split(" +").length == 6) assertEquals(0.05, Double.parseDouble(line.trim().split(" +")[3]), 1e-4, line);
        }
        String html = Files.readString(report);
        assertTrue(html.split("<svg", -1).length - 1 >= 7, "charts in the report");
        assertTrue(html.contains("Effective learning rate |dw|/|g| vs item frequency"));
        assertFalse(html.contains("NaN</td>"), "no NaN in the tables");
    }

    @Test
    void unknownOptimizerIsOneLineWithExitCode2(@TempDir Path dir) {
        Result r = run("experiment", "optimizer-tour", "--data", "synthetic", "--optimizers", "sgd,adamm", "--report", dir.resolve("x.html").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--optimizers 'adamm': allowed sgd,"), r.err());
        assertFalse(Files.exists(dir.resolve("x.html")));
    }
}
