package dev.sparsetrain.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels (JDK incubator module {@code jdk.incubator.vector}): the preferred species,
 * {@code loopBound}, two accumulators for reductions and a scalar tail, after Lucene's
 * {@code PanamaVectorUtilSupport}. Loaded only through {@link Kernels} when the module is present.
 */
public final class PanamaKernels implements KernelSupport {
    /** The preferred species; also the optimizer math's ({@code optim.kernel.PanamaOptimMath}), which sums lanes with the same rotations. */
    public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    public static final PanamaKernels INSTANCE = new PanamaKernels();
    public static final int LANES = S.length();
    // Rotations by 32, 16, 8, 4, 2 and 1 lanes (those below the species' length) for the fixed-order lane sums. Static finals,
    // so that C2 sees constant shuffles and intrinsifies rearrange (an array element would not be
    // constant and would allocate).
    public static final VectorShuffle<Float> R32 = LANES > 32 ? VectorShuffle.iota(S, 32, 1, true) : null;
    public static final VectorShuffle<Float> R16 = LANES > 16 ? VectorShuffle.iota(S, 16, 1, true) : null;
    public static final VectorShuffle<Float> R8 = LANES > 8 ? VectorShuffle.iota(S, 8, 1, true) : null;
    public static final VectorShuffle<Float> R4 = LANES > 4 ? VectorShuffle.iota(S, 4, 1, true) : null;
    public static final VectorShuffle<Float> R2 = LANES > 2 ? VectorShuffle.iota(S, 2, 1, true) : null;
    public static final VectorShuffle<Float> R1 = LANES > 1 ? VectorShuffle.iota(S, 1, 1, true) : null;

    /**
     * The lanes are summed in one fixed order (a rotate-and-add tree written out here, so no vector
     * crosses a method boundary and nothing is boxed), not with {@code reduceLanes(ADD)}: its
     * association order differs between the interpreter and C2's intrinsic, so a result would depend
     * on when the JIT compiled the caller and training with a fixed seed would not be
     * bit-reproducible. (A shared {@code sumLanes(FloatVector)} helper was tried: when C2 declines
     * to inline it, "callee is too large" or NodeCountInliningCutoff in a big compile unit, its
     * vector argument is boxed, 96 bytes per call with 512-bit vectors, which JFR found behind
     * AllocationTest's intermittent failures.)
     */
    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        int step = LANES;
        int i = 0;
        float res = 0;
        if (n >= step) {
            FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
            int bound2 = n - (n % (2 * step));
            for (; i < bound2; i += 2 * step) {
                acc0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc0);
                acc1 = FloatVector.fromArray(S, a, ao + i + step).fma(FloatVector.fromArray(S, b, bo + i + step), acc1);
            }
            int bound = S.loopBound(n);
            for (; i < bound; i += step) {
                acc0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc0);
            }
            FloatVector v = acc0.add(acc1);
            if (LANES > 32) v = v.add(v.rearrange(R32));
            if (LANES > 16) v = v.add(v.rearrange(R16));
            if (LANES > 8) v = v.add(v.rearrange(R8));
            if (LANES > 4) v = v.add(v.rearrange(R4));
            if (LANES > 2) v = v.add(v.rearrange(R2));
            if (LANES > 1) v = v.add(v.rearrange(R1));
            res = v.lane(0);
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
