package dev.sparsetrain.spark;

import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.sparsenn.BiasRefit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * The driver's figures of a Spark click-model run, shared by {@link SparkCtrTrainer} and
 * {@link ShardedCtrTrainer} so that both report a pass alike: each round adds its partitions'
 * summed loss, samples, clicks and task seconds; every {@code roundsPerPass} rounds they become a
 * {@link SparkCtrTrainer.PassStats} (training NE over the pass's samples).
 */
final class PassTally {
    private final int roundsPerPass;
    private final List<SparkCtrTrainer.PassStats> history = new ArrayList<>();
    private double total, secs, loss, taskSecs;
    private long samples, passSamples, clicks;

    PassTally(int roundsPerPass) { this.roundsPerPass = roundsPerPass; }

    /** One partition's share of the current round. */
    void add(double lossSum, long samples, long clicks, double taskSeconds) {
        loss += lossSum;
        passSamples += samples;
        this.clicks += clicks;
        taskSecs += taskSeconds;
    }

    /**
     * Ends round {@code round} (0-based) that took {@code seconds} on the driver.
     *
     * @return the pass's figures when the round ends a pass, else null
     */
    SparkCtrTrainer.PassStats roundDone(int round, double seconds) {
        total += seconds;
        secs += seconds;
        if ((round + 1) % roundsPerPass != 0) return null;
        double h = passSamples == 0 ? 0 : CtrMetrics.entropy((double) clicks / passSamples);
        var ps = new SparkCtrTrainer.PassStats((round + 1) / roundsPerPass, passSamples, secs, h > 0 ? loss / passSamples / h : Double.NaN,
                taskSecs);
        history.add(ps);
        samples += passSamples;
        secs = loss = taskSecs = 0;
        passSamples = clicks = 0;
        return ps;
    }

    List<SparkCtrTrainer.PassStats> history() { return history; }

    /** Seconds of all rounds so far. */
    double totalSeconds() { return total; }

    /** Samples of all finished passes. */
    long samples() { return samples; }

    /**
     * The driver's end of {@link BiasRefit}: the shift {@code h} solves for, handed to
     * {@code apply}, with one line to {@code log} (may be null) either way.
     *
     * @return the shift, or NaN when there is none (the training rows hold no click, only clicks,
     *         or a prediction that is not a number); {@code apply} is then not called
     */
    static double refit(BiasRefit.Histogram h, DoubleConsumer apply, Consumer<String> log) {
        double delta = h.shift(), rate = (double) h.clicks() / h.rows();
        if (Double.isNaN(delta)) {
            if (log != null) log.accept("bias re-fit skipped: " + h.whyNoShift());
            return delta;
        }
        apply.accept(delta);
        if (log != null) {
            log.accept(String.format(Locale.ROOT, "bias re-fit: logit bias %+.4f (training rows: mean prediction %.4f -> %.4f, click rate %.4f)",
                    delta, h.meanPrediction(0), h.meanPrediction(delta), rate));
        }
        return delta;
    }
}
