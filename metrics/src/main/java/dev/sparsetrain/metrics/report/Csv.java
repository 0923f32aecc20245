package dev.sparsetrain.metrics.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small CSV table builder for the numbers behind charts and experiment tables (RFC 4180
 * quoting). Numbers are written with {@link Locale#ROOT} so a comma is never a decimal mark.
 */
public final class Csv {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Csv(String... header) {
        this.header = List.of(header);
    }

    /** Appends a row; numbers are formatted with up to 8 significant digits. */
    public Csv row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("CSV row has " + cells.length + " cells, header has " + header.size());
        }
        List<String> r = new ArrayList<>(cells.length);
        for (Object c : cells) r.add(cell(c));
        rows.add(r);
        return this;
    }

    public int size() { return rows.size(); }

    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(line(header));
        for (List<String> r : rows) sb.append(line(r));
        return sb.toString();
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, render());
    }

    private static String cell(Object c) {
        if (c == null) return "";
        if (c instanceof Double d) return fmt(d);
        if (c instanceof Float f) return fmt(f.doubleValue());
        return c.toString();
    }

    static String fmt(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        return String.format(Locale.ROOT, "%.8g", d).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
    }

    private static String line(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) sb.append(',');
            String c = cells.get(i);
            if (c.contains(",") || c.contains("\"") || c.contains("\n")) c = '"' + c.replace("\"", "\"\"") + '"';
            sb.append(c);
        }
        return sb.append('\n').toString();
    }
}
