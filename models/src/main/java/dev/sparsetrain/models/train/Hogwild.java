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
 * triples, Hogwild-style, one epoch per {@link #trainEpoch} call of the {@link Trainer}.
 *
 * <pre>
 *   epoch e:
 *     streams: g_e = SplittableRandom(mix(seed, e)); thread t's stream = g_e.split() (t-th call)
 *     each of T threads, samplesPerEpoch / T times, in roundsPerEpoch rounds:
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
    private final TrainerConfig config;
    private final long[] pairs;
    private final int[] activeUsers;
    private final long perEpoch;
    private PairwiseModel.Worker[] workers;   // one per thread, made at the first epoch

    /**
     * @param model   the model (its workers are made afresh every epoch)
     * @param train   the training pairs the positives are drawn from
     * @param sampler the negatives
     * @param config  threads, seed, samples and rounds per epoch, positive sampling
     */
    public Hogwild(PairwiseModel model, Interactions train, NegativeSampler sampler, TrainerConfig config) {
        this.model = Objects.requireNonNull(model, "model");
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
        perEpoch = config.samplesPerEpoch() > 0 ? config.samplesPerEpoch() : train.size();
    }

    /**
     * Trains {@code model} with the spine: {@code new Trainer(config).fit(new Hogwild(...), ...)}.
     *
     * @param validator    null for none
     * @param checkpointer null for none
     * @param progress     progress line factory, or null for silence
     */
    public static Trainer.Result fit(PairwiseModel model, Interactions train, NegativeSampler sampler, TrainerConfig config,
                                     Trainer.Validator validator, Trainer.Checkpointer checkpointer,
                                     java.util.function.BiFunction<String, Long, Progress> progress) {
        return fit(model, train, sampler, config, Trainer.State.fresh(), validator, checkpointer, progress);
    }

    /** {@link #fit(PairwiseModel, Interactions, NegativeSampler, TrainerConfig, Trainer.Validator, Trainer.Checkpointer, java.util.function.BiFunction)} continuing {@code from}. */
    public static Trainer.Result fit(PairwiseModel model, Interactions train, NegativeSampler sampler, TrainerConfig config,
                                     Trainer.State from, Trainer.Validator validator, Trainer.Checkpointer checkpointer,
                                     java.util.function.BiFunction<String, Long, Progress> progress) {
        return new Trainer(config).fit(new Hogwild(model, train, sampler, config), from, validator, checkpointer, progress);
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

    private double runEpoch(PairwiseModel.Worker[] workers, int epoch, long perEpoch, long stepBase, Progress progress,
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
            long end = n * (r + 1) / rounds;
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
