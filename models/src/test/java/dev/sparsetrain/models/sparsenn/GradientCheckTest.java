package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Backward passes against central finite differences (in double over the float forward): MLP
 * weights and biases, the dot and concat interaction layers, embedding lookups with multi-valued
 * features, duplicate ids and sparse-id dropout, and the LR and FM baselines.
 */
class GradientCheckTest {

    /** 7 samples, 3 sparse features (the third multi-valued with duplicates), 4 dense. */
    static CtrData data() {
        int n = 7, nd = 4;
        SplittableRandom r = new SplittableRandom(3);
        float[] dense = new float[n * nd];
        for (int i = 0; i < dense.length; i++) dense[i] = (float) r.nextDouble(-1, 2);
        byte[] labels = {1, 0, 0, 1, 1, 0, 1};
        int[][] ids = {
                {0, 1, 2, 0, 1, 2, 3},
                {4, 3, 2, 1, 0, 0, 4},
                {1, 2, 2, 0, 5, 5, 5, 3, 1, 4}};
        int[][] offsets = {null, null, {0, 2, 3, 3, 5, 7, 8, 10}};
        return new CtrData(new String[] {"a", "b", "m"}, new String[] {"x1", "x2", "x3", "x4"}, n, labels, dense,
                new int[] {5, 6, 7}, offsets, ids);
    }

    static double loss(SparseNN m, CtrData d, int[] order, long seed, float sparseDrop, float mlpDrop) {
        Workspace ws = m.newWorkspace(order.length);
        ws.forward(d, order, 0, order.length, seed == 0 ? null : new SplittableRandom(seed), sparseDrop, mlpDrop);
        double l = 0;
        for (int b = 0; b < order.length; b++) {
            double p = ws.probabilities()[b];
            l -= d.labels()[order[b]] == 1 ? Math.log(p) : Math.log(1 - p);
        }
        return l;
    }

    /** Returns the worst relative error over all tables whose name starts with one of prefixes. */
    static double check(ModelConfig cfg, long dropSeed, float sparseDrop, float mlpDrop, String... prefixes) {
        CtrData d = data();
        SparseNN m = new SparseNN(cfg, d.names(), d.tableRows(), d.numDense(), 11);
        // larger embeddings than the default init so the interactions carry signal
        for (Table t : m.sparseTables()) t.fillNormal(new SplittableRandom(t.name().hashCode()), 0.5);
        int[] order = {0, 1, 2, 3, 4, 5, 6};
        Gradients g = m.newGradients();
        Workspace ws = m.newWorkspace(order.length);
        ws.forward(d, order, 0, order.length, dropSeed == 0 ? null : new SplittableRandom(dropSeed), sparseDrop, mlpDrop);
        ws.backward(d, order, 0, g, 1f, mlpDrop);
        double worst = 0;
        java.util.List<Table> sparse = m.sparseTables(), dense = m.denseTables();
        for (int ti = 0; ti < sparse.size() + dense.size(); ti++) {
            Table t = ti < sparse.size() ? sparse.get(ti) : dense.get(ti - sparse.size());
            boolean want = false;
            for (String p : prefixes) want |= t.name().startsWith(p);
            if (!want) continue;
            float[] analytic = new float[t.data().length];
            if (ti < sparse.size()) {
                RowBatch rb = g.sparse(ti);
                rb.coalesce(t.rows());
                for (int k = 0; k < rb.size(); k++) {
                    for (int c = 0; c < t.dim(); c++) analytic[rb.row(k) * t.dim() + c] += rb.grads()[rb.gradOffset(k) + c];
                }
            } else {
                System.arraycopy(g.dense(ti - sparse.size()), 0, analytic, 0, analytic.length);
            }
            double num2 = 0, diff2 = 0, an2 = 0;
            float[] w = t.data();
            double eps = 1e-3;
            for (int i = 0; i < w.length; i++) {
                float keep = w[i];
                w[i] = (float) (keep + eps);
                double lp = loss(m, d, order, dropSeed, sparseDrop, mlpDrop);
                w[i] = (float) (keep - eps);
                double lm = loss(m, d, order, dropSeed, sparseDrop, mlpDrop);
                w[i] = keep;
                double numeric = (lp - lm) / (2 * eps);
                diff2 += (numeric - analytic[i]) * (numeric - analytic[i]);
                num2 += numeric * numeric;
                an2 += (double) analytic[i] * analytic[i];
            }
            double rel = Math.sqrt(diff2) / Math.max(1e-6, Math.max(Math.sqrt(num2), Math.sqrt(an2)));
            System.out.printf("gradcheck %-8s %-10s %-14s |grad|=%.4e  relative error %.2e%n", cfg.type(),
                    cfg.interaction(), t.name(), Math.sqrt(an2), rel);
            assertTrue(an2 > 0 || num2 == 0, t.name() + ": gradient is all zero");
            worst = Math.max(worst, rel);
        }
        return worst;
    }

    static ModelConfig small() {
        return ModelConfig.defaults().withDim(5).withBottom(6).withTop(7, 3);
    }

    @Test
    void mlpWeightsAndBiases() {
        double e = check(small(), 0, 0, 0, "bottom.", "top.");
        assertTrue(e < 5e-3, "MLP relative error " + e);
    }

    @Test
    void dotInteractionAndEmbeddingLookups() {
        double e = check(small(), 0, 0, 0, "emb.");
        assertTrue(e < 5e-3, "embedding/dot relative error " + e);
    }

    @Test
    void concatInteraction() {
        double e = check(small().withInteraction(ModelConfig.Interaction.CONCAT), 0, 0, 0, "emb.", "top.0");
        assertTrue(e < 5e-3, "concat relative error " + e);
    }

    @Test
    void withSparseIdDropoutAndMlpDropout() {
        // A fixed dropout seed makes the masks identical in every forward, so differences are exact.
        double e = check(small(), 42, 0.3f, 0.2f, "emb.", "bottom.", "top.");
        assertTrue(e < 1e-2, "dropout relative error " + e); // a ReLU kink or a dropped unit near 0 costs precision
    }

    @Test
    void logisticRegression() {
        double e = check(small().withType(ModelConfig.Type.LOGISTIC), 0, 0, 0, "lin.", "dense.", "bias.");
        assertTrue(e < 5e-3, "LR relative error " + e);
    }

    @Test
    void factorizationMachine() {
        double e = check(small().withType(ModelConfig.Type.FM), 0, 0, 0, "lin.", "emb.", "fm.", "dense.", "bias.");
        assertTrue(e < 5e-3, "FM relative error " + e);
    }
}
