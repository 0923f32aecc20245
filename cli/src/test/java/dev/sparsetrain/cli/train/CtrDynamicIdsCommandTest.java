package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.train.CtrCommandsTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ctr-train --ids dynamic: its figures, save and ctr-predict on the Criteo head; bad option values refused in one line, exit 2. */
class CtrDynamicIdsCommandTest {
    static Result run(String... args) { return CtrCommandsTest.run(args); }

    @Test
    void dynamicTablesTrainSaveAndScoreHeldOutRowsAsInTraining(@TempDir Path dir) throws Exception {
        Path src = dev.sparsetrain.testkit.Datasets.require("criteo-kaggle-dac-head10k").resolve("train-10k.txt");
        List<String> lines;
        try (var s = Files.lines(src)) {
            lines = s.limit(2500).toList();
        }
        Path head = dir.resolve("head.tsv"), held = dir.resolve("held.tsv");
        Files.write(head, lines);
        Files.write(held, lines.subList(2000, 2500));
        for (String[] v : new String[][] {{"--ids", "dynamic", "--admit-after", "2", "--evict", "lfu:50"},
                {"--ids", "hash,C3=dynamic,C4=dynamic", "--evict", "ttl:3"}}) {
            Path model = dir.resolve("d.sptr"), csv = dir.resolve("d.csv");
            List<String> args = new java.util.ArrayList<>(List.of("ctr-train", "--data", head.toString(), "--train-rows", "2000", "--quiet",
                    "--threads", "1", "--dim", "8", "--buckets", "300", "--diagnostics", "--save", model.toString()));
            args.addAll(List.of(v));
            Result t = run(args.toArray(String[]::new));
            assertEquals(0, t.code(), t.err());
            assertTrue(t.out().contains("pass 1 dynamic tables"), t.out());
            String summary = CtrPredictCommandTest.line(t.out(), "dynamic tables: ");
            assertTrue(summary.matches("dynamic tables: (26|2) features, .* ids own rows of .*"), summary);
            String trainFigures = CtrPredictCommandTest.line(t.out(), "  test  all").replaceFirst("^\\s*test\\s+all\\s+", "");
            Result p = run("ctr-predict", "--model", model.toString(), "--data", held.toString(), "--out", csv.toString());
            assertEquals(0, p.code(), p.err());
            System.out.printf("criteo head, %s: %s | ctr-train test %s | ctr-predict %s%n", String.join(" ", v), summary, trainFigures,
                    CtrPredictCommandTest.line(p.out(), "metrics: "));
            assertEquals("metrics: " + trainFigures, CtrPredictCommandTest.line(p.out(), "metrics: "));
            assertTrue(p.out().contains("dynamic"), p.out());
        }
    }

    @Test
    void badDynamicOptionsAreRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path f = CtrCommandsTest.criteoLike(dir, null);
        String[][] cases = {
                {"--ids", "cuckoo"}, {"--ids", "hash,C3=cuckoo"}, {"--ids", "hash,C99=dynamic"}, {"--ids", "dynamic", "--admit-after", "0"},
                {"--ids", "dynamic", "--evict", "lru"}, {"--ids", "dynamic", "--evict", "ttl:0"}, {"--ids", "dynamic", "--evict", "ttl:x"},
                {"--admit-after", "3"}, {"--evict", "ttl:5"}, {"--ids", "dynamic", "--buckets", "1"}, {"--ids", "dynamic", "--min-count", "2"}};
        String[] expect = {"unknown mode 'cuckoo'", "unknown mode 'cuckoo'", "names feature 'C99'", "--admit-after 0", "--evict 'lru'",
                "time-to-live must be >= 1", "not an integer", "no feature is dynamic", "no feature is dynamic", ">= 2 rows", "--min-count 2 applies to vocab"};
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new java.util.ArrayList<>(List.of("ctr-train", "--data", f.toString(), "--quiet"));
            args.addAll(List.of(cases[i]));
            Result r = run(args.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.out() + r.err());
            String err = r.err().strip();
            assertFalse(err.contains("\n"), "one line: " + err);
            assertFalse(err.contains("Exception"), err);
            assertTrue(err.contains(expect[i]), String.join(" ", cases[i]) + " -> " + err);
        }
        // without --data: synthetic ids, the same options
        Result r = run("ctr-train", "--synthetic-rows", "100", "--ids", "vocab", "--quiet");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--ids vocab applies to a click log"), r.err());
    }
}
