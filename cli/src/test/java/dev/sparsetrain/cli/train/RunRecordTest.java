package dev.sparsetrain.cli.train;

import static dev.sparsetrain.cli.train.SavedRecommenderCommandsTest.assertBadInput;
import static dev.sparsetrain.cli.train.SavedRecommenderCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.train.SavedRecommenderCommandsTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train and ctr-train write --history (CSV, one row per epoch or pass) and --report (HTML with charts). */
class RunRecordTest {
    @TempDir Path dir;

    private static List<String> csv(Path f) throws IOException {
        return Files.readAllLines(f);
    }

    private static double cell(List<String> rows, int row, String column) {
        List<String> header = List.of(rows.get(0).split(","));
        String v = rows.get(row).split(",", -1)[header.indexOf(column)];
        return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    @Test
    void bprWritesOneRowPerEpochAndAReport() throws IOException {
        Path h = dir.resolve("bpr.csv"), r = dir.resolve("bpr.html");
        Run t = run("train", "--synthetic-users", "300", "--synthetic-items", "200", "--epochs", "3", "--patience", "2", "--quiet",
                "--out", dir.resolve("m").toString(), "--history", h.toString(), "--report", r.toString());
        assertEquals(0, t.code(), t.err());
        List<String> rows = csv(h);
        assertEquals("epoch,samples,seconds,samples_per_second,loss,validation_auc,cpu_seconds", rows.get(0));
        assertEquals(4, rows.size(), rows.toString());
        for (int e = 1; e <= 3; e++) {
            assertEquals(e, cell(rows, e, "epoch"));
            assertTrue(cell(rows, e, "loss") > 0 && cell(rows, e, "validation_auc") > 0.5, rows.get(e));
        }
        assertTrue(cell(rows, 3, "loss") < cell(rows, 1, "loss"), "the loss falls");
        String html = Files.readString(r);
        assertTrue(html.contains("<svg") && html.contains("Validation auc") && html.contains("Training loss"), "charts");
    }

    @Test
    void epochsWithoutValidationAreEmptyCellsAndTheCurveKeepsTheOthers() throws IOException {
        Path h = dir.resolve("every2.csv"), r = dir.resolve("every2.html");
        Run t = run("train", "--synthetic-users", "300", "--synthetic-items", "200", "--epochs", "4", "--patience", "3", "--validate-every", "2",
                "--quiet", "--out", dir.resolve("m2").toString(), "--history", h.toString(), "--report", r.toString());
        assertEquals(0, t.code(), t.err());
        List<String> rows = csv(h);
        assertTrue(Double.isNaN(cell(rows, 1, "validation_auc")) && cell(rows, 2, "validation_auc") > 0.5, rows.toString());
        assertTrue(Files.readString(r).contains("Validation auc"), "the validation curve from the validated epochs");
    }

    @Test
    void vbprRecordsEveryGroupsFiguresPerEpoch() throws IOException {
        Path h = dir.resolve("vbpr.csv"), r = dir.resolve("vbpr.html");
        Run t = run("train", "--model", "vbpr", "--data", "synthetic", "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-dim", "32",
                "--epochs", "3", "--threads", "1", "--quiet", "--out", dir.resolve("v").toString(), "--history", h.toString(), "--report", r.toString());
        assertEquals(0, t.code(), t.err());
        List<String> rows = csv(h);
        for (String g : new String[] {"item_bias", "user_factors", "item_factors", "user_visual", "visual_projection", "visual_bias"}) {
            assertTrue(rows.get(0).contains(g + "_update_to_weight"), rows.get(0));
            assertTrue(cell(rows, 1, g + "_update_to_weight") > 0, g);
        }
        assertEquals(4, rows.size());
        String html = Files.readString(r);
        assertTrue(html.contains("Update-to-weight ratio per group") && html.contains("visual_projection"), "per-group chart");
    }

    @Test
    void ctrTrainWritesOneRowPerPassWithStrataAndGroups() throws IOException {
        Path h = dir.resolve("ctr.csv"), r = dir.resolve("ctr.html");
        Run t = run("ctr-train", "--synthetic-rows", "4000", "--passes", "2", "--quiet", "--history", h.toString(), "--report", r.toString());
        assertEquals(0, t.code(), t.err());
        List<String> rows = csv(h);
        assertEquals(3, rows.size(), rows.toString());
        assertEquals(2, cell(rows, 2, "pass"));
        assertTrue(cell(rows, 1, "test_all_ne") > 0 && cell(rows, 1, "embeddings_update_to_weight") > 0, rows.get(1));
        assertEquals(cell(rows, 1, "embeddings_steps"), cell(rows, 2, "embeddings_steps"), "steps per pass, not since the start");
        assertTrue(Files.readString(r).contains("Test NE per stratum"));
    }

    @Test
    void anUnwritablePathIsRefusedBeforeTraining() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertBadInput(run("train", "--synthetic-users", "300", "--synthetic-items", "200", "--epochs", "1", "--quiet",
                "--history", file.resolve("h.csv").toString()), "--history", "is a file, not a folder");
        assertBadInput(run("ctr-train", "--synthetic-rows", "400", "--quiet", "--report", dir.toString()), "--report", "is a folder");
    }
}
