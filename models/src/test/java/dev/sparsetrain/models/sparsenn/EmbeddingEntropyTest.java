package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.Table;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The maximum-entropy regularizer: its gradient against finite differences, its invariants, and what it does in training. */
class EmbeddingEntropyTest {

    static double entropyD(double[] e) {
        double s = 0, h = 0;
        for (double v : e) s += v * v;
        for (double v : e) {
            double p = v * v / s;
            if (p > 0) h -= p * Math.log(p);
        }
        return h;
    }

    /** addGradient adds lambda * d(-H)/de, checked against central differences of a double-precision H. */
    @Property(tries = 200)
    void gradientMatchesFiniteDifferences(@ForAll @IntRange(min = 2, max = 33) int dim, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = new float[dim + 3];
        for (int m = 0; m < dim; m++) w[3 + m] = (float) (rnd.nextGaussian() * 0.3);
        float[] g = new float[dim + 1];
        float lambda = 0.7f;
        EmbeddingEntropy.addGradient(w, 3, g, 1, dim, lambda);
        double[] e = new double[dim];
        for (int m = 0; m < dim; m++) e[m] = w[3 + m];
        double dot = 0;
        for (int m = 0; m < dim; m++) {
            double h = 1e-6 * Math.max(1e-3, Math.abs(e[m]));
            double[] a = e.clone(), b = e.clone();
            a[m] += h;
            b[m] -= h;
            double numeric = -lambda * (entropyD(a) - entropyD(b)) / (2 * h);
            assertEquals(numeric, g[1 + m], 1e-3 * Math.max(1, Math.abs(numeric)), "dim " + dim + " element " + m);
            dot += e[m] * g[1 + m];
        }
        assertEquals(0, g[0], "slot before the row untouched");
        assertEquals(0, dot, 1e-4, "the gradient is orthogonal to the row (H does not depend on its norm)");
        assertEquals(entropyD(e), EmbeddingEntropy.entropy(w, 3, dim), 1e-6);
    }

    @Test
    void stationaryAtEqualMagnitudesAndSilentForZeroOrOneDimensionalRows() {
        float[] g = new float[4];
        EmbeddingEntropy.addGradient(new float[] {0.5f, -0.5f, 0.5f, -0.5f}, 0, g, 0, 4, 1f);   // H = ln 4, the maximum
        for (float v : g) assertEquals(0, v, 1e-7);
        EmbeddingEntropy.addGradient(new float[4], 0, g, 0, 4, 1f);
        EmbeddingEntropy.addGradient(new float[] {3f}, 0, g, 0, 1, 1f);
        assertArrayEquals(new float[4], g, 1e-7f);
        assertEquals(Math.log(4), EmbeddingEntropy.entropy(new float[] {0.5f, -0.5f, 0.5f, -0.5f}, 0, 4), 1e-7);
        assertEquals(0, EmbeddingEntropy.entropy(new float[] {0f, 2f, 0f}, 0, 3));
        // a row with a zero coordinate: that coordinate gets no gradient (e ln e^2 -> 0), the others do
        float[] w = {1f, 0f, 0.2f};
        float[] gz = new float[3];
        EmbeddingEntropy.addGradient(w, 0, gz, 0, 3, 1f);
        assertEquals(0, gz[1]);
        assertTrue(gz[0] > 0 && gz[2] < 0, Arrays.toString(gz) + ": the large coordinate shrinks, the small one grows");
    }

    /** In training, the regularizer raises the entropy of the rows it touches, and rows never in a batch stay bit-identical. */
    @Test
    void trainingRaisesTheEntropyOfActiveRowsOnly() {
        TrainConfig base = TrainerBehaviourTest.base(2);
        SparseNN init = TrainerBehaviourTest.model(ModelConfig.defaults());
        SparseNN plain = TrainerBehaviourTest.train(ModelConfig.defaults(), base);
        SparseNN reg = TrainerBehaviourTest.train(ModelConfig.defaults(), base.toBuilder().embeddingEntropy(0.05).build());
        var data = TrainerBehaviourTest.DATA;
        for (int f = 0; f < data.numSparse(); f++) {
            int[] seen = data.impressions(f);
            String name = "emb." + data.names()[f];
            Table t0 = TrainerBehaviourTest.table(init, name), tp = TrainerBehaviourTest.table(plain, name), tr = TrainerBehaviourTest.table(reg, name);
            double hp = 0, hr = 0;
            int n = 0;
            for (int r = 0; r < t0.rows(); r++) {
                if (seen[r] == 0) {
                    assertArrayEquals(Arrays.copyOfRange(t0.data(), t0.offset(r), t0.offset(r) + t0.dim()),
                            Arrays.copyOfRange(tr.data(), tr.offset(r), tr.offset(r) + tr.dim()), name + " row " + r + " was never in a batch");
                    continue;
                }
                hp += EmbeddingEntropy.entropy(tp.block(r), tp.offset(r), tp.dim());
                hr += EmbeddingEntropy.entropy(tr.block(r), tr.offset(r), tr.dim());
                n++;
            }
            System.out.printf("%s: mean entropy of %d active rows, plain %.4f, with the regularizer %.4f (max ln %d = %.4f)%n",
                    name, n, hp / n, hr / n, t0.dim(), Math.log(t0.dim()));
            assertTrue(hr > hp, name + ": entropy " + hr / n + " not above " + hp / n);
        }
    }
}
