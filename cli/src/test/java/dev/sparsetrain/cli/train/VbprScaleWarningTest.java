package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that read VBPR item features warn, like ctr-train for dense click columns, in one
 * line per feature column that reaches the model spanning orders of magnitude without a transform.
 */
class VbprScaleWarningTest {
    @TempDir Path dir;

    private String stderrOf(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            VbprCommandsTest.Run r = VbprCommandsTest.run(args);
            assertEquals(0, r.code(), r.err());
            return captured.toString();
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void rawWideFeaturesWarnOnceAndTheDefaultTransformDoesNot() throws Exception {
        Path d = Files.createDirectories(dir.resolve("data"));
        Files.writeString(d.resolve("train.tsv"), "0\t0\n0\t1\n1\t1\n1\t2\n2\t0\n");
        Files.writeString(d.resolve("val.tsv"), "0\t2\n");
        Files.writeString(d.resolve("test.tsv"), "1\t3\n2\t3\n");
        Path feats = d.resolve("f.bin");
        // 4 items x 2 dims: dim 0 spans 1..5000 around a median of 3, dim 1 is of unit scale
        Files.write(feats, VbprCommandsTest.f32(1, 0.1f, 2, 0.2f, 3, 0.3f, 5000, 0.4f));
        String none = stderrOf("train", "--model", "vbpr", "--data", d.toString(), "--features", feats.toString(), "--epochs", "1",
                "--threads", "1", "--feature-preprocessing", "none", "--quiet");
        long lines = none.lines().filter(l -> l.contains("spans")).count();
        assertEquals(1, lines, none);
        assertTrue(none.contains("f.bin: feature column f0 spans 1..5000") && none.contains("--feature-preprocessing"), none);
        String byDefault = stderrOf("train", "--model", "vbpr", "--data", d.toString(), "--features", feats.toString(), "--epochs", "1",
                "--threads", "1", "--quiet");
        assertTrue(!byDefault.contains("spans"), "l2-row, the default, bounds every value: " + byDefault);
    }
}
