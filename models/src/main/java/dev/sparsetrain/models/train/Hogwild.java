package dev.sparsetrain.models.train;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.Bounded;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.OptimizerState;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * The spine's per-sample mode: a {@link PairwiseModel} trained by stochastic steps on (u, i, j)
 * triples, Hogwild-style, one epoch per {@link #trainEpoch} call of the {@link Trainer}:
 * {@code new Trainer(loop).fit(Hogwild.of(model, train, sampler))}.
 *
 * <pre>
 *   epoch e:
 *     streams: g_e = SplittableRandom(mix(seed, e)); thread t's stream = g_e.split() (t-th call)
 *     each of T threads, samplesPerEpoch / T times, in roundsPerEpoch rounds (of equal size, or of
 *     roundSamples triples over all threads with the remainder last: {@link #withRoundSamples}):
 *       (u, i) = a user uniformly, then one of its items  (or a training pair uniformly: PAIRS)
 *       j      = sampler.sample(u)                    (an item u has not interacted with)
 *       model.step(u, i, j)                           (no locks: Recht et al., NIPS 2011)
 * </pre>
 * Threads default to the available processors. With one thread and a seed a run is bit for bit
 * reproducible, and since the streams of epoch e depend only on (seed, e), training resumed from
 * a checkpoint at epoch e continues exactly as if it had not stopped (the checkpoint holds the
 * optimizer state: moments, accumulators, row counts and step counters), because the step passed
 * to the model is the global sample index {@code (epoch - 1) * samplesPerEpoch + s}, the same in
 * a resumed run. With several threads the interleaving of lock-free updates makes runs differ
 * slightly (expected for Hogwild).
 *
 * <p>Progress (samples, running loss sampled on one step in {@code lossSampleEvery}) is drawn by
 * the calling thread while workers run.
 */
public final class Hogwild implements Trainable {
    private final PairwiseModel model;
    private final Interactions train;
    private final NegativeSampler sampler;
    private final int[] activeUsers;
    private TrainerConfig config;             // the loop's, set by begin
    private long[] pairs;                     // (u, i) packed, made when first drawn PAIRS
    private long perEpoch;
    private long roundSamples;   // 0: the loop's roundsPerEpoch rounds of equal size
    private PairwiseModel.Worker[] workers;   // one per thread, made at the first epoch

    private Hogwild(PairwiseModel model, Interactions train, NegativeSampler sampler) {
        this.model = Objects.requireNonNull(model, "model");
        this.train = Objects.requireNonNull(train, "train");
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        if (train.size() == 0) throw new BadInputException("training set: no interactions");
        int[] act = new int[train.numUsers()];
        int na = 0;
        for (int u = 0; u < train.numUsers(); u++) if (train.count(u) > 0) act[na++] = u;
        activeUsers = java.util.Arrays.copyOf(act, na);
    }

    /**
     * {@code model} as a {@link Trainable} for {@code new Trainer(loop).fit(...)}: epochs of
     * stochastic steps on triples drawn from {@code train} and {@code sampler}; the threads, seed,
     * samples and rounds per epoch and the positive sampling are the loop's ({@link #begin}).
     *
     * @param model   the model (its workers are made at the first epoch, one per thread)
     * @param train   the training pairs the positives are drawn from
     * @param sampler the negatives
     */
    public static Hogwild of(PairwiseModel model, Interactions train, NegativeSampler sampler) {
        return new Hogwild(model, train, sampler);
    }

    /** Takes the loop's per-sample settings (a trainer's {@link TrainerConfig}); new workers if the thread count changed. */
    @Override
    public String begin(TrainerConfig loop, Trainer.State from) {
        if (workers != null && workers.length != loop.threads()) workers = null;
        config = loop;
        if (loop.positives() == TrainerConfig.PositiveSampling.PAIRS && pairs == null) {
            int[] uo = train.userOfEntry();
            int[] it = train.itemIndices();
            pairs = new long[it.length];
            // (u, i) packed in one long: one memory access per positive draw instead of two.
            for (int p = 0; p < it.length; p++) pairs[p] = ((long) uo[p] << 32) | it[p];
        }
        perEpoch = loop.samplesPerEpoch() > 0 ? loop.samplesPerEpoch() : train.size();
        return null;
    }

    /**
     * Rounds of {@code samples} triples over all threads, the last one the remainder
     * ({@code ceil(samplesPerEpoch / samples)} rounds), instead of the loop's
     * {@code roundsPerEpoch} equal rounds (0, the default). VBPR's dense batch is such a round: E
     * and beta' take one step per {@code denseBatch} samples, and the work of a dense step grows
     * with the items its round touched, so a short last round is cheaper than equal rounds.
     */
    public Hogwild withRoundSamples(long samples) {
        if (samples < 0) throw new IllegalArgumentException("round samples: " + samples);
        this.roundSamples = samples;
        return this;
    }

    public PairwiseModel model() { return model; }

    public Interactions train() { return train; }

    @Override
    public long samplesPerEpoch() { return perEpoch; }

    @Override
    public List<Table> parameters() { return model.parameters(); }

    @Override
    public OptimizerState exportState() { return model.optimizer().exportState(); }

    @Override
    public void importState(String where, OptimizerState state) { model.optimizer().importState(where, state); }

    @Override
    public OptimizerState stateView() { return model.optimizer().stateView(); }

    @Override
    public OptimizerState.Reader stateReader(String where, java.util.Map<String, String> meta) { return model.optimizer().stateReader(where, meta); }

    @Override
    public void parametersRestored() { model.parametersRestored(); }

    @Override
    public List<GroupDiagnostics> epochDiagnostics() { return model.epochDiagnostics(); }

    @Override
    public String onDivergence(int epoch, List<GroupDiagnostics> lastEpoch) { return model.onDivergence(epoch, lastEpoch); }

    @Override
    public EpochRun trainEpoch(int epoch, int epochs, Progress progress) {
        if (config == null) throw new IllegalStateException("Hogwild: begin(loop, state) first (Trainer.fit calls it)");
        int T = config.threads();
        if (workers == null) {
            workers = new PairwiseModel.Worker[T];
            for (int t = 0; t < T; t++) workers[t] = model.newWorker(t, T);
        }
        model.beginEpoch(epoch, epochs);
        long t0 = System.nanoTime();
        double[] cpu = new double[1];
        double loss = runEpoch(workers, epoch, perEpoch, (long) (epoch - 1) * perEpoch, progress, cpu);
        double secs = (System.nanoTime() - t0) / 1e9;
        model.endEpoch();
        return new EpochRun(perEpoch, loss, secs, cpu[0]);
    }

    /** The per-thread streams of an epoch: a function of (seed, epoch) only. */
    static SplittableRandom[] streams(long seed, int epoch, int threads) {
        SplittableRandom g = new SplittableRandom(dev.sparsetrain.core.Seeds.mix(seed, epoch));
        SplittableRandom[] r = new SplittableRandom[threads];
        for (int t = 0; t < threads; t++) r[t] = g.split();
        return r;
    }

    private double runEpoch(PairwiseModel.Worker[] workers, int epoch, long perEpoch, long stepBase, Progress progress,
                            double[] cpuOut) {
        int T = workers.length;
        int R = roundSamples > 0 ? (int) Math.max(1, (perEpoch + roundSamples - 1) / roundSamples) : config.roundsPerEpoch();
        SplittableRandom[] rnd = streams(config.seed(), epoch, T);
        // Per-thread published counters, padded to separate cache lines.
        long[] done = new long[T * 16];
        double[] lossSum = new double[T * 16];
        long[] lossCnt = new long[T * 16];
        long[] cpuNanos = new long[T * 16];
        Throwable[] failure = new Throwable[1];
        CyclicBarrier barrier = new CyclicBarrier(T, model::afterRound), sync = new CyclicBarrier(T);
        Thread[] threads = new Thread[T];
        int mask = config.lossSampleEvery() - 1;
        for (int t = 0; t < T; t++) {
            final int ti = t;
            long mine = perEpoch / T + (t < perEpoch % T ? 1 : 0);
            Runnable body = () -> {
                var mx = java.lang.management.ManagementFactory.getThreadMXBean();
                long c0 = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
                try {
                    work(workers[ti], rnd[ti], mine, R, ti, T, stepBase, mask, done, lossSum, lossCnt, barrier, sync);
                    if (c0 >= 0) cpuNanos[ti * 16] = mx.getCurrentThreadCpuTime() - c0;
                } catch (Throwable e) {
                    synchronized (failure) {
                        if (failure[0] == null) failure[0] = e;
                    }
                    barrier.reset();
                    sync.reset();
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
                      long[] done, double[] lossSum, long[] lossCnt, CyclicBarrier barrier,
                      CyclicBarrier sync)
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
            long end;
            if (roundSamples > 0) {   // this thread's share of the first min(perEpoch, (r + 1) * roundSamples) samples
                long c = r == rounds - 1 ? perEpoch : Math.min(perEpoch, (r + 1) * roundSamples);
                end = c / T + (t < c % T ? 1 : 0);
            } else {
                end = n * (r + 1) / rounds;
            }
            w.beginRound();
            if (T > 1) sync.await();
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
            if (T > 1) sync.await();
            w.endRound();
            barrier.await(); // with one party this just runs afterRound() here
        }
        done[t * 16] = s;
        lossSum[t * 16] = loss;
        lossCnt[t * 16] = lossN;
    }
}
