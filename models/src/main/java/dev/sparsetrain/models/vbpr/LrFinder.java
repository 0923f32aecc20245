package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Learning-rate range test per parameter group (Smith, "Cyclical Learning Rates for Training
 * Neural Networks", 2017; fastai's lr_find), one group at a time with the others frozen:
 *
 * <pre>
 *   for step s = 0 .. steps-1:   lr_s = lrMin * (lrMax / lrMin)^(s / (steps - 1))
 *       train {@code chunk} samples with the group at lr_s (other groups' multipliers 0)
 *       loss_s = mean BPR loss of the chunk; smoothed = EMA(0.9) with bias correction
 *   stop early when smoothed &gt; 4 x its minimum (divergence)
 *   suggestion = lr at the minimum smoothed loss / 10
 * </pre>
 *
 * Each group's sweep starts from the same freshly initialised model (the trainer's seed); the
 * range is relative to the group's configured rate ({@code lrMin = base * 1e-3}, {@code lrMax =
 * base * 1e3} by default).
 *
 * <p>This class computes; the CSV and the chart of the curves are written by the study side
 * ({@code dev.sparsetrain.studies.vbpr.LrFinderReport}), so that models needs no report code.
 */
public final class LrFinder {

    /** One group's curve and suggestion. */
    public record Curve(String group, double baseLr, double[] lr, double[] loss, double[] smoothed, double suggested,
                        boolean diverged) {}

    private LrFinder() {}

    public static List<Curve> run(VbprTrainer t, int steps, int chunk, double lowFactor, double highFactor) {
        List<Curve> out = new ArrayList<>();
        String[] names = t.groupNames();
        for (int g = 0; g < names.length; g++) {
            t.init(t.cfg.seed());
            double base = t.cfg.groups().get(names[g]).learningRate();
            for (int o = 0; o < names.length; o++) t.steps.setMultiplier(o, o == g ? lowFactor : 0);
            SplittableRandom rnd = new SplittableRandom(t.cfg.seed() + 17 * g);
            double[] lr = new double[steps], loss = new double[steps], sm = new double[steps];
            double avg = 0, best = Double.POSITIVE_INFINITY, bestLr = base;
            int n = 0;
            boolean diverged = false;
            for (int s = 0; s < steps; s++) {
                double f = lowFactor * Math.pow(highFactor / lowFactor, s / (double) (steps - 1));
                t.steps.setMultiplier(g, f);
                double l = t.runSamples(chunk, rnd.split());
                lr[s] = base * f;
                loss[s] = l;
                n = s + 1;
                if (!Double.isFinite(l)) {
                    sm[s] = Double.NaN;
                    diverged = true;
                    break;
                }
                avg = 0.9 * avg + 0.1 * l;
                sm[s] = avg / (1 - Math.pow(0.9, s + 1));
                if (sm[s] < best) {
                    best = sm[s];
                    bestLr = lr[s];
                }
                if (s > 10 && sm[s] > 4 * best) {
                    diverged = true;
                    break;
                }
            }
            out.add(new Curve(names[g], base, java.util.Arrays.copyOf(lr, n), java.util.Arrays.copyOf(loss, n),
                    java.util.Arrays.copyOf(sm, n), bestLr / 10, diverged));
        }
        for (int o = 0; o < names.length; o++) t.steps.setMultiplier(o, 1);
        t.init(t.cfg.seed());
        return out;
    }

    /** True when a sweep that did not diverge had its lowest smoothed loss at its last, highest rate. */
    static boolean minimumAtTop(Curve c) {
        int n = c.smoothed().length, best = -1;
        for (int s = 0; s < n; s++) if (Double.isFinite(c.smoothed()[s]) && (best < 0 || c.smoothed()[s] < c.smoothed()[best])) best = s;
        return !c.diverged() && n > 1 && best == n - 1;
    }

    public static String table(List<Curve> curves) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-18s %12s %14s %12s%n", "group", "configured", "suggested lr", "diverged"));
        for (Curve c : curves) {
            b.append(String.format(Locale.ROOT, "%-18s %12.3g %14.3g %12s%n", c.group(), c.baseLr(), c.suggested(), c.diverged() ? "yes" : "no"));
        }
        for (Curve c : curves) {
            if (minimumAtTop(c)) {
                b.append(String.format(Locale.ROOT, "group '%s': the loss still fell at the top of the sweep (lr %.3g), so %.3g is not a measured "
                        + "optimum; raise the top of " + Settings.name("range") + " to find where the loss turns%n", c.group(), c.lr()[c.lr().length - 1], c.suggested()));
            }
        }
        return b.toString();
    }
}
