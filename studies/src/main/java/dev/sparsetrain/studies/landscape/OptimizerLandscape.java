package dev.sparsetrain.studies.landscape;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.Chain;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.Optimizers;
import dev.sparsetrain.optim.ParamGroup;
import dev.sparsetrain.optim.Schedule;
import dev.sparsetrain.optim.SparseSemantics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The optimizer landscape experiment: each optimizer of the runtime ({@link Optimizer#build} on a
 * dense table of one row of 2 parameters, DENSE semantics, full-batch gradients from
 * {@link Surface#gradient}) on small 2-D surfaces, with the path and loss of every step.
 *
 * <ul>
 *   <li><b>Rates.</b> Each optimizer runs at a tuned rate, the best final loss over {@link #GRID}
 *       (13 rates half a decade apart, 1e-5 to 10), and at PyTorch's default rate
 *       ({@link #pytorchDefaultLr}). On a multi-modal surface the sweep scores the mean final loss
 *       over {@link Config#sweepStarts} random starts, not the one drawn start, so that a rate is
 *       not chosen for one lucky jump.</li>
 *   <li><b>Finding the global minimum</b> (multi-modal surfaces only). Three strategies with the same
 *       budget of {@code steps} gradient steps, each from the same random starts (paired by seed):
 *       a single start; {@code restarts} runs of {@code steps / restarts} steps from fresh random
 *       starts with fresh optimizer state, keeping the lowest final loss (best-of); and SGDR
 *       (Loshchilov &amp; Hutter 2017: {@link Schedule#cosineWarmRestarts} with
 *       {@code restarts} periods of {@code steps / restarts} steps, floor 0) from one start, keeping
 *       the lowest loss at the end of a period. Each strategy's rate is swept separately on the
 *       sweep starts; the fraction of {@link Config#seeds} evaluation seeds whose kept loss is at or
 *       below {@link Surface#threshold()} is the measured chance of finding the global minimum.</li>
 * </ul>
 *
 * <p>A run diverges when the loss is not finite or a parameter leaves [-1e6, 1e6]; it stops there
 * and its final loss counts as +infinity. Parameters are floats (the runtime's tables); losses are
 * evaluated in double at the float parameters. Deterministic for a given seed: the sweep starts
 * and every evaluation seed's starts are split from one {@link SplittableRandom}. Single-threaded;
 * allocates per run only (2-parameter tables, path arrays).
 */
public final class OptimizerLandscape {
    private OptimizerLandscape() {}

    public static final List<String> DEFAULT_OPTIMIZERS = List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam");

    /** The learning-rate sweep: 1e-5 to 10, half a decade apart. */
    public static final double[] GRID = {1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1, 3, 10};

    /** |parameter| beyond which a run counts as diverged. */
    static final double LIMIT = 1e6;

    /** The experiment's settings; validated in the constructor (one line naming the option). */
    public record Config(List<String> problems, List<String> optimizers, int steps, int seeds, int restarts, int sweepStarts, long seed) {
        public Config {
            if (problems == null || problems.isEmpty()) throw new BadInputException(Settings.name("problems") + ": none given, allowed " + String.join(", ", Surface.NAMES));
            if (optimizers == null || optimizers.isEmpty()) throw new BadInputException(Settings.name("optimizers") + ": none given, allowed " + allowed());
            List<String> ps = new ArrayList<>();
            for (String p : problems) {
                String n = Surface.of(Settings.name("problems"), p).name();
                if (ps.contains(n)) throw new BadInputException(Settings.name("problems") + " '" + p + "': given twice");
                ps.add(n);
            }
            List<String> os = new ArrayList<>();
            for (String o : optimizers) {
                String n = canonical(o);
                if (os.contains(n)) throw new BadInputException(Settings.name("optimizers") + " '" + o + "': given twice");
                os.add(n);
            }
            problems = List.copyOf(ps);
            optimizers = List.copyOf(os);
            if (steps < 10 || steps > 1_000_000) throw new BadInputException(Settings.name("steps") + " " + steps + ": must be in [10, 1000000]");
            if (seeds < 1 || seeds > 100_000) throw new BadInputException(Settings.name("seeds") + " " + seeds + ": must be in [1, 100000]");
            if (restarts < 2 || restarts > steps / 5) {
                throw new BadInputException(Settings.name("restarts") + " " + restarts + ": must be in [2, steps/5 = " + steps / 5 + "] (each restart gets steps/restarts steps)");
            }
            if (sweepStarts < 1 || sweepStarts > 10_000) throw new BadInputException(Settings.name("sweepStarts") + " " + sweepStarts + ": must be in [1, 10000]");
        }

        public static Config defaults() {
            return new Config(Surface.NAMES, DEFAULT_OPTIMIZERS, 1000, 200, 10, 20, 42);
        }

        /** Steps of each restart and of each SGDR period. */
        public int period() { return steps / restarts; }
    }

    /** The optimizer names accepted, for messages. */
    public static String allowed() {
        return String.join(", ", Optimizers.NAMES.stream().filter(n -> !n.equals("ftrl")).toList());
    }

    /** Canonical optimizer name (any of the runtime's but ftrl); anything else is one line naming --optimizers. */
    public static String canonical(String name) {
        String n = Optimizers.canonicalName(Settings.name("optimizers"), name);
        if (n.equals("ftrl")) throw new BadInputException(Settings.name("optimizers") + " 'ftrl': not a gradient-descent step on a dense loss here; allowed " + allowed());
        return n;
    }

    /** The runtime's chain for {@code name} at {@code lr}, PyTorch's other defaults (momentum and nesterov: 0.9). */
    public static Chain chain(String name, double lr) {
        return Optimizers.fromPyTorch(Settings.name("optimizers") + " " + name, name, Map.of("lr", lr));
    }

    /**
     * PyTorch's default learning rate: Adagrad and RMSProp 0.01, AdaDelta 1.0, Adam family 0.001,
     * Adamax and NAdam 0.002; SGD, momentum and Nesterov 0.001 (PyTorch 2.2 and later, pull 114467;
     * before, SGD had no default).
     */
    public static double pytorchDefaultLr(String name) {
        return switch (name) {
            case "sgd", "momentum", "nesterov" -> 1e-3;
            default -> Optimizers.fromPyTorch("default", name, Map.of()).learningRate();
        };
    }

    /** Parameters and loss per step: index 0 is the start; shorter than steps + 1 when the run diverged. */
    public record Trajectory(double[] x, double[] y, double[] loss, int divergedAt) {
        /** The last loss, +infinity for a diverged run. */
        public double finalLoss() { return divergedAt >= 0 ? Double.POSITIVE_INFINITY : loss[loss.length - 1]; }

        /** The first step whose loss is at or below {@code threshold}, -1 if none. */
        public int stepsTo(double threshold) {
            for (int i = 0; i < loss.length; i++) if (loss[i] <= threshold) return i;
            return -1;
        }

        public boolean diverged() { return divergedAt >= 0; }

        public double endX() { return x[x.length - 1]; }

        public double endY() { return y[y.length - 1]; }
    }

    /**
     * Runs {@code steps} optimizer steps of {@code chain} from {@code (x0, y0)} on {@code s}: each
     * step writes the exact gradient at the current (float) parameters into the runtime's gradient
     * batch and calls {@link Optimizer#step()}.
     */
    public static Trajectory run(Surface s, Chain chain, double x0, double y0, int steps) {
        Table t = Table.dense("xy", 1, 2);
        float[] w = t.block(0);
        int o = t.offset(0);
        w[o] = (float) x0;
        w[o + 1] = (float) y0;
        Optimizer opt = Optimizer.build(List.of(ParamGroup.of("xy", chain, "xy").withSemantics(SparseSemantics.DENSE)), List.of(t));
        RowBatch batch = opt.gradients(t);
        double[] g = new double[2];
        double[] xs = new double[steps + 1], ys = new double[steps + 1], ls = new double[steps + 1];
        xs[0] = w[o];
        ys[0] = w[o + 1];
        ls[0] = s.value(xs[0], ys[0]);
        for (int k = 1; k <= steps; k++) {
            s.gradient(w[o], w[o + 1], g);
            int go = batch.add(0);
            batch.grads()[go] = (float) g[0];
            batch.grads()[go + 1] = (float) g[1];
            opt.step();
            double x = w[o], y = w[o + 1], l = s.value(x, y);
            xs[k] = x;
            ys[k] = y;
            ls[k] = l;
            if (!Double.isFinite(l) || Math.abs(x) > LIMIT || Math.abs(y) > LIMIT) {
                return new Trajectory(java.util.Arrays.copyOf(xs, k + 1), java.util.Arrays.copyOf(ys, k + 1), java.util.Arrays.copyOf(ls, k + 1), k);
            }
        }
        return new Trajectory(xs, ys, ls, -1);
    }

    /** One point of a learning-rate sweep: the score is the (mean) final or kept loss, +infinity if any run diverged. */
    public record SweepPoint(double lr, double score) {}

    /** One optimizer on one surface: swept rate and its path, PyTorch's default rate and its path. */
    public record OptimizerRun(String optimizer, double tunedLr, boolean atGridEdge, List<SweepPoint> sweep, Trajectory tuned,
                               double defaultLr, Trajectory atDefault) {}

    /** How a run looks for the global minimum, all with the same budget of steps. */
    public enum Strategy {
        SINGLE("single start"), RESTARTS("best of restarts"), SGDR("SGDR, best period end");

        public final String label;

        Strategy(String label) { this.label = label; }
    }

    /** One strategy of one optimizer over the evaluation seeds. */
    public record Search(String optimizer, Strategy strategy, double lr, boolean atGridEdge, List<SweepPoint> sweep, int seeds, int found,
                         double meanKeptLoss, double medianKeptLoss) {
        public double fraction() { return (double) found / seeds; }
    }

    /**
     * The first evaluation seed of one optimizer, drawn: every restart's path and the SGDR path,
     * with the kept (best) result of each.
     */
    public record SearchExample(String optimizer, double restartLr, List<Trajectory> restarts, int bestRestart, double sgdrLr, Trajectory sgdr,
                                int bestPeriodEnd) {}

    /** Everything measured on one surface. */
    public record ProblemResult(Surface surface, List<OptimizerRun> runs, List<Search> search, List<SearchExample> examples, double seconds) {}

    /** Runs the experiment; {@code progress} (may be null) gets one line per finished optimizer. */
    public static List<ProblemResult> run(Config c, Consumer<String> progress) {
        List<ProblemResult> out = new ArrayList<>();
        for (String p : c.problems()) {
            long t0 = System.nanoTime();
            Surface s = Surface.of(Settings.name("problems"), p);
            SplittableRandom master = new SplittableRandom(c.seed());
            double[][] sweepStarts = starts(s, master.split(), c.sweepStarts());
            double[][][] evalStarts = new double[c.seeds()][][];
            for (int k = 0; k < c.seeds(); k++) evalStarts[k] = starts(s, master.split(), c.restarts());
            List<OptimizerRun> runs = new ArrayList<>();
            List<Search> search = new ArrayList<>();
            List<SearchExample> examples = new ArrayList<>();
            for (String o : c.optimizers()) {
                double[] start = s.start();
                List<SweepPoint> sw = new ArrayList<>();
                for (double lr : GRID) {
                    double score;
                    if (s.multiModal()) {
                        score = 0;
                        for (double[] st : sweepStarts) score += run(s, chain(o, lr), st[0], st[1], c.steps()).finalLoss();
                        score /= sweepStarts.length;
                    } else {
                        score = run(s, chain(o, lr), start[0], start[1], c.steps()).finalLoss();
                    }
                    sw.add(new SweepPoint(lr, score));
                }
                int best = argmin(sw);
                double lr = sw.get(best).lr();
                double dlr = pytorchDefaultLr(o);
                runs.add(new OptimizerRun(o, lr, best == 0 || best == GRID.length - 1, List.copyOf(sw), run(s, chain(o, lr), start[0], start[1], c.steps()),
                        dlr, run(s, chain(o, dlr), start[0], start[1], c.steps())));
                if (s.multiModal()) {
                    search.add(evaluate(s, c, o, Strategy.SINGLE, sw, evalStarts));
                    Search rs = evaluate(s, c, o, Strategy.RESTARTS, sweep(s, c, o, Strategy.RESTARTS, sweepStarts), evalStarts);
                    Search sg = evaluate(s, c, o, Strategy.SGDR, sweep(s, c, o, Strategy.SGDR, sweepStarts), evalStarts);
                    search.add(rs);
                    search.add(sg);
                    examples.add(example(s, c, o, rs.lr(), sg.lr(), evalStarts[0]));
                }
                if (progress != null) {
                    progress.accept(String.format(Locale.ROOT, "%s %s: tuned lr %s, final loss %.4g", s.name(), o, rate(lr), runs.getLast().tuned().finalLoss()));
                }
            }
            out.add(new ProblemResult(s, List.copyOf(runs), List.copyOf(search), List.copyOf(examples), (System.nanoTime() - t0) / 1e9));
        }
        return List.copyOf(out);
    }

    private static double[][] starts(Surface s, SplittableRandom rnd, int n) {
        double[][] st = new double[n][];
        for (int i = 0; i < n; i++) st[i] = s.randomStart(rnd);
        return st;
    }

    private static int argmin(List<SweepPoint> sw) {
        int best = 0;
        for (int i = 1; i < sw.size(); i++) if (sw.get(i).score() < sw.get(best).score()) best = i;
        return best;
    }

    /** The loss a strategy keeps for one seed whose starts are {@code st} (st[0] is the single and SGDR start). */
    static double kept(Surface s, Config c, String o, Strategy strategy, double lr, double[][] st) {
        return switch (strategy) {
            case SINGLE -> run(s, chain(o, lr), st[0][0], st[0][1], c.steps()).finalLoss();
            case RESTARTS -> {
                double best = Double.POSITIVE_INFINITY;
                for (int r = 0; r < c.restarts(); r++) best = Math.min(best, run(s, chain(o, lr), st[r][0], st[r][1], c.period()).finalLoss());
                yield best;
            }
            case SGDR -> bestPeriodEndLoss(sgdr(s, c, o, lr, st[0]), c.period());
        };
    }

    /** SGDR from {@code start}: restarts periods of {@code period} steps, floor 0. */
    static Trajectory sgdr(Surface s, Config c, String o, double lr, double[] start) {
        Chain ch = chain(o, lr).withSchedule(Schedule.cosineWarmRestarts(c.period(), 1, 0));
        return run(s, ch, start[0], start[1], c.period() * c.restarts());
    }

    static double bestPeriodEndLoss(Trajectory t, int period) {
        if (t.diverged()) return Double.POSITIVE_INFINITY;
        double best = Double.POSITIVE_INFINITY;
        for (int k = period; k < t.loss().length; k += period) best = Math.min(best, t.loss()[k]);
        return best;
    }

    private static int bestPeriodEnd(Trajectory t, int period) {
        int best = -1;
        for (int k = period; k < t.loss().length; k += period) if (best < 0 || t.loss()[k] < t.loss()[best]) best = k;
        return best;
    }

    private static List<SweepPoint> sweep(Surface s, Config c, String o, Strategy strategy, double[][] sweepStarts) {
        List<SweepPoint> sw = new ArrayList<>();
        for (double lr : GRID) {
            double score = 0;
            // restarts draw their later starts from the sweep starts too (start i, i+1, ... cyclically)
            for (int i = 0; i < sweepStarts.length; i++) {
                double[][] st = new double[c.restarts()][];
                for (int r = 0; r < st.length; r++) st[r] = sweepStarts[(i + r) % sweepStarts.length];
                score += kept(s, c, o, strategy, lr, st);
            }
            sw.add(new SweepPoint(lr, score / sweepStarts.length));
        }
        return List.copyOf(sw);
    }

    private static Search evaluate(Surface s, Config c, String o, Strategy strategy, List<SweepPoint> sw, double[][][] evalStarts) {
        int best = argmin(sw);
        double lr = sw.get(best).lr();
        double[] kept = new double[evalStarts.length];
        int found = 0;
        double sum = 0;
        for (int k = 0; k < evalStarts.length; k++) {
            kept[k] = kept(s, c, o, strategy, lr, evalStarts[k]);
            if (kept[k] <= s.threshold()) found++;
            sum += kept[k];
        }
        java.util.Arrays.sort(kept);
        double median = kept.length % 2 == 1 ? kept[kept.length / 2] : (kept[kept.length / 2 - 1] + kept[kept.length / 2]) / 2;
        return new Search(o, strategy, lr, best == 0 || best == GRID.length - 1, List.copyOf(sw), evalStarts.length, found, sum / kept.length, median);
    }

    private static SearchExample example(Surface s, Config c, String o, double restartLr, double sgdrLr, double[][] st) {
        List<Trajectory> rs = new ArrayList<>();
        int best = 0;
        for (int r = 0; r < c.restarts(); r++) {
            rs.add(run(s, chain(o, restartLr), st[r][0], st[r][1], c.period()));
            if (rs.get(r).finalLoss() < rs.get(best).finalLoss()) best = r;
        }
        Trajectory sg = sgdr(s, c, o, sgdrLr, st[0]);
        return new SearchExample(o, restartLr, List.copyOf(rs), best, sgdrLr, sg, bestPeriodEnd(sg, c.period()));
    }

    /** A rate as typed: 0.001, 3e-05. */
    public static String rate(double v) {
        return v >= 1e-3 ? String.format(Locale.ROOT, "%.4g", v).replaceAll("\\.?0+$", "") : String.format(Locale.ROOT, "%.0e", v);
    }

    /** The per-optimizer table of every surface (steps to the threshold, final loss; tuned and PyTorch-default rates). */
    public static String table(List<ProblemResult> results, int steps, int restarts) {
        StringBuilder sb = new StringBuilder();
        for (ProblemResult p : results) {
            Surface s = p.surface();
            sb.append(String.format(Locale.ROOT, "%s: %s; start (%s, %s), minimum (%s, %s) with loss %s; reached = loss <= %s; %d steps%n",
                    s.name(), s.formula(), num(s.start()[0]), num(s.start()[1]), num(s.minimum()[0]), num(s.minimum()[1]), num(s.minimumValue()),
                    num(s.threshold()), steps));
            if (s instanceof Surface.LineFit lf) {
                double[] ev = lf.hessianEigenvalues(), g0 = new double[2];
                lf.gradient(lf.start()[0], lf.start()[1], g0);
                sb.append(String.format(Locale.ROOT, "%s: gradient at the start (%.4g, %.4g), ratio %.3g; Hessian eigenvalues %.3g and %.4g (ratio %.3g); "
                        + "plain gradient descent diverges above lr = 2 / %.4g = %.3g%n", s.name(), g0[0], g0[1], g0[0] / g0[1], ev[0], ev[1], ev[1] / ev[0], ev[1], 2 / ev[1]));
            }
            sb.append(String.format(Locale.ROOT, "%-16s %9s %12s %11s %17s | %9s %12s %11s %17s%n", "optimizer", "tuned lr", "steps to thr", "final loss",
                    "end point", "torch lr", "steps to thr", "final loss", "end point"));
            for (OptimizerRun r : p.runs()) {
                sb.append(String.format(Locale.ROOT, "%-16s %9s %12s %11s %17s | %9s %12s %11s %17s%n", r.optimizer(),
                        rate(r.tunedLr()) + (r.atGridEdge() ? "*" : ""), reach(r.tuned(), s), loss(r.tuned()), end(r.tuned()),
                        rate(r.defaultLr()), reach(r.atDefault(), s), loss(r.atDefault()), end(r.atDefault())));
            }
            if (!p.search().isEmpty()) {
                int seeds = p.search().getFirst().seeds();
                sb.append(String.format(Locale.ROOT, "%s: seeds (of %d, random starts in the box) whose kept loss is <= %s, i.e. in the global minimum's well; "
                        + "same budget of %d steps each (lr swept per strategy)%n", s.name(), seeds, num(s.threshold()), steps));
                sb.append(String.format(Locale.ROOT, "%-16s %-28s %-28s %-28s %s%n", "optimizer", Strategy.SINGLE.label, Strategy.RESTARTS.label + " x" + restarts,
                        Strategy.SGDR.label, "1-(1-p)^" + restarts));
                for (int i = 0; i < p.search().size(); i += 3) {
                    sb.append(String.format(Locale.ROOT, "%-16s %-28s %-28s %-28s %.0f%%%n", p.search().get(i).optimizer(), cell(p.search().get(i)),
                            cell(p.search().get(i + 1)), cell(p.search().get(i + 2)), 100 * independentTries(p.search().get(i).fraction(), restarts)));
                }
                sb.append(String.format(Locale.ROOT, "(1-(1-p)^%d: the chance that %d independent single starts find it, p the single-start fraction; * rate at the grid's edge)%n",
                        restarts, restarts));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The chance that {@code n} independent tries, each succeeding with probability {@code p}, succeed at least once. */
    public static double independentTries(double p, int n) {
        return 1 - Math.pow(1 - p, n);
    }

    private static String cell(Search r) {
        return String.format(Locale.ROOT, "%d/%d = %.0f%% (lr %s%s)", r.found(), r.seeds(), 100.0 * r.fraction(), rate(r.lr()), r.atGridEdge() ? "*" : "");
    }

    static String reach(Trajectory t, Surface s) {
        int k = t.stepsTo(s.threshold());
        if (k >= 0) return String.valueOf(k);
        return t.diverged() ? "diverged@" + t.divergedAt() : "never";
    }

    static String loss(Trajectory t) {
        return t.diverged() ? "inf" : String.format(Locale.ROOT, "%.3g", t.finalLoss());
    }

    static String end(Trajectory t) {
        if (t.diverged()) return "-";
        return String.format(Locale.ROOT, "(%.3g, %.3g)", t.endX(), t.endY());
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
