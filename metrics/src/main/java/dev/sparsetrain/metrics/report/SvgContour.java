package dev.sparsetrain.metrics.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleBinaryOperator;

/**
 * A contour plot of a function of two variables with paths drawn over it, rendered to a standalone
 * SVG string: the contour lines come from marching squares on a grid of samples (segments joined
 * into polylines, one {@code <path>} per level, so the SVG stays small), darker for lower levels;
 * paths (an optimizer's parameters per step) get the palette of {@link SvgChart}, a hollow circle
 * at the start, a dot at the end and a legend entry; marks (a known minimum) a cross and a label.
 * Points of a path closer than about a pixel to the previous drawn one are skipped; paths are
 * clipped to the plot area, so a diverging path shows where it leaves.
 *
 * <pre>
 * String svg = new SvgContour("Rosenbrock", "x", "y")
 *         .surface((x, y) -&gt; (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x), -2, 2, -1, 3, 120)
 *         .autoLevels(12, true)
 *         .path("adam", xs, ys)
 *         .mark("minimum", 1, 1)
 *         .render();
 * </pre>
 *
 * <p>Not thread-safe (a builder); {@link #render()} does not change it.
 */
public final class SvgContour implements SvgFigure {
    private static final String[] PALETTE = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
    };

    private record Line(String name, double[] x, double[] y, boolean dashed, String color) {}

    private record Mark(String name, double x, double y) {}

    private final String title, xLabel, yLabel;
    private int width = 640, height = 470;
    private double xMin, xMax, yMin, yMax;
    private double[][] grid;              // grid[j][i] = f(xMin + i dx, yMin + j dy)
    private double[] levels;
    private int autoCount = 12;
    private boolean autoLog;
    private final List<Line> lines = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();

    public SvgContour(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public SvgContour size(int w, int h) {
        if (w < 400 || h < 200) throw new IllegalArgumentException("contour size " + w + "x" + h + ", must be at least 400x200 (the legend takes 230 px)");
        this.width = w;
        this.height = h;
        return this;
    }

    /** Samples {@code f} on a grid of {@code cells x cells} cells over the box (the plot area). */
    public SvgContour surface(DoubleBinaryOperator f, double xMin, double xMax, double yMin, double yMax, int cells) {
        if (!(xMax > xMin && yMax > yMin)) throw new IllegalArgumentException("contour box [" + xMin + ", " + xMax + "] x [" + yMin + ", " + yMax + "] is empty");
        if (cells < 2 || cells > 1000) throw new IllegalArgumentException("contour grid " + cells + " cells, must be in [2, 1000]");
        double[][] g = new double[cells + 1][cells + 1];
        for (int j = 0; j <= cells; j++) {
            double y = yMin + (yMax - yMin) * j / cells;
            for (int i = 0; i <= cells; i++) g[j][i] = f.applyAsDouble(xMin + (xMax - xMin) * i / cells, y);
        }
        this.grid = g;
        this.xMin = xMin;
        this.xMax = xMax;
        this.yMin = yMin;
        this.yMax = yMax;
        return this;
    }

    /** Contour at exactly these values. */
    public SvgContour levels(double... levels) {
        this.levels = levels.clone();
        return this;
    }

    /**
     * {@code n} levels between the grid's minimum and maximum: evenly spaced, or (log) spaced evenly
     * in log(f - min) over the 5 decades below the range, for functions whose valleys are orders of
     * magnitude below their walls.
     */
    public SvgContour autoLevels(int n, boolean log) {
        if (n < 1 || n > 100) throw new IllegalArgumentException("contour levels " + n + ", must be in [1, 100]");
        this.levels = null;
        this.autoCount = n;
        this.autoLog = log;
        return this;
    }

    /** A path over the surface (e.g. parameters per step), with a legend entry. */
    public SvgContour path(String name, double[] x, double[] y) {
        return path(name, x, y, false);
    }

    public SvgContour path(String name, double[] x, double[] y, boolean dashed) {
        return path(name, x, y, dashed, PALETTE[lines.size() % PALETTE.length]);
    }

    /** A path in a given CSS colour (e.g. several restarts of one optimizer in one colour). */
    public SvgContour path(String name, double[] x, double[] y, boolean dashed, String color) {
        if (x.length != y.length) throw new IllegalArgumentException("path '" + name + "': " + x.length + " x values but " + y.length + " y values");
        lines.add(new Line(name, x.clone(), y.clone(), dashed, color));
        return this;
    }

    /** A cross with a label at {@code (x, y)}, e.g. the global minimum. */
    public SvgContour mark(String name, double x, double y) {
        marks.add(new Mark(name, x, y));
        return this;
    }

    /** The levels drawn (explicit, or computed from the grid). */
    public double[] levels() {
        if (levels != null) return levels.clone();
        if (grid == null) return new double[0];
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] row : grid) {
            for (double v : row) {
                if (!Double.isFinite(v)) continue;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!(hi > lo)) return new double[0];
        double[] out = new double[autoCount];
        double span = hi - lo;
        for (int k = 0; k < autoCount; k++) {
            out[k] = autoLog ? lo + span * Math.pow(10, -5.0 * (autoCount - k) / autoCount) : lo + span * (k + 0.5) / autoCount;
        }
        return out;
    }

    /**
     * Marching squares: the contour of {@code level} on {@code g} (g[j][i], i along x) as polylines
     * in grid coordinates {x0, y0, x1, y1, ...} (x = fractional column i, y = fractional row j). A
     * polyline is closed when its last point equals its first. Saddle cells are resolved by the
     * mean of the four corners; cells with a non-finite corner have no segment.
     */
    static List<double[]> contourLines(double[][] g, double level) {
        int ny = g.length - 1, nx = g[0].length - 1;
        int hEdges = nx * (ny + 1), edges = hEdges + (nx + 1) * ny;
        int[] n1 = new int[edges], n2 = new int[edges];
        java.util.Arrays.fill(n1, -1);
        java.util.Arrays.fill(n2, -1);
        double[] px = new double[edges], py = new double[edges];
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                double a = g[j][i], b = g[j][i + 1], c = g[j + 1][i + 1], d = g[j + 1][i];
                if (!(Double.isFinite(a) && Double.isFinite(b) && Double.isFinite(c) && Double.isFinite(d))) continue;
                int k = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0);
                if (k == 0 || k == 15) continue;
                int bottom = j * nx + i, top = (j + 1) * nx + i, left = hEdges + j * (nx + 1) + i, right = left + 1;
                // crossing points on the edges this cell may use (the same value from both cells of an edge)
                cross(px, py, bottom, i, j, i + 1, j, a, b, level);
                cross(px, py, top, i, j + 1, i + 1, j + 1, d, c, level);
                cross(px, py, left, i, j, i, j + 1, a, d, level);
                cross(px, py, right, i + 1, j, i + 1, j + 1, b, c, level);
                boolean centre = (a + b + c + d) / 4 > level;
                switch (k) {
                    case 1, 14 -> link(n1, n2, left, bottom);
                    case 2, 13 -> link(n1, n2, bottom, right);
                    case 3, 12 -> link(n1, n2, left, right);
                    case 4, 11 -> link(n1, n2, right, top);
                    case 6, 9 -> link(n1, n2, bottom, top);
                    case 7, 8 -> link(n1, n2, left, top);
                    case 5 -> {
                        if (centre) { link(n1, n2, bottom, right); link(n1, n2, left, top); }
                        else { link(n1, n2, left, bottom); link(n1, n2, right, top); }
                    }
                    case 10 -> {
                        if (centre) { link(n1, n2, left, bottom); link(n1, n2, right, top); }
                        else { link(n1, n2, bottom, right); link(n1, n2, left, top); }
                    }
                    default -> throw new AssertionError(k);
                }
            }
        }
        List<double[]> out = new ArrayList<>();
        boolean[] done = new boolean[edges];
        // open chains start at an edge with one neighbour (the grid's border), then the closed loops
        for (int pass = 0; pass < 2; pass++) {
            for (int e = 0; e < edges; e++) {
                if (done[e] || n1[e] < 0) continue;
                if (pass == 0 && n2[e] >= 0) continue;
                out.add(trace(e, n1, n2, px, py, done));
            }
        }
        return out;
    }

    private static void cross(double[] px, double[] py, int e, int i0, int j0, int i1, int j1, double v0, double v1, double level) {
        if ((v0 > level) == (v1 > level)) return;
        double t = (level - v0) / (v1 - v0);
        px[e] = i0 + t * (i1 - i0);
        py[e] = j0 + t * (j1 - j0);
    }

    private static void link(int[] n1, int[] n2, int a, int b) {
        if (n1[a] < 0) n1[a] = b; else n2[a] = b;
        if (n1[b] < 0) n1[b] = a; else n2[b] = a;
    }

    private static double[] trace(int start, int[] n1, int[] n2, double[] px, double[] py, boolean[] done) {
        double[] pts = new double[16];
        int n = 0, prev = -1, e = start;
        while (true) {
            if (n + 2 > pts.length) pts = java.util.Arrays.copyOf(pts, pts.length * 2);
            pts[n++] = px[e];
            pts[n++] = py[e];
            done[e] = true;
            int next = n1[e] != prev ? n1[e] : n2[e];
            if (next < 0) break;
            if (next == start) { // closed loop: repeat the first point
                if (n + 2 > pts.length) pts = java.util.Arrays.copyOf(pts, pts.length + 2);
                pts[n++] = px[start];
                pts[n++] = py[start];
                break;
            }
            if (done[next]) break;
            prev = e;
            e = next;
        }
        return java.util.Arrays.copyOf(pts, n);
    }

    /** The plot area's margins; the legend is in the right one. */
    private static final int LEFT = 60, RIGHT = 230, TOP = 44, BOTTOM = 46;

    /** The distinct path names in order of first use (one legend entry each). */
    private List<String> names() {
        List<String> names = new ArrayList<>();
        for (Line l : lines) if (!names.contains(l.name)) names.add(l.name);
        return names;
    }

    private double sx(double x, int pw) {
        return clamp(LEFT + (x - xMin) / (xMax - xMin) * pw);
    }

    private double sy(double y, int ph) {
        return clamp(TOP + ph - (y - yMin) / (yMax - yMin) * ph);
    }

    /**
     * The indices of the points of {@code l} that are drawn, in order: a point where the pen goes
     * down (the first, or the first after a non-finite one) as {@code -i - 1}, a line-to as
     * {@code i}. Points closer than 0.8 px to the previous drawn one are skipped, the last never.
     */
    private int[] drawn(Line l, int pw, int ph) {
        int[] out = new int[l.x.length];
        int n = 0;
        double lx = Double.NaN, ly = Double.NaN;
        boolean pen = false;
        for (int i = 0; i < l.x.length; i++) {
            if (!Double.isFinite(l.x[i]) || !Double.isFinite(l.y[i])) { pen = false; continue; }
            double sx = sx(l.x[i], pw), sy = sy(l.y[i], ph);
            boolean last = i == l.x.length - 1;
            if (pen && !last && Math.hypot(sx - lx, sy - ly) < 0.8) continue;
            out[n++] = pen ? i : -i - 1;
            pen = true;
            lx = sx;
            ly = sy;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * The drawn points of every path as JSON for the hover in {@link HtmlReport}: per path its
     * name, legend index, colour and flat {@code [svgX, svgY, step, x, y, ...]} (step is the index
     * into the path's arrays), in the SVG's own coordinates.
     */
    String interactiveJson() {
        int pw = width - LEFT - RIGHT, ph = height - TOP - BOTTOM;
        List<String> names = names();
        StringBuilder j = new StringBuilder(4096).append("{\"kind\":\"contour\",\"xLabel\":").append(Json.str(xLabel))
                .append(",\"yLabel\":").append(Json.str(yLabel)).append(",\"paths\":[");
        for (int p = 0; p < lines.size(); p++) {
            Line l = lines.get(p);
            j.append(p > 0 ? "," : "").append("{\"name\":").append(Json.str(l.name)).append(",\"n\":").append(names.indexOf(l.name))
                    .append(",\"color\":").append(Json.str(l.color)).append(",\"pts\":[");
            int[] drawn = drawn(l, pw, ph);
            for (int k = 0; k < drawn.length; k++) {
                int i = drawn[k] >= 0 ? drawn[k] : -drawn[k] - 1;
                j.append(k > 0 ? "," : "").append(f1(sx(l.x[i], pw))).append(',').append(f1(sy(l.y[i], ph))).append(',').append(i)
                        .append(',').append(Json.num(l.x[i])).append(',').append(Json.num(l.y[i]));
            }
            j.append("]}");
        }
        return j.append("]}").toString();
    }

    @Override
    public String render() {
        int left = LEFT, right = RIGHT, top = TOP, bottom = BOTTOM;   // the legend in the right margin
        int pw = width - left - right, ph = height - top - bottom;
        StringBuilder sb = new StringBuilder(16384);
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>%n", left, SvgChart.esc(title)));
        String clip = "c" + Integer.toHexString(System.identityHashCode(this)) + Integer.toHexString(lines.size());
        sb.append(String.format(Locale.ROOT, "<defs><clipPath id=\"%s\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></clipPath></defs>%n",
                clip, left, top, pw, ph));
        if (grid != null) {
            double[] lv = levels();
            int ny = grid.length - 1, nx = grid[0].length - 1;
            if (lv.length > 0) {
                sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"34\" fill=\"#555\">contours at %d levels, %s .. %s%s; darker is lower</text>%n", left, lv.length,
                        SvgChart.esc(num(lv[0])), SvgChart.esc(num(lv[lv.length - 1])), levels == null && autoLog ? " (log spaced)" : ""));
            }
            sb.append(String.format(Locale.ROOT, "<g clip-path=\"url(#%s)\" fill=\"none\" stroke-width=\"0.8\">%n", clip));
            for (int k = 0; k < lv.length; k++) {
                StringBuilder d = new StringBuilder();
                for (double[] pl : contourLines(grid, lv[k])) {
                    // absolute start, then relative moves in tenths of a pixel (short numbers, no drift)
                    long lx = 0, ly = 0;
                    for (int p = 0; p < pl.length; p += 2) {
                        long sx = Math.round((left + pl[p] / nx * pw) * 10), sy = Math.round((top + ph - pl[p + 1] / ny * ph) * 10);
                        if (p == 0) {
                            d.append('M').append(tenths(sx)).append(' ').append(tenths(sy)).append('l');
                        } else {
                            // points closer than 2.5 px to the last drawn one add bytes, not shape
                            if (p < pl.length - 2 && Math.hypot(sx - lx, sy - ly) < 25) continue;
                            String dx = tenths(sx - lx), dy = tenths(sy - ly);
                            if (d.charAt(d.length() - 1) != 'l' && !dx.startsWith("-")) d.append(' ');
                            d.append(dx);
                            if (!dy.startsWith("-")) d.append(' ');
                            d.append(dy);
                        }
                        lx = sx;
                        ly = sy;
                    }
                    if (d.charAt(d.length() - 1) == 'l') d.setLength(d.length() - 1);
                }
                if (d.isEmpty()) continue;
                double shade = lv.length == 1 ? 0.5 : (double) k / (lv.length - 1);
                sb.append("<path stroke=\"").append(ramp(shade)).append("\" d=\"").append(d).append("\"/>\n");
            }
            sb.append("</g>\n");
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n", left, top, pw, ph));
        for (double t : ticks(xMin, xMax)) {
            double sx = left + (t - xMin) / (xMax - xMin) * pw;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    sx, top + ph, sx, top + ph + 4, sx, top + ph + 16, SvgChart.esc(num(t))));
        }
        for (double t : ticks(yMin, yMax)) {
            double sy = top + ph - (t - yMin) / (yMax - yMin) * ph;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#444\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    left - 4, sy, left, sy, left - 6, sy + 4, SvgChart.esc(num(t))));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", left + pw / 2, height - 10, SvgChart.esc(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
                top + ph / 2, top + ph / 2, SvgChart.esc(yLabel)));
        sb.append(String.format(Locale.ROOT, "<g clip-path=\"url(#%s)\">%n", clip));
        List<String> names = names();
        for (Line l : lines) {
            StringBuilder d = new StringBuilder();
            int[] drawn = drawn(l, pw, ph);
            double lx = Double.NaN, ly = Double.NaN;
            for (int k = 0; k < drawn.length; k++) {
                int i = drawn[k] >= 0 ? drawn[k] : -drawn[k] - 1;
                lx = sx(l.x[i], pw);
                ly = sy(l.y[i], ph);
                d.append(drawn[k] >= 0 ? "L" : "M").append(f1(lx)).append(' ').append(f1(ly));
            }
            if (d.isEmpty()) continue;
            String cls = "st-n" + names.indexOf(l.name);
            sb.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" stroke-opacity=\"0.9\"%s class=\"%s\"/>%n",
                    d, l.color, l.dashed ? " stroke-dasharray=\"5,3\"" : "", cls));
            int first = 0;
            while (first < l.x.length && !(Double.isFinite(l.x[first]) && Double.isFinite(l.y[first]))) first++;
            sb.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"3.5\" fill=\"white\" stroke=\"%s\" stroke-width=\"1.5\" class=\"%s\"/>%n",
                    f1(sx(l.x[first], pw)), f1(sy(l.y[first], ph)), l.color, cls));
            sb.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\" class=\"%s\"/>%n", f1(lx), f1(ly), l.color, cls));
        }
        List<double[]> placed = new ArrayList<>();
        for (Mark m : marks) {
            double sx = left + (m.x - xMin) / (xMax - xMin) * pw, sy = top + ph - (m.y - yMin) / (yMax - yMin) * ph;
            double labelY = sy - 6;
            for (double[] q : placed) if (Math.abs(q[0] - sx) < 40 && Math.abs(q[1] - labelY) < 12) labelY = q[1] + 13; // no label over another
            placed.add(new double[] {sx, labelY});
            sb.append(String.format(Locale.ROOT, "<path d=\"M%s %sL%s %sM%s %sL%s %s\" stroke=\"black\" stroke-width=\"2\"/><text x=\"%s\" y=\"%s\">%s</text>%n",
                    f1(sx - 5), f1(sy - 5), f1(sx + 5), f1(sy + 5), f1(sx - 5), f1(sy + 5), f1(sx + 5), f1(sy - 5), f1(sx + 7), f1(labelY), SvgChart.esc(m.name)));
        }
        sb.append("</g>\n");
        // legend: one entry per distinct name (restarts drawn in one colour share an entry)
        // (a group per entry, so the page's script can toggle a name's paths by clicking it)
        List<String> seen = new ArrayList<>();
        int row = 0;
        for (Line l : lines) {
            if (seen.contains(l.name)) continue;
            seen.add(l.name);
            int ly = top + 12 + row++ * 16;
            sb.append(String.format(Locale.ROOT, "<g class=\"st-leg\" data-n=\"%d\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"15\" fill=\"white\" fill-opacity=\"0\"/>"
                            + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/><text x=\"%d\" y=\"%d\">%s</text></g>%n",
                    seen.size() - 1, left + pw + 6, ly - 11, right - 10,
                    left + pw + 8, ly - 4, left + pw + 26, ly - 4, l.color, l.dashed ? " stroke-dasharray=\"5,3\"" : "", left + pw + 30, ly, SvgChart.esc(l.name)));
        }
        if (!lines.isEmpty()) {
            int ly = top + 12 + row * 16 + 6;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">o start, \u25CF end</text>%n", left + pw + 8, ly));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** Renders and writes the plot atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, render());
    }

    /** Light blue (high) to dark blue (low): {@code shade} 0 is the lowest level. */
    private static String ramp(double shade) {
        int r = (int) Math.round(8 + (198 - 8) * shade), g = (int) Math.round(48 + (219 - 48) * shade), b = (int) Math.round(107 + (239 - 107) * shade);
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    /** Keeps far-away points (a diverged path) to finite, short coordinates; the clip path hides them. */
    private static double clamp(double v) {
        return Math.max(-5000, Math.min(5000, v));
    }

    /** A value in tenths as a decimal: 123 -> "12.3", -5 -> "-.5", 40 -> "4". */
    private static String tenths(long t) {
        long a = Math.abs(t);
        String s = (a / 10) + (a % 10 == 0 ? "" : "." + (a % 10));
        if (s.startsWith("0.")) s = s.substring(1);
        return t < 0 ? "-" + s : s;
    }

    private static String f1(double v) {
        double r = Math.rint(v * 10) / 10;
        return r == Math.rint(r) ? String.valueOf((long) r) : String.valueOf(r);
    }

    private static List<Double> ticks(double min, double max) {
        List<Double> out = new ArrayList<>();
        double raw = (max - min) / 5, mag = Math.pow(10, Math.floor(Math.log10(raw))), norm = raw / mag;
        double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
        for (double t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        return out;
    }

    private static String num(double t) {
        double a = Math.abs(t);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) return String.format(Locale.ROOT, "%.1e", t);
        String s = String.format(Locale.ROOT, "%.4g", t);
        if (s.contains(".") && !s.contains("e")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }
}
