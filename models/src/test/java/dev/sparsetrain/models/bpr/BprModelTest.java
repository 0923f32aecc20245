package dev.sparsetrain.models.bpr;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.data.*;
import dev.sparsetrain.metrics.ranking.PopularityScorer;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BprModelTest {
    @TempDir Path dir;

    static double lossD(BprModel m, int u, int i, int j) {
        int k = m.config().factors();
        double x = m.itemBias().data()[i] - m.itemBias().data()[j];
        for (int f = 0; f < k; f++) x += (double) m.users().get(u, f) * ((double) m.items().get(i, f) - m.items().get(j, f));
        return Math.log1p(Math.exp(-x));
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        for (int k : new int[] {1, 7, 33}) {
            BprModel m = new BprModel(4, 6, BprConfig.defaults().withFactors(k).withInitStd(0.5), 11);
            SplittableRandom r = new SplittableRandom(5);
            for (int b = 0; b < 6; b++) m.itemBias().data()[b] = (float) r.nextGaussian();
            float[] gu = new float[k], gi = new float[k], gj = new float[k], gb = new float[2];
            int u = 2, i = 1, j = 4;
            m.gradient(u, i, j, gu, gi, gj, gb);
            double eps = 1e-2;
            for (int f = 0; f < k; f++) {
                assertEquals(fd(m, m.users().data(), u * k + f, eps, u, i, j), gu[f], 2e-4, "d/dp_u[" + f + "] k=" + k);
                assertEquals(fd(m, m.items().data(), i * k + f, eps, u, i, j), gi[f], 2e-4, "d/dq_i[" + f + "]");
                assertEquals(fd(m, m.items().data(), j * k + f, eps, u, i, j), gj[f], 2e-4, "d/dq_j[" + f + "]");
            }
            assertEquals(fd(m, m.itemBias().data(), i, eps, u, i, j), gb[0], 2e-4, "d/db_i");
            assertEquals(fd(m, m.itemBias().data(), j, eps, u, i, j), gb[1], 2e-4, "d/db_j");
        }
    }

    private static double fd(BprModel m, float[] a, int idx, double eps, int u, int i, int j) {
        float old = a[idx];
        a[idx] = (float) (old + eps);
        double lp = lossD(m, u, i, j);
        a[idx] = (float) (old - eps);
        double lm = lossD(m, u, i, j);
        a[idx] = old;
        // the float perturbation is not exactly eps: divide by the actual difference
        double h = (double) (float) (old + eps) - (double) (float) (old - eps);
        return (lp - lm) / h;
    }

    @Test
    void fusedKernelStepIsSgdWithCoupledL2() {
        int k = 17;
        BprConfig c = BprConfig.defaults().withFactors(k).withBiasRegularization(0.01);
        BprModel m = new BprModel(3, 5, c, 3);
        BprModel ref = new BprModel(3, 5, c, 3);
        float[] gu = new float[k], gi = new float[k], gj = new float[k], gb = new float[2];
        ref.gradient(0, 1, 3, gu, gi, gj, gb);
        BprModel.sgdStep(m.users().data(), m.items().data(), m.itemBias().data(), k, 0, 1, 3,
                (float) c.learningRate(), (float) c.regularization(), (float) c.biasLearningRate(), (float) c.biasRegularization(), false);
        double lr = c.learningRate(), reg = c.regularization();
        for (int f = 0; f < k; f++) {
            assertEquals(ref.users().get(0, f) - lr * (gu[f] + reg * ref.users().get(0, f)), m.users().get(0, f), 1e-6);
            assertEquals(ref.items().get(1, f) - lr * (gi[f] + reg * ref.items().get(1, f)), m.items().get(1, f), 1e-6);
            assertEquals(ref.items().get(3, f) - lr * (gj[f] + reg * ref.items().get(3, f)), m.items().get(3, f), 1e-6);
        }
        assertEquals(-c.biasLearningRate() * gb[0], m.itemBias().data()[1], 1e-7);
        assertEquals(-c.biasLearningRate() * gb[1], m.itemBias().data()[3], 1e-7);
        // untouched rows stay bit-identical
        assertArrayEquals(java.util.Arrays.copyOfRange(ref.items().data(), 0, k), java.util.Arrays.copyOfRange(m.items().data(), 0, k));
    }

    static Split smallSplit() {
        var all = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(300, 200, 20)).interactions();
        return Splits.leaveOneOut(all, 42);
    }

    static BprModel trainOn(Split s, BprConfig c, TrainerConfig tc, boolean generic) {
        BprModel m = new BprModel(s.train().numUsers(), s.train().numItems(), c, tc.seed()).forceGenericPath(generic);
        new Trainer(tc).fit(Hogwild.of(m, s.train(), NegativeSampler.uniform(s.train())));
        return m;
    }

    @Test
    void fusedAndGenericOptimizerPathsAgree() {
        Split s = smallSplit();
        TrainerConfig tc = TrainerConfig.defaults().withThreads(1).withEpochs(3).withSeed(9);
        BprModel a = trainOn(s, BprConfig.defaults(), tc, false);
        BprModel b = trainOn(s, BprConfig.defaults(), tc, true);
        assertTrue(a.usesFusedKernel());
        assertFalse(b.usesFusedKernel());
        double maxDiff = 0;
        for (int t = 0; t < a.items().data().length; t++) maxDiff = Math.max(maxDiff, Math.abs(a.items().data()[t] - b.items().data()[t]));
        for (int t = 0; t < a.users().data().length; t++) maxDiff = Math.max(maxDiff, Math.abs(a.users().data()[t] - b.users().data()[t]));
        for (int t = 0; t < a.itemBias().data().length; t++) maxDiff = Math.max(maxDiff, Math.abs(a.itemBias().data()[t] - b.itemBias().data()[t]));
        System.out.printf("fused (%s) vs generic optimizer path after 3 epochs: max |diff| = %.2e%n", BprModel.kernelName(), maxDiff);
        assertTrue(maxDiff < 1e-3, "max diff " + maxDiff);
    }

    @Test
    void sameSeedOneThreadGivesByteIdenticalModelFilesAndResumeIsExact() throws IOException {
        Split s = smallSplit();
        TrainerConfig tc = TrainerConfig.defaults().withThreads(1).withEpochs(4).withSeed(7);
        BprModel a = trainOn(s, BprConfig.defaults(), tc, false);
        BprModel b = trainOn(s, BprConfig.defaults(), tc, false);
        Path pa = dir.resolve("a.bpr"), pb = dir.resolve("b.bpr");
        BprFiles.save(pa, a, s.train().users(), s.train().items(), Map.of("epoch", "4"));
        BprFiles.save(pb, b, s.train().users(), s.train().items(), Map.of("epoch", "4"));
        assertArrayEquals(Files.readAllBytes(pa), Files.readAllBytes(pb));
        // checkpoints every 2 epochs of a 4-epoch run; resuming from epoch 2 gives the uninterrupted result
        BprModel c = new BprModel(s.train().numUsers(), s.train().numItems(), BprConfig.defaults(), 7);
        new Trainer(tc.withCheckpointEvery(2)).withCheckpointer(st -> BprFiles.save(dir.resolve("ck-" + st.epoch() + ".bpr"), c, s.train().users(), s.train().items(),
                        Map.of("epoch", Integer.toString(st.epoch())))).fit(Hogwild.of(c, s.train(), NegativeSampler.uniform(s.train())));
        assertTrue(Files.exists(dir.resolve("ck-2.bpr")) && Files.exists(dir.resolve("ck-4.bpr")));
        assertArrayEquals(a.users().data(), c.users().data(), "checkpointing run");
        assertArrayEquals(Files.readAllBytes(pa), Files.readAllBytes(dir.resolve("ck-4.bpr")));
        var resumed = BprFiles.load(dir.resolve("ck-2.bpr"));
        assertEquals(2, resumed.epoch());
        new Trainer(tc).fit(Hogwild.of(resumed.model(), s.train(), NegativeSampler.uniform(s.train())), Trainer.State.after(resumed.epoch()));
        assertArrayEquals(a.users().data(), resumed.model().users().data());
        assertArrayEquals(a.items().data(), resumed.model().items().data());
        assertArrayEquals(a.itemBias().data(), resumed.model().itemBias().data());
        // a different seed gives a different model
        BprModel e = trainOn(s, BprConfig.defaults(), tc.withSeed(8), false);
        assertFalse(java.util.Arrays.equals(a.items().data(), e.items().data()));
    }

    @Test
    void resumeIsByteIdenticalForAdaptiveOptimizersToo() throws IOException {
        Split s = smallSplit();
        TrainerConfig tc = TrainerConfig.defaults().withThreads(1).withEpochs(4).withSeed(5);
        Path pa = null;
        for (String opt : List.of("adam", "adagrad", "sgd")) {
            BprConfig bc = BprConfig.defaults().withOptimizers(opt, opt.equals("adam") ? "adagrad" : opt);
            if (!opt.equals("sgd")) bc = bc.withLearningRate(0.01);
            final BprConfig cfg = bc;
            // uninterrupted 4 epochs
            BprModel a = trainOn(s, cfg, tc, false);
            assertEquals(opt.equals("sgd"), a.usesFusedKernel(), opt);
            pa = dir.resolve(opt + "-straight.bpr");
            BprFiles.save(pa, a, s.train().users(), s.train().items(), Map.of("epoch", "4"));
            // 2 epochs with a checkpoint, then resume from the checkpoint file for 2 more
            BprModel c = new BprModel(s.train().numUsers(), s.train().numItems(), cfg, tc.seed());
            Path ck = dir.resolve(opt + "-ck-2.bpr");
            new Trainer(tc.withCheckpointEvery(2)).withCheckpointer(st -> {
                if (st.epoch() == 2) BprFiles.save(ck, c, s.train().users(), s.train().items(), Map.of("epoch", Integer.toString(st.epoch())));
            }).fit(Hogwild.of(c, s.train(), NegativeSampler.uniform(s.train())));
            var resumed = BprFiles.load(ck);
            assertEquals(2, resumed.epoch());
            assertFalse(resumed.metadata().keySet().stream().anyMatch(k -> k.startsWith("optim.")), "optimizer keys stay out of the model's metadata");
            new Trainer(tc).fit(Hogwild.of(resumed.model(), s.train(), NegativeSampler.uniform(s.train())), Trainer.State.after(2));
            Path pb = dir.resolve(opt + "-resumed.bpr");
            BprFiles.save(pb, resumed.model(), s.train().users(), s.train().items(), Map.of("epoch", "4"));
            assertArrayEquals(Files.readAllBytes(pa), Files.readAllBytes(pb), opt + ": 4 epochs == 2 + checkpoint + resume 2");
            if (!opt.equals("sgd")) {
                // the test has teeth: the same tables with a restarted optimizer give another model
                var ckModel = BprFiles.load(ck).model();
                var fresh = new BprModel(cfg, ckModel.users(), ckModel.items(), ckModel.itemBias());
                new Trainer(tc).fit(Hogwild.of(fresh, s.train(), NegativeSampler.uniform(s.train())), Trainer.State.after(2));
                assertFalse(java.util.Arrays.equals(a.items().data(), fresh.items().data()), opt + ": a restarted optimizer must differ");
            }
            System.out.printf("resume %s: 4 epochs straight and 2 + resume 2 give identical %d-byte model files%n", opt, Files.size(pa));
        }
        // a file without optimizer state (written before it was saved) still loads, with a fresh optimizer
        var plain = dev.sparsetrain.core.io.ModelFile.read(pa);
        Path old = dir.resolve("old.bpr");
        dev.sparsetrain.core.io.ModelFile.write(old, new dev.sparsetrain.core.io.ModelFile.Contents(plain.modelType(), plain.configJson(),
                Map.of("epoch", "4"), plain.idMaps(), List.of(plain.table("users"), plain.table("items"), plain.table("item_bias"))));
        var oldLoaded = BprFiles.load(old);
        assertEquals(4, oldLoaded.epoch());
        assertEquals(0, oldLoaded.model().optimizer().rowUpdateCount(oldLoaded.model().items(), 0));
        // a checkpoint of one optimizer refuses a model of another, in one line naming the file
        BprModel adam = trainOn(s, BprConfig.defaults().withOptimizers("adam", "sgd").withLearningRate(0.01), tc.withEpochs(1), false);
        Path pAdam = dir.resolve("adam.bpr");
        BprFiles.save(pAdam, adam, s.train().users(), s.train().items(), Map.of("epoch", "1"));
        var st = dev.sparsetrain.optim.OptimizerState.from(dev.sparsetrain.core.io.ModelFile.read(pAdam).metadata(),
                dev.sparsetrain.core.io.ModelFile.read(pAdam).tables());
        BprModel other = new BprModel(s.train().numUsers(), s.train().numItems(), BprConfig.defaults().withOptimizers("adagrad", "sgd"), 1);
        var ex = assertThrows(dev.sparsetrain.core.BadInputException.class, () -> other.optimizer().importState(pAdam.toString(), st));
        assertTrue(ex.getMessage().startsWith(pAdam.toString()) && ex.getMessage().contains("adagrad"), ex.getMessage());
    }

    @Test
    void earlyStoppingStopsAndRestoresTheBestEpoch() {
        Split s = smallSplit();
        BprModel m = new BprModel(s.train().numUsers(), s.train().numItems(), BprConfig.defaults(), 1);
        float[][] atEpoch = new float[10][];
        double[] figure = {0.5, 0.7, 0.6, 0.65, 0.55, 0.9, 0.9, 0.9, 0.9, 0.9};
        var res = new Trainer(TrainerConfig.defaults().withThreads(1).withEpochs(10).withPatience(3)).withValidator(e -> {
            atEpoch[e - 1] = m.items().data().clone();
            return Trainer.Validation.higher(figure[e - 1]);
        }).fit(Hogwild.of(m, s.train(), NegativeSampler.uniform(s.train())));
        assertTrue(res.stoppedEarly());
        assertEquals(5, res.lastEpoch());
        assertEquals(2, res.bestEpoch());
        assertEquals(0.7, res.bestValidation());
        assertArrayEquals(atEpoch[1], m.items().data());
    }

    @Test
    void recoversPlantedSyntheticPreferencesWellAbovePopularity() {
        var gen = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults());
        Split s = Splits.leaveOneOut(gen.interactions(), 42);
        long t0 = System.nanoTime();
        BprModel m = trainOn(s, BprConfig.defaults(), TrainerConfig.defaults(), false);
        double secs = (System.nanoTime() - t0) / 1e9;
        RankingReport r = RankingEvaluator.evaluate(m, s.test(), List.of(s.train()));
        RankingReport pop = RankingEvaluator.evaluate(new PopularityScorer(s.train()), s.test(), List.of(s.train()));
        RankingReport oracle = RankingEvaluator.evaluate(new dev.sparsetrain.metrics.ranking.Scorer() {
            public int numItems() { return s.train().numItems(); }
            public void scoreAll(int u, float[] out) { for (int i = 0; i < out.length; i++) out[i] = (float) gen.plantedScore(u, i); }
        }, s.test(), List.of(s.train()));
        System.out.printf("synthetic %s, train %.1fs:%n  BPR     %s%n  popular %s%n  planted %s%n", gen.interactions(), secs,
                r.oneLine(), pop.oneLine(), oracle.oneLine());
        assertTrue(r.auc() > pop.auc() + 0.05, "BPR " + r.auc() + " vs popularity " + pop.auc());
        assertTrue(r.value("ndcg@10") > 1.5 * pop.value("ndcg@10"));
        assertTrue(r.auc() > oracle.auc() - 0.05, "BPR " + r.auc() + " vs planted " + oracle.auc());
    }

    @Test
    void adagradAndAdamGroupsTrainThroughTheOptimizer() {
        Split s = smallSplit();
        RankingReport pop = RankingEvaluator.evaluate(new PopularityScorer(s.train()), s.test(), List.of(s.train()));
        for (String opt : new String[] {"adagrad", "adam"}) {
            BprConfig c = BprConfig.defaults().withOptimizers(opt, opt).withLearningRate(opt.equals("adam") ? 0.01 : 0.1)
                    .withBiasLearningRate(opt.equals("adam") ? 0.01 : 0.1).withFinalLearningRate(1);
            BprModel m = trainOn(s, c, TrainerConfig.defaults().withEpochs(10).withThreads(2), false);
            assertFalse(m.usesFusedKernel());
            RankingReport r = RankingEvaluator.evaluate(m, s.test(), List.of(s.train()));
            System.out.printf("%s: %s (popularity AUC %.4f)%n", opt, r.oneLine(), pop.auc());
            assertTrue(r.auc() > pop.auc(), opt + " " + r.auc());
        }
    }
}
