package dev.sparsetrain.cli.serve;

import static dev.sparsetrain.cli.train.SavedRecommenderCommandsTest.assertBadInput;
import static dev.sparsetrain.cli.train.SavedRecommenderCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparsetrain.cli.train.CtrPredictCommandTest;
import dev.sparsetrain.cli.train.SavedRecommenderCommandsTest.Run;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * serve: over real HTTP on a free port, /recommend answers exactly recommend's TSV rows, /predict
 * exactly ctr-predict's probabilities; every bad request gets its status and a one-line JSON error;
 * bad options are one line and exit code 2 before anything listens.
 */
class ServeCommandTest {
    @TempDir static Path dir;
    static Path bpr, vbpr, vbprParts;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void train() {
        bpr = dir.resolve("bpr.model");
        Run b = run("train", "--synthetic-users", "120", "--synthetic-items", "80", "--epochs", "2", "--threads", "1", "--quiet",
                "--out", bpr.toString());
        assertEquals(0, b.code(), b.err());
        vbpr = dir.resolve("vbpr.model");
        Run v = run("train", "--model", "vbpr", "--data", "synthetic", "--synthetic-users", "120", "--synthetic-items", "80",
                "--synthetic-dim", "16", "--epochs", "1", "--threads", "1", "--seed", "7", "--quiet", "--out", vbpr.toString());
        assertEquals(0, v.code(), v.err());
        // the same model as a part-file set, as the sharded Spark trainer saves VBPR
        vbprParts = dir.resolve("vbpr-parts");
        var l = dev.sparsetrain.models.vbpr.VbprFiles.read(vbpr);
        dev.sparsetrain.models.vbpr.VbprFiles.saveParts(vbprParts, l.model(),
                dev.sparsetrain.models.vbpr.VbprConfig.defaults(dev.sparsetrain.models.vbpr.Variant.VBPR), l.metadata(), 2);
    }

    static ServeCommand.Server start(String... args) {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.start();
    }

    record Answer(int status, JsonNode body) {}

    static Answer get(ServeCommand.Server s, String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    static Answer post(ServeCommand.Server s, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    @Test
    void recommendAnswersEqualRecommendsRows() throws Exception {
        for (Path model : new Path[] {bpr, vbpr, vbprParts}) {
            Path tsv = dir.resolve(model.getFileName() + ".tsv");
            Run all = run("recommend", "--model", model.toString(), "--all-users", "-k", "4", "--out", tsv.toString());
            assertEquals(0, all.code(), all.err());
            List<String> rows = Files.readAllLines(tsv);
            try (ServeCommand.Server s = start("--model", model.toString(), "--port", "0", "--threads", "2")) {
                Answer h = get(s, "/health");
                assertEquals(200, h.status());
                assertEquals(120, h.body().get("users").asInt());
                assertEquals(80, h.body().get("items").asInt());
                for (String user : new String[] {"1", "17", "99"}) {
                    Answer a = get(s, "/recommend?user=" + user + "&k=4");
                    assertEquals(200, a.status(), a.body().toString());
                    assertEquals(user, a.body().get("user").asText());
                    StringBuilder got = new StringBuilder(), want = new StringBuilder();
                    for (JsonNode it : a.body().get("items")) {
                        got.append(user).append('\t').append(it.get("rank").asInt()).append('\t').append(it.get("item").asText()).append('\t')
                                .append(it.get("score").floatValue()).append('\n');
                    }
                    for (String row : rows) if (row.startsWith(user + "\t")) want.append(row).append('\n');
                    assertEquals(want.toString(), got.toString(), model + " user " + user);
                }
                // training items are left out unless include_seen=true, which may bring them back
                Answer seen = get(s, "/recommend?user=1&k=80&include_seen=true");
                assertEquals(80, seen.body().get("items").size());
                assertTrue(get(s, "/recommend?user=1&k=80").body().get("items").size() < 80);
            }
        }
        assertEquals(Files.readAllLines(dir.resolve("vbpr.model.tsv")), Files.readAllLines(dir.resolve("vbpr-parts.tsv")), "the set recommends as the file");
    }

    @Test
    void badRequestsGetTheirStatusAndOneLineOfJson() throws Exception {
        try (ServeCommand.Server s = start("--model", bpr.toString(), "--port", "0", "--max-k", "50")) {
            Object[][] cases = {
                    {"/recommend?user=nobody", 404, "user 'nobody': unknown; the model knows 120 users"},
                    {"/recommend?k=3", 400, "query parameter 'user' missing"},
                    {"/recommend?user=1&k=x", 400, "k 'x': not an integer"},
                    {"/recommend?user=1&k=51", 400, "k 51: must be in [1, 50] (--max-k)"},
                    {"/recommend?user=1&user=2", 400, "query parameter 'user' given twice"},
                    {"/recommend?user=1&top=3", 400, "query parameter 'top': allowed user, k, include_seen"},
                    {"/recommend?user=1&include_seen=yes", 400, "include_seen 'yes': true or false"},
                    {"/predict", 404, "/predict: no such endpoint; use /recommend or /health"},
            };
            for (Object[] c : cases) {
                Answer a = get(s, (String) c[0]);
                assertEquals(c[1], a.status(), (String) c[0]);
                String err = a.body().get("error").asText();
                assertTrue(err.startsWith((String) c[2]) && !err.contains("\n"), c[0] + ": " + err);
            }
            // HEAD: the GET answer's status without a body (the JDK server logged a warning for every HEAD when a length was sent)
            for (Object[] c : new Object[][] {{"/health", 200}, {"/recommend?user=1&k=3", 200}, {"/recommend?user=nobody", 404}}) {
                HttpResponse<String> h = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + c[0]))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(c[1], h.statusCode(), "HEAD " + c[0]);
                assertEquals("", h.body(), "HEAD " + c[0]);
            }
            // without k: the default 10, within --max-k
            Answer small = get(s, "/recommend?user=1");
            assertEquals(10, small.body().get("k").asInt());
            assertEquals(10, small.body().get("items").size());
            Answer huge = get(s, "/recommend?user=" + "x".repeat(5000));
            assertEquals(404, huge.status());
            assertEquals("user '" + "x".repeat(64) + "... (5000 characters)': unknown; the model knows 120 users", huge.body().get("error").asText());
            Answer wrong = post(s, "/recommend?user=1", "");
            assertEquals(405, wrong.status());
            assertEquals("POST /recommend: use GET", wrong.body().get("error").asText());
        }
    }

    /** --max-k below the default k: a request without k gets --max-k items, not 10. */
    @Test
    void theDefaultKStaysWithinMaxK() throws Exception {
        try (ServeCommand.Server s = start("--model", bpr.toString(), "--port", "0", "--max-k", "3")) {
            Answer a = get(s, "/recommend?user=1");
            assertEquals(200, a.status(), a.body().toString());
            assertEquals(3, a.body().get("k").asInt());
            assertEquals(3, a.body().get("items").size());
        }
    }

    @Test
    void predictAnswersEqualCtrPredictsProbabilities(@TempDir Path tmp) throws Exception {
        Path[] f = CtrPredictCommandTest.split(tmp);
        Path model = tmp.resolve("ctr.model"), csv = tmp.resolve("p.csv");
        var t = CtrPredictCommandTest.run("ctr-train", "--data", f[0].toString(), "--train-rows", "240", "--quiet", "--threads", "1",
                "--save", model.toString());
        assertEquals(0, t.code(), t.err());
        var p = CtrPredictCommandTest.run("ctr-predict", "--model", model.toString(), "--data", f[1].toString(), "--out", csv.toString());
        assertEquals(0, p.code(), p.err());
        float[] want = CtrPredictCommandTest.probabilities(csv);
        StringBuilder body = new StringBuilder();
        for (String line : Files.readAllLines(f[1])) body.append(line, line.indexOf('\t') + 1, line.length()).append('\n');   // label dropped
        try (ServeCommand.Server s = start("--model", model.toString(), "--port", "0")) {
            Answer a = post(s, "/predict", body.toString());
            assertEquals(200, a.status(), a.body().toString());
            JsonNode got = a.body().get("probabilities");
            assertEquals(want.length, got.size());
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got.get(i).floatValue(), 0f, "row " + (i + 1));
            Answer bad = post(s, "/predict", "1\t2\n");
            assertEquals(400, bad.status());
            assertTrue(bad.body().get("error").asText().startsWith("request:1: "), bad.body().toString());
            assertEquals(400, post(s, "/predict", "").status());
            assertEquals(405, get(s, "/predict").status());
            assertEquals("criteo", get(s, "/health").body().get("format").asText());
        }
    }

    @Test
    void badOptionsAreOneLineAndExitTwo() {
        assertBadInput(run("serve", "--model", dir.resolve("missing.model").toString(), "--port", "0"), "missing.model");
        assertBadInput(run("serve", "--model", bpr.toString(), "--port", "70000"), "--port 70000: must be in [0, 65535]");
        assertBadInput(run("serve", "--model", bpr.toString(), "--port", "0", "--max-k", "0"), "--max-k 0: must be >= 1");
        assertBadInput(run("serve", "--model", bpr.toString(), "--port", "0", "--features", "x.npy"), "--features");
    }
}
