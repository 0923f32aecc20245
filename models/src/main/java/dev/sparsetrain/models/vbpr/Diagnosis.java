package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A short probe run that measures, per parameter group, the gradient norm, update norm,
 * update-to-weight ratio and mean effective learning rate, and flags imbalance.
 *
 * <pre>
 *   probe     warm-up W samples (figures discarded: biases start at 0), then M samples measured
 *   flag      a group whose update/weight ratio r_g satisfies r_g &gt; 10 median(r) or r_g &lt; median(r) / 10
 *   advice    multiplier median(r) / r_g for that group's learning rate; for the visual groups with
 *             large raw features also feature preprocessing (l2-row or standardize); non-finite
 *             gradients: clipping or a lower rate
 * </pre>
 *
 * The probe trains the trainer's model in place (callers re-initialise afterwards if needed).
 */
public final class Diagnosis {

    /** Probe figures and verdicts. */
    public record Report(VbprTrainer.GroupFigures[] groups, double medianRatio, boolean[] flagged, List<String> advice,
                         double lossBefore, double lossAfter, long samples) {
        public boolean anyFlagged() {
            for (boolean f : flagged) if (f) return true;
            return false;
        }

        public boolean flagged(String group) {
            for (int g = 0; g < groups.length; g++) if (groups[g].group().equals(group)) return flagged[g];
            return false;
        }

        /** The figures as a fixed-width table plus the verdict lines. */
        public String render() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%-18s %12s %12s %14s %12s %8s %s%n", "group", "grad norm", "update norm",
                    "update/weight", "eff. lr", "lr mult", "flag"));
            for (int g = 0; g < groups.length; g++) {
                VbprTrainer.GroupFigures f = groups[g];
                b.append(String.format(Locale.ROOT, "%-18s %12.4g %12.4g %14.4g %12.4g %8.3g %s%n", f.group(), f.gradientNorm(),
                        f.updateNorm(), f.updateToWeight(), f.effectiveLr(), f.multiplier(),
                        flagged[g] ? (f.updateToWeight() > medianRatio ? "TOO FAST (>10x median)" : "TOO SLOW (<1/10 median)") : "ok"));
            }
            b.append("(grad, update: RMS norms per updated row; eff. lr: the mean over updated rows of lr_t / the optimizer's "
                    + "denominator, e.g. lr / (sqrt(v_hat) + eps) for Adam, lr for SGD; lr mult: the group's learning-rate multiplier)\n");
            b.append(String.format(Locale.ROOT, "median update/weight %.4g over %d probe samples; loss %.4f -> %.4f%n", medianRatio, samples, lossBefore, lossAfter));
            if (!Double.isFinite(lossAfter)) b.append("the probe diverged (non-finite loss): lower the learning rates of the TOO FAST groups first\n");
            if (advice.isEmpty()) b.append("verdict: balanced; every group's update/weight ratio is within 10x of the median\n");
            for (String a : advice) b.append(a).append('\n');
            return b.toString();
        }
    }

    private Diagnosis() {}

    /** Probes with {@code warmup} then {@code measure} samples (defaults: one epoch each, capped at 50,000). */
    public static Report probe(VbprTrainer t, long warmup, long measure, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double l0 = t.runSamples(warmup, rnd.split());
        double l1 = t.runSamples(measure, rnd.split());
        VbprTrainer.GroupFigures[] f = t.lastFigures();
        double[] r = new double[f.length];
        for (int g = 0; g < f.length; g++) r[g] = f[g].updateToWeight();
        double med = median(r);
        boolean[] flag = new boolean[f.length];
        List<String> advice = new ArrayList<>();
        for (int g = 0; g < f.length; g++) {
            double x = r[g];
            boolean bad = !Double.isFinite(x) || x > 10 * med || x < med / 10 || f[g].nonFinite() > 0;
            flag[g] = bad;
            if (!bad) continue;
            String name = f[g].group();
            boolean dense = VbprModel.isDense(name);
            String clipKind = dense ? "global-norm" : "row-norm";
            if (f[g].nonFinite() > 0 || !Double.isFinite(x)) {
                advice.add(String.format(Locale.ROOT, "group '%s': %d non-finite gradient entries; lower its learning rate (" + Settings.name("lrMultiplier") + " %s=0.01), "
                        + "clip its gradient (" + Settings.name("clip") + " %s=%s:1), or preprocess the features", name, f[g].nonFinite(), name, name, clipKind));
                continue;
            }
            if (x == 0) {
                // a multiplier cannot move a group whose update is exactly zero (e.g. LAMB's and LARS's
                // trust ratio ||w|| / ||u|| on rows initialised to zero, as the biases are)
                String rule = t.cfg.groups().get(name).rule();
                advice.add(String.format(Locale.ROOT, "group '%s': does not move (update 0 with %s%s); give it another optimizer (" + Settings.name("optimizer") + " %s=sgd:0.05)",
                        name, rule, rule.equals("lamb") || rule.equals("lars_sgd") ? ", whose step is scaled by the weight norm, 0 for rows that start at 0" : "", name));
                continue;
            }
            double mult = med / x;
            StringBuilder a = new StringBuilder(String.format(Locale.ROOT,
                    "group '%s': update/weight %.3g is %.0fx %s the median %.3g; set its learning-rate multiplier to %.3g (" + Settings.name("lrMultiplier") + " %s=%.3g or " + Settings.name("autoBalance") + ")",
                    name, x, x > med ? x / med : med / x, x > med ? "above" : "below", med, mult * f[g].multiplier(), name, mult * f[g].multiplier()));
            // Clipping at the gradient norm that would put a plain-SGD group's ratio at the median
            // (its update is lr times its gradient); adaptive rules already normalise the step.
            String rule = t.cfg.groups().get(name).rule();
            boolean plain = rule.equals("sgd") || rule.equals("momentum") || rule.equals("nesterov");
            // (a diverged probe's norms say nothing about a threshold: then the option without a number)
            String clip = !(x > med && plain) ? null
                    : Double.isFinite(l1) && f[g].gradientNorm() > 0 ? String.format(Locale.ROOT, Settings.name("clip") + " %s=%s:%.3g", name, clipKind, f[g].gradientNorm() * med / x)
                    : Settings.name("clip") + " " + name + "=" + clipKind + ":MAX";
            if (dense && x > med) {
                a.append(t.cfg.preprocessing() == dev.sparsetrain.data.features.Preprocessing.NONE
                        ? "; its gradient scales with the raw feature values: use " + Settings.name("featurePreprocessing") + " l2-row (or standardize)"
                                + (clip != null ? ", or clip it (" + clip + ")" : "")
                        : clip != null ? "; or clip it (" + clip + "), or give it an adaptive optimizer such as adam, which bounds its step"
                        : "; or give it an adaptive optimizer such as adam, which bounds its step");
            } else if (clip != null) {
                a.append("; or clip its gradient (").append(clip).append(")");
            } else if (dense) {
                a.append("; E and beta' take one step per dense batch while rows take one per sample, so they need a larger rate (or a smaller " + Settings.name("denseBatch") + ")");
            }
            advice.add(a.toString());
        }
        return new Report(f, med, flag, advice, l0, l1, measure);
    }

    /** The default probe: one epoch of warm-up (at most 50,000 samples), one measured. */
    public static Report probe(VbprTrainer t, long seed) {
        long n = Math.min(50_000, t.data.train().size());
        return probe(t, n, n, seed);
    }

    static double median(double[] v) {
        double[] s = Arrays.stream(v).filter(Double::isFinite).sorted().toArray();
        if (s.length == 0) return Double.NaN;
        return s.length % 2 == 1 ? s[s.length / 2] : Math.sqrt(s[s.length / 2 - 1] * s[s.length / 2]);
    }
}
