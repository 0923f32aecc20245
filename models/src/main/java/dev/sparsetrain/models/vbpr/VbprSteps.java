package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.models.train.PairwiseModel;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.ParamGroup;
import dev.sparsetrain.optim.RowUpdater;
import dev.sparsetrain.optim.Schedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A {@link VbprModel} as the spine's per-sample mode sees it ({@link PairwiseModel}, run by
 * {@code Hogwild}): sparse rows per sample, E and beta' per round of {@code denseBatch} samples.
 *
 * <pre>
 *   beginRound  (parallel)  p_i = E f_i, b'_i = beta' . f_i for the thread's own item range
 *   step(u,i,j) (Hogwild)   g = sigma(-x_uij) ({@link VbprModel#sampleGradients}); update beta_i, beta_j,
 *                           gamma_u, gamma_i, gamma_j, theta_u through the runtime's RowUpdater (LAZY);
 *                           accumulate a_i += g theta_u, c_i += g (minus for j) in the thread's buffers
 *   endRound    (parallel)  the thread's items touched by any thread: sum the threads' a_i, c_i and form
 *                           the partial dE = -sum_i a_i f_i^T, d beta' = -sum_i c_i f_i ({@link DenseKernels})
 *   afterRound  (one)       sum the partials, one optimizer step of E and beta' (DENSE semantics)
 * </pre>
 * The dense gradient is the sum over the round's samples, so plain SGD on E is per-sample SGD
 * with delayed application. No thread writes E or beta' while another reads them (barriers).
 *
 * <p>Item-ID dropout (DropoutNet, Volkovs et al. 2017) draws from a per-thread stream seeded by
 * (seed, epoch, thread), so a resumed run repeats it. Per-group figures come from the runtime:
 * one sparse update in 16 per thread is recorded into its {@link GroupStats} (reported after
 * each round) and every dense step ({@link Optimizer#diagnostics()}).
 *
 * <p>Learning-rate multipliers live in the optimizer (so snapshots and checkpoints carry them);
 * {@link #base} holds the ones an epoch {@link Schedule} scales and the divergence guard divides.
 */
final class VbprSteps implements PairwiseModel {
    final VbprModel model;
    final Optimizer optimizer;
    final String[] names;
    private final RowUpdater rB, rU, rI, rT;
    private final double dropout, initStd;
    private final boolean record;
    private long seed;
    /** The multipliers a schedule scales (auto-balance's, the divergence guard's). */
    final double[] base;
    Schedule schedule;   // null: multipliers as set
    private volatile long streamSeed;
    private volatile int generation;
    private W[] workers = new W[0];

    VbprSteps(VbprModel model, VbprConfig cfg, long seed) {
        this.model = model;
        this.names = VbprConfig.tableNames(cfg.variant());
        List<ParamGroup> groups = new ArrayList<>();
        List<Table> tabs = new ArrayList<>();
        for (String name : names) {
            GroupSpec spec = cfg.groups().get(name);
            Table t = model.table(name);
            groups.add(ParamGroup.of(name, spec.chain(name), name).withSemantics(spec.semantics(t.kind() == Table.Kind.DENSE)));
            tabs.add(t);
        }
        this.optimizer = Optimizer.build(groups, tabs);
        boolean k = model.factors() > 0;
        rB = k ? optimizer.updater(model.itemBias) : null;
        rU = k ? optimizer.updater(model.userFactors) : null;
        rI = k ? optimizer.updater(model.itemFactors) : null;
        rT = optimizer.updater(model.userVisual);
        this.dropout = k ? cfg.itemIdDropout() : 0;   // only where a visual term is left to score by
        this.record = cfg.recordStats();
        this.initStd = cfg.initStd();
        this.seed = seed;
        this.base = new double[names.length];
        Arrays.fill(base, 1);
    }

    /** The seed the per-thread dropout streams derive from (with the epoch). */
    void reseed(long s) { this.seed = s; }

    double multiplier(int g) { return optimizer.learningRateMultiplier(names[g]); }

    void setMultiplier(int g, double m) {
        base[g] = m;
        optimizer.setLearningRateMultiplier(names[g], m);
    }

    @Override
    public Worker newWorker(int t, int threads) {
        if (t == 0 || workers.length != threads) workers = new W[threads];
        return workers[t] = new W(t, threads);
    }

    @Override
    public void beginEpoch(int epoch, int epochs) {
        streamSeed = seed * 0x9E3779B97F4A7C15L + epoch;
        generation++;
        if (schedule != null && !schedule.isConstant()) {
            double f = schedule.factor(epoch);
            for (int g = 0; g < names.length; g++) optimizer.setLearningRateMultiplier(names[g], base[g] * f);
        }
    }

    @Override
    public void afterRound() {
        if (record) for (W w : workers) if (w != null) optimizer.report(w.stats);
        W w0 = workers[0];
        for (int t = 1; t < workers.length; t++) {
            Kernels.axpy(1f, workers[t].dE, 0, w0.dE, 0, w0.dE.length);
            Kernels.axpy(1f, workers[t].dB, 0, w0.dB, 0, w0.dB.length);
        }
        RowBatch bE = optimizer.gradients(model.projection), bB = optimizer.gradients(model.visualBias);
        int fd = model.featureDim();
        for (int r = 0; r < model.visualFactors(); r++) bE.add(r, w0.dE, r * fd);
        bB.add(0, w0.dB, 0);
        optimizer.step();
    }

    @Override
    public void endEpoch() {
        model.project(0, model.items());   // E changed in the last round
    }

    @Override
    public List<Table> parameters() { return model.tables(); }

    @Override
    public Optimizer optimizer() { return optimizer; }

    @Override
    public void parametersRestored() { model.project(0, model.items()); }

    @Override
    public List<GroupDiagnostics> epochDiagnostics() { return optimizer.endEpoch(); }

    /**
     * The divergence guard's move: the group with the largest update-to-weight ratio in the
     * diverged epoch (a non-finite ratio counts as largest) gets a tenth of its multiplier.
     */
    @Override
    public String onDivergence(int epoch, List<GroupDiagnostics> lastEpoch) {
        VbprTrainer.GroupFigures[] f = figures(lastEpoch);
        int worst = 0;
        for (int g = 1; g < f.length; g++) if (!(f[g].updateToWeight() <= f[worst].updateToWeight())) worst = g;
        base[worst] /= 10;
        optimizer.setLearningRateMultiplier(names[worst], multiplier(worst) / 10);
        return String.format(Locale.ROOT, "epoch %d diverged (non-finite loss): undone; group '%s' learning-rate multiplier divided by 10 to %.3g",
                epoch, names[worst], multiplier(worst));
    }

    /**
     * The optimizer's figures of each group as {@link VbprTrainer.GroupFigures}: the gradient norm
     * is {@link GroupDiagnostics#rmsRowGradientNorm()} (per updated row), the update norm likewise
     * per row, and the update-to-weight ratio has the weight norm floored at
     * {@code initStd * sqrt(dim)} per updated row, so that a zero-initialised bias does not show a
     * ratio near 1 whatever its rate (auto-balance and the divergence guard compare these ratios).
     */
    VbprTrainer.GroupFigures[] figures(List<GroupDiagnostics> diags) {
        VbprTrainer.GroupFigures[] out = new VbprTrainer.GroupFigures[names.length];
        for (int g = 0; g < names.length; g++) {
            GroupDiagnostics d = null;
            for (GroupDiagnostics x : diags) if (x.group().equals(names[g])) d = x;
            if (d == null) {
                out[g] = new VbprTrainer.GroupFigures(names[g], 0, 0, 0, 0, 0, 0, multiplier(g));
                continue;
            }
            long n = d.rowsUpdated();
            double un = d.updateNorm(), w2 = d.updateToWeightRatio() > 0 ? Math.pow(un / d.updateToWeightRatio(), 2) : 0;
            double floor2 = initStd * initStd * model.table(names[g]).dim() * n;
            double wn2 = Math.max(w2, floor2);
            double ratio = wn2 > 0 ? un / Math.sqrt(wn2) : (un == 0 ? 0 : Double.POSITIVE_INFINITY);
            if (!Double.isFinite(un)) ratio = Double.POSITIVE_INFINITY;
            out[g] = new VbprTrainer.GroupFigures(names[g], d.rmsRowGradientNorm(), n == 0 ? 0 : un / Math.sqrt(n), ratio,
                    d.meanEffectiveLr(), n, d.nonFiniteGradients(), multiplier(g));
        }
        return out;
    }

    /** One thread: gradient scratch, its a_i / c_i buffers and its partial dense gradients. */
    final class W implements Worker {
        final int id, T, lo, hi, kv;
        final VbprModel.Scratch sc;
        final GroupStats stats;
        final float[] accA, accC, dE, dB;
        final int[] touched;
        final boolean[] mark;
        SplittableRandom rnd;
        int seen = -1, count;

        W(int id, int T) {
            this.id = id;
            this.T = T;
            int items = model.items(), fd = model.featureDim();
            kv = model.visualFactors();
            lo = (int) ((long) items * id / T);
            hi = (int) ((long) items * (id + 1) / T);
            sc = new VbprModel.Scratch(model.factors(), kv);
            stats = record ? optimizer.newStats() : null;
            accA = new float[items * kv];
            accC = new float[items];
            dE = new float[kv * fd];
            dB = new float[fd];
            touched = new int[items];
            mark = new boolean[items];
        }

        @Override
        public void beginRound() {
            if (seen != generation) {
                seen = generation;
                rnd = new SplittableRandom(streamSeed ^ (0xD1B54A32D192ED03L * (id + 1)));
            }
            model.project(lo, hi);
        }

        @Override
        public double step(int u, int i, int j, long step, boolean wantLoss) {
            boolean dropI = false, dropJ = false;
            if (dropout > 0) {
                dropI = rnd.nextDouble() < dropout;
                dropJ = rnd.nextDouble() < dropout;
            }
            final VbprModel.Scratch s = sc;
            final float[] buf = s.buf;
            float g = model.sampleGradients(u, i, j, dropI, dropJ, s);
            GroupStats st = stats != null && (count++ & 15) == 0 ? stats : null;
            if (rB != null) {
                if (!dropI) rB.update(i, buf, s.bi, step, st);
                if (!dropJ) rB.update(j, buf, s.bj, step, st);
                if (!dropI || !dropJ) rU.update(u, buf, VbprModel.Scratch.U, step, st);
                if (!dropI) rI.update(i, buf, s.gi, step, st);
                if (!dropJ) rI.update(j, buf, s.gj, step, st);
            }
            rT.update(u, buf, s.th, step, st);
            Kernels.axpy(g, buf, s.thOld, accA, i * kv, kv);
            Kernels.axpy(-g, buf, s.thOld, accA, j * kv, kv);
            accC[i] += g;
            accC[j] -= g;
            mark[i] = true;
            mark[j] = true;
            return wantLoss ? -Math.log1p(-g) : 0;   // g = sigma(-x): -ln sigma(x) = -ln(1 - g)
        }

        /**
         * This thread's share of {@code dE} and {@code d beta'}: the items of its range [lo, hi)
         * touched by any thread, every thread's buffers for them summed first (the threads touch
         * mostly the same items, so reducing the union once beats reducing each set). Clears them.
         */
        @Override
        public void endRound() {
            final int fd = model.featureDim();
            final float[] f = model.features().values();
            final W[] all = workers;
            Arrays.fill(dE, 0f);
            Arrays.fill(dB, 0f);
            int n = 0;
            for (int i = lo; i < hi; i++) {
                boolean any = false;
                for (W w : all) if (w.mark[i]) { any = true; break; }
                if (!any) continue;
                float c = 0;
                for (W w : all) {
                    if (w != this && w.mark[i]) Kernels.axpy(1f, w.accA, i * kv, accA, i * kv, kv);
                    c += w.accC[i];
                }
                if (c != 0f) Kernels.axpy(-c, f, i * fd, dB, 0, fd);
                touched[n++] = i;
            }
            DenseKernels.INSTANCE.reduce(accA, kv, f, fd, touched, n, -1f, dE);
            for (int q = 0; q < n; q++) {
                int i = touched[q];
                Arrays.fill(accA, i * kv, i * kv + kv, 0f);   // holds the sum now, marked or not
                for (W w : all) {
                    if (w.mark[i]) {
                        Arrays.fill(w.accA, i * kv, i * kv + kv, 0f);
                        w.accC[i] = 0f;
                        w.mark[i] = false;
                    }
                }
            }
        }
    }
}
