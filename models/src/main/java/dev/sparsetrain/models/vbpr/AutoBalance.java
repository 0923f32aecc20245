package dev.sparsetrain.models.vbpr;

import java.util.Locale;

/**
 * Automatic balancing: a {@link Diagnosis} probe, then a learning-rate multiplier per group so that
 * every group's update-to-weight ratio meets one target.
 *
 * <pre>
 *   m_g = clamp(target / r_g, 1e-4, 1e4) * m_g(old)       r_g: the group's measured ratio
 *   target = the median of the groups' ratios unless given
 * </pre>
 *
 * The ratio is proportional to the learning rate for SGD and, to first order, for AdaGrad and
 * Adam, so one probe suffices. The probe's updates are discarded by the caller.
 */
public final class AutoBalance {

    /** What auto-balance chose. */
    public record Choice(String[] groups, double[] ratios, double target, double[] multipliers) {
        public String describe() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "auto-balance (target update/weight %.3g):", target));
            for (int g = 0; g < groups.length; g++) {
                b.append(String.format(Locale.ROOT, " %s x%.3g (ratio %.3g)", groups[g], multipliers[g], ratios[g]));
                if (g < groups.length - 1) b.append(',');
            }
            return b.toString();
        }
    }

    private AutoBalance() {}

    public static Choice balance(VbprTrainer t, double target) {
        Diagnosis.Report r = Diagnosis.probe(t, t.cfg.seed() ^ 0xBA1A4CEL);
        int n = r.groups().length;
        double[] ratios = new double[n], mult = new double[n];
        double tgt = Double.isNaN(target) ? r.medianRatio() : target;
        for (int g = 0; g < n; g++) {
            ratios[g] = r.groups()[g].updateToWeight();
            double m = Double.isFinite(ratios[g]) && ratios[g] > 0 ? tgt / ratios[g] : 1e-2;
            mult[g] = Math.max(1e-4, Math.min(1e4, m)) * r.groups()[g].multiplier();
        }
        return new Choice(t.groupNames(), ratios, tgt, mult);
    }
}
