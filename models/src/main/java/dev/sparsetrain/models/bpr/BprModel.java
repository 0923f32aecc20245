package dev.sparsetrain.models.bpr;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.metrics.ranking.Scorer;
import dev.sparsetrain.models.train.PairwiseModel;
import dev.sparsetrain.optim.Chain;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.ParamGroup;
import dev.sparsetrain.optim.RowUpdater;
import dev.sparsetrain.optim.Schedule;
import dev.sparsetrain.optim.SparseSemantics;
import dev.sparsetrain.optim.transform.Sgd;
import dev.sparsetrain.optim.transform.Transform;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * BPR-MF with an item bias (Rendle, Freudenthaler, Gantner, Schmidt-Thieme: "BPR: Bayesian
 * Personalized Ranking from Implicit Feedback", UAI 2009).
 *
 * <pre>
 *   x_ui  = b_i + p_u . q_i
 *   x_uij = x_ui - x_uj
 *   loss  = -ln sigma(x_uij)      (+ coupled L2 from each group's chain: lambda on factors, lambda_b on biases)
 *   with g = sigma(-x_uij) the gradients of -ln sigma(x_uij) are
 *   d/dp_u = -g (q_i - q_j)    d/dq_i = -g p_u    d/dq_j = g p_u    d/db_i = -g    d/db_j = g
 *   and with plain SGD (the default chain of both groups) the step is
 *   p_u += lr   (g (q_i - q_j) - lambda p_u)
 *   q_i += lr   (g p_u         - lambda q_i)
 *   q_j += lr   (-g p_u        - lambda q_j)
 *   b_i += lr_b (g             - lambda_b b_i)
 *   b_j += lr_b (-g            - lambda_b b_j)
 * </pre>
 * using the values before the step on the right-hand sides. Tables: {@code users} (U x k) and
 * {@code items} (I x k) in parameter group {@code factors}; {@code item_bias} (I x 1) in group
 * {@code biases}. Factors start N(0, initStd^2), biases at 0. Both learning rates follow a linear
 * decay over the epochs to {@code finalLearningRate} times their value (applied through
 * {@link Optimizer#setLearningRateMultiplier}).
 *
 * <p>Two step implementations, the same math:
 * <ul>
 *   <li>when both groups' chains are plain SGD with optional coupled L2 and a constant schedule
 *       (the defaults), a fused kernel ({@link BprKernel}): one dot product, then one vectorized
 *       pass updating the three rows, no call per row;</li>
 *   <li>otherwise (AdaGrad, Adam, clipping, ...) gradients go to per-thread scratch rows and each
 *       of the five rows is applied through the optimizer's {@link RowUpdater}.</li>
 * </ul>
 * The test {@code BprModelTest} checks they agree. Thread-safety: Hogwild, workers update rows
 * without locks; {@link #scoreAll} is safe concurrently when nothing writes.
 */
public final class BprModel implements PairwiseModel, Scorer {
    private final BprConfig config;
    private final Table users;
    private final Table items;
    private final Table itemBias;
    private final Optimizer optimizer;
    private final boolean fused;
    private boolean forceGeneric;
    private boolean diagnostics;
    private final java.util.List<GenericWorker> genericWorkers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The schedule's factor for the current epoch (a function of the epoch only, so resume is exact). */
    private volatile float lrMultiplier = 1f;
    private Schedule factorSchedule;
    private ItemRowObserver itemObserver;

    /** A fresh model: factors N(0, initStd^2) from {@code seed}, biases zero. */
    public BprModel(int numUsers, int numItems, BprConfig config, long seed) {
        this(numUsers, numItems, config, seed, SparseSemantics.LAZY);
    }

    /** A fresh model whose factor group updates under {@code factorSemantics} (the bias group: LAZY, the default). */
    public BprModel(int numUsers, int numItems, BprConfig config, long seed, SparseSemantics factorSemantics) {
        this(config, Table.embedding("users", numUsers, config.factors()), Table.embedding("items", numItems, config.factors()),
                Table.embedding("item_bias", numItems, 1), factorSemantics);
        SplittableRandom rnd = new SplittableRandom(seed);
        users.fillNormal(rnd.split(), config.initStd());
        items.fillNormal(rnd.split(), config.initStd());
    }

    /** Wraps existing tables (a loaded model). */
    public BprModel(BprConfig config, Table users, Table items, Table itemBias) {
        this(config, users, items, itemBias, SparseSemantics.LAZY);
    }

    private BprModel(BprConfig config, Table users, Table items, Table itemBias, SparseSemantics factorSemantics) {
        this.config = Objects.requireNonNull(config, "config");
        if (users.dim() != config.factors() || items.dim() != config.factors() || itemBias.dim() != 1 || itemBias.rows() != items.rows()) {
            throw new IllegalArgumentException("table shapes " + users + ", " + items + ", " + itemBias + " do not match factors=" + config.factors());
        }
        this.users = users;
        this.items = items;
        this.itemBias = itemBias;
        Chain fc = config.factorChain(), bc = config.biasChain();
        this.optimizer = Optimizer.build(List.of(ParamGroup.of("factors", fc, "users", "items").withSemantics(factorSemantics),
                        ParamGroup.of("biases", bc, "item_bias")),
                List.of(users, items, itemBias));
        this.fused = plainSgd(fc) && plainSgd(bc);
    }

    /** Plain SGD, optionally with coupled L2, constant schedule: what the fused kernel computes. */
    static boolean plainSgd(Chain c) {
        if (!(c.schedule() instanceof Schedule.Constant)) return false;
        for (Transform t : c.transforms()) {
            if (t instanceof Sgd s) {
                if (s.momentum() != 0 || s.nesterov()) return false;
            } else if (!(t instanceof Transform.AddWeightDecay)) {
                return false;
            }
        }
        return true;
    }

    /** The coupled L2 of a chain: the sum of its add-weight-decay steps. */
    public static double l2(Chain c) {
        double l2 = 0;
        for (Transform t : c.transforms()) if (t instanceof Transform.AddWeightDecay w) l2 += w.l2();
        return l2;
    }

    public BprConfig config() { return config; }
    public Table users() { return users; }
    public Table items() { return items; }
    public Table itemBias() { return itemBias; }
    public int numUsers() { return users.rows(); }
    public Optimizer optimizer() { return optimizer; }

    /** Whether training uses the fused SGD kernel (true for plain-SGD chains unless forced generic). */
    public boolean usesFusedKernel() { return fused && !forceGeneric; }

    /**
     * Collects per-group optimizer diagnostics (gradient and update norms, update-to-weight ratio,
     * effective learning rate, rows touched, non-finite gradients) during training; implies the
     * generic per-row path. Read them with {@code optimizer().diagnostics()} after training.
     */
    public BprModel collectDiagnostics(boolean d) {
        this.diagnostics = d;
        if (d) this.forceGeneric = true;
        return this;
    }

    @Override
    public void afterRound() {
        if (!diagnostics) return;
        for (GenericWorker w : genericWorkers) if (w.stats != null) optimizer.report(w.stats);
    }

    /** Scales the factor group's rate in epoch e by {@code s.factor(e)} on top of the decay (e.g. SGDR); implies the generic path. */
    public BprModel withFactorSchedule(Schedule s) {
        this.factorSchedule = s;
        if (s != null) this.forceGeneric = true;
        return this;
    }

    /**
     * Watches each {@code items} row update of the generic path (the optimizer tour): {@code before}
     * gets the gradient (k floats, no L2; the updater may overwrite them), {@code after} follows the
     * update. Called on the worker threads (thread-safe with several).
     */
    public interface ItemRowObserver {
        default void beginEpoch(int epoch, int epochs) {}
        void before(int row, float[] g);
        void after(int row);
    }

    /** Sets the {@link ItemRowObserver} (null: none); implies the generic path. */
    public BprModel observeItemUpdates(ItemRowObserver o) {
        this.itemObserver = o;
        if (o != null) this.forceGeneric = true;
        return this;
    }

    /** Forces the generic per-row optimizer path even for plain SGD (tests, comparisons). */
    public BprModel forceGenericPath(boolean f) {
        this.forceGeneric = f;
        return this;
    }

    @Override
    public int numItems() { return items.rows(); }

    /** x_ui = b_i + p_u . q_i */
    public float score(int u, int i) {
        int k = config.factors();
        return itemBias.get(i, 0) + Kernels.dot(users.block(u), users.offset(u), items.block(i), items.offset(i), k);
    }

    @Override
    public void scoreAll(int u, float[] out) {
        int k = config.factors();
        float[] ub = users.block(u);
        int uo = users.offset(u);
        int n = items.rows();
        for (int i0 = 0; i0 < n; ) {   // one run of rows per chunk of items (and of item biases)
            int end = i0 + Math.min(items.rowsLeftInChunk(i0), itemBias.rowsLeftInChunk(i0));
            float[] ib = items.block(i0), b = itemBias.block(i0);
            int bo = itemBias.offset(i0) - i0;
            for (int i = i0; i < end; i++) out[i] = b[bo + i] + Kernels.dot(ub, uo, ib, items.offset(i), k);
            i0 = end;
        }
    }

    @Override
    public void beginEpoch(int epoch, int epochs) {
        double fin = config.finalLearningRate();
        float m = (float) (1 - (1 - fin) * (epoch - 1) / Math.max(1, epochs - 1));
        lrMultiplier = m;
        optimizer.setLearningRateMultiplier("factors", factorSchedule == null ? m : m * factorSchedule.factor(epoch));
        optimizer.setLearningRateMultiplier("biases", m);
        if (itemObserver != null) itemObserver.beginEpoch(epoch, epochs);
    }

    @Override
    public Worker newWorker(int threadIndex, int threads) {
        if (usesFusedKernel()) return new SgdWorker(this);
        GenericWorker w = new GenericWorker(this, diagnostics ? optimizer.newStats() : null);
        genericWorkers.add(w);
        return w;
    }

    @Override
    public List<Table> parameters() { return List.of(users, items, itemBias); }

    /**
     * The gradient of {@code -ln sigma(x_uij)} (without L2) into {@code gu, gi, gj} (k floats each)
     * and {@code gb[0..1]} = (d/db_i, d/db_j); returns x_uij. Reference for the gradient check and
     * the generic path.
     */
    public float gradient(int u, int i, int j, float[] gu, float[] gi, float[] gj, float[] gb) {
        int k = config.factors();
        float[] P = users.block(u), Qi = items.block(i), Qj = items.block(j);
        int pu = users.offset(u), qi = items.offset(i), qj = items.offset(j);
        float x = itemBias.get(i, 0) - itemBias.get(j, 0);
        for (int f = 0; f < k; f++) x += P[pu + f] * (Qi[qi + f] - Qj[qj + f]);
        float g = (float) (1.0 / (1.0 + Math.exp(x)));
        for (int f = 0; f < k; f++) {
            float p = P[pu + f];
            gu[f] = -g * (Qi[qi + f] - Qj[qj + f]);
            gi[f] = -g * p;
            gj[f] = g * p;
        }
        gb[0] = -g;
        gb[1] = g;
        return x;
    }

    /** The fused plain-SGD step (see {@link BprKernel}); exposed for tests and benchmarks. */
    static double sgdStep(float[] P, float[] Q, float[] B, int k, int u, int i, int j,
                          float lr, float reg, float lrb, float regb, boolean wantLoss) {
        return BprKernel.INSTANCE.step(P, u * k, Q, i * k, Q, j * k, B, i, B, j, k, lr, reg, lrb, regb, wantLoss,
                new float[BprKernel.INSTANCE.scratchSize()]);
    }

    /** Which fused kernel is in use. */
    public static String kernelName() {
        return BprKernel.INSTANCE.name();
    }

    /** Plain SGD with coupled L2 on both groups, fused into one kernel call per sample. */
    static final class SgdWorker implements Worker {
        private final Table P, Q, B;
        private final int k;
        private final float baseLr, baseLrb, reg, regb;
        private float lr, lrb;
        private final BprKernel kernel = BprKernel.INSTANCE;
        private final float[] scratch = new float[BprKernel.INSTANCE.scratchSize()];
        private final BprModel model;

        SgdWorker(BprModel m) {
            this.model = m;
            this.P = m.users;
            this.Q = m.items;
            this.B = m.itemBias;
            this.k = m.config.factors();
            Chain fc = m.config.factorChain(), bc = m.config.biasChain();
            this.baseLr = this.lr = (float) fc.learningRate();
            this.reg = (float) l2(fc);
            this.baseLrb = this.lrb = (float) bc.learningRate();
            this.regb = (float) l2(bc);
        }

        @Override
        public void beginRound() {
            lr = baseLr * model.lrMultiplier;
            lrb = baseLrb * model.lrMultiplier;
        }

        @Override
        public double step(int u, int i, int j, long step, boolean wantLoss) {
            // chunk lookups once per row; a flat table is one chunk, so this is the flat path too
            return kernel.step(P.block(u), P.offset(u), Q.block(i), Q.offset(i), Q.block(j), Q.offset(j),
                    B.block(i), B.offset(i), B.block(j), B.offset(j), k, lr, reg, lrb, regb, wantLoss, scratch);
        }
    }

    /** Any chain: gradients into scratch rows, then one {@link RowUpdater#update} per touched row. */
    static final class GenericWorker implements Worker {
        private final BprModel m;
        private final RowUpdater uUsers, uItems, uBias;
        private final float[] gu, gi, gj, gb = new float[2], one = new float[1];
        private final ItemRowObserver observer;
        final dev.sparsetrain.optim.GroupStats stats;

        GenericWorker(BprModel m, dev.sparsetrain.optim.GroupStats stats) {
            this.m = m;
            this.stats = stats;
            this.observer = m.itemObserver;
            int k = m.config.factors();
            gu = new float[k];
            gi = new float[k];
            gj = new float[k];
            uUsers = m.optimizer.updater(m.users);
            uItems = m.optimizer.updater(m.items);
            uBias = m.optimizer.updater(m.itemBias);
        }

        @Override
        public double step(int u, int i, int j, long step, boolean wantLoss) {
            float x = m.gradient(u, i, j, gu, gi, gj, gb);
            uUsers.update(u, gu, 0, step, stats);
            item(i, gi, step);
            item(j, gj, step);
            one[0] = gb[0];
            uBias.update(i, one, 0, step, stats);
            one[0] = gb[1];
            uBias.update(j, one, 0, step, stats);
            return wantLoss ? BprKernel.softplusNeg(x) : 0;
        }

        private void item(int row, float[] g, long step) {
            if (observer != null) observer.before(row, g);
            uItems.update(row, g, 0, step, stats);
            if (observer != null) observer.after(row);
        }
    }
}
