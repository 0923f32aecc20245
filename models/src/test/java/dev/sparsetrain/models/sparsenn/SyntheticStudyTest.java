package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.optim.OptimizerSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import org.junit.jupiter.api.Test;

/** The planted click model is recovered (the multi-pass study's finding on it is studies' PassesStudyTest). */
class SyntheticStudyTest {

    @Test
    void trainedModelApproachesThePlantedModel() {
        // 4 sparse features of 100 power-law ids, 4 dense, planted biases + rank-4 interactions.
        SyntheticCtr gen = new SyntheticCtr(new SyntheticCtr.Config(4, 100, 4, 1.0, 4, 0.5, 0.5, 0.2, -1.5, 7));
        SyntheticCtr.Sample train = gen.generate(300_000, 1), test = gen.generate(50_000, 2);
        CtrEvaluation planted = CtrMetrics.evaluate(test.data().labels(), test.probability(), Double.NaN);
        TrainConfig tc = TrainConfig.defaults().toBuilder().numPasses(3).embeddingOptimizer(OptimizerSpec.of(OptimizerSpec.Kind.named("rowwise_adagrad"), 0.2))
                .mlpOptimizer(OptimizerSpec.of(OptimizerSpec.Kind.named("adam"), 3e-3)).build();
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
}
