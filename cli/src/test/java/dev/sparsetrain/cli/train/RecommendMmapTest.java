package dev.sparsetrain.cli.train;

import static dev.sparsetrain.cli.train.SavedRecommenderCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.train.SavedRecommenderCommandsTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * recommend --mmap scores from the mapped model file and gives byte-identical top-K TSV to the heap
 * path, also for a model trained on chunked tables; non-BPR files are refused in one line.
 */
class RecommendMmapTest {
    @TempDir Path dir;

    @Test
    void mappedTopKEqualsTheHeapTopK() throws Exception {
        Path bpr = dir.resolve("bpr.model");
        Run b = run("train", "--synthetic-users", "100", "--synthetic-items", "4200", "--epochs", "2", "--threads", "1", "--quiet",
                "--out", bpr.toString());
        assertEquals(0, b.code(), b.err());
        Path heap = dir.resolve("heap.tsv"), mapped = dir.resolve("mapped.tsv");
        Run h = run("recommend", "--model", bpr.toString(), "--all-users", "-k", "20", "--threads", "2", "--out", heap.toString());
        assertEquals(0, h.code(), h.err());
        Run m = run("recommend", "--model", bpr.toString(), "--all-users", "-k", "20", "--threads", "2", "--mmap", "--out", mapped.toString());
        assertEquals(0, m.code(), m.err());
        assertEquals(Files.readString(heap), Files.readString(mapped));   // 4200 items: two scoring blocks of 4096
        Run one = run("recommend", "--model", bpr.toString(), "--user", "7", "-k", "5", "--mmap");
        Run oneHeap = run("recommend", "--model", bpr.toString(), "--user", "7", "-k", "5");
        assertEquals(0, one.code(), one.err());
        assertEquals(oneHeap.out(), one.out());

        // trained on chunked tables (64 rows a chunk), served from the heap with chunked tables: the same TSV
        Path ch = dir.resolve("chunked.model"), chHeap = dir.resolve("chunked.tsv");
        System.setProperty(dev.sparsetrain.core.Table.LAYOUT_PROPERTY, "chunked");
        System.setProperty(dev.sparsetrain.core.Table.CHUNK_ROWS_PROPERTY, "64");
        try {
            Run c = run("train", "--synthetic-users", "100", "--synthetic-items", "4200", "--epochs", "2", "--threads", "1", "--quiet",
                    "--out", ch.toString());
            assertEquals(0, c.code(), c.err());
            Run ch1 = run("recommend", "--model", ch.toString(), "--all-users", "-k", "20", "--threads", "2", "--out", chHeap.toString());
            assertEquals(0, ch1.code(), ch1.err());
        } finally {
            System.clearProperty(dev.sparsetrain.core.Table.LAYOUT_PROPERTY);
            System.clearProperty(dev.sparsetrain.core.Table.CHUNK_ROWS_PROPERTY);
        }
        assertEquals(Files.readString(heap), Files.readString(chHeap));

        Path vbpr = dir.resolve("vbpr.model");
        Run v = run("train", "--model", "vbpr", "--data", "synthetic", "--synthetic-users", "50", "--synthetic-items", "40",
                "--synthetic-dim", "8", "--epochs", "1", "--threads", "1", "--quiet", "--out", vbpr.toString());
        assertEquals(0, v.code(), v.err());
        Run r = run("recommend", "--model", vbpr.toString(), "--user", "1", "--mmap");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().strip().endsWith("--mmap serves BPR-MF model files; this is a 'vbpr' model (drop --mmap)"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
    }
}
