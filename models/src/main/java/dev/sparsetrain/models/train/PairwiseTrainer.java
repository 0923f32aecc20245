package dev.sparsetrain.models.train;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.data.Bounded;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.NegativeSampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * Trains a {@link PairwiseModel} by stochastic steps on (u, i, j) triples, Hogwild-style.
 *
 * <pre>
 *   for epoch e = start+1 .. epochs:
 *     streams: g_e = SplittableRandom(mix(seed, e)); thread t's stream = g_e.split() (t-th call)
 *     each of T threads, samplesPerEpoch / T times:
 *       (u, i) = a user uniformly, then one of its items  (or a training pair uniformly: PAIRS)
 *       j      = sampler.sample(u)                    (an item u has not interacted with)
 *       model.step(u, i, j)                           (no locks: Recht et al., NIPS 2011)
 *     validate (every validateEvery epochs), keep the best parameters, stop after `patience`
 *     validations without improvement; checkpoint every checkpointEvery epochs
 * </pre>
 * Threads default to the available processors. With one thread and a seed a run is bit for bit
 * reproducible, and since the streams of epoch e depend only on (seed, e), training resumed from
 * a checkpoint at epoch e continues exactly as if it had not stopped, provided the checkpoint holds
 * the model's optimizer state too (BPR-MF checkpoints do: moments, accumulators, row counts and
 * step counters, see {@code BprFiles}), and the step passed to the model is the global sample
 * index {@code (epoch - 1) * samplesPerEpoch + s}, the same in a resumed run. With several threads the
 * interleaving of lock-free updates makes runs differ slightly (expected for Hogwild).
 *
 * <p>Progress (epoch, samples/s, running loss sampled on one step in {@code lossSampleEvery}) is
 * drawn by the calling thread while workers run. Training time in {@link Result} excludes
 * validation and checkpoints. Not reentrant: one {@code train} call at a time per trainer.
 */
public final class PairwiseTrainer {
    private final Interactions train;
    private final NegativeSampler sampler;
    private final TrainerConfig config;
    private final long[] pairs;
    private final int[] activeUsers;

    /** Computes a validation figure after an epoch; higher is better. */
    @FunctionalInterface
    public interface Validator {
        double validate(int epoch);
    }

    /** Saves a checkpoint after an epoch. */
    @FunctionalInterface
    public interface Checkpointer {
        void save(int epoch);
    }

    /** Figures of one epoch. */
    public record EpochStats(int epoch, long samples, double seconds, double samplesPerSecond, double loss, double validation, double cpuSeconds) {
        public String line() {
            return String.format(Locale.ROOT, "epoch %d: %s samples/s, loss %.4f%s", epoch, Progress.human(samplesPerSecond), loss,
                    Double.isNaN(validation) ? "" : String.format(Locale.ROOT, ", validation %.4f", validation));
        }
    }

    /**
     * What a run did.
     *
     * @param lastEpoch       the last epoch trained
     * @param bestEpoch       the epoch whose parameters the model holds at the end (the best
     *                        validated one when validating, else the last)
     * @param stoppedEarly    whether early stopping ended the run
     * @param samples         triples processed in this run
     * @param trainSeconds    wall time of the training steps only (no validation, no checkpoints)
     * @param cpuSeconds      CPU time the worker threads spent on them (summed over threads)
     */
    public record Result(int lastEpoch, int bestEpoch, double bestValidation, boolean stoppedEarly, long samples,
                         double trainSeconds, double cpuSeconds, List<EpochStats> history) {
        public double samplesPerSecond() {
            return trainSeconds > 0 ? samples / trainSeconds : 0;
        }

        /**
         * Samples per CPU-second of one worker: what one core delivers when the thread is not
         * descheduled. On a shared machine wall-clock throughput understates the engine; this
         * figure times threads x it is the rate on that many idle cores (cache sharing aside).
         */
        public double samplesPerCpuSecond() {
            return cpuSeconds > 0 ? samples / cpuSeconds : 0;
        }

        public double finalLoss() {
            return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).loss();
        }
    }

    public PairwiseTrainer(Interactions train, NegativeSampler sampler, TrainerConfig config) {
        this.train = train;
        this.sampler = sampler;
        this.config = config;
        if (train.size() == 0) throw new BadInputException("training set: no interactions");
        if (config.positives() == TrainerConfig.PositiveSampling.PAIRS) {
            int[] uo = train.userOfEntry();
            int[] it = train.itemIndices();
            pairs = new long[it.length];
            // (u, i) packed in one long: one memory access per positive draw instead of two.
            for (int p = 0; p < it.length; p++) pairs[p] = ((long) uo[p] << 32) | it[p];
        } else {
            pairs = null;
        }
        int[] act = new int[train.numUsers()];
        int na = 0;
        for (int u = 0; u < train.numUsers(); u++) if (train.count(u) > 0) act[na++] = u;
        activeUsers = java.util.Arrays.copyOf(act, na);
    }

    public TrainerConfig config() { return config; }

    public Interactions train() { return train; }

    /**
     * Runs epochs {@code startEpoch+1 .. config.epochs()}.
     *
     * @param startEpoch     epochs already done (0 for a fresh model; a checkpoint's epoch to resume)
     * @param validator      null for none
     * @param checkpointer   null for none
     * @param progress       makes the progress line of an epoch from its label and total samples
     *                       (e.g. {@code Progress::toStderr}), or null for silence
     */
    public Result train(PairwiseModel model, int startEpoch, Validator validator, Checkpointer checkpointer,
                        java.util.function.BiFunction<String, Long, Progress> progress) {
        int T = config.threads();
        PairwiseModel.Worker[] workers = new PairwiseModel.Worker[T];
        for (int t = 0; t < T; t++) workers[t] = model.newWorker(t, T);
        long perEpoch = config.samplesPerEpoch() > 0 ? config.samplesPerEpoch() : train.size();
        List<EpochStats> history = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        int bestEpoch = startEpoch;
        Object bestSnapshot = null;
        int sinceBest = 0;
        boolean stopped = false;
        long total = 0;
        double trainSeconds = 0, cpuSeconds = 0;
        int epoch = startEpoch;
        while (epoch < config.epochs()) {
            epoch++;
            Progress p = progress == null ? Progress.silent()
                    : progress.apply(String.format(Locale.ROOT, "epoch %d/%d", epoch, config.epochs()), perEpoch);
            model.beginEpoch(epoch, config.epochs());
            long t0 = System.nanoTime();
            double[] cpu = new double[1];
            double loss = runEpoch(model, workers, epoch, perEpoch, (long) (epoch - 1) * perEpoch, p, cpu);
            double secs = (System.nanoTime() - t0) / 1e9;
            trainSeconds += secs;
            cpuSeconds += cpu[0];
            total += perEpoch;
            double val = Double.NaN;
            boolean last = epoch == config.epochs();
            if (validator != null && (epoch % config.validateEvery() == 0 || last)) {
                val = validator.validate(epoch);
                if (val > best) {
                    best = val;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    if (!last) bestSnapshot = model.snapshot();
                    else bestSnapshot = null;
                } else {
                    sinceBest++;
                }
            } else if (validator == null) {
                bestEpoch = epoch;
            }
            p.finish(perEpoch, String.format(Locale.ROOT, "loss %.4f%s", loss,
                    Double.isNaN(val) ? "" : String.format(Locale.ROOT, "  validation %.4f%s", val, bestEpoch == epoch ? " *" : "")));
            p.close();
            history.add(new EpochStats(epoch, perEpoch, secs, perEpoch / secs, loss, val, cpu[0]));
            if (checkpointer != null && config.checkpointEvery() > 0 && epoch % config.checkpointEvery() == 0) {
                checkpointer.save(epoch);
            }
            if (config.patience() > 0 && validator != null && sinceBest >= config.patience()) {
                stopped = true;
                break;
            }
        }
        if (validator != null && bestSnapshot != null && bestEpoch != epoch) model.restore(bestSnapshot);
        return new Result(epoch, bestEpoch, validator == null ? Double.NaN : best, stopped, total, trainSeconds, cpuSeconds, history);
    }

    /** The per-thread streams of an epoch: a function of (seed, epoch) only. */
    static SplittableRandom[] streams(long seed, int epoch, int threads) {
        SplittableRandom g = new SplittableRandom(mix(seed, epoch));
        SplittableRandom[] r = new SplittableRandom[threads];
        for (int t = 0; t < threads; t++) r[t] = g.split();
        return r;
    }

    static long mix(long seed, long epoch) {
        long z = seed + epoch * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private double runEpoch(PairwiseModel model, PairwiseModel.Worker[] workers, int epoch, long perEpoch, long stepBase, Progress progress,
                            double[] cpuOut) {
        int T = workers.length;
        int R = config.roundsPerEpoch();
        SplittableRandom[] rnd = streams(config.seed(), epoch, T);
        // Per-thread published counters, padded to separate cache lines.
        long[] done = new long[T * 16];
        double[] lossSum = new double[T * 16];
        long[] lossCnt = new long[T * 16];
        long[] cpuNanos = new long[T * 16];
        Throwable[] failure = new Throwable[1];
        CyclicBarrier barrier = new CyclicBarrier(T, model::afterRound);
        Thread[] threads = new Thread[T];
        int mask = config.lossSampleEvery() - 1;
        for (int t = 0; t < T; t++) {
            final int ti = t;
            long mine = perEpoch / T + (t < perEpoch % T ? 1 : 0);
            Runnable body = () -> {
                var mx = java.lang.management.ManagementFactory.getThreadMXBean();
                long c0 = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
                try {
                    work(workers[ti], rnd[ti], mine, R, ti, T, stepBase, mask, done, lossSum, lossCnt, barrier);
                    if (c0 >= 0) cpuNanos[ti * 16] = mx.getCurrentThreadCpuTime() - c0;
                } catch (Throwable e) {
                    synchronized (failure) {
                        if (failure[0] == null) failure[0] = e;
                    }
                    barrier.reset();
                }
            };
            threads[t] = T == 1 ? null : Thread.ofPlatform().name("hogwild-" + t).daemon(true).unstarted(body);
            if (T == 1) {
                body.run();
            } else {
                threads[t].start();
            }
        }
        if (T > 1) {
            for (Thread th : threads) {
                while (th.isAlive()) {
                    try {
                        th.join(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("training interrupted", e);
                    }
                    long d = 0;
                    double ls = 0;
                    long lc = 0;
                    for (int x = 0; x < T; x++) { d += done[x * 16]; ls += lossSum[x * 16]; lc += lossCnt[x * 16]; }
                    progress.update(d, lc == 0 ? "" : String.format(Locale.ROOT, "loss %.4f", ls / lc));
                }
            }
        }
        if (failure[0] != null) {
            if (failure[0] instanceof RuntimeException re) throw re;
            if (failure[0] instanceof Error er) throw er;
            throw new IllegalStateException(failure[0]);
        }
        double ls = 0;
        long lc = 0, cn = 0;
        for (int x = 0; x < T; x++) { ls += lossSum[x * 16]; lc += lossCnt[x * 16]; cn += cpuNanos[x * 16]; }
        cpuOut[0] = cn / 1e9;
        return lc == 0 ? Double.NaN : ls / lc;
    }

    private void work(PairwiseModel.Worker w, SplittableRandom rnd, long n, int rounds, int t, int T, long stepBase, int mask,
                      long[] done, double[] lossSum, long[] lossCnt, CyclicBarrier barrier)
            throws InterruptedException, BrokenBarrierException {
        final long[] pairs = this.pairs;
        final int nnz = pairs == null ? 0 : pairs.length;
        final NegativeSampler sampler = this.sampler;
        final boolean byUser = config.positives() == TrainerConfig.PositiveSampling.USERS;
        final int[] indptr = train.indptr(), indices = train.itemIndices();
        final int[] active = activeUsers;
        double loss = 0;
        long lossN = 0;
        long s = 0;
        for (int r = 0; r < rounds; r++) {
            long end = n * (r + 1) / rounds;
            w.beginRound();
            for (; s < end; s++) {
                int u, i;
                if (byUser) {
                    u = active[Bounded.below(rnd, active.length)];
                    int st = indptr[u];
                    i = indices[st + Bounded.below(rnd, indptr[u + 1] - st)];
                } else {
                    long pr = pairs[Bounded.below(rnd, nnz)];
                    u = (int) (pr >>> 32);
                    i = (int) pr;
                }
                int j = sampler.sample(u, rnd);
                if (j < 0) continue; // the user has every item: no negative exists
                boolean want = (s & mask) == 0;
                double l = w.step(u, i, j, stepBase + s * T + t + 1, want);
                if (want) {
                    loss += l;
                    lossN++;
                }
                if ((s & 8191) == 8191) {
                    done[t * 16] = s + 1;
                    lossSum[t * 16] = loss;
                    lossCnt[t * 16] = lossN;
                }
            }
            w.endRound();
            barrier.await(); // with one party this just runs afterRound() here
        }
        done[t * 16] = s;
        lossSum[t * 16] = loss;
        lossCnt[t * 16] = lossN;
    }

    /** Convenience: a progress factory writing to standard error. */
    public static java.util.function.BiFunction<String, Long, Progress> stderrProgress() {
        return Progress::toStderr;
    }
}
