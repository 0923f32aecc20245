/**
 * Self-contained reports: {@link dev.sparsetrain.metrics.report.SvgChart} draws line charts as
 * inline SVG (linear or log axes, several series, a legend), {@link
 * dev.sparsetrain.metrics.report.HtmlReport} assembles headings, tables and charts into one HTML
 * file with no external resources, and {@link dev.sparsetrain.metrics.report.Csv} writes the
 * numbers behind a chart. Files are written atomically.
 */
package dev.sparsetrain.metrics.report;
