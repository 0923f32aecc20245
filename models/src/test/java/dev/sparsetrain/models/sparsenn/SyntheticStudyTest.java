package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.metrics.ctr.Strata;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The planted click model is recovered, and the multi-pass study's finding reproduces on it. */
class SyntheticStudyTest {

    @Test
    void trainedModelApproachesThePlantedModel() {
        // 4 sparse features of 100 power-law ids, 4 dense, planted biases + rank-4 interactions.
        SyntheticCtr gen = new SyntheticCtr(new SyntheticCtr.Config(4, 100, 4, 1.0, 4, 0.5, 0.5, 0.2, -1.5, 7));
        SyntheticCtr.Sample train = gen.generate(300_000, 1), test = gen.generate(50_000, 2);
        CtrEvaluation planted = CtrMetrics.evaluate(test.data().labels(), test.probability(), Double.NaN);
        TrainConfig tc = TrainConfig.defaults().toBuilder().numPasses(3).embeddingOptimizer("rowwise_adagrad", 0.2)
                .mlpOptimizer("adam", 3e-3).build();
        SparseNN m = new SparseNN(ModelConfig.defaults(), train.data().names(), train.data().tableRows(), 4, 1);
        CtrEvaluation got;
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            t.train(train.data(), 0, null, null);
            got = CtrMetrics.evaluate(test.data().labels(), t.predict(test.data()), Double.NaN);
        }
        System.out.printf("synthetic planted model: test %s%n", planted.format());
        System.out.printf("synthetic SparseNN     : test %s  (NE gap %.4f)%n", got.format(), got.ne() - planted.ne());
        assertEquals(planted.ne(), got.ne(), 0.02);
    }

    @Test
    void rareIdsOverfitWithPassesAndSparseDropoutRemovesMostOfTheGap() {
        // The study's setting: one user feature and one ad feature, 20,000 power-law ids each, no dense features.
        SyntheticCtr gen = new SyntheticCtr(new SyntheticCtr.Config(2, 20_000, 0, 1.1, 4, 0.5, 0.5, 0.2, -1.5, 7));
        SyntheticCtr.Sample train = gen.generate(100_000, 1), test = gen.generate(50_000, 2);
        ModelConfig mc = ModelConfig.defaults();
        TrainConfig base = TrainConfig.defaults().toBuilder().mlpOptimizer("adam", 1e-3).build();
        List<PassesStudy.Variant> variants = new ArrayList<>();
        for (PassesStudy.Variant v : PassesStudy.defaultVariants(mc, base, 20_000)) {
            if (v.name().equals("none") || v.name().equals("sparse_dropout")) variants.add(v);
        }
        Strata strata = Strata.defaults();
        List<PassesStudy.VariantResult> results = new ArrayList<>();
        for (PassesStudy.Variant v : variants) {
            results.add(PassesStudy.run(v, train.data(), test.data(), 1, strata, 3, 1, null));
        }
        System.out.print(PassesStudy.table(results));
        PassesStudy.VariantResult none = results.get(0), dropout = results.get(1);
        double gapNone = none.overfit(0) - none.overfit(2);
        double gapDrop = dropout.overfit(0) - dropout.overfit(2);
        System.out.printf("rare-minus-frequent overfit (NE after 3 passes - after 1): none %+.4f, sparse dropout %+.4f (%.0f%% removed)%n",
                gapNone, gapDrop, 100 * (1 - gapDrop / gapNone));
        assertTrue(none.overfit(0) > 0.03, "rare ids overfit with passes: " + none.overfit(0));
        assertTrue(gapNone > 0.03, "rare overfit more than frequent: " + gapNone);
        assertTrue(gapDrop < 0.5 * gapNone, "sparse dropout removes most of the gap: " + gapDrop + " vs " + gapNone);
    }
}
