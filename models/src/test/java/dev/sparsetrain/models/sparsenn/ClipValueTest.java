package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.optim.OptimizerSpec;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --clip-value} ({@link TrainConfig#clipValue()}): every gradient element of every group
 * (embeddings, MLP weights, biases) is clamped to [-V, V] before the optimizer. With plain SGD at
 * rate 1 and one step, each parameter moves by exactly its clipped gradient, so no element may
 * move by more than V, while without the clip some do.
 */
class ClipValueTest {

    private static double largestMove(double clipValue, CtrData d) {
        SparseNN m = new SparseNN(ModelConfig.defaults().withDim(4), d.names(), d.tableRows(), d.numDense(), 3);
        List<Table> tables = m.tables();
        float[][] before = new float[tables.size()][];
        for (int t = 0; t < tables.size(); t++) before[t] = tables.get(t).data().clone();
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).batchSize(d.rows()).numPasses(1).shuffle(TrainConfig.Shuffle.NONE)
                .embeddingOptimizer(OptimizerSpec.of(OptimizerSpec.Kind.named("sgd"), 1)).mlpOptimizer(OptimizerSpec.of(OptimizerSpec.Kind.named("sgd"), 1)).clipValue(clipValue).build();
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            t.train(d, 0, null, null);   // one batch = one step
        }
        double max = 0;
        for (int t = 0; t < tables.size(); t++) {
            float[] a = tables.get(t).data();
            for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - before[t][i]));
        }
        return max;
    }

    @Test
    void clipValueBoundsEveryGradientElementOfEveryGroup() {
        CtrData d = new SyntheticCtr(SyntheticCtr.Config.criteoShaped(50, 7)).generate(512, 8).data();
        double free = largestMove(0, d);
        double v = free / 20;
        double clipped = largestMove(v, d);
        System.out.printf("largest parameter change of one SGD step (lr 1): unclipped %.3g, --clip-value %.3g: %.3g%n", free, v, clipped);
        assertTrue(free > 0, "the step moves parameters");
        assertTrue(clipped <= v * (1 + 1e-5), "an element moved by " + clipped + " > clip value " + v);
        assertTrue(clipped > v * 0.5, "the clip binds and the step still moves: " + clipped);
    }

    @Test
    void clipValueIsFirstInEveryGroupsChain() {
        CtrData d = new SyntheticCtr(SyntheticCtr.Config.criteoShaped(20, 7)).generate(64, 8).data();
        SparseNN m = new SparseNN(ModelConfig.defaults().withDim(4), d.names(), d.tableRows(), d.numDense(), 3);
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(1).clipValue(0.5).embeddingClipNorm(2).mlpClipNorm(3).build();
        for (var g : CtrTrainer.groups(m, tc)) {
            String desc = g.chain().describe();
            assertTrue(desc.contains("clipByValue(0.5)"), g.name() + ": " + desc);
            int row = desc.indexOf("clipByRowNorm");
            assertTrue(row < 0 || desc.indexOf("clipByValue") < row, "clip by value before the row-norm clip: " + desc);
        }
    }
}
