package dev.sparsetrain.metrics.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SvgContourTest {
    /** x^2 + y^2 sampled on [-2, 2]^2 with 40 cells: grid column i is x = -2 + i/10. */
    private static double[][] bowl(int cells) {
        double[][] g = new double[cells + 1][cells + 1];
        for (int j = 0; j <= cells; j++) {
            for (int i = 0; i <= cells; i++) {
                double x = -2 + 4.0 * i / cells, y = -2 + 4.0 * j / cells;
                g[j][i] = x * x + y * y;
            }
        }
        return g;
    }

    @Test
    void contourOfABowlIsOneClosedCircle() {
        int cells = 40;
        List<double[]> lines = SvgContour.contourLines(bowl(cells), 1.0);
        assertEquals(1, lines.size(), "one connected contour");
        double[] pl = lines.getFirst();
        assertEquals(pl[0], pl[pl.length - 2], 1e-12, "closed");
        assertEquals(pl[1], pl[pl.length - 1], 1e-12, "closed");
        assertTrue(pl.length / 2 > 40, "a circle of radius 10 cells crosses many edges: " + pl.length / 2);
        for (int p = 0; p < pl.length; p += 2) {
            double x = -2 + 4 * pl[p] / cells, y = -2 + 4 * pl[p + 1] / cells;
            // linear interpolation of x^2 on an edge of length 0.1 is off by at most 0.1^2/4 in value
            assertEquals(1.0, Math.hypot(x, y), 0.01, "point on the unit circle");
        }
    }

    @Test
    void contourLeavingTheGridIsOneOpenChainAndTwoWellsAreTwoLoops() {
        int cells = 40;
        // radius 2.5 around the centre: the circle leaves the box [-2, 2]^2 at its corners, four open arcs
        List<double[]> arcs = SvgContour.contourLines(bowl(cells), 6.25 - 1e-9);
        assertEquals(4, arcs.size());
        for (double[] a : arcs) assertFalse(a[0] == a[a.length - 2] && a[1] == a[a.length - 1], "open");
        // two separate wells: (x^2 - 1)^2 + y^2 below 0.25 around x = -1 and x = +1
        double[][] g = new double[cells + 1][cells + 1];
        for (int j = 0; j <= cells; j++) {
            for (int i = 0; i <= cells; i++) {
                double x = -2 + 4.0 * i / cells, y = -2 + 4.0 * j / cells;
                g[j][i] = (x * x - 1) * (x * x - 1) + y * y;
            }
        }
        assertEquals(2, SvgContour.contourLines(g, 0.25).size());
        assertEquals(0, SvgContour.contourLines(g, -1).size(), "a level below the whole surface has no line");
    }

    @Test
    void rendersLevelsPathsMarksAndALegend() {
        double[] px = {-1.5, -1.0, -0.5, 0.0, Double.NaN, 0.2, 1e12};
        double[] py = {1.5, 1.0, 0.5, 0.0, Double.NaN, 0.1, 1e12};
        String svg = new SvgContour("bowl <test>", "x", "y")
                .surface((x, y) -> x * x + y * y, -2, 2, -2, 2, 60)
                .autoLevels(8, false)
                .path("sgd", px, py)
                .path("adam", new double[] {1, 0.5}, new double[] {-1, -0.5}, true)
                .path("adam", new double[] {-1, -0.5}, new double[] {-1, -0.5}, true, "#d62728")
                .mark("minimum", 0, 0)
                .render();
        assertTrue(svg.startsWith("<svg") && svg.endsWith("</svg>\n"));
        assertTrue(svg.contains("bowl &lt;test&gt;"), "escaped title");
        assertEquals(1, count(svg, ">sgd<"));
        assertEquals(1, count(svg, ">adam<"), "one legend entry per name");
        assertTrue(svg.contains(">minimum<"));
        assertTrue(svg.contains("clip-path"), "paths are clipped to the plot area");
        assertFalse(svg.contains("NaN") || svg.contains("Infinity") || svg.contains("E1"), "no non-finite or huge coordinates");
        // 8 contour paths, 3 optimizer paths, 1 cross for the mark
        assertEquals(8 + 3 + 1, count(svg, "<path "));
        assertTrue(svg.length() < 40_000, "small: " + svg.length());
        // auto levels: evenly spaced between the grid's min 0 and max 8
        double[] lv = new SvgContour("t", "x", "y").surface((x, y) -> x * x + y * y, -2, 2, -2, 2, 60).autoLevels(4, false).levels();
        assertEquals(1.0, lv[0], 1e-9);
        assertEquals(7.0, lv[3], 1e-9);
        double[] log = new SvgContour("t", "x", "y").surface((x, y) -> x * x + y * y, -2, 2, -2, 2, 60).autoLevels(5, true).levels();
        assertEquals(8e-5, log[0], 1e-12, "log levels: 5 decades below the range");
        assertEquals(0.8, log[4], 1e-12);
    }

    @Test
    void pathCoordinatesMapTheBoxToThePlotArea() {
        // a path from corner (xMin, yMin) to corner (xMax, yMax) runs from the plot's bottom-left to its top-right
        String svg = new SvgContour("t", "x", "y").size(400, 300).surface((x, y) -> x, 0, 10, 0, 5, 10).levels(5)
                .path("p", new double[] {0, 10}, new double[] {0, 5}).render();
        Matcher m = Pattern.compile("<path d=\"M([0-9.]+) ([0-9.]+)L([0-9.]+) ([0-9.]+)\" fill=\"none\"").matcher(svg);
        assertTrue(m.find(), svg);
        // left 60, right 230, top 44, bottom 46: plot area x 60..170, y 44..254
        assertEquals(60, Double.parseDouble(m.group(1)), 1e-9);
        assertEquals(254, Double.parseDouble(m.group(2)), 1e-9);
        assertEquals(170, Double.parseDouble(m.group(3)), 1e-9);
        assertEquals(44, Double.parseDouble(m.group(4)), 1e-9);
    }

    @Test
    void renderedContourLiesOnTheLevelSet() {
        // the drawn path (absolute move, then relative steps) maps back onto the unit circle
        String svg = new SvgContour("t", "x", "y").size(400, 300).surface((x, y) -> x * x + y * y, -2, 2, -2, 2, 80).levels(1.0).render();
        Matcher m = Pattern.compile("<path stroke=\"#[0-9a-f]{6}\" d=\"M([^l]+)l([^\"]+)\"").matcher(svg);
        assertTrue(m.find(), svg);
        String[] start = m.group(1).trim().split(" ");
        double sx = Double.parseDouble(start[0]), sy = Double.parseDouble(start[1]);
        Matcher num = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)").matcher(m.group(2));
        List<Double> v = new java.util.ArrayList<>();
        while (num.find()) v.add(Double.parseDouble(num.group()));
        assertEquals(0, v.size() % 2);
        assertTrue(v.size() / 2 > 20, "enough points for a circle: " + v.size() / 2);
        // plot area: x 60..170 (110 px for 4 units), y 44..254 (210 px for 4 units)
        double maxErr = 0;
        for (int i = -2; i < v.size(); i += 2) {
            if (i >= 0) {
                sx += v.get(i);
                sy += v.get(i + 1);
            }
            double x = -2 + (sx - 60) / 110 * 4, y = -2 + (254 - sy) / 210 * 4;
            maxErr = Math.max(maxErr, Math.abs(Math.hypot(x, y) - 1));
        }
        assertTrue(maxErr < 0.01, "max distance from the circle " + maxErr);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SvgContour("t", "x", "y").surface((x, y) -> 0, 1, 1, 0, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new SvgContour("t", "x", "y").path("p", new double[2], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> new SvgContour("t", "x", "y").autoLevels(0, true));
    }

    private static int count(String s, String what) {
        return s.split(Pattern.quote(what), -1).length - 1;
    }
}
