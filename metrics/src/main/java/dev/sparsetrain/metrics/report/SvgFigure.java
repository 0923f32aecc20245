package dev.sparsetrain.metrics.report;

/**
 * A figure that renders itself to a standalone SVG string ({@link SvgChart}, {@link SvgContour}),
 * for {@link HtmlReport#chart} and {@link HtmlReport#charts}.
 */
public interface SvgFigure {
    /** The figure as one {@code <svg>} element. */
    String render();
}
