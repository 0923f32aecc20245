package dev.sparsetrain.spark;

import dev.sparsetrain.models.sparsenn.BiasRefit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrRawData;
import dev.sparsetrain.data.ctr.CtrReader;
import dev.sparsetrain.data.ctr.EncoderConfig;
import dev.sparsetrain.data.ctr.FeatureEncoder;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.testkit.Datasets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Why click models trained on Spark were under- (or over-) calibrated, and the bias re-fit
 * ({@link BiasRefit}) that corrects it. Measured causes, each printed:
 * <ul>
 *   <li>the merge itself is right: dense tensors (the intercept among them) are the mean over
 *       every partition, idle ones included; embedding rows follow the rule;
 *   <li>averaging P models that each made 1/P of the pass's steps moves a parameter that every
 *       partition pushes the same way (the intercept) about as far as single-machine training
 *       with a P times larger batch: 1/P of the way with Adam's bounded steps;
 *   <li>on the Criteo head the single-machine calibration itself varies from seed to seed by more
 *       than the gap that was reported between one seed of single-machine and Spark training.
 * </ul>
 */
class SparkCtrCalibrationTest {
    static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = TestSpark.context();
    }

    static final ModelConfig LR = ModelConfig.defaults().withType(ModelConfig.Type.LOGISTIC);

    static SparseNN single(CtrData d, ModelConfig mc, TrainConfig tc) {
        SparseNN m = new SparseNN(mc, d.names(), d.tableRows(), d.numDense(), tc.seed());
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            t.train(d, 0, null, null);
        }
        return m;
    }

    static SparkCtrTrainer.Result spark(CtrData d, ModelConfig mc, TrainConfig tc, int P, ItemMerge merge, boolean refit) {
        return SparkCtrTrainer.train(sc, d, mc, tc.toBuilder().threads(1).build(), new SparkCtrTrainer.Config(P, 4, merge, refit), null, null);
    }

    static CtrEvaluation eval(SparseNN m, CtrData d) {
        return CtrMetrics.evaluate(d.labels(), m.predict(d), Double.NaN);
    }

    static float bias(SparseNN m) {
        return BiasRefit.logitBias(m).data()[0];
    }

    /**
     * {@link SparkCtrTrainer#train} without Spark: the same shards, {@link CtrShard#trainRound}
     * and {@link SparkCtrTrainer#merge} in this JVM, then the same re-fit, so that seed studies run
     * in seconds ({@link #replayEqualsSparkTraining} checks it against Spark).
     */
    static SparseNN replay(CtrData train, ModelConfig mc, TrainConfig tc, SparkCtrTrainer.Config cfg) {
        SparseNN model = new SparseNN(mc, train.names(), train.tableRows(), train.numDense(), tc.seed());
        int P = cfg.partitions(), R = cfg.roundsPerPass();
        List<CtrShard> shards = new ArrayList<>();
        String run = UUID.randomUUID().toString();
        for (PartitionRows part : PartitionRows.split(train, P, tc.seed())) shards.add(new CtrShard(run, part, null, null));
        CtrShard.Spec spec = CtrShard.Spec.of(mc, tc, R);
        List<Table> tables = model.tables();
        for (int round = 0; round < tc.numPasses() * R; round++) {
            float[][] base = new float[tables.size()][];
            for (int t = 0; t < base.length; t++) base[t] = tables.get(t).data().clone();
            List<CtrShard> next = new ArrayList<>();
            List<CtrShard.Update> updates = new ArrayList<>();
            for (CtrShard s : shards) {
                CtrShard n = s.trainRound(base, spec, round);
                next.add(n);
                updates.add(n.update);
            }
            shards = next;
            SparkCtrTrainer.merge(model, base, updates, cfg.merge(), P);
        }
        if (cfg.refitBias()) {
            float[][] now = new float[tables.size()][];
            for (int t = 0; t < now.length; t++) now[t] = tables.get(t).data();
            BiasRefit.Histogram h = null;
            for (CtrShard s : shards) h = h == null ? s.logitHistogram(now, spec) : h.plus(s.logitHistogram(now, spec));
            double delta = h.shift();
            if (!Double.isNaN(delta)) BiasRefit.apply(model, delta);
        }
        return model;
    }

    @Test
    void mergeAveragesDenseTensorsOverEveryPartitionAndEmbeddingRowsByRule() {
        // LR on one sparse feature of 3 ids and 1 dense feature: lin.f (3 x 1), dense.w (1 x 1), bias.b (1 x 1)
        SparseNN m = new SparseNN(LR, new String[] {"f"}, new int[] {3}, 1, 1);
        List<Table> ts = m.tables();
        List<String> names = new ArrayList<>();
        for (Table t : ts) names.add(t.name());
        assertEquals(List.of("lin.f", "dense.w", "bias.b"), names);
        float[][] base = {{0.1f, 0.2f, 0.3f}, {0.5f}, {-1.0f}};
        for (int t = 0; t < 3; t++) ts.get(t).load(base[t].clone());
        // partition 0 moved ids 0 and 1, partition 1 moved id 1, partition 2 had no rows this round (returns the base)
        List<CtrShard.Update> ups = List.of(
                new CtrShard.Update(0, new int[][] {{0, 1}}, new float[][] {{0.5f, 0.6f}}, new float[][] {{0.8f}, {-1.3f}}, 0, 10, 2, 0),
                new CtrShard.Update(1, new int[][] {{1}}, new float[][] {{1.0f}}, new float[][] {{0.2f}, {-1.6f}}, 0, 10, 3, 0),
                new CtrShard.Update(2, new int[][] {{}}, new float[][] {{}}, new float[][] {{0.5f}, {-1.0f}}, 0, 0, 0, 0));
        float[][] want = {
            // TOUCHED: id 0 = 0.5 (one partition), id 1 = (0.6 + 1.0) / 2, id 2 untouched
            {0.5f, 0.8f, 0.3f},
            // AVERAGE: q + (1/3) sum of changes: id 0 = 0.1 + 0.4/3, id 1 = 0.2 + (0.4 + 0.8)/3
            {0.1f + 0.4f / 3, 0.2f + 1.2f / 3, 0.3f},
            // SUM: q + sum of changes
            {0.5f, 1.4f, 0.3f}};
        ItemMerge[] rules = {ItemMerge.TOUCHED, ItemMerge.AVERAGE, ItemMerge.SUM};
        for (int k = 0; k < rules.length; k++) {
            for (int t = 0; t < 3; t++) ts.get(t).load(base[t].clone());
            SparkCtrTrainer.merge(m, base, ups, rules[k], 3);
            assertArrayEquals(want[k], ts.get(0).data(), 1e-6f, rules[k] + " lin.f");
            // the intercept and dense weights: the mean over all 3 partitions, the idle one's base value included
            assertEquals((0.8f + 0.2f + 0.5f) / 3, ts.get(1).data()[0], 1e-6f, rules[k] + " dense.w");
            assertEquals((-1.3f - 1.6f - 1.0f) / 3, ts.get(2).data()[0], 1e-6f, rules[k] + " bias.b");
        }
    }

    @Test
    void histogramShiftMatchesTheExactInterceptFit() {
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 20_000;
        float[] p = new float[n];
        byte[] y = new byte[n];
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = -2 + 1.5 * rnd.nextGaussian();
            p[i] = (float) (1 / (1 + Math.exp(-z[i])));
            // clicks drawn from logits shifted by +0.4: the exact fit must find about +0.4
            y[i] = (byte) (rnd.nextDouble() < 1 / (1 + Math.exp(-(z[i] + 0.4))) ? 1 : 0);
        }
        long clicks = 0;
        for (byte b : y) clicks += b;
        double exact = 0;
        for (int it = 0; it < 100; it++) {
            double f = -clicks, g = 0;
            for (double zi : z) {
                double s = 1 / (1 + Math.exp(-(zi + exact)));
                f += s;
                g += s * (1 - s);
            }
            exact -= f / g;
        }
        // two halves merged, as two partitions send them
        BiasRefit.Histogram a = BiasRefit.Histogram.of(java.util.Arrays.copyOf(p, n / 2), java.util.Arrays.copyOf(y, n / 2));
        BiasRefit.Histogram b = BiasRefit.Histogram.of(java.util.Arrays.copyOfRange(p, n / 2, n), java.util.Arrays.copyOfRange(y, n / 2, n));
        BiasRefit.Histogram h = a.plus(b);
        assertEquals(n, h.rows());
        assertEquals(clicks, h.clicks());
        System.out.printf("intercept fit on 20,000 logits: exact %+.6f, from the histogram %+.6f (planted +0.4)%n", exact, h.shift());
        assertEquals(exact, h.shift(), 1e-4);
        assertEquals((double) clicks / n, h.meanPrediction(h.shift()), 1e-6);
        assertEquals(0.4, exact, 0.1);
        // no click, or only clicks: no finite shift
        assertTrue(Double.isNaN(BiasRefit.Histogram.of(p, new byte[n]).shift()));
        byte[] ones = new byte[n];
        java.util.Arrays.fill(ones, (byte) 1);
        assertTrue(Double.isNaN(BiasRefit.Histogram.of(p, ones).shift()));
    }

    @Test
    void replayEqualsSparkTraining() {
        SyntheticCtr gen = new SyntheticCtr(SyntheticCtr.Config.study(1));
        CtrData d = gen.generate(6_000, 2).data();
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).build();
        SparkCtrTrainer.Result r = spark(d, LR, tc, 2, ItemMerge.TOUCHED, true);
        SparseNN local = replay(d, LR, tc, new SparkCtrTrainer.Config(2, 4, ItemMerge.TOUCHED, true));
        List<Table> a = r.model().tables(), b = local.tables();
        for (int t = 0; t < a.size(); t++) assertArrayEquals(a.get(t).data(), b.get(t).data(), 0f, a.get(t).name());
        assertTrue(Double.isFinite(r.biasShift()), "shift " + r.biasShift());
    }

    /**
     * Synthetic data (planted model, test CTR 0.213), logistic regression with the defaults (the
     * intercept {@code bias.b} under Adam 3e-3 starts at logit 0, the truth is near -1.3): after
     * one pass the intercept of P averaged partitions has moved about 1/P as far as on one
     * machine, as single-machine training with a P times larger batch does, and the model is
     * over-calibrated accordingly. The re-fit restores calibration and NE.
     */
    @Test
    void averagingMovesTheInterceptLikeAPTimesLargerBatchAndTheRefitCorrectsIt() {
        SyntheticCtr gen = new SyntheticCtr(SyntheticCtr.Config.study(1));
        CtrData tr = gen.generate(40_000, 2).data(), te = gen.generate(20_000, 3).data();
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).build();
        double[] b = new double[5], c = new double[5], ne = new double[5];
        int[] P = {1, 2, 4};
        for (int k = 0; k < 3; k++) {
            SparseNN one = single(tr, LR, tc.toBuilder().batchSize(256 * P[k]).build());
            CtrEvaluation e = eval(one, te);
            System.out.printf("synthetic 40,000 rows, LR, single machine, batch %4d: bias.b %+.4f, test %s%n", 256 * P[k], bias(one), e.format());
            if (k > 0) {
                b[k + 2] = bias(one);
                c[k + 2] = e.calibration();
            } else {
                b[0] = bias(one);
                c[0] = e.calibration();
                ne[0] = e.ne();
            }
        }
        for (int k = 1; k < 3; k++) {
            SparkCtrTrainer.Result off = spark(tr, LR, tc, P[k], ItemMerge.TOUCHED, false);
            SparkCtrTrainer.Result on = spark(tr, LR, tc, P[k], ItemMerge.TOUCHED, true);
            CtrEvaluation eOff = eval(off.model(), te), eOn = eval(on.model(), te);
            b[k] = bias(off.model());
            c[k] = eOff.calibration();
            ne[k] = eOff.ne();
            System.out.printf("synthetic 40,000 rows, LR, Spark %d partitions, batch 256: bias.b %+.4f, test %s%n", P[k], b[k], eOff.format());
            System.out.printf("    with the bias re-fit (%+.4f): test %s%n", on.biasShift(), eOn.format());
            assertEquals(1.0, eOn.calibration(), 0.02, "re-fit calibration, " + P[k] + " partitions");
            assertTrue(eOn.ne() < eOff.ne() - 0.03, "re-fit NE " + eOn.ne() + " vs " + eOff.ne());
        }
        // measured: bias.b -0.341 (1 machine), -0.201 (2 partitions; batch 512: -0.198), -0.112 (4; batch 1024: -0.110)
        assertTrue(b[0] < -0.2, "single-machine intercept " + b[0]);
        assertTrue(b[1] / b[0] > 0.45 && b[1] / b[0] < 0.75, "2 partitions: " + b[1] + " vs " + b[0]);
        assertTrue(b[2] / b[0] > 0.2 && b[2] / b[0] < 0.45, "4 partitions: " + b[2] + " vs " + b[0]);
        assertEquals(b[3], b[1], 0.25 * Math.abs(b[3]), "2 partitions vs batch 512");
        assertEquals(b[4], b[2], 0.25 * Math.abs(b[4]), "4 partitions vs batch 1024");
        // calibration 1.30 < 1.52 < 1.72 (batch 512: 1.47, 1024: 1.64)
        assertTrue(c[0] > 1.1 && c[0] < c[1] && c[1] < c[2], java.util.Arrays.toString(c));
    }

    /**
     * criteo-kaggle-dac-head10k (first 8,000 rows train, last 2,000 test), logistic regression,
     * seeds 1 to 3: single-machine calibration varies from seed to seed by about as much as the
     * gap reported between seed 1 on one machine (0.94) and on 2 partitions (0.88); both are low;
     * the re-fit brings both to about 1 and lowers NE.
     */
    @Test
    void criteoHeadCalibrationOverSeeds() {
        CtrRawData raw = CtrReader.readCriteo(Datasets.require("criteo-kaggle-dac-head10k").resolve("train-10k.txt"), false);
        FeatureEncoder enc = FeatureEncoder.fit(raw.slice(0, 8000), EncoderConfig.hashing(100_000));
        CtrData tr = enc.encode(raw.slice(0, 8000)), te = enc.encode(raw.slice(8000, 10000));
        System.out.printf("criteo-head10k LR: train CTR %.4f, test CTR %.4f%n", tr.clickRate(), te.clickRate());
        int seeds = 3;
        double[][] cal = new double[4][seeds], ne = new double[4][seeds];
        String[] what = {"single machine", "single machine + re-fit", "Spark 2 partitions", "Spark 2 partitions + re-fit"};
        for (int s = 0; s < seeds; s++) {
            TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).seed(s + 1).build();
            SparseNN one = single(tr, LR, tc);
            CtrEvaluation e0 = eval(one, te);
            BiasRefit.apply(one, BiasRefit.Histogram.of(one.predict(tr), tr.labels()).shift());
            CtrEvaluation e1 = eval(one, te);
            CtrEvaluation e2 = eval(spark(tr, LR, tc, 2, ItemMerge.TOUCHED, false).model(), te);
            CtrEvaluation e3 = eval(spark(tr, LR, tc, 2, ItemMerge.TOUCHED, true).model(), te);
            CtrEvaluation[] es = {e0, e1, e2, e3};
            for (int k = 0; k < 4; k++) {
                cal[k][s] = es[k].calibration();
                ne[k][s] = es[k].ne();
            }
        }
        double[] mc = new double[4], mn = new double[4];
        for (int k = 0; k < 4; k++) {
            double sc2 = 0;
            for (int s = 0; s < seeds; s++) {
                mc[k] += cal[k][s] / seeds;
                mn[k] += ne[k][s] / seeds;
            }
            for (int s = 0; s < seeds; s++) sc2 += (cal[k][s] - mc[k]) * (cal[k][s] - mc[k]);
            System.out.printf("  %-28s calibration %.3f (sd %.3f; seeds %s), test NE %.4f%n", what[k], mc[k], Math.sqrt(sc2 / (seeds - 1)),
                    java.util.Arrays.toString(java.util.Arrays.stream(cal[k]).map(v -> Math.round(v * 1000) / 1000.0).toArray()), mn[k]);
        }
        // measured over seeds 1-3: 0.916 on one machine, 0.896 on 2 partitions; 5 seeds: 0.899 (sd 0.043) and 0.897 (sd 0.009)
        assertEquals(mc[0], mc[2], 0.05, "single machine vs 2 partitions, mean calibration");
        assertTrue(mc[0] < 0.97 && mc[2] < 0.97, "both under-calibrated before the re-fit");
        for (int k : new int[] {1, 3}) {
            assertEquals(1.0, mc[k], 0.03, what[k]);
            assertTrue(mn[k] < mn[k - 1], what[k] + " NE " + mn[k] + " vs " + mn[k - 1]);
        }
    }
}
