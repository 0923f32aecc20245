package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import org.junit.jupiter.api.Test;

/** The intercept re-fit makes the mean training prediction equal the click rate and moves nothing else. */
class BiasRefitTest {
    static final CtrData DATA = new SyntheticCtr(new SyntheticCtr.Config(3, 500, 4, 1.1, 2, 0.5, 0.5, 0.3, -1.2, 3))
            .generate(3000, 1).data();

    static double mean(float[] p) {
        double s = 0;
        for (float x : p) s += x;
        return s / p.length;
    }

    @Test
    void meanTrainingPredictionEqualsTheClickRateForEveryModelType() {
        for (ModelConfig.Type type : ModelConfig.Type.values()) {
            ModelConfig mc = ModelConfig.defaults().withType(type);
            SparseNN m = new SparseNN(mc, DATA.names(), DATA.tableRows(), DATA.numDense(), 5);
            try (CtrTrainer t = new CtrTrainer(m, TrainConfig.defaults().toBuilder().threads(1).batchSize(128).build())) {
                t.train(DATA, 0, null, null);
            }
            float[] before = m.predict(DATA);
            var others = m.tables().stream().filter(x -> x != BiasRefit.logitBias(m)).map(x -> x.data().clone()).toList();
            double delta = BiasRefit.refit(m, DATA);
            double after = mean(m.predict(DATA));
            System.out.printf("%s: mean prediction %.4f -> %.4f, click rate %.4f, shift %+.4f%n", type, mean(before), after, DATA.clickRate(), delta);
            assertEquals(DATA.clickRate(), after, 1e-4, type.toString());   // binned logits: far below 1e-4 in the shift
            var now = m.tables().stream().filter(x -> x != BiasRefit.logitBias(m)).map(x -> x.data()).toList();
            for (int i = 0; i < now.size(); i++) assertTrue(java.util.Arrays.equals(others.get(i), now.get(i)), "only the logit bias moves");
        }
    }

    @Test
    void noFiniteShiftWithoutClicks() {
        byte[] none = new byte[4];
        assertTrue(Double.isNaN(BiasRefit.Histogram.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, none).shift()));
        byte[] all = {1, 1, 1, 1};
        assertTrue(Double.isNaN(BiasRefit.Histogram.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, all).shift()));
        // all at p 0.5 with 2 clicks of 4: already calibrated, no shift
        assertEquals(0, BiasRefit.Histogram.of(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new byte[] {1, 0, 1, 0}).shift(), 1e-9);
        // all at p 0.5, one click in four: sigmoid(delta) = 0.25
        assertEquals(Math.log(0.25 / 0.75), BiasRefit.Histogram.of(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new byte[] {1, 0, 0, 0}).shift(), 1e-6);
    }

    /**
     * A diverged model (a prediction that is not a number) gets no shift and is left unchanged, and
     * the reason says so: it was reported as "no click or only clicks" while the rows had both.
     */
    @Test
    void aDivergedModelIsNamedAsSuchAndLeftUnchanged() {
        var h = BiasRefit.Histogram.of(new float[] {0.5f, Float.NaN, 0.2f, 0.5f}, new byte[] {1, 0, 0, 1});
        assertTrue(Double.isNaN(h.shift()));
        assertTrue(h.whyNoShift().startsWith("1 training rows have a prediction that is not a number"), h.whyNoShift());
        assertEquals(3, h.rows(), "the NaN row is not binned");
        assertTrue(BiasRefit.Histogram.of(new float[] {0.1f}, new byte[] {0}).whyNoShift().contains("no click"));
        assertTrue(BiasRefit.Histogram.of(new float[] {0.1f}, new byte[] {1}).whyNoShift().contains("all clicks"));
        assertEquals(null, BiasRefit.Histogram.of(new float[] {0.1f, 0.2f}, new byte[] {1, 0}).whyNoShift());

        SparseNN m = new SparseNN(ModelConfig.defaults().withType(ModelConfig.Type.LOGISTIC), DATA.names(), DATA.tableRows(), DATA.numDense(), 5);
        BiasRefit.logitBias(m).data()[0] = Float.NaN;
        assertTrue(Double.isNaN(BiasRefit.refit(m, DATA)));
        assertTrue(Float.isNaN(BiasRefit.logitBias(m).data()[0]), "nothing applied");
    }
}
