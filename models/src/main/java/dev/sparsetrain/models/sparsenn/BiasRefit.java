package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import java.io.Serializable;

/**
 * Re-fits the global intercept of a click model after training: finds the shift {@code delta} of
 * every logit that makes the mean prediction over the training rows equal their click rate, and
 * adds it to the model's logit bias ({@code bias.b} of LR/FM, the last top layer's bias
 * {@code top.M.b} of SparseNN).
 *
 * <pre>
 *   solve   sum_i sigmoid(z_i + delta) = sum_i y_i            (Newton; the left side increases in delta)
 *   then    logit bias += delta
 * </pre>
 * This is the first-order optimality condition of the log loss in the intercept alone (the
 * "calibration in the large" of logistic recalibration, Cox 1958). The partitions send a
 * {@link Histogram} of their rows' logits (on Spark; {@code ctr-train --refit-bias} bins its own rows the same way) (count and sum of the logits in each of 8,000 bins of
 * width 0.005 over [-20, 20]) and their clicks, so the driver never sees the rows; solving on the
 * bins' mean logits changes {@code delta} by far less than 1e-4.
 *
 * <p>Why (measured, see the Spark section of the README): with local SGD and model averaging a
 * parameter that every partition pushes the same way, above all the intercept, moves per pass as
 * far as one partition moves it in its 1/P of the steps, as in single-machine training with a P
 * times larger batch; and the intercept that the click models learn in one pass is off already on
 * one machine. Stateless; thread-safe.
 */
public final class BiasRefit {
    private BiasRefit() {}

    /** Bins of the logit histogram, of width 2 LIMIT / BINS = 0.005. */
    public static final int BINS = 8000;
    /** Logits are clamped to [-LIMIT, LIMIT] for binning. */
    public static final double LIMIT = 20;

    /**
     * Logits binned by value: count and sum per bin, and the rows' clicks; rows whose prediction
     * is not a number (a diverged model) are only counted in {@code nonFinite}. Mergeable.
     */
    public record Histogram(long[] count, double[] sum, long clicks, long nonFinite) implements Serializable {
        /** The histogram of predictions {@code p} (probabilities) with their click labels. */
        public static Histogram of(float[] p, byte[] labels) {
            Accumulator a = new Accumulator();
            a.add(p, labels, p.length);
            return a.histogram();
        }

        /** The histogram of both sets of rows. */
        public Histogram plus(Histogram o) {
            long[] n = count.clone();
            double[] s = sum.clone();
            for (int b = 0; b < BINS; b++) {
                n[b] += o.count[b];
                s[b] += o.sum[b];
            }
            return new Histogram(n, s, clicks + o.clicks, nonFinite + o.nonFinite);
        }

        /** Rows counted. */
        public long rows() {
            long r = 0;
            for (long c : count) r += c;
            return r;
        }

        /** The mean prediction over the rows after adding {@code delta} to every logit. */
        public double meanPrediction(double delta) {
            double s = 0;
            long r = 0;
            for (int b = 0; b < BINS; b++) {
                if (count[b] == 0) continue;
                s += count[b] / (1 + Math.exp(-(sum[b] / count[b] + delta)));
                r += count[b];
            }
            return r == 0 ? Double.NaN : s / r;
        }

        /**
         * The shift that makes the mean prediction equal the click rate, or NaN when the rows
         * hold no click or only clicks (no finite shift exists) or a prediction that is not a
         * number ({@link #whyNoShift()} says which).
         */
        public double shift() {
            if (whyNoShift() != null) return Double.NaN;
            double delta = 0;
            for (int it = 0; it < 100; it++) {
                double f = -clicks, g = 0;
                for (int b = 0; b < BINS; b++) {
                    if (count[b] == 0) continue;
                    double sg = 1 / (1 + Math.exp(-(sum[b] / count[b] + delta)));
                    f += count[b] * sg;
                    g += count[b] * sg * (1 - sg);
                }
                double step = g > 0 ? Math.max(-2, Math.min(2, f / g)) : Math.signum(f) * 2;
                delta -= step;
                if (Math.abs(step) < 1e-9) break;
            }
            return delta;
        }

        /** Why {@link #shift()} is NaN, as a phrase for a log line; null when it is a number. */
        public String whyNoShift() {
            if (nonFinite > 0) return nonFinite + " training rows have a prediction that is not a number (the model diverged)";
            long rows = rows();
            if (rows == 0) return "no training rows";
            if (clicks == 0) return "the training rows hold no click";
            if (clicks == rows) return "the training rows are all clicks";
            return null;
        }
    }

    /**
     * A {@link Histogram} built block after block of rows that are streamed (a training log on
     * disk), summing in row order: over the same rows in the same order it is the histogram of
     * {@link Histogram#of} over all of them at once, bit for bit (merging per-block histograms
     * with {@link Histogram#plus} would add the sums in another order). Not thread-safe.
     */
    public static final class Accumulator {
        private final long[] n = new long[BINS];
        private final double[] s = new double[BINS];
        private long clicks, nonFinite;

        /** Adds rows {@code [0, rows)} of predictions {@code p} (probabilities) with their click labels. */
        public void add(float[] p, byte[] labels, int rows) {
            for (int i = 0; i < rows; i++) {
                if (!(p[i] >= 0 && p[i] <= 1)) {   // NaN: without this it would land in bin 0 and poison every sum
                    nonFinite++;
                    continue;
                }
                double q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
                double z = Math.log(q / (1 - q));
                int b = (int) Math.floor((z + LIMIT) / (2 * LIMIT) * BINS);
                b = Math.max(0, Math.min(BINS - 1, b));
                n[b]++;
                s[b] += z;
                clicks += labels[i];
            }
        }

        /** The histogram of the rows added so far. */
        public Histogram histogram() { return new Histogram(n.clone(), s.clone(), clicks, nonFinite); }
    }

    /** The table holding the bias added to every logit: {@code bias.b} (LR, FM) or {@code top.M.b} (SparseNN). */
    public static Table logitBias(SparseNN m) {
        String name = m.config().type() == ModelConfig.Type.SPARSENN ? "top." + m.config().topHidden().length + ".b" : "bias.b";
        for (Table t : m.denseTables()) {
            if (t.name().equals(name) && t.data().length == 1) return t;
        }
        throw new IllegalStateException("model has no logit bias " + name);
    }

    /** Adds {@code delta} to every logit of {@code m}. */
    public static void apply(SparseNN m, double delta) {
        float[] b = logitBias(m).data();
        b[0] = (float) (b[0] + delta);
    }

    /**
     * Re-fits {@code m}'s intercept on {@code rows} (one machine): predicts them, solves for the
     * shift and applies it. Returns the shift (NaN, and nothing changed, when the rows hold no
     * click or only clicks).
     */
    public static double refit(SparseNN m, CtrData rows) {
        double delta = Histogram.of(m.predict(rows), rows.labels()).shift();
        if (!Double.isNaN(delta)) apply(m, delta);
        return delta;
    }
}
