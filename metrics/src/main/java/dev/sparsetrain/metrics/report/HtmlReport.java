package dev.sparsetrain.metrics.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One self-contained HTML page (inline CSS, SVG and scripts, no external resources) built from
 * headings, paragraphs, tables and figures, for experiment reports that a user can open or attach
 * anywhere, also offline.
 *
 * <p>Charts are interactive: an {@link SvgChart} is drawn with uPlot (vendored, see
 * {@code uplot/NOTICE} next to this class: hover shows every series' value at the cursor, drag
 * zooms, double-click resets, a click on a legend entry hides or shows the series) and an {@link
 * SvgContour} gets a hover readout of the nearest path point (name, step, x, y) and legend
 * toggling. Each figure's static SVG is in the page too and stays visible until the script has
 * drawn the chart, so a viewer without JavaScript (or with it off) shows the same figures, not
 * interactive. uPlot and the page's script are inlined once per page, and only into pages with a
 * chart. Other {@link SvgFigure}s are embedded as static SVG.
 *
 * <p>Tables sit in a horizontally scrolling box when wider than the page; a column whose cells are
 * all numbers (or empty) is right-aligned, header included; cells do not wrap, except text longer
 * than 32 characters.
 *
 * <pre>
 * new HtmlReport("VBPR ablation on tiktok-diffmm")
 *         .paragraph("5 runs, seed 42")
 *         .table(List.of("model", "AUC"), rows)
 *         .chart(chart)
 *         .write(Path.of("report.html"));
 * </pre>
 */
public final class HtmlReport {
    private final String title;
    private final StringBuilder body = new StringBuilder();
    private boolean scripted;

    /** A cell that reads as a number: 12, -0.5, 1.2e-3, 45%, NaN, Infinity. */
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d[\\d,]*(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?%?|[-+]?(NaN|Infinity)");

    public HtmlReport(String title) {
        this.title = title;
    }

    public HtmlReport heading(String text) {
        body.append("<h2>").append(SvgChart.esc(text)).append("</h2>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p>").append(SvgChart.esc(text)).append("</p>\n");
        return this;
    }

    /** Preformatted text, e.g. the command line that produced the report. */
    public HtmlReport code(String text) {
        body.append("<pre>").append(SvgChart.esc(text)).append("</pre>\n");
        return this;
    }

    /**
     * A table; cells are rendered with {@link Object#toString()}, doubles with 4 decimals. A column
     * whose non-empty cells are all numbers (or strings that read as numbers) is right-aligned.
     */
    public HtmlReport table(List<String> header, List<List<?>> rows) {
        int cols = header.size();
        for (List<?> r : rows) cols = Math.max(cols, r.size());
        boolean[] numeric = new boolean[cols];
        for (int c = 0; c < cols; c++) {
            boolean any = false, all = true;
            for (List<?> r : rows) {
                if (c >= r.size() || r.get(c) == null || String.valueOf(r.get(c)).isBlank()) continue;
                any = true;
                all &= isNumber(r.get(c));
            }
            numeric[c] = any && all;
        }
        body.append("<div class=\"table-wrap\"><table>\n<thead><tr>");
        for (int c = 0; c < header.size(); c++) {
            body.append(numeric[c] ? "<th class=\"n\">" : "<th>").append(SvgChart.esc(header.get(c))).append("</th>");
        }
        body.append("</tr></thead>\n<tbody>\n");
        for (List<?> r : rows) {
            body.append("<tr>");
            for (int c = 0; c < r.size(); c++) {
                Object v = r.get(c);
                String s = v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.4f", d)
                        : v instanceof Float f ? String.format(java.util.Locale.ROOT, "%.4f", f) : String.valueOf(v);
                // short cells stay on one line (the box scrolls instead); long text wraps in a column at least 16em wide
                String open = numeric[c] || v instanceof Number ? "<td class=\"n\">" : s.length() > 32 ? "<td class=\"w\">" : "<td>";
                body.append(open).append(SvgChart.esc(s)).append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</tbody></table></div>\n");
        return this;
    }

    private static boolean isNumber(Object c) {
        return c instanceof Number || NUMBER.matcher(String.valueOf(c).trim()).matches();
    }

    public HtmlReport chart(SvgFigure chart) {
        body.append(figure(chart)).append('\n');
        return this;
    }

    /** Several charts side by side (wrapping). */
    public HtmlReport charts(List<? extends SvgFigure> charts) {
        body.append("<div class=\"row\">");
        for (SvgFigure c : charts) body.append(figure(c));
        body.append("</div>\n");
        return this;
    }

    /**
     * One figure: the static SVG, and for the kinds the page's script draws, their data as JSON
     * (in a {@code <script type="application/json">}, which a browser never executes).
     */
    private String figure(SvgFigure f) {
        String json = f instanceof SvgChart c ? c.interactiveJson() : f instanceof SvgContour c ? c.interactiveJson() : null;
        if (json == null) return "<div class=\"chart\">" + f.render() + "</div>";
        scripted = true;
        return "<div class=\"chart\"><div class=\"st-static\">" + f.render() + "</div>"
                + "<script type=\"application/json\" class=\"st-fig\">" + json + "</script></div>";
    }

    public String render() {
        StringBuilder page = new StringBuilder(body.length() + (scripted ? Assets.UPLOT_JS.length() + 16384 : 2048));
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>").append(SvgChart.esc(title))
                .append("</title>\n<style>\n").append(Assets.REPORT_CSS);
        if (scripted) page.append("/* uPlot 1.6.32, MIT, https://github.com/leeoniya/uPlot */\n").append(Assets.UPLOT_CSS).append('\n');
        page.append("</style></head>\n<body>\n<h1>").append(SvgChart.esc(title)).append("</h1>\n")
                .append("<p class=\"meta\">generated by sparsetrain at ").append(Instant.now()).append("</p>\n")
                .append(body);
        if (scripted) {
            page.append("<script>\n").append(Assets.UPLOT_JS).append("\n</script>\n<script>\n").append(Assets.REPORT_JS).append("</script>\n");
        }
        return page.append("</body></html>\n").toString();
    }

    /** The vendored uPlot and the page's own CSS and script, read once from the classpath. */
    private static final class Assets {
        static final String UPLOT_JS = read("uplot/uPlot.iife.min.js");
        static final String UPLOT_CSS = read("uplot/uPlot.min.css");
        static final String REPORT_JS = read("report.js");
        static final String REPORT_CSS = read("report.css");

        private static String read(String name) {
            try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("report resource " + name + " is missing from the classpath next to "
                            + HtmlReport.class.getName() + " (metrics/src/main/resources); rebuild the metrics module");
                }
                String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (s.contains("</script") || s.contains("</style")) throw new IllegalStateException("report resource " + name + " would end its inline element early");
                return s;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, render());
    }
}
