package dev.sparsetrain.models.bpr;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.metrics.ranking.Scorer;
import dev.sparsetrain.models.train.PairwiseModel;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * BPR-MF with an item bias (Rendle, Freudenthaler, Gantner, Schmidt-Thieme: "BPR: Bayesian
 * Personalized Ranking from Implicit Feedback", UAI 2009).
 *
 * <pre>
 *   x_ui  = b_i + p_u . q_i
 *   x_uij = x_ui - x_uj
 *   loss  = -ln sigma(x_uij) + lambda/2 (|p_u|^2 + |q_i|^2 + |q_j|^2) + lambda_b/2 (b_i^2 + b_j^2)
 *   with g = sigma(-x_uij), plain SGD (the default chain of both groups) is
 *   p_u += lr   (g (q_i - q_j) - lambda p_u)
 *   q_i += lr   (g p_u         - lambda q_i)
 *   q_j += lr   (-g p_u        - lambda q_j)
 *   b_i += lr_b (g             - lambda_b b_i)
 *   b_j += lr_b (-g            - lambda_b b_j)
 * </pre>
 * using the values before the step on the right-hand sides. Tables: {@code users} (U x k),
 * {@code items} (I x k), {@code item_bias} (I x 1). Factors start N(0, initStd^2), biases at 0.
 *
 * <p>The per-sample step is one fused loop (one dot product, then one pass updating the three
 * rows): no allocation, no virtual call per element. Thread-safety: Hogwild, several workers
 * update rows without locks; {@link #scoreAll} may run concurrently with nothing writing.
 */
public final class BprModel implements PairwiseModel, Scorer {
    private final BprConfig config;
    private final Table users;
    private final Table items;
    private final Table itemBias;

    /** A fresh model: factors N(0, initStd^2) from {@code seed}, biases zero. */
    public BprModel(int numUsers, int numItems, BprConfig config, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        this.users = Table.embedding("users", numUsers, config.factors());
        this.items = Table.embedding("items", numItems, config.factors());
        this.itemBias = Table.embedding("item_bias", numItems, 1);
        SplittableRandom rnd = new SplittableRandom(seed);
        users.fillNormal(rnd.split(), config.initStd());
        items.fillNormal(rnd.split(), config.initStd());
    }

    /** Wraps existing tables (a loaded model). */
    public BprModel(BprConfig config, Table users, Table items, Table itemBias) {
        this.config = Objects.requireNonNull(config, "config");
        if (users.dim() != config.factors() || items.dim() != config.factors() || itemBias.dim() != 1 || itemBias.rows() != items.rows()) {
            throw new IllegalArgumentException("table shapes " + users + ", " + items + ", " + itemBias + " do not match factors=" + config.factors());
        }
        this.users = users;
        this.items = items;
        this.itemBias = itemBias;
    }

    public BprConfig config() { return config; }
    public Table users() { return users; }
    public Table items() { return items; }
    public Table itemBias() { return itemBias; }
    public int numUsers() { return users.rows(); }

    @Override
    public int numItems() { return items.rows(); }

    /** x_ui = b_i + p_u . q_i */
    public float score(int u, int i) {
        int k = config.factors();
        return itemBias.data()[i] + Kernels.dot(users.block(u), users.offset(u), items.block(i), items.offset(i), k);
    }

    @Override
    public void scoreAll(int u, float[] out) {
        int k = config.factors();
        float[] ub = users.block(u);
        int uo = users.offset(u);
        float[] ib = items.block(0);
        float[] b = itemBias.data();
        int n = items.rows();
        for (int i = 0; i < n; i++) out[i] = b[i] + Kernels.dot(ub, uo, ib, items.offset(i), k);
    }

    /** The schedule's factor for the current epoch: linear from 1 to finalLearningRate (a function of the epoch only, so resume is exact). */
    private volatile float lrMultiplier = 1f;

    @Override
    public void beginEpoch(int epoch, int epochs) {
        double fin = config.finalLearningRate();
        lrMultiplier = (float) (1 - (1 - fin) * (epoch - 1) / Math.max(1, epochs - 1));
    }

    @Override
    public Worker newWorker(int threadIndex, int threads) {
        return new SgdWorker(this, users.data(), items.data(), itemBias.data(), config);
    }

    @Override
    public Object snapshot() {
        return new Table[] {users.copy(), items.copy(), itemBias.copy()};
    }

    @Override
    public void restore(Object snapshot) {
        Table[] t = (Table[]) snapshot;
        users.load(t[0].data());
        items.load(t[1].data());
        itemBias.load(t[2].data());
    }

    /**
     * The fused plain-SGD step (both groups' chains are SGD with coupled L2 on the touched rows).
     * All three rows live in flat arrays with row r at r*k (Table's layout today).
     */
    static final class SgdWorker implements Worker {
        private final float[] P, Q, B;
        private final int k;
        private float lr, lrb;
        private final float baseLr, baseLrb, reg, regb;
        private final BprKernel kernel = BprKernel.INSTANCE;
        private final BprModel model;

        @Override
        public void beginRound() {
            lr = baseLr * model.lrMultiplier;
            lrb = baseLrb * model.lrMultiplier;
        }

        SgdWorker(BprModel model, float[] P, float[] Q, float[] B, BprConfig c) {
            this.P = P;
            this.Q = Q;
            this.B = B;
            this.k = c.factors();
            this.model = model;
            this.baseLr = this.lr = (float) c.learningRate();
            this.reg = (float) c.regularization();
            this.baseLrb = this.lrb = (float) c.biasLearningRate();
            this.regb = (float) c.biasRegularization();
        }

        @Override
        public double step(int u, int i, int j, long step, boolean wantLoss) {
            return kernel.step(P, Q, B, k, u, i, j, lr, reg, lrb, regb, wantLoss);
        }
    }

    /** The fused plain-SGD step (see {@link BprKernel}); exposed for tests and benchmarks. */
    static double sgdStep(float[] P, float[] Q, float[] B, int k, int u, int i, int j,
                          float lr, float reg, float lrb, float regb, boolean wantLoss) {
        return BprKernel.INSTANCE.step(P, Q, B, k, u, i, j, lr, reg, lrb, regb, wantLoss);
    }

    /** Which fused kernel is in use. */
    public static String kernelName() {
        return BprKernel.INSTANCE.name();
    }
}
