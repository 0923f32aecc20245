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

    /** On a terminal, clearLine erases the drawn line so that results printed mid-run start on an empty line. */
    @Test
    void clearLineErasesTheInPlaceLineOnce() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress p = Progress.to(new PrintStream(buf, true, StandardCharsets.UTF_8), "ctr-train", 100, true);
        p.clearLine();                       // nothing drawn yet: nothing to erase
        assertEquals("", buf.toString(StandardCharsets.UTF_8));
        Thread.sleep(250);                   // past the 200 ms repaint interval
        p.update(40, "NE 0.9");
        String drawn = buf.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.startsWith("\rctr-train [") && drawn.endsWith("\u001b[K"), drawn);
        p.clearLine();
        p.clearLine();                       // once only
        assertEquals(drawn + "\r\u001b[K", buf.toString(StandardCharsets.UTF_8));
        p.close();                           // the line is gone already: no newline
        assertEquals(drawn + "\r\u001b[K", buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void humanRates() {
        assertEquals("12.35M", Progress.human(12_345_678));
        assertEquals("950", Progress.human(950));
        assertEquals("1.5k", Progress.human(1500));
    }

    /** A figure names what it shows and prints "-", never NaN, for a number not known yet (issue 13, item 6). */
    @Test
    void figureNamesWhatItShowsAndNeverPrintsNaN() {
        assertEquals("train NE (running, last 20,000 samples) 0.9123", Progress.figure("train NE (running, last 20,000 samples)", 0.91234));
        assertEquals("val NE -", Progress.figure("val NE", Double.NaN));
        assertEquals("train NE -", Progress.figure("train NE", Double.POSITIVE_INFINITY));
        assertEquals("loss 1.0000", Progress.figure("loss", 1));
    }
}
