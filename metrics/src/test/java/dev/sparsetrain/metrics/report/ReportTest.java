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

    @Test
    void markOnSeriesSitsOnTheCurve() {
        // log x: 1e-3 -> 0.6 and 1e-1 -> 0.4, so 1e-2 (half way in log x) is 0.5
        SvgChart c = new SvgChart("lr-find", "learning rate", "loss").logX(true)
                .series("factors", new double[] {1e-3, 1e-1}, new double[] {0.6, 0.4})
                .markOnSeries("factors", 1e-2, "suggested 1e-2")
                .markOnSeries("factors", 1e-5, "below");
        assertEquals(0.5, c.curveY(0, 1e-2), 1e-12);
        assertEquals(0.6, c.curveY(0, 1e-3), 1e-12, "at a point: its value");
        assertTrue(Double.isNaN(c.curveY(0, 1e-5)), "outside the series: no y");
        String svg = c.render();
        assertTrue(svg.contains(">suggested 1e-2</text>") && svg.contains(">below</text>"), svg);
        assertTrue(svg.contains("1e-5"), "the x axis widened to show the mark below the sweep");
        String json = c.interactiveJson();
        assertTrue(json.contains("{\"series\":0,\"x\":0.01,\"y\":0.5,\"label\":\"suggested 1e-2\"}"), json);
        assertTrue(json.contains("{\"series\":0,\"x\":1.0E-5,\"y\":null,\"label\":\"below\"}"), json);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.markOnSeries("bias", 1e-2, "x"));
        assertTrue(e.getMessage().contains("no series named 'bias'") && e.getMessage().contains("[factors]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.markOnSeries("factors", Double.NaN, "x"));
    }

    @Test
    void aGapInTheSeriesIsNotBridgedByAMark() {
        SvgChart c = new SvgChart("t", "x", "y").series("s", new double[] {1, 2, 3, 4}, new double[] {1, Double.NaN, 3, 4});
        assertTrue(Double.isNaN(c.curveY(0, 1.5)), "no segment over a NaN");
        assertEquals(3.5, c.curveY(0, 3.5), 1e-12);
    }

    @Test
    void chartDataIsEmbeddedOnceWithTheScriptsAndCannotEndItsScriptElement() {
        SvgChart a = new SvgChart("a", "epoch", "loss").series("evil </script><b>", new double[] {1, Double.NaN, 3});
        String html = new HtmlReport("t").charts(List.of(a, new SvgChart("b", "x", "y").series("s", new double[] {1, 2})))
                .chart(new SvgContour("c", "x", "y").surface((x, y) -> x * x + y * y, -1, 1, -1, 1, 10).path("p", new double[] {0, 1}, new double[] {0, 1}))
                .render();
        assertEquals(1, html.split("https://github.com/leeoniya/uPlot \\(v1.6.32\\)", -1).length - 1, "uPlot inlined once");
        assertEquals(3, html.split("class=\"st-fig\"", -1).length - 1, "one JSON block per chart");
        assertEquals(3, html.split("class=\"st-static\"", -1).length - 1, "each with its static SVG");
        assertFalse(html.contains("evil </script>"), "the name is escaped in the JSON and the SVG");
        assertTrue(html.contains("\"evil \\u003c/script\\u003e\\u003cb\\u003e\""), "JSON escapes < and >");
        assertTrue(html.contains("\"y\":[1,null,3]"), "NaN is null in the JSON");
        assertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "no external resources");
    }

    @Test
    void aPageWithoutChartsCarriesNoScript() {
        String html = new HtmlReport("t").paragraph("p").table(List.of("a"), List.of(List.of(1))).render();
        assertFalse(html.contains("<script"), "no uPlot on a page without charts");
        assertTrue(html.contains("name=\"viewport\""), "the page scales on a phone");
    }

    @Test
    void numericColumnsAreRightAlignedAndWideTablesScroll() {
        String html = new HtmlReport("t").table(List.of("name", "AUC", "lr", "range"), List.of(
                List.of("bpr", 0.91, "1.2e-3", "1..5"),
                List.of("vbpr", 0.93, "", "6..9"))).render();
        assertTrue(html.contains("<div class=\"table-wrap\"><table>"), "a scrolling box");
        assertTrue(html.contains("<th>name</th><th class=\"n\">AUC</th><th class=\"n\">lr</th><th>range</th>"), html);
        assertTrue(html.contains("<td>bpr</td><td class=\"n\">0.9100</td><td class=\"n\">1.2e-3</td><td>1..5</td>"), html);
        assertTrue(html.contains(".table-wrap{max-width:100%;overflow-x:auto"), "the box scrolls sideways");
    }
}
