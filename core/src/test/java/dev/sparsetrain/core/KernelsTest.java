package dev.sparsetrain.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The Vector API kernels against the scalar ones and a double-precision reference. */
class KernelsTest {
    private static final KernelSupport PANAMA = PanamaKernels.INSTANCE;
    private static final KernelSupport SCALAR = ScalarKernels.INSTANCE;

    @Test
    void vectorPathIsChosenWhenModulePresent() {
        assertEquals(true, Kernels.impl().name().startsWith("panama"), Kernels.impl().name());
    }

    @Property(tries = 200)
    void bothPathsAgreeWithDoubleReference(@ForAll @IntRange(min = 1, max = 300) int n,
                                           @ForAll @IntRange(min = 0, max = 7) int ao,
                                           @ForAll @IntRange(min = 0, max = 7) int bo,
                                           @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n + ao], b = new float[n + bo];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        double ref = 0, refSq = 0;
        for (int i = 0; i < n; i++) { ref += (double) a[ao + i] * b[bo + i]; refSq += (double) a[ao + i] * a[ao + i]; }
        double tol = 1e-5 * (1 + n);
        for (KernelSupport k : new KernelSupport[] {PANAMA, SCALAR}) {
            assertEquals(ref, k.dot(a, ao, b, bo, n), tol, k.name() + " dot n=" + n);
            assertEquals(refSq, k.squaredNorm(a, ao, n), tol, k.name() + " sq n=" + n);
            float[] y1 = b.clone();
            k.axpy(0.37f, a, ao, y1, bo, n);
            for (int i = 0; i < n; i++) assertEquals(b[bo + i] + 0.37 * a[ao + i], y1[bo + i], 1e-5, k.name() + " axpy");
            float[] y2 = a.clone();
            k.scale(y2, ao, n, -1.5f);
            for (int i = 0; i < n; i++) assertEquals(-1.5 * a[ao + i], y2[ao + i], 1e-5, k.name() + " scale");
            float[] out = new float[n];
            k.sub(a, ao, b, bo, out, 0, n);
            for (int i = 0; i < n; i++) assertEquals(a[ao + i] - b[bo + i], out[i], 1e-6, k.name() + " sub");
        }
    }

    @Test
    void rowBatchCoalescesDuplicatesInFirstAppearanceOrder() {
        RowBatch b = new RowBatch(2, 1);
        b.add(5, new float[] {1, 2}, 0);
        b.add(3, new float[] {10, 20}, 0);
        b.add(5, new float[] {0.5f, 0.5f}, 0);
        b.coalesce(6);
        assertEquals(2, b.size());
        assertEquals(5, b.row(0));
        assertEquals(3, b.row(1));
        assertEquals(1.5f, b.grads()[0]);
        assertEquals(2.5f, b.grads()[1]);
        assertEquals(10f, b.grads()[2]);
    }

    @Test
    void laneSumIsTheSameInEveryExecutionMode() {
        // The tree sum must not depend on JIT state: compare a cold call with many warm calls.
        float[] a = new float[64];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8) - 4));
        float cold = PANAMA.dot(a, 0, a, 1, 63);
        for (int i = 0; i < 200_000; i++) {
            float warm = PANAMA.dot(a, 0, a, 1, 63);
            if (Float.floatToRawIntBits(warm) != Float.floatToRawIntBits(cold)) {
                throw new AssertionError("dot changed from " + cold + " to " + warm + " after " + i + " calls");
            }
        }
    }
}
