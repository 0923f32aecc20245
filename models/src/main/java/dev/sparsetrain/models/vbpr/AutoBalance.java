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
 * Adam, while training is stable; several rounds correct what the first one overshoots. The
 * probes' updates are discarded.
 */
public final class AutoBalance {

    /** What auto-balance chose (serializable: a sharded trainer returns it from a task). */
    public record Choice(String[] groups, double[] ratios, double target, double[] multipliers) implements java.io.Serializable {
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

    /** Rounds of probe-and-correct; each round starts from the same fresh initialisation. */
    static final int ROUNDS = 3;

    /**
     * Probes, sets {@code m_g *= target / r_g}, and repeats ({@link #ROUNDS} rounds, each from a
     * fresh initialisation): the ratio is only proportional to the learning rate while training
     * is stable, and a later round sees (and undoes) a multiplier that made a group run away. A
     * round whose probe diverges (non-finite loss or ratio) divides the multipliers it raised by 10.
     */
    public static Choice balance(VbprTrainer t, double target) {
        int n = t.groupNames().length;
        double[] mult = t.multipliers(), ratios = new double[n];
        double tgt = target;
        long seed = t.cfg.seed();
        double[] prev = mult.clone();
        for (int round = 0; round < ROUNDS; round++) {
            t.init(seed);
            t.setMultipliers(mult);
            Diagnosis.Report r = Diagnosis.probe(t, seed ^ 0xBA1A4CEL);
            boolean diverged = !Double.isFinite(r.lossAfter()) || !Double.isFinite(r.lossBefore());
            for (int g = 0; g < n; g++) ratios[g] = r.groups()[g].updateToWeight();
            if (diverged) {
                for (int g = 0; g < n; g++) if (mult[g] > prev[g]) mult[g] = Math.max(prev[g], mult[g] / 10);
                continue;
            }
            if (round == 0 && Double.isNaN(target)) tgt = r.medianRatio();
            prev = mult.clone();
            boolean done = true;
            for (int g = 0; g < n; g++) {
                double c = Double.isFinite(ratios[g]) && ratios[g] > 0 ? tgt / ratios[g] : 0.1;
                c = Math.max(1e-3, Math.min(1e3, c));
                if (c > 1.5 || c < 1 / 1.5) done = false;
                mult[g] = Math.max(1e-4, Math.min(1e4, mult[g] * c));
            }
            if (done) break;
        }
        t.init(seed);
        return new Choice(t.groupNames(), ratios, tgt, mult);
    }
}
