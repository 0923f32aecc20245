package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.testkit.Datasets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --model bpr --data tiktok-diffmm} trains on the dataset's own train/val/test files
 * (the split VBPR reads), and {@code evaluate} rebuilds the same split from the model's metadata.
 */
class GivenSplitCommandsTest {
    @TempDir Path dir;

    @Test
    void bprTrainsOnTiktokDiffmmsOwnSplitAndEvaluateRebuildsIt() {
        Path root = Datasets.require("tiktok-diffmm").getParent();
        Path model = dir.resolve("t.model");
        var r = SavedRecommenderCommandsTest.run("train", "--model", "bpr", "--data", "tiktok-diffmm", "--data-root", root.toString(),
                "--epochs", "2", "--threads", "1", "--quiet", "--out", model.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        // train 59,541 + val 3,051 pairs for training (each pair once), test 6,130 held out: the files' own counts
        assertTrue(r.out().contains("train 59541, val 3051, test 6130 pairs"), r.out());
        assertTrue(r.out().contains("split given: 62592 training pairs, 6130 held out"), r.out());
        String auc = r.out().lines().filter(l -> l.startsWith("auc ")).findFirst().orElseThrow();
        var e = SavedRecommenderCommandsTest.run("evaluate", "--model", model.toString(), "--data-root", root.toString(), "--threads", "1");
        assertEquals(0, e.code(), e.out() + e.err());
        assertTrue(e.out().contains("split given") && e.out().contains(auc), auc + " in\n" + e.out());

        // with patience, val.tsv is the validation set (train.tsv alone is fitted)
        var v = SavedRecommenderCommandsTest.run("train", "--model", "bpr", "--data", "tiktok-diffmm", "--data-root", root.toString(),
                "--epochs", "1", "--patience", "1", "--threads", "1", "--quiet", "--out", dir.resolve("v.model").toString());
        assertEquals(0, v.code(), v.out() + v.err());
        assertTrue(v.out().contains("split given: 59541 training pairs, 6130 held out, 3051 for validation"), v.out());

        // --split given on data without a split of its own: one line, exit code 2
        SavedRecommenderCommandsTest.assertBadInput(SavedRecommenderCommandsTest.run("train", "--model", "bpr", "--data", "synthetic",
                "--split", "given", "--epochs", "1"), "--split given", "synthetic has no split of its own");
    }
}
