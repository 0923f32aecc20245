package dev.sparsetrain.models.vbpr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.SyntheticVisual;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts, determinism, the dense kernels, lr-find and model files on small synthetic data. */
class VbprTrainingTest {
    static final FeatureDataset DATA = SyntheticVisual.generate(new SyntheticVisual.Config(400, 250, 96, 6, 8, 40, 1, 1, 0.08, 9));

    static VbprConfig small() {
        return VbprConfig.defaults(Variant.VBPR).withEpochs(6, 3).withThreads(1);
    }

    @Test
    void restartsKeepTheBestSeedOnValidation() {
        VbprConfig cfg = small().withRestarts(3);
        VbprTrainer.Result best = new VbprTrainer(DATA, cfg).fit();
        double max = Double.NEGATIVE_INFINITY;
        long argmax = -1;
        for (int r = 0; r < 3; r++) {
            long seed = cfg.seed() + 1000003L * r;
            VbprTrainer.Result one = new VbprTrainer(DATA, small().withSeed(seed)).fit();
            System.out.printf("seed %d: validation AUC %.4f%n", seed, one.bestValidationAuc());
            if (one.bestValidationAuc() > max) {
                max = one.bestValidationAuc();
                argmax = seed;
            }
        }
        System.out.printf("restarts 3: kept seed %d, validation AUC %.4f%n", best.seed(), best.bestValidationAuc());
        assertEquals(argmax, best.seed());
        assertEquals(max, best.bestValidationAuc(), 1e-12);
        assertTrue(best.notes().stream().anyMatch(n -> n.startsWith("restarts: kept seed")));
    }

    @Test
    void cosineWarmRestartsScaleEveryGroupPerEpoch() {
        VbprConfig cfg = small().withEpochs(6, 6).withAutoBalance(false, Double.NaN);
        VbprTrainer t = new VbprTrainer(DATA, cfg).withSchedule(dev.sparsetrain.optim.Schedule.cosineWarmRestarts(3, 1, 0.01));
        VbprTrainer.Result r = t.fit();
        double[] m = new double[r.history().size()];
        for (int e = 0; e < m.length; e++) m[e] = r.history().get(e).groups()[0].multiplier();
        System.out.println("item_bias multiplier per epoch: " + java.util.Arrays.toString(m));
        assertEquals(1.0, m[0], 1e-6);
        assertTrue(m[1] < m[0] && m[2] < m[1], "decays within a period");
        assertEquals(1.0, m[3], 1e-6, "warm restart");
    }

    @Test
    void oneThreadWithASeedIsDeterministic() {
        VbprConfig cfg = small().withEpochs(2, 2);
        VbprModel a = new VbprTrainer(DATA, cfg).fit().model(), b = new VbprTrainer(DATA, cfg).fit().model();
        for (Table t : a.tables()) assertArrayEquals(t.data(), b.table(t.name()).data(), t.name());
    }

    /**
     * The projection's lane sums have one fixed order, so its result does not change when the JIT
     * compiles it (reduceLanes(ADD) associates differently in the interpreter and in C2).
     */
    @Test
    void projectionIsBitIdenticalBeforeAndAfterJitCompilation() {
        SplittableRandom rnd = new SplittableRandom(11);
        int kv = 32, fd = 128, items = 64;
        float[] e = new float[kv * fd], f = new float[items * fd];
        for (int q = 0; q < e.length; q++) e[q] = (float) rnd.nextGaussian();
        for (int q = 0; q < f.length; q++) f[q] = (float) (rnd.nextDouble() * 3);
        float[] cold = new float[items * kv], warm = new float[items * kv];
        DenseKernels.INSTANCE.project(e, kv, f, fd, cold, 0, items);
        for (int rep = 0; rep < 3000; rep++) DenseKernels.INSTANCE.project(e, kv, f, fd, warm, 0, items);
        assertArrayEquals(cold, warm);
    }

    @Test
    void denseKernelsMatchTheScalarReference() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int[] shape : new int[][] {{32, 128}, {7, 33}, {5, 600}, {4, 8}, {1, 3}}) {
            int kv = shape[0], fd = shape[1], items = 50;
            float[] e = new float[kv * fd], f = new float[items * fd], a = new float[items * kv];
            for (int q = 0; q < e.length; q++) e[q] = (float) rnd.nextGaussian();
            for (int q = 0; q < f.length; q++) f[q] = (float) rnd.nextDouble() * 3;
            for (int q = 0; q < a.length; q++) a[q] = (float) rnd.nextGaussian();
            int[] touched = {3, 17, 4, 49, 0, 22};
            float[] p1 = new float[items * kv], p2 = new float[items * kv], d1 = new float[kv * fd], d2 = new float[kv * fd];
            DenseKernels.INSTANCE.project(e, kv, f, fd, p1, 0, items);
            new DenseKernels().project(e, kv, f, fd, p2, 0, items);
            DenseKernels.INSTANCE.reduce(a, kv, f, fd, touched, touched.length, -1f, d1);
            new DenseKernels().reduce(a, kv, f, fd, touched, touched.length, -1f, d2);
            for (int q = 0; q < p1.length; q++) assertEquals(p2[q], p1[q], 1e-3 * (1 + Math.abs(p2[q])), "project " + kv + "x" + fd);
            for (int q = 0; q < d1.length; q++) assertEquals(d2[q], d1[q], 1e-3 * (1 + Math.abs(d2[q])), "reduce " + kv + "x" + fd);
        }
    }

    @Test
    void lrFindGivesACurveAndASuggestionPerGroup() {
        VbprTrainer t = new VbprTrainer(DATA, small().withAutoBalance(false, Double.NaN));
        List<LrFinder.Curve> curves = LrFinder.run(t, 40, 256, 1e-3, 1e3);
        System.out.print(LrFinder.table(curves));
        for (LrFinder.Curve c : curves) System.out.println(c.group() + " " + java.util.Arrays.toString(java.util.Arrays.copyOf(c.loss(), Math.min(12, c.loss().length))));
        assertEquals(6, curves.size());
        for (LrFinder.Curve c : curves) {
            assertTrue(c.lr().length >= 11, c.group());
            assertTrue(c.suggested() > 0 && Double.isFinite(c.suggested()), c.group());
            for (int s = 1; s < c.lr().length; s++) assertTrue(c.lr()[s] > c.lr()[s - 1]);
        }
    }

    @Test
    void lrFindSaysWhenTheLossStillFellAtTheTopOfTheSweep() {
        double[] lr = {0.01, 0.1, 1, 10};
        LrFinder.Curve falling = new LrFinder.Curve("user_factors", 0.05, lr, new double[] {0.7, 0.6, 0.5, 0.4}, new double[] {0.7, 0.65, 0.6, 0.5}, 1.0, false);
        LrFinder.Curve turned = new LrFinder.Curve("item_bias", 0.05, lr, new double[] {0.7, 0.5, 0.6, 0.9}, new double[] {0.7, 0.6, 0.62, 0.7}, 0.01, false);
        String table = LrFinder.table(List.of(falling, turned));
        assertTrue(table.contains("group 'user_factors': the loss still fell at the top of the sweep (lr 10.0), so 1.00 is not a measured optimum"), table);
        assertTrue(!table.contains("group 'item_bias':"), table);
    }

    @Test
    void modelFileRoundTripsWithItsFeaturePreprocessing(@TempDir Path dir) {
        for (var p : new dev.sparsetrain.data.features.Preprocessing[] {dev.sparsetrain.data.features.Preprocessing.STANDARDIZE,
                dev.sparsetrain.data.features.Preprocessing.L2_ROW}) {
            VbprConfig cfg = small().withEpochs(1, 1).withPreprocessing(p).withAutoBalance(false, Double.NaN);
            VbprTrainer t = new VbprTrainer(DATA, cfg);
            VbprModel m = t.fit().model();
            Path file = dir.resolve("m-" + p + ".model");
            VbprFiles.save(file, m, cfg, Map.of("dataset", DATA.name()));
            VbprModel back = VbprFiles.load(file, DATA.features());
            assertEquals(p, back.transform().kind());
            for (int u = 0; u < 20; u++) for (int i = 0; i < 20; i++) assertEquals(m.score(u, i), back.score(u, i), 1e-5);
        }
    }
}
