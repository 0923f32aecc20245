package dev.sparsetrain.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void finishPrintsRateAndFigure() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress p = Progress.to(new PrintStream(buf, true, StandardCharsets.UTF_8), "epoch 1/2", 100, false);
        p.update(10, "loss 0.5"); // too soon after start: not printed in non-interactive mode
        p.finish(100, "loss 0.25");
        String s = buf.toString(StandardCharsets.UTF_8);
        assertEquals(1, s.lines().count(), s);
        assertTrue(s.contains("epoch 1/2") && s.contains("100%") && s.contains("loss 0.25") && s.contains("/s"), s);
    }

    @Test
    void humanRates() {
        assertEquals("12.35M", Progress.human(12_345_678));
        assertEquals("950", Progress.human(950));
        assertEquals("1.5k", Progress.human(1500));
    }
}
