package dev.sparsetrain.studies.sparsenn;

import dev.sparsetrain.optim.OptimizerSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.metrics.ctr.Strata;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The multi-pass study: its finding reproduces on a planted click model, and its variants switch
 * the base configuration's regularizers off. (Moved with the study from models' SyntheticStudyTest
 * and EmbeddingEntropyTest.)
 */
class PassesStudyTest {

    @Test
    void rareIdsOverfitWithPassesAndSparseDropoutRemovesMostOfTheGap() {
        // The study's setting: one user feature and one ad feature, 20,000 power-law ids each, no dense features.
        SyntheticCtr gen = new SyntheticCtr(new SyntheticCtr.Config(2, 20_000, 0, 1.1, 4, 0.5, 0.5, 0.2, -1.5, 7));
        SyntheticCtr.Sample train = gen.generate(100_000, 1), test = gen.generate(50_000, 2);
        ModelConfig mc = ModelConfig.defaults();
        TrainConfig base = TrainConfig.defaults().toBuilder().mlpOptimizer(OptimizerSpec.of(OptimizerSpec.Kind.named("adam"), 1e-3)).build();
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

    /** sparsenn-passes with --emb-entropy: the baseline "none" and the other regularizers' variants run without it; max_entropy uses its own 1e-2. */
    @Test
    void passesStudyBaselineSwitchesTheEntropyRegularizerOff() {
        TrainConfig base = TrainConfig.defaults().toBuilder().embeddingEntropy(0.05).embeddingL2(1e-3).build();
        for (PassesStudy.Variant v : PassesStudy.defaultVariants(ModelConfig.defaults(), base, 1000)) {
            // "defaults" is the command line's own configuration, regularizers kept
            double want = v.name().equals("max_entropy") ? 1e-2 : v.name().equals("defaults") ? 0.05 : 0;
            assertEquals(want, v.train().embeddingEntropy(), v.name());
        }
    }
}
