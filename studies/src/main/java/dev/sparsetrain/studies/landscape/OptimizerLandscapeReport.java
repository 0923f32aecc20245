package dev.sparsetrain.studies.landscape;

import dev.sparsetrain.metrics.report.HtmlReport;
import dev.sparsetrain.metrics.report.SvgChart;
import dev.sparsetrain.metrics.report.SvgContour;
import dev.sparsetrain.studies.landscape.OptimizerLandscape.OptimizerRun;
import dev.sparsetrain.studies.landscape.OptimizerLandscape.ProblemResult;
import dev.sparsetrain.studies.landscape.OptimizerLandscape.Search;
import dev.sparsetrain.studies.landscape.OptimizerLandscape.SearchExample;
import dev.sparsetrain.studies.landscape.OptimizerLandscape.Trajectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The self-contained HTML report of the {@link OptimizerLandscape} ({@code experiment optimizer-landscape}). */
public final class OptimizerLandscapeReport {

    /** Points per loss curve in the report (every k-th step and the last). */
    static final int CURVE_POINTS = 150;

    private OptimizerLandscapeReport() {}

    /**
     * The report: per surface its table, contour plots of the paths at the tuned and at PyTorch's
     * default rates, loss curves and the sweep, and on the multi-modal surfaces the search for the
     * global minimum (single start, best of restarts, SGDR); then the table as printed.
     *
     * @param commandLine the command line that produced the results, shown verbatim
     */
    public static HtmlReport build(OptimizerLandscape.Config c, List<ProblemResult> results, String table, String commandLine) {
        HtmlReport h = new HtmlReport("Optimizer landscape: paths of SGD, momentum, AdaGrad, RMSProp, AdaDelta and Adam on 2-D surfaces");
        h.paragraph("Every run is the project's optimizer runtime (Optimizer.build on a dense table of one row of 2 parameters, DENSE semantics) fed "
                + "the exact full-batch gradient of the surface, " + c.steps() + " steps. Tuned rate = the best final loss over 13 rates from 1e-5 to 10, "
                + "half a decade apart (on the multi-modal surfaces: the best mean over " + c.sweepStarts() + " random starts); PyTorch's default rates: "
                + "SGD 0.001 (PyTorch 2.2 and later), Adagrad and RMSprop 0.01, Adadelta 1, Adam 0.001. Momentum and Nesterov use 0.9. "
                + "A run diverges when a parameter leaves [-1e6, 1e6].");
        h.code(commandLine);
        for (ProblemResult p : results) {
            Surface s = p.surface();
            h.heading(s.name() + ": " + s.formula());
            h.paragraph(String.format(Locale.ROOT, "Start (%s, %s). Global minimum (%s, %s) with loss %s. A run has reached it when its loss is at or below %s. "
                            + "The innermost contour of the plots is that threshold; the others are evenly spaced%s. Measured in %.1f s.", num(s.start()[0]), num(s.start()[1]), num(s.minimum()[0]), num(s.minimum()[1]), num(s.minimumValue()),
                    num(s.threshold()), s.logScale() ? " in log(loss - minimum)" : "", p.seconds()));
            List<List<?>> rows = new ArrayList<>();
            for (OptimizerRun r : p.runs()) {
                rows.add(List.of(r.optimizer(), OptimizerLandscape.rate(r.tunedLr()) + (r.atGridEdge() ? " (grid edge)" : ""), reach(r.tuned(), s),
                        sci(r.tuned().finalLoss()), OptimizerLandscape.rate(r.defaultLr()), reach(r.atDefault(), s), sci(r.atDefault().finalLoss())));
            }
            h.table(List.of("optimizer", "tuned lr", "steps to reach", "final loss", "PyTorch default lr", "steps to reach", "final loss"), rows);
            h.charts(List.of(contour(s, "tuned rates", p.runs(), true), contour(s, "PyTorch default rates", p.runs(), false)));
            h.charts(List.of(lossChart(s, "tuned rates", p.runs(), true), lossChart(s, "PyTorch default rates", p.runs(), false), sweepChart(s, p.runs())));
            if (!p.search().isEmpty()) searchSection(h, c, p);
        }
        h.heading("Tables as printed");
        h.code(table);
        return h;
    }

    private static void searchSection(HtmlReport h, OptimizerLandscape.Config c, ProblemResult p) {
        Surface s = p.surface();
        h.heading(s.name() + ": looking for the global minimum with " + c.steps() + " steps");
        h.paragraph("Every strategy gets the same " + c.steps() + " gradient steps and the same random starts (uniform in the plotted box), "
                + c.seeds() + " seeds. Single start: one run. Best of restarts: " + c.restarts() + " runs of " + c.period()
                + " steps from fresh random starts with fresh optimizer state, keeping the lowest final loss. SGDR: one run whose rate follows a cosine "
                + "from the base rate to 0 over " + c.period() + " steps and jumps back, " + c.restarts() + " times (warm restarts: the position and "
                + "the optimizer state are kept), keeping the lowest loss at the end of a period. Each strategy's rate is swept on separate starts. "
                + "Found = the kept loss is at or below " + num(s.threshold()) + ", which only the global minimum's well reaches.");
        List<List<?>> rows = new ArrayList<>();
        for (int i = 0; i + 2 < p.search().size(); i += 3) {
            Search one = p.search().get(i), rs = p.search().get(i + 1), sg = p.search().get(i + 2);
            rows.add(List.of(one.optimizer(), pct(one), OptimizerLandscape.rate(one.lr()), pct(rs), OptimizerLandscape.rate(rs.lr()), pct(sg),
                    OptimizerLandscape.rate(sg.lr()), String.format(Locale.ROOT, "%.0f%%", 100 * OptimizerLandscape.independentTries(one.fraction(), c.restarts())),
                    sci(one.medianKeptLoss()), sci(rs.medianKeptLoss()), sci(sg.medianKeptLoss())));
        }
        h.table(List.of("optimizer", "single start: found", "lr", "best of " + c.restarts() + " restarts: found", "lr", "SGDR: found", "lr",
                "1-(1-p)^" + c.restarts() + " (independent single starts)", "median kept loss, single", "restarts", "SGDR"), rows);
        List<SvgContour> plots = new ArrayList<>();
        List<SearchExample> ex = p.examples();
        for (SearchExample e : ex.size() <= 2 ? ex : List.of(ex.getFirst(), ex.getLast())) {
            SvgContour ct = base(s, e.optimizer() + ": " + c.restarts() + " restarts and SGDR, seed 1");
            for (int r = 0; r < e.restarts().size(); r++) {
                Trajectory t = e.restarts().get(r);
                ct.path(r == e.bestRestart() ? "best restart (lr " + OptimizerLandscape.rate(e.restartLr()) + ")" : "restarts", t.x(), t.y(), false,
                        r == e.bestRestart() ? "#d62728" : "#7f7f7f");
            }
            ct.path("SGDR (lr " + OptimizerLandscape.rate(e.sgdrLr()) + ")", e.sgdr().x(), e.sgdr().y(), false, "#2ca02c");
            if (e.bestPeriodEnd() >= 0) ct.mark("SGDR kept", e.sgdr().x()[e.bestPeriodEnd()], e.sgdr().y()[e.bestPeriodEnd()]);
            plots.add(ct);
        }
        h.charts(plots);
        List<List<?>> ends = new ArrayList<>();
        for (SearchExample e : ex.size() <= 2 ? ex : List.of(ex.getFirst(), ex.getLast())) {
            for (int r = 0; r < e.restarts().size(); r++) {
                Trajectory t = e.restarts().get(r);
                ends.add(List.of(e.optimizer(), r + 1 + (r == e.bestRestart() ? " (kept)" : ""), point(t.x()[0], t.y()[0]),
                        t.diverged() ? "diverged" : point(t.endX(), t.endY()), sci(t.finalLoss())));
            }
        }
        h.paragraph("Seed 1: where each restart started and ended. Restarts that end in different wells with different losses show that the minima "
                + "are local; the best-of keeps the lowest.");
        h.table(List.of("optimizer", "restart", "start", "end", "final loss"), ends);
        SvgChart sgdr = new SvgChart(s.name() + ", seed 1: SGDR's loss at the end of each period", "step", "loss");
        for (SearchExample e : ex) {
            int n = (e.sgdr().loss().length - 1) / c.period();
            double[] x = new double[n], y = new double[n];
            for (int k = 0; k < n; k++) {
                x[k] = (k + 1) * c.period();
                y[k] = e.sgdr().loss()[(k + 1) * c.period()];
            }
            sgdr.series(e.optimizer() + " (lr " + OptimizerLandscape.rate(e.sgdrLr()) + ")", x, y);
        }
        h.chart(sgdr);
    }

    private static String point(double x, double y) {
        return String.format(Locale.ROOT, "(%.3g, %.3g)", x, y);
    }

    /** The surface's contours, the threshold's contour added (the innermost line: inside it a run has reached the minimum). */
    private static SvgContour base(Surface s, String title) {
        double[] b = s.box();
        SvgContour ct = new SvgContour(s.name() + ": " + title, s.xName(), s.yName())
                .surface(s::value, b[0], b[1], b[2], b[3], s.multiModal() ? 120 : 100)
                .autoLevels(s.multiModal() ? 8 : 14, s.logScale());
        double[] auto = ct.levels();
        double[] lv = new double[auto.length + 1];
        lv[0] = s.threshold();
        System.arraycopy(auto, 0, lv, 1, auto.length);
        java.util.Arrays.sort(lv);
        return ct.levels(lv).mark("minimum", s.minimum()[0], s.minimum()[1]);
    }

    private static SvgContour contour(Surface s, String which, List<OptimizerRun> runs, boolean tuned) {
        SvgContour ct = base(s, which);
        for (OptimizerRun r : runs) {
            Trajectory t = tuned ? r.tuned() : r.atDefault();
            ct.path(r.optimizer() + " " + OptimizerLandscape.rate(tuned ? r.tunedLr() : r.defaultLr()) + (t.diverged() ? " (diverged)" : ""), t.x(), t.y());
        }
        return ct;
    }

    private static SvgChart lossChart(Surface s, String which, List<OptimizerRun> runs, boolean tuned) {
        SvgChart ch = new SvgChart(s.name() + ": loss per step, " + which, "step", "loss").logY(s.logScale());
        for (OptimizerRun r : runs) {
            Trajectory t = tuned ? r.tuned() : r.atDefault();
            ch.series(r.optimizer(), steps(t), thin(t.loss()));
        }
        return ch;
    }

    private static SvgChart sweepChart(Surface s, List<OptimizerRun> runs) {
        SvgChart ch = new SvgChart(s.name() + ": learning-rate sweep", "learning rate", s.multiModal() ? "mean final loss" : "final loss").logX(true).logY(true);
        for (OptimizerRun r : runs) {
            double[] x = r.sweep().stream().mapToDouble(OptimizerLandscape.SweepPoint::lr).toArray();
            double[] y = r.sweep().stream().mapToDouble(OptimizerLandscape.SweepPoint::score).toArray();
            ch.series(r.optimizer(), x, y);
        }
        return ch;
    }

    /** Every k-th step of a trajectory (and its last), at most about {@link #CURVE_POINTS}. */
    private static int[] kept(int n) {
        int k = Math.max(1, (n + CURVE_POINTS - 1) / CURVE_POINTS);
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i += k) idx.add(i);
        if (idx.getLast() != n - 1) idx.add(n - 1);
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double[] steps(Trajectory t) {
        int[] k = kept(t.loss().length);
        double[] x = new double[k.length];
        for (int i = 0; i < k.length; i++) x[i] = k[i];
        return x;
    }

    private static double[] thin(double[] v) {
        int[] k = kept(v.length);
        double[] y = new double[k.length];
        for (int i = 0; i < k.length; i++) y[i] = v[k[i]];
        return y;
    }

    private static String reach(Trajectory t, Surface s) {
        int k = t.stepsTo(s.threshold());
        if (k >= 0) return String.valueOf(k);
        return t.diverged() ? "diverged at step " + t.divergedAt() : "not in " + (t.loss().length - 1);
    }

    private static String pct(Search r) {
        return String.format(Locale.ROOT, "%d/%d (%.0f%%)", r.found(), r.seeds(), 100 * r.fraction());
    }

    private static String sci(double v) {
        return Double.isInfinite(v) ? "inf" : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
