package dev.sparsetrain.core;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line for training loops: a bar, epoch, items done, items per second, elapsed time
 * and a caller-supplied figure (running loss, running NE).
 *
 * <pre>
 * Progress p = Progress.toStderr("epoch 3/20", totalSamples);
 * p.update(done, "loss 0.412");   // repaints at most every 200 ms
 * p.finish("loss 0.398");         // final line with the average rate
 * </pre>
 *
 * <p>On a terminal the line is redrawn in place with a carriage return; when standard error is a
 * file or a pipe (CI logs) it prints a plain line at most every 5 seconds instead, so logs stay
 * readable. {@link #silent()} prints nothing. Only one thread (the coordinator of the training loop)
 * should call {@link #update}.
 */
public final class Progress {
    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean interactive;
    private final long startNanos;
    private final long minIntervalNanos;
    private long lastPrint;
    private boolean printedInPlace;

    private Progress(PrintStream out, String label, long total, boolean interactive) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.interactive = interactive;
        this.startNanos = System.nanoTime();
        this.minIntervalNanos = interactive ? 200_000_000L : 5_000_000_000L;
        this.lastPrint = startNanos;
    }

    /**
     * A progress line on standard error, redrawn in place when standard error is a terminal: the
     * launcher tells (system property {@code sparsetrain.stderrTerminal}, from the shell's
     * {@code [ -t 2 ]}, since it filters the JVM's stderr through a pipe); without it, whether a
     * console is attached. Otherwise one line every 5 s, fit for log files.
     */
    public static Progress toStderr(String label, long total) {
        String told = System.getProperty("sparsetrain.stderrTerminal");
        boolean terminal = told != null ? Boolean.parseBoolean(told) : System.console() != null;
        return new Progress(System.err, label, total, terminal);
    }

    /** A progress line on {@code out}; {@code interactive} redraws in place. */
    public static Progress to(PrintStream out, String label, long total, boolean interactive) {
        return new Progress(out, label, total, interactive);
    }

    /** A progress that prints nothing (tests, library use). */
    public static Progress silent() {
        return new Progress(null, "", 0, false);
    }

    /** Seconds since this progress started. */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Reports {@code done} items; repaints when the last repaint is old enough. */
    public void update(long done, String figure) {
        if (out == null) return;
        long now = System.nanoTime();
        if (now - lastPrint < minIntervalNanos) return;
        lastPrint = now;
        print(done, figure, false);
    }

    /** Prints the final line (rate over the whole run). */
    public void finish(long done, String figure) {
        if (out == null) return;
        print(done, figure, true);
    }

    private void print(long done, String figure, boolean last) {
        double secs = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        double rate = done / secs;
        StringBuilder sb = new StringBuilder(120);
        sb.append(label).append(' ');
        if (total > 0) {
            int width = 24;
            int filled = (int) Math.min(width, Math.round((double) done / total * width));
            sb.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
            sb.append(String.format(Locale.ROOT, "%3.0f%% ", 100.0 * done / total));
        }
        sb.append(String.format(Locale.ROOT, "%s/s %.1fs", human(rate), secs));
        if (figure != null && !figure.isEmpty()) sb.append("  ").append(figure);
        if (interactive) {
            out.print("\r" + sb + "\u001b[K");
            if (last) out.println();
            printedInPlace = !last;
        } else {
            out.println(sb);
        }
        out.flush();
    }

    /**
     * Erases an in-place line (on a terminal) so that output written now, on standard output or
     * here, starts at the beginning of an empty line; the next {@link #update} draws the line again.
     * Call it before printing results in the middle of a run (per-pass figures, checkpoints).
     */
    public void clearLine() {
        if (out != null && printedInPlace) {
            out.print("\r\u001b[K");
            out.flush();
            printedInPlace = false;
        }
    }

    /** Ends an in-place line so that other output starts on a fresh line. */
    public void close() {
        if (out != null && printedInPlace) {
            out.println();
            printedInPlace = false;
        }
    }

    /**
     * A figure of the progress line or a per-pass line: {@code name} then the value to 4 decimals,
     * or {@code "-"} when it is not known yet (NaN: no window complete, or a window without a
     * click for normalized entropy), never "NaN". {@code name} says which figure it is, e.g.
     * {@code "train NE (running, last 20,000 samples)"} or {@code "val NE"}.
     */
    public static String figure(String name, double value) {
        return name + " " + (Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "-");
    }

    /** 12345678 -> "12.3M". */
    public static String human(double v) {
        if (v >= 1e9) return String.format(Locale.ROOT, "%.2fG", v / 1e9);
        if (v >= 1e6) return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        if (v >= 1e3) return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
