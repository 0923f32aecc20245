package dev.sparsetrain.models.vbpr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.FeatureTransform;
import dev.sparsetrain.data.features.ItemFeatures;
import dev.sparsetrain.data.features.Preprocessing;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Gradient checks of VBPR, visual-only and BPR-MF against central finite differences of a
 * double-precision reference loss, for the per-sample kernel and for the whole training path
 * (one SGD step through the trainer, dense accumulation included).
 */
class VbprGradientCheckTest {

    static final int USERS = 3, ITEMS = 5, K = 3, KV = 2, F = 7;

    /** Double-precision reference: -ln sigma(x_ui - x_uj), recomputing E f directly. */
    static double loss(VbprModel m, Map<String, double[]> p, int u, int i, int j) {
        return VbprModel.bprLoss(score(m, p, u, i) - score(m, p, u, j));
    }

    static double score(VbprModel m, Map<String, double[]> p, int u, int i) {
        double s = 0;
        int k = m.factors(), kv = m.visualFactors(), fd = m.featureDim();
        if (k > 0) {
            s += p.get(VbprModel.ITEM_BIAS)[i];
            for (int c = 0; c < k; c++) s += p.get(VbprModel.USER_FACTORS)[u * k + c] * p.get(VbprModel.ITEM_FACTORS)[i * k + c];
        }
        if (kv > 0) {
            double[] e = p.get(VbprModel.PROJECTION), th = p.get(VbprModel.USER_VISUAL), bv = p.get(VbprModel.VISUAL_BIAS);
            float[] f = m.features().values();
            for (int r = 0; r < kv; r++) {
                double pr = 0;
                for (int d = 0; d < fd; d++) pr += e[r * fd + d] * f[i * fd + d];
                s += th[u * kv + r] * pr;
            }
            for (int d = 0; d < fd; d++) s += bv[d] * f[i * fd + d];
        }
        return s;
    }

    static Map<String, double[]> params(VbprModel m) {
        Map<String, double[]> p = new HashMap<>();
        for (Table t : m.tables()) {
            double[] d = new double[t.data().length];
            for (int q = 0; q < d.length; q++) d[q] = t.data()[q];
            p.put(t.name(), d);
        }
        return p;
    }

    static Map<String, double[]> finiteDifferences(VbprModel m, int u, int i, int j) {
        Map<String, double[]> p = params(m), grad = new HashMap<>();
        double h = 1e-5;
        for (Map.Entry<String, double[]> e : p.entrySet()) {
            double[] w = e.getValue(), g = new double[w.length];
            for (int q = 0; q < w.length; q++) {
                double keep = w[q];
                w[q] = keep + h;
                double lp = loss(m, p, u, i, j);
                w[q] = keep - h;
                double lm = loss(m, p, u, i, j);
                w[q] = keep;
                g[q] = (lp - lm) / (2 * h);
            }
            grad.put(e.getKey(), g);
        }
        return grad;
    }

    static ItemFeatures features(SplittableRandom rnd) {
        float[] v = new float[ITEMS * F];
        for (int q = 0; q < v.length; q++) v[q] = (float) (rnd.nextDouble() * 3);  // non-negative, CNN-like
        return new ItemFeatures("test", ITEMS, F, v);
    }

    static VbprModel model(Variant v, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ItemFeatures f = features(rnd);
        VbprModel m = new VbprModel(v, USERS, ITEMS, K, KV, f, FeatureTransform.fit(Preprocessing.NONE, f)).initialize(rnd, 0.5);
        for (Table t : m.tables()) t.fillNormal(rnd, 0.3);   // non-zero biases and visual bias too
        m.project(0, ITEMS);
        return m;
    }

    static void assertClose(double expected, double actual, double tol, String what) {
        assertTrue(Math.abs(expected - actual) <= tol * Math.max(1, Math.abs(expected)),
                what + ": finite difference " + expected + ", analytic " + actual);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void perSampleKernelMatchesFiniteDifferences(Variant v) {
        for (long seed = 1; seed <= 5; seed++) {
            VbprModel m = model(v, seed);
            SplittableRandom rnd = new SplittableRandom(seed * 31);
            int u = rnd.nextInt(USERS), i = rnd.nextInt(ITEMS), j = (i + 1 + rnd.nextInt(ITEMS - 1)) % ITEMS;
            Map<String, double[]> fd = finiteDifferences(m, u, i, j);
            VbprModel.Scratch s = new VbprModel.Scratch(m.factors(), m.visualFactors());
            float g = m.sampleGradients(u, i, j, s);
            float[] b = s.buffer();
            double x = score(m, params(m), u, i) - score(m, params(m), u, j);
            assertEquals(1 / (1 + Math.exp(x)), g, 1e-5, "g = sigma(-x)");
            int k = m.factors(), kv = m.visualFactors();
            if (k > 0) {
                assertClose(fd.get(VbprModel.ITEM_BIAS)[i], b[s.itemBiasOffset()], 1e-4, v + " beta_i");
                assertClose(fd.get(VbprModel.ITEM_BIAS)[j], b[s.negativeBiasOffset()], 1e-4, v + " beta_j");
                for (int c = 0; c < k; c++) {
                    assertClose(fd.get(VbprModel.USER_FACTORS)[u * k + c], b[s.userOffset() + c], 1e-4, v + " gamma_u");
                    assertClose(fd.get(VbprModel.ITEM_FACTORS)[i * k + c], b[s.itemOffset() + c], 1e-4, v + " gamma_i");
                    assertClose(fd.get(VbprModel.ITEM_FACTORS)[j * k + c], b[s.negativeOffset() + c], 1e-4, v + " gamma_j");
                }
            }
            if (kv > 0) {
                for (int c = 0; c < kv; c++) {
                    assertClose(fd.get(VbprModel.USER_VISUAL)[u * kv + c], b[s.visualOffset() + c], 1e-4, v + " theta_u");
                }
                // dL/dE = -g theta_u (f_i - f_j)^T, dL/dbeta' = -g (f_i - f_j): the trainer's reduction
                double[] e = fd.get(VbprModel.PROJECTION), bv = fd.get(VbprModel.VISUAL_BIAS);
                float[] f = m.features().values();
                for (int r = 0; r < kv; r++) {
                    for (int d = 0; d < F; d++) {
                        double an = -g * b[s.visualOldOffset() + r] * (f[i * F + d] - f[j * F + d]);
                        assertClose(e[r * F + d], an, 1e-4, v + " E");
                    }
                }
                for (int d = 0; d < F; d++) assertClose(bv[d], -g * (f[i * F + d] - f[j * F + d]), 1e-4, v + " beta'");
            }
        }
    }

    /** One SGD step through the trainer (Hogwild rows + dense accumulation and reduction) moves every parameter by -lr * gradient. */
    @ParameterizedTest
    @EnumSource(Variant.class)
    void trainerStepMatchesFiniteDifferences(Variant v) {
        SplittableRandom rnd = new SplittableRandom(11);
        ItemFeatures f = features(rnd);
        // one user, one training pair (0, 0): the negative is the only other item, 1
        FeatureDataset.Pairs train = new FeatureDataset.Pairs(new int[] {0}, new int[] {0});
        FeatureDataset.Pairs none = new FeatureDataset.Pairs(new int[0], new int[0]);
        FeatureDataset data = new FeatureDataset("one-pair", 1, 2, train, none, none,
                new ItemFeatures("test", 2, F, java.util.Arrays.copyOf(f.values(), 2 * F)));
        double lr = 1e-3;
        VbprConfig cfg = VbprConfig.defaults(v).withPreprocessing(Preprocessing.NONE)
                .withGroups(VbprConfig.uniform(GroupSpec.sgd(lr, 0))).withThreads(1).withDenseBatch(1)
                .withAutoBalance(false, Double.NaN).withInitStd(0.5);
        VbprTrainer t = new VbprTrainer(data, cfg);
        VbprModel m = t.model();
        for (Table tab : m.tables()) tab.fillNormal(rnd, 0.3);
        m.project(0, 2);
        Map<String, double[]> fd = finiteDifferences(m, 0, 0, 1);
        Map<String, double[]> before = params(m);
        t.runSamples(1, new SplittableRandom(3));
        Map<String, double[]> after = params(m);
        for (String name : before.keySet()) {
            double[] b = before.get(name), a = after.get(name), g = fd.get(name);
            for (int q = 0; q < b.length; q++) {
                double step = (b[q] - a[q]) / lr;
                assertEquals(g[q], step, 2e-3 * Math.max(1, Math.abs(g[q])), v + " " + name + "[" + q + "]");
            }
        }
    }

    /**
     * Item-ID dropout: the kernel with the positive and/or negative item's ID parameters dropped
     * equals the plain kernel on a model whose dropped rows (beta, gamma) are zero, and reports
     * zero gradients for the dropped rows.
     */
    @org.junit.jupiter.api.Test
    void itemIdDropoutIsTheKernelWithTheDroppedRowsAtZero() {
        for (long seed = 1; seed <= 4; seed++) {
            for (int mode = 1; mode <= 3; mode++) {
                boolean dropI = (mode & 1) != 0, dropJ = (mode & 2) != 0;
                VbprModel m = model(Variant.VBPR, seed);
                SplittableRandom rnd = new SplittableRandom(seed * 17 + mode);
                int u = rnd.nextInt(USERS), i = rnd.nextInt(ITEMS), j = (i + 1 + rnd.nextInt(ITEMS - 1)) % ITEMS;
                VbprModel z = m.copy();
                for (int it : new int[] {dropI ? i : -1, dropJ ? j : -1}) {
                    if (it < 0) continue;
                    z.itemBias.data()[it] = 0;
                    java.util.Arrays.fill(z.itemFactors.data(), it * K, (it + 1) * K, 0f);
                }
                VbprModel.Scratch s = new VbprModel.Scratch(K, KV), sz = new VbprModel.Scratch(K, KV);
                float g = m.sampleGradients(u, i, j, dropI, dropJ, s);
                float gz = z.sampleGradients(u, i, j, sz);
                assertEquals(gz, g, 1e-6, "g with dropped rows = g of the model with those rows at zero");
                float[] b = s.buffer(), bz = sz.buffer();
                for (int c = 0; c < K; c++) assertEquals(bz[sz.userOffset() + c], b[s.userOffset() + c], 1e-6, "gamma_u");
                for (int c = 0; c < KV; c++) assertEquals(bz[sz.visualOffset() + c], b[s.visualOffset() + c], 1e-6, "theta_u");
                for (int c = 0; c < K; c++) {
                    assertEquals(dropI ? 0f : bz[sz.itemOffset() + c], b[s.itemOffset() + c], 1e-6, "gamma_i");
                    assertEquals(dropJ ? 0f : bz[sz.negativeOffset() + c], b[s.negativeOffset() + c], 1e-6, "gamma_j");
                }
                assertEquals(dropI ? 0f : bz[sz.itemBiasOffset()], b[s.itemBiasOffset()], 1e-6, "beta_i");
                assertEquals(dropJ ? 0f : bz[sz.negativeBiasOffset()], b[s.negativeBiasOffset()], 1e-6, "beta_j");
            }
        }
    }
}
