package dev.sparsetrain.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels (JDK incubator module {@code jdk.incubator.vector}): the preferred species,
 * {@code loopBound}, two accumulators for reductions and a scalar tail, after Lucene's
 * {@code PanamaVectorUtilSupport}. Loaded only through {@link Kernels} when the module is present.
 */
public final class PanamaKernels implements KernelSupport {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    public static final PanamaKernels INSTANCE = new PanamaKernels();

    private PanamaKernels() {}

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float res = 0;
        int step = S.length();
        if (n >= 2 * step) {
            FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
            int bound2 = n - (n % (2 * step));
            for (; i < bound2; i += 2 * step) {
                acc0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc0);
                acc1 = FloatVector.fromArray(S, a, ao + i + step).fma(FloatVector.fromArray(S, b, bo + i + step), acc1);
            }
            res = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        int bound = i + S.loopBound(n - i);
        if (bound > i) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < bound; i += step) {
                acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
            }
            res += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) res += a[ao + i] * b[bo + i];
        return res;
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector vy = FloatVector.fromArray(S, y, yo + i);
            FloatVector.fromArray(S, x, xo + i).fma(FloatVector.broadcast(S, alpha), vy).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    @Override
    public void scale(float[] a, int ao, int n, float s) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, a, ao + i).mul(s).intoArray(a, ao + i);
        }
        for (; i < n; i++) a[ao + i] *= s;
    }

    @Override
    public float squaredNorm(float[] a, int ao, int n) {
        return dot(a, ao, a, ao, n);
    }

    @Override
    public void sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = a[ao + i] - b[bo + i];
    }

    @Override
    public String name() { return "panama(" + S.vectorBitSize() + "-bit)"; }
}
