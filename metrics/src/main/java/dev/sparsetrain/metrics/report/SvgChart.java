package dev.sparsetrain.metrics.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart rendered to a standalone SVG string: several named series of (x, y) points, linear
 * or log10 axes, ticks, axis titles and a legend. Non-finite points are skipped (a diverging
 * learning-rate sweep ends in NaN losses), so a series may show as several segments. Marks:
 * {@link #markX} a dotted vertical line across the plot (a best epoch), {@link #markOnSeries} a
 * labelled dot on one series' curve (the learning rate lr-find suggests for a group).
 *
 * <p>In an {@link HtmlReport} the same chart is also drawn with uPlot (hover values, drag to zoom,
 * legend toggling), from the JSON of {@link #interactiveJson()}; this SVG stays in the page as the
 * fallback for a viewer without JavaScript.
 *
 * <pre>
 * String svg = new SvgChart("loss vs learning rate", "learning rate", "loss")
 *         .logX(true)
 *         .series("factors", lrs, losses)
 *         .markOnSeries("factors", 3e-3, "suggested 3e-3")
 *         .render();
 * </pre>
 *
 * <p>Not thread-safe (a builder); {@link #render()} does not change it.
 */
public final class SvgChart implements SvgFigure {
    private static final String[] PALETTE = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
    };

    private record Series(String name, double[] x, double[] y, boolean dashed) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean logX;
    private boolean logY;
    private int width = 640;
    private int height = 360;
    private final List<double[]> markers = new ArrayList<>();
    private final List<PointMark> pointMarks = new ArrayList<>();

    /** A labelled dot on series {@code series} at {@code x}. */
    private record PointMark(int series, double x, String label) {}

    public SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public SvgChart logX(boolean on) { this.logX = on; return this; }
    public SvgChart logY(boolean on) { this.logY = on; return this; }

    public SvgChart size(int w, int h) {
        if (w < 200 || h < 120) throw new IllegalArgumentException("chart size " + w + "x" + h + ", must be at least 200x120");
        this.width = w;
        this.height = h;
        return this;
    }

    /** Adds a series; {@code x} and {@code y} must have the same length. */
    public SvgChart series(String name, double[] x, double[] y) {
        return series(name, x, y, false);
    }

    public SvgChart series(String name, double[] x, double[] y, boolean dashed) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length + " y values");
        }
        series.add(new Series(name, x.clone(), y.clone(), dashed));
        return this;
    }

    /** Adds a series whose x values are 1, 2, ..., n (epochs, steps). */
    public SvgChart series(String name, double[] y) {
        double[] x = new double[y.length];
        for (int i = 0; i < y.length; i++) x[i] = i + 1;
        return series(name, x, y);
    }

    /** A vertical marker line at {@code x} (e.g. a suggested learning rate). */
    public SvgChart markX(double x) {
        markers.add(new double[] {x});
        return this;
    }

    /**
     * A labelled dot on the curve of the series named {@code seriesName} at {@code x}, e.g. the
     * learning rate lr-find suggests for a group: its y is interpolated linearly (on the chart's
     * axes, so log-linearly on a log axis) between the series' neighbouring points. The x axis is
     * widened to show {@code x}; where the series has no segment over {@code x} (outside its range,
     * or in a gap) the mark is a dashed vertical line in the series' colour instead.
     *
     * @throws IllegalArgumentException when no series has that name (add the series first) or
     *     {@code x} is not finite
     */
    public SvgChart markOnSeries(String seriesName, double x, String label) {
        if (!Double.isFinite(x)) throw new IllegalArgumentException("mark '" + label + "' on series '" + seriesName + "': x=" + x + ", must be finite");
        for (int k = 0; k < series.size(); k++) {
            if (series.get(k).name.equals(seriesName)) {
                pointMarks.add(new PointMark(k, x, label == null ? "" : label));
                return this;
            }
        }
        List<String> names = new ArrayList<>();
        for (Series s : series) names.add(s.name);
        throw new IllegalArgumentException("mark '" + label + "': no series named '" + seriesName + "' (series so far: " + names + "); add the series first");
    }

    /**
     * The y of series {@code k} at {@code x}, interpolated in axis coordinates between two adjacent
     * usable points whose x values bracket {@code x}; NaN where the series has no segment there.
     */
    double curveY(int k, double x) {
        Series s = series.get(k);
        if (logX && !(x > 0)) return Double.NaN;
        double t = tx(x);
        for (int i = 0; i < s.x.length; i++) {
            if (!usable(s.x[i], s.y[i])) continue;
            if (s.x[i] == x) return s.y[i];
            if (i + 1 < s.x.length && usable(s.x[i + 1], s.y[i + 1])) {
                double a = tx(s.x[i]), b = tx(s.x[i + 1]);
                if ((a - t) * (b - t) < 0) {
                    double v = ty(s.y[i]) + (ty(s.y[i + 1]) - ty(s.y[i])) * (t - a) / (b - a);
                    return logY ? Math.pow(10, v) : v;
                }
            }
        }
        return Double.NaN;
    }

    private static String color(int k) {
        return PALETTE[k % PALETTE.length];
    }

    /** A series past the palette repeats a colour, so it (and every explicitly dashed one) is dashed. */
    private boolean dashed(int k) {
        return series.get(k).dashed || (k / PALETTE.length) % 2 == 1;
    }

    /**
     * The chart as JSON for the uPlot drawing in {@link HtmlReport}: title, axis titles and
     * scales, the size, each series' name, colour, dash and raw points (non-finite values as
     * null), and the marks (a point mark's y is null when it is off the curve).
     */
    String interactiveJson() {
        StringBuilder j = new StringBuilder(1024);
        j.append("{\"kind\":\"line\",\"title\":").append(Json.str(title))
                .append(",\"xLabel\":").append(Json.str(axisLabel(xLabel, logX)))
                .append(",\"yLabel\":").append(Json.str(axisLabel(yLabel, logY)))
                .append(",\"logX\":").append(logX).append(",\"logY\":").append(logY)
                .append(",\"width\":").append(width).append(",\"height\":").append(height)
                .append(",\"series\":[");
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            if (k > 0) j.append(',');
            j.append("{\"name\":").append(Json.str(s.name)).append(",\"color\":").append(Json.str(color(k)))
                    .append(",\"dash\":").append(dashed(k)).append(",\"x\":").append(Json.nums(s.x))
                    .append(",\"y\":").append(Json.nums(s.y)).append('}');
        }
        j.append("],\"marksX\":[");
        for (int m = 0; m < markers.size(); m++) j.append(m > 0 ? "," : "").append(Json.num(markers.get(m)[0]));
        j.append("],\"points\":[");
        for (int m = 0; m < pointMarks.size(); m++) {
            PointMark p = pointMarks.get(m);
            j.append(m > 0 ? "," : "").append("{\"series\":").append(p.series).append(",\"x\":").append(Json.num(p.x))
                    .append(",\"y\":").append(Json.num(curveY(p.series, p.x))).append(",\"label\":").append(Json.str(p.label)).append('}');
        }
        return j.append("]}").toString();
    }

    private double tx(double v) { return logX ? Math.log10(v) : v; }
    private double ty(double v) { return logY ? Math.log10(v) : v; }

    private boolean usable(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
    }

    @Override
    public String render() {
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (!usable(s.x[i], s.y[i])) continue;
                minX = Math.min(minX, tx(s.x[i]));
                maxX = Math.max(maxX, tx(s.x[i]));
                minY = Math.min(minY, ty(s.y[i]));
                maxY = Math.max(maxY, ty(s.y[i]));
            }
        }
        for (PointMark p : pointMarks) {
            if (logX && !(p.x > 0)) continue;
            minX = Math.min(minX, tx(p.x));
            maxX = Math.max(maxX, tx(p.x));
        }
        if (minY > maxY) { minY = 0; maxY = 1; }
        if (minX > maxX) { minX = 0; maxX = 1; minY = 0; maxY = 1; }
        if (minX == maxX) { minX -= 0.5; maxX += 0.5; }
        if (minY == maxY) { minY -= 0.5; maxY += 0.5; }
        double padY = (maxY - minY) * 0.05;
        minY -= padY;
        maxY += padY;

        int left = 64, right = 150, top = 34, bottom = 46;
        int pw = width - left - right, ph = height - top - bottom;
        StringBuilder sb = new StringBuilder(4096);
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>%n",
                left, esc(title)));
        sb.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n", left, top, pw, ph));
        // ticks
        for (double t : ticks(minX, maxX, logX)) {
            double px = left + (t - minX) / (maxX - minX) * pw;
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    px, top, px, top + ph, px, top + ph + 14, esc(label(t, logX))));
        }
        for (double t : ticks(minY, maxY, logY)) {
            double py = top + ph - (t - minY) / (maxY - minY) * ph;
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    left, py, left + pw, py, left - 4, py + 4, esc(label(t, logY))));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                left + pw / 2, height - 8, esc(axisLabel(xLabel, logX))));
        sb.append(String.format(Locale.ROOT,
                "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
                top + ph / 2, top + ph / 2, esc(axisLabel(yLabel, logY))));
        for (double[] m : markers) {
            if (logX && m[0] <= 0) continue;
            double px = left + (tx(m[0]) - minX) / (maxX - minX) * pw;
            if (px < left || px > left + pw) continue;
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-dasharray=\"2,3\"/>%n",
                    px, top, px, top + ph));
        }
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String color = color(k);
            // past the palette, colours repeat: tell the repeats apart by a dash pattern
            boolean dashed = dashed(k);
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            int points = 0;
            for (int i = 0; i < s.x.length; i++) {
                if (!usable(s.x[i], s.y[i])) { pen = false; continue; }
                double px = left + (tx(s.x[i]) - minX) / (maxX - minX) * pw;
                double py = top + ph - (ty(s.y[i]) - minY) / (maxY - minY) * ph;
                path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f", px, py));
                pen = true;
                points++;
            }
            if (points > 0) {
                sb.append(String.format(Locale.ROOT,
                        "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s/>%n",
                        path.toString().trim(), color, dashed ? " stroke-dasharray=\"5,3\"" : ""));
                if (points == 1) { // a lone point would be invisible as a path
                    String[] p = path.toString().trim().substring(1).trim().split(" ");
                    sb.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"%s\"/>%n", p[0], p[1], color));
                }
            }
            int ly = top + 12 + k * 16;
            sb.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>%n",
                    left + pw + 8, ly - 4, left + pw + 26, ly - 4, color, dashed ? " stroke-dasharray=\"5,3\"" : "",
                    left + pw + 30, ly, esc(s.name)));
        }
        List<double[]> placed = new ArrayList<>();   // label boxes {x, baseline y, width}: no label over another
        for (PointMark p : pointMarks) {
            if (logX && !(p.x > 0)) continue;
            double px = left + (tx(p.x) - minX) / (maxX - minX) * pw;
            double y = curveY(p.series, p.x);
            String color = color(p.series);
            if (Double.isFinite(y)) {
                double py = top + ph - (ty(y) - minY) / (maxY - minY) * ph;
                sb.append(String.format(Locale.ROOT,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"white\" stroke-width=\"1\"/>"
                                + "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">%s</text>%n",
                        px, py, color, px + 6, place(placed, px + 6, Math.max(top + 12, py - 6), p.label), color, esc(p.label)));
            } else {
                sb.append(String.format(Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"4,3\"/>"
                                + "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">%s</text>%n",
                        px, top, px, top + ph, color, px + 4, place(placed, px + 4, top + 12, p.label), color, esc(p.label)));
            }
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** The baseline y for a label at (x, y), moved down past every label placed before (about 6 px a character). */
    private static double place(List<double[]> placed, double x, double y, String label) {
        double w = 6 * label.length(), h = 12;
        for (boolean moved = true; moved; ) {
            moved = false;
            for (double[] q : placed) {
                if (x < q[0] + q[2] && q[0] < x + w && y - h < q[1] && q[1] - h < y) { y = q[1] + h + 2; moved = true; }
            }
        }
        placed.add(new double[] {x, y, w});
        return y;
    }

    /** Renders and writes the chart atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, render());
    }

    /** The axis title, with " (log)" added once for a log axis (unless the caller already says so). */
    private static String axisLabel(String label, boolean log) {
        return log && !label.contains("(log") ? label + " (log)" : label;
    }

    private static List<Double> ticks(double min, double max, boolean log) {
        List<Double> out = new ArrayList<>();
        if (log) {
            for (double t = Math.ceil(min); t <= Math.floor(max) + 1e-9; t++) out.add(t);
            if (out.size() >= 2) return out;
        }
        double span = max - min;
        double raw = span / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / mag;
        double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
        for (double t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) out.add(t);
        return out;
    }

    private static String label(double t, boolean log) {
        if (log) {
            double v = Math.pow(10, t);
            return Math.abs(t - Math.rint(t)) < 1e-9 ? "1e" + (int) Math.rint(t) : String.format(Locale.ROOT, "%.2g", v);
        }
        double a = Math.abs(t);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) return String.format(Locale.ROOT, "%.1e", t);
        String s = String.format(Locale.ROOT, "%.4f", t).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s.equals("-0") ? "0" : s;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
