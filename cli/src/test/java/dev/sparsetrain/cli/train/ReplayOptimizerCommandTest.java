package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.Main;
import dev.sparsetrain.testkit.Datasets;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code replay-optimizer} through {@link Main#run} with injected writers (no subprocess): every
 * golden case reproduced within 1e-5 * max(1, |expected|), and bad input as one line, exit 2.
 */
class ReplayOptimizerCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    static Stream<Path> cases() throws IOException {
        Path a = Datasets.requireGolden("optim"), b = Datasets.requireGolden("optim-catchup");
        try (Stream<Path> x = Files.list(a); Stream<Path> y = Files.list(b)) {
            return Stream.concat(x.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream(),
                    y.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void replaysGoldenCase(Path file) throws IOException {
        Result r = run("replay-optimizer", file.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode got = JSON.readTree(r.out());
        JsonNode want = JSON.readTree(Files.readString(file));
        assertEquals(want.get("name").asText(), got.get("name").asText());
        String key = want.has("after_each_step") ? "after_each_step" : "final";
        assertEquals(1, got.size() - 1, "only name and " + key);
        JsonNode g = key.equals("final") ? JSON.createArrayNode().add(got.get(key)) : got.get(key);
        JsonNode w = key.equals("final") ? JSON.createArrayNode().add(want.get(key)) : want.get(key);
        assertEquals(w.size(), g.size(), "steps");
        for (int k = 0; k < w.size(); k++) {
            assertEquals(w.get(k).size(), g.get(k).size(), "rows");
            for (int row = 0; row < w.get(k).size(); row++) {
                for (int c = 0; c < w.get(k).get(row).size(); c++) {
                    double e = w.get(k).get(row).get(c).doubleValue(), a = g.get(k).get(row).get(c).doubleValue();
                    if (!(Math.abs(e - a) <= 1e-5 * Math.max(1, Math.abs(e)))) {
                        fail(file.getFileName() + " " + key + "[" + k + "][" + row + "][" + c + "]: expected " + e + ", got " + a);
                    }
                }
            }
        }
    }

    @Test
    void missingFileIsOneLineExit2() {
        Result r = run("replay-optimizer", "/no/such/case.json");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("/no/such/case.json") && r.err().contains("no such file"), r.err());
    }

    @Test
    void unknownOptimizerIsOneLineExit2(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"name\":\"x\",\"optimizer\":\"lion\",\"hyper\":{\"lr\":0.1},\"sparse\":false,\"rows\":1,\"dim\":1,"
                + "\"init\":[[1.0]],\"steps\":[{\"rows\":[0],\"grad\":[[1.0]]}]}");
        Result r = run("replay-optimizer", f.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("unknown optimizer 'lion'") && r.err().contains("adam"), r.err());
    }

    @Test
    void brokenJsonAndBadValuesAreOneLineExit2(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("broken.json");
        Files.writeString(f, "{\"name\": \"x\", \"optimizer\": ");
        Result r = run("replay-optimizer", f.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Path g = dir.resolve("beta.json");
        Files.writeString(g, "{\"name\":\"x\",\"optimizer\":\"adam\",\"hyper\":{\"lr\":0.1,\"beta1\":1.2},\"sparse\":false,\"rows\":1,\"dim\":1,"
                + "\"init\":[[1.0]],\"steps\":[{\"rows\":[0],\"grad\":[[1.0]]}]}");
        r = run("replay-optimizer", g.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("beta1=1.2") && r.err().contains("[0, 1)"), r.err());
        // regression: the message named only the group (the case's name), not the file
        assertTrue(r.err().startsWith("sparsetrain: " + g + ": group 'x': "), r.err());
        Path h = dir.resolve("row.json");
        Files.writeString(h, "{\"name\":\"x\",\"optimizer\":\"sgd\",\"hyper\":{\"lr\":0.1},\"sparse\":true,\"rows\":1,\"dim\":1,"
                + "\"init\":[[1.0]],\"steps\":[{\"rows\":[3],\"grad\":[[1.0]]}]}");
        r = run("replay-optimizer", h.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("row 3"), r.err());
    }

    @Test
    void combinedHyperparametersAndBetasList(@TempDir Path dir) throws IOException {
        // nesterov + dampening 0 + weight decay + value clip; adam with a betas list and amsgrad
        Path f = dir.resolve("combo.json");
        Files.writeString(f, "{\"name\":\"combo\",\"optimizer\":\"adam\",\"hyper\":{\"lr\":0.1,\"betas\":[0.8,0.9],\"amsgrad\":true,"
                + "\"weight_decay\":0.1,\"eps\":1e-6},\"sparse\":true,\"clip\":{\"type\":\"value\",\"max_value\":0.5},\"rows\":2,\"dim\":2,"
                + "\"init\":[[1.0,2.0],[3.0,4.0]],\"steps\":[{\"rows\":[1,1],\"grad\":[[1.0,-3.0],[0.5,0.5]]}]}");
        Result r = run("replay-optimizer", f.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode t = JSON.readTree(r.out()).get("after_each_step").get(0);
        assertEquals(1.0, t.get(0).get(0).doubleValue());   // lazy: untouched
        // row 1: g = (1.5, -2.5) summed, clipped to (0.5, -0.5), + 0.1 * w = (0.8, -0.1); first Adam step moves by lr * sign
        assertEquals(3.0 - 0.1, t.get(1).get(0).doubleValue(), 1e-5);
        assertEquals(4.0 + 0.1, t.get(1).get(1).doubleValue(), 1e-5);
    }

    /** Regression: a truncated case printed Jackson internals ("[Source: REDACTED (`StreamReadFeature...` disabled)"). */
    @Test
    void truncatedJsonGivesLineAndColumnWithoutParserInternals(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("cut.json");
        Files.writeString(f, "{\"name\":\"x\",\"optimizer\":\"sgd\",\n\"init\":[[1.0,");
        Result r = run("replay-optimizer", f.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        String line = r.err().strip();
        assertTrue(line.startsWith("sparsetrain: " + f + ":2:14: not valid JSON (Unexpected end-of-input"), line);
        assertTrue(!line.contains("Source") && !line.contains("\n"), line);
        Files.writeString(f, "{\"name\":\"x\",\"hyper\":{\"lr\":NaN}}");
        r = run("replay-optimizer", f.toString());
        assertEquals("sparsetrain: " + f + ":1:30: not valid JSON (Non-standard token 'NaN')", r.err().strip());
    }

    /**
     * Regression: cases that PyTorch 1.13 itself refuses (Adagrad or SGD weight decay with sparse
     * gradients, SparseAdam with dense gradients) were replayed with the project's lazy extension
     * and printed as if they were PyTorch trajectories.
     */
    @Test
    void casesPyTorchRefusesAreRefused(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("wd.json");
        String steps = ",\"rows\":2,\"dim\":1,\"init\":[[1.0],[2.0]],\"steps\":[{\"rows\":[0],\"grad\":[[1.0]]}]}";
        Files.writeString(f, "{\"name\":\"wd\",\"optimizer\":\"adagrad\",\"hyper\":{\"lr\":0.1,\"weight_decay\":0.1},\"sparse\":true" + steps);
        Result r = run("replay-optimizer", f.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().strip().startsWith("sparsetrain: " + f + ": adagrad weight_decay=0.1 with sparse: true, PyTorch refuses"), r.err());
        Files.writeString(f, "{\"name\":\"sa\",\"optimizer\":\"sparse_adam\",\"hyper\":{\"lr\":0.1},\"sparse\":false" + steps);
        r = run("replay-optimizer", f.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("SparseAdam does not support dense gradients"), r.err());
        // the same weight decay as a catch-up case (dense PyTorch optimizer) is fine
        Files.writeString(f, "{\"name\":\"cu\",\"optimizer\":\"adagrad\",\"hyper\":{\"lr\":0.1,\"weight_decay\":0.1},\"sparse\":true,"
                + "\"semantics\":\"dense\"" + steps);
        r = run("replay-optimizer", f.toString());
        assertEquals(0, r.code(), r.err());
        // row 1 untouched but decays through catch-up: g = 0.1 * 2 = 0.2, s = 0.04, w = 2 - 0.1 * 0.2 / 0.2 = 1.9
        assertEquals(1.9, JSON.readTree(r.out()).get("final").get(1).get(0).doubleValue(), 1e-6);
    }
}
