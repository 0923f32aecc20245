package dev.sparsetrain.metrics.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    @Test
    void chartDrawsEverySeriesAndSkipsNonFinitePoints() {
        String svg = new SvgChart("loss vs lr", "learning rate", "loss").logX(true)
                .series("factors", new double[] {1e-4, 1e-3, 1e-2, 1e-1}, new double[] {0.69, 0.6, 0.4, Double.NaN})
                .series("bias", new double[] {1e-4, 1e-3}, new double[] {0.7, 0.65})
                .markX(1e-3)
                .render();
        assertTrue(svg.startsWith("<svg"));
        assertEquals(2, svg.split("<path ").length - 1, "one path per series");
        assertTrue(svg.contains(">factors<") && svg.contains(">bias<"));
        assertTrue(svg.contains("1e-3"), "log ticks labelled by decade");
        assertFalse(svg.contains("NaN"));
    }

    @Test
    void reportIsSelfContainedAndEscaped(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.html");
        new HtmlReport("a <b> test").table(List.of("model", "AUC"), List.of(List.of("bpr", 0.93456)))
                .chart(new SvgChart("c", "x", "y").series("s", new double[] {1, 2, 3}))
                .write(f);
        String html = Files.readString(f);
        assertTrue(html.contains("a &lt;b&gt; test"));
        assertTrue(html.contains("0.9346"));
        assertFalse(html.contains("src=\"http"), "no external resources");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void csvQuotesAndFormats() {
        String csv = new Csv("name", "value").row("a,b", 0.5).row("c", 1e-7).render();
        assertEquals("name,value\n\"a,b\",0.5\nc,1e-07\n", csv);
        assertThrows(IllegalArgumentException.class, () -> new Csv("a").row(1, 2));
    }

    @Test
    void seriesBeyondThePaletteAreDashedSoNoTwoLookAlike() {
        SvgChart c = new SvgChart("many", "x", "y");
        for (int k = 0; k < 11; k++) c.series("s" + k, new double[] {1, 2}, new double[] {k, k + 1});
        String svg = c.render();
        // the 11th series repeats the first colour, so it (path and legend line) is dashed
        assertEquals(2, svg.split("stroke-dasharray=\"5,3\"").length - 1, svg);
    }

    @Test
    void reportsAreReadableByOthers(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.html");
        new HtmlReport("t").write(f);
        if (Files.getFileStore(f).supportsFileAttributeView("posix")) {
            assertTrue(Files.getPosixFilePermissions(f).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
                    "report files are 0644, not owner-only");
        }
    }

    @Test
    void logAxisIsSaidOnce() {
        String svg = new SvgChart("t", "learning rate (log)", "loss").logX(true)
                .series("a", new double[] {1e-3, 1e-1}, new double[] {1, 2}).render();
        assertFalse(svg.contains("(log) (log)"), svg);
        assertTrue(new SvgChart("t", "lr", "loss").logX(true).series("a", new double[] {1e-3, 1e-1}, new double[] {1, 2})
                .render().contains("lr (log)"));
    }
}
