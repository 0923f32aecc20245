package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.sparsetrain.optim.kernel.OptimMath;
import dev.sparsetrain.optim.kernel.OptimMaths;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The Vector API and scalar optimizer loops agree (weights and state bit for bit). */
class VectorScalarTest {

    @Property(tries = 200)
    void adamVectorEqualsScalar(@ForAll @IntRange(min = 1, max = 300) int n, @ForAll boolean amsgrad, @ForAll long seed) {
        OptimMath vec = OptimMaths.vector();
        assertNotNull(vec, "the build runs tests with --add-modules jdk.incubator.vector");
        OptimMath sca = OptimMaths.scalar();
        SplittableRandom r = new SplittableRandom(seed);
        int off = r.nextInt(5);
        float[] w = rnd(r, n + off), g = rnd(r, n + off), m = rnd(r, n + off), v = abs(rnd(r, n + off)), vm = abs(rnd(r, n + off));
        float[] w2 = w.clone(), m2 = m.clone(), v2 = v.clone(), vm2 = vm.clone();
        float u1 = sca.adam(w, off, g.clone(), off, m, v, amsgrad ? vm : null, off, n, 0.9f, 0.999f, 1.3f, 1e-8f, 0.01f);
        float u2 = vec.adam(w2, off, g.clone(), off, m2, v2, amsgrad ? vm2 : null, off, n, 0.9f, 0.999f, 1.3f, 1e-8f, 0.01f);
        for (int i = 0; i < n + off; i++) {
            assertEquals(Float.floatToIntBits(w[i]), Float.floatToIntBits(w2[i]), "w[" + i + "]");
            assertEquals(Float.floatToIntBits(m[i]), Float.floatToIntBits(m2[i]), "m[" + i + "]");
            assertEquals(Float.floatToIntBits(v[i]), Float.floatToIntBits(v2[i]), "v[" + i + "]");
            assertEquals(Float.floatToIntBits(vm[i]), Float.floatToIntBits(vm2[i]), "vmax[" + i + "]");
        }
        assertEquals(u1, u2, 1e-5f * Math.max(1e-12f, u1));
        float s1 = sca.sumInverseDenominator(v, off, n, 1.3f, 1e-3f), s2 = vec.sumInverseDenominator(v, off, n, 1.3f, 1e-3f);
        assertEquals(s1, s2, 1e-5f * s1);
        // elements without history (state 0) are left out of the mean: n times the mean over the others
        float[] z = v.clone();
        double want = 0;
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) z[off + i] = 0f;
            else {
                want += 1.0 / (Math.sqrt(z[off + i]) * 1.3 + 1e-3);
                k++;
            }
        }
        want = k == 0 ? 0 : want * n / k;
        assertEquals(want, sca.sumInverseDenominator(z, off, n, 1.3f, 1e-3f), 1e-4 * Math.max(1, want));
        assertEquals(want, vec.sumInverseDenominator(z, off, n, 1.3f, 1e-3f), 1e-4 * Math.max(1, want));
    }

    @Property(tries = 200)
    void momentumAndAdagradVectorEqualScalar(@ForAll @IntRange(min = 1, max = 300) int n, @ForAll boolean first,
                                             @ForAll boolean nesterov, @ForAll long seed) {
        OptimMath vec = OptimMaths.vector(), sca = OptimMaths.scalar();
        assertNotNull(vec);
        SplittableRandom r = new SplittableRandom(seed);
        int off = r.nextInt(5);
        float[] w = rnd(r, n + off), g = rnd(r, n + off), b = rnd(r, n + off), s = abs(rnd(r, n + off));
        float[] w2 = w.clone(), b2 = b.clone(), s2 = s.clone();
        float u1 = sca.momentum(w, off, g, off, b, off, n, 0.9f, 0.8f, nesterov, first, 0.05f);
        float u2 = vec.momentum(w2, off, g, off, b2, off, n, 0.9f, 0.8f, nesterov, first, 0.05f);
        assertBits(w, w2, "momentum w");
        assertBits(b, b2, "momentum b");
        assertEquals(u1, u2, 1e-5f * Math.max(1e-12f, u1));
        u1 = sca.adagrad(w, off, g, off, s, off, n, 0.1f, 1e-10f);
        u2 = vec.adagrad(w2, off, g, off, s2, off, n, 0.1f, 1e-10f);
        assertBits(w, w2, "adagrad w");
        assertBits(s, s2, "adagrad s");
        assertEquals(u1, u2, 1e-5f * Math.max(1e-12f, u1));
    }

    static void assertBits(float[] a, float[] b, String what) {
        for (int i = 0; i < a.length; i++) assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]), what + "[" + i + "]");
    }

    static float[] rnd(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static float[] abs(float[] a) {
        for (int i = 0; i < a.length; i++) a[i] = Math.abs(a[i]);
        return a;
    }
}
