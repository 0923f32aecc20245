/**
 * Self-contained reports: {@link dev.sparsetrain.metrics.report.SvgChart} draws line charts as
 * inline SVG (linear or log axes, several series, a legend, vertical marks and marks on a curve),
 * {@link dev.sparsetrain.metrics.report.SvgContour} contour plots with optimizer paths, {@link
 * dev.sparsetrain.metrics.report.HtmlReport} assembles headings, tables and charts into one HTML
 * file with no external resources (line charts drawn interactively by the vendored uPlot, contours
 * with a hover readout; the SVG stays as the fallback without JavaScript), and {@link
 * dev.sparsetrain.metrics.report.Csv} writes the numbers behind a chart. Files are written
 * atomically.
 */
package dev.sparsetrain.metrics.report;
