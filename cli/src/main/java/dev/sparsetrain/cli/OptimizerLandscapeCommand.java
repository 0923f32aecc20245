package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.metrics.report.HtmlReport;
import dev.sparsetrain.metrics.report.SvgChart;
import dev.sparsetrain.metrics.report.SvgContour;
import dev.sparsetrain.models.landscape.OptimizerLandscape;
import dev.sparsetrain.models.landscape.OptimizerLandscape.OptimizerRun;
import dev.sparsetrain.models.landscape.OptimizerLandscape.ProblemResult;
import dev.sparsetrain.models.landscape.OptimizerLandscape.Search;
import dev.sparsetrain.models.landscape.OptimizerLandscape.SearchExample;
import dev.sparsetrain.models.landscape.OptimizerLandscape.Trajectory;
import dev.sparsetrain.models.landscape.Surface;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The optimizer landscape ({@link OptimizerLandscape}): each optimizer of the runtime on small 2-D
 * surfaces (the spreadsheet's line fit, Rosenbrock, Rastrigin), where the paths can be drawn;
 * prints a table and writes a self-contained HTML report with contour plots and loss curves.
 */
@Command(name = "optimizer-landscape", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"SGD, momentum, Nesterov, AdaGrad, RMSProp, AdaDelta, Adam, ... on 2-parameter problems where you can see the paths: "
                + "line_fit (the spreadsheet's y = a x + b with x in [0, 100]: one learning rate for two very different gradients), "
                + "line_fit_standardized (the same points with x standardized: the cure by preprocessing), "
                + "rosenbrock (a curved, ill-conditioned valley), rastrigin and rastrigin_shallow (49 wells, one global minimum: "
                + "a single start against the best of random restarts and against SGDR's warm restarts, with the same budget of steps).",
                "Each optimizer runs at its swept rate (best final loss over 1e-5 .. 10, half a decade apart) and at PyTorch's default rate. "
                        + "Runs the project's optimizer runtime on a dense table of 2 parameters. See docs/optimizers.md."})
public final class OptimizerLandscapeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--problems", split = ",", paramLabel = "NAME",
            description = "Surfaces, any of line_fit, line_fit_standardized, rosenbrock, rastrigin, rastrigin_shallow. Default: all.")
    List<String> problems;

    @Option(names = "--optimizers", split = ",", paramLabel = "NAME",
            description = "Optimizers, any of the runtime's but ftrl. Default: sgd,momentum,nesterov,adagrad,rmsprop,adadelta,adam.")
    List<String> optimizers;

    @Option(names = "--steps", defaultValue = "1000", description = "Gradient steps per run (the budget of every strategy). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--seeds", defaultValue = "200", description = "Random starts over which the multi-modal surfaces count how often the global minimum is found. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--restarts", defaultValue = "10",
            description = "Restarts of the best-of strategy, and SGDR's periods; each gets steps/restarts steps. Default: ${DEFAULT-VALUE}.")
    int restarts;

    @Option(names = "--sweep-starts", defaultValue = "20",
            description = "Random starts (not among the --seeds ones) whose mean loss chooses each rate on the multi-modal surfaces. Default: ${DEFAULT-VALUE}.")
    int sweepStarts;

    @Option(names = "--seed", defaultValue = "42", description = "Master seed of every random start. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--report", defaultValue = "optimizer-landscape.html", description = "HTML report to write. Default: ${DEFAULT-VALUE}.")
    Path report;

    @Option(names = "--quiet", description = "No line per finished optimizer on stderr.")
    boolean quiet;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    /** Points per loss curve in the report (every k-th step and the last). */
    static final int CURVE_POINTS = 150;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        OutputPaths.requireFile("--report", report);
        // picocli turns "--optimizers ," into an empty list: refused rather than read as "the default set"
        if (problems != null && problems.isEmpty()) throw new BadInputException("--problems: no name given; allowed " + String.join(", ", Surface.NAMES));
        if (optimizers != null && optimizers.isEmpty()) throw new BadInputException("--optimizers: no name given, e.g. sgd,adam");
        OptimizerLandscape.Config c = new OptimizerLandscape.Config(problems == null || problems.isEmpty() ? Surface.NAMES : problems,
                optimizers == null || optimizers.isEmpty() ? OptimizerLandscape.DEFAULT_OPTIMIZERS : optimizers, steps, seeds, restarts, sweepStarts, seed);
        long t0 = System.nanoTime();
        List<ProblemResult> results = OptimizerLandscape.run(c, quiet ? null : line -> {
            err.println(line);
            err.flush();
        });
        String table = OptimizerLandscape.table(results, c.steps(), c.restarts());
        out.print(table);
        out.printf(Locale.ROOT, "%.1f s%n", (System.nanoTime() - t0) / 1e9);
        writeReport(c, results, table);
        out.println("report: " + report.toAbsolutePath());
        out.flush();
        return ExitCodes.OK;
    }

    private void writeReport(OptimizerLandscape.Config c, List<ProblemResult> results, String table) {
        HtmlReport h = new HtmlReport("Optimizer landscape: paths of SGD, momentum, AdaGrad, RMSProp, AdaDelta and Adam on 2-D surfaces");
        h.paragraph("Every run is the project's optimizer runtime (Optimizer.build on a dense table of one row of 2 parameters, DENSE semantics) fed "
                + "the exact full-batch gradient of the surface, " + c.steps() + " steps. Tuned rate = the best final loss over 13 rates from 1e-5 to 10, "
                + "half a decade apart (on the multi-modal surfaces: the best mean over " + c.sweepStarts() + " random starts); PyTorch's default rates: "
                + "SGD 0.001 (PyTorch 2.2 and later), Adagrad and RMSprop 0.01, Adadelta 1, Adam 0.001. Momentum and Nesterov use 0.9. "
                + "A run diverges when a parameter leaves [-1e6, 1e6].");
        h.code("sparsetrain " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
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
        try {
            h.write(report);
        } catch (IOException e) {
            throw new BadInputException("--report " + report + ": cannot write (" + e.getMessage() + ")");
        }
    }

    private void searchSection(HtmlReport h, OptimizerLandscape.Config c, ProblemResult p) {
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
