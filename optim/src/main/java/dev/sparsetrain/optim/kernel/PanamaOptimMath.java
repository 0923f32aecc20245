package dev.sparsetrain.optim.kernel;

import static dev.sparsetrain.core.PanamaKernels.LANES;
import static dev.sparsetrain.core.PanamaKernels.R1;
import static dev.sparsetrain.core.PanamaKernels.R16;
import static dev.sparsetrain.core.PanamaKernels.R2;
import static dev.sparsetrain.core.PanamaKernels.R32;
import static dev.sparsetrain.core.PanamaKernels.R4;
import static dev.sparsetrain.core.PanamaKernels.R8;
import static dev.sparsetrain.core.PanamaKernels.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API loops ({@code jdk.incubator.vector}): core's species and lane rotations
 * ({@link dev.sparsetrain.core.PanamaKernels#S}), {@code loopBound}, and as the tail
 * {@link ScalarOptimMath}'s loop continued from the vector part's sum; loaded only through
 * {@link OptimMaths} (that is, {@link dev.sparsetrain.core.Simd}) when the module is present. The update
 * norms are summed in one fixed order (a rotate-and-add tree, as in core's {@code PanamaKernels.dot}),
 * not with {@code reduceLanes}, whose association differs between the interpreter and C2: they
 * feed the diagnostics, and through auto-balance the learning-rate multipliers, so they must not
 * change in the last bits when the JIT compiles a kernel. The tree is written out at each use: a
 * helper method taking the vector is not always inlined into these large kernels, and the vector
 * would then be boxed (AllocationTest).
 */
public final class PanamaOptimMath implements OptimMath {
    public static final PanamaOptimMath INSTANCE = new PanamaOptimMath();

    private PanamaOptimMath() {}

    @Override
    public float adam(float[] w, int wo, float[] g, int go, float[] m, float[] v, float[] vmax, int so, int n,
                      float b1, float b2, float c, float eps, float stepSize) {
        float a1 = 1 - b1, a2 = 1 - b2;
        int i = 0;
        int bound = S.loopBound(n);
        float u2 = 0;
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < bound; i += S.length()) {
                FloatVector gv = FloatVector.fromArray(S, g, go + i);
                FloatVector mv = FloatVector.fromArray(S, m, so + i).mul(b1).add(gv.mul(a1));
                FloatVector vv = FloatVector.fromArray(S, v, so + i).mul(b2).add(gv.mul(gv).mul(a2));
                mv.intoArray(m, so + i);
                vv.intoArray(v, so + i);
                if (vmax != null) {
                    vv = FloatVector.fromArray(S, vmax, so + i).max(vv);
                    vv.intoArray(vmax, so + i);
                }
                FloatVector u = mv.mul(stepSize).div(vv.sqrt().mul(c).add(eps));
                FloatVector.fromArray(S, w, wo + i).sub(u).intoArray(w, wo + i);
                acc = u.fma(u, acc);
            }
            if (LANES > 32) acc = acc.add(acc.rearrange(R32));
            if (LANES > 16) acc = acc.add(acc.rearrange(R16));
            if (LANES > 8) acc = acc.add(acc.rearrange(R8));
            if (LANES > 4) acc = acc.add(acc.rearrange(R4));
            if (LANES > 2) acc = acc.add(acc.rearrange(R2));
            if (LANES > 1) acc = acc.add(acc.rearrange(R1));
            u2 = acc.lane(0);
        }
        return ScalarOptimMath.adam(w, wo, g, go, m, v, vmax, so, i, n, b1, b2, c, eps, stepSize, u2);
    }

    @Override
    public float momentum(float[] w, int wo, float[] g, int go, float[] b, int so, int n, float mu, float damp, boolean nesterov,
                          boolean first, float lr) {
        int i = 0;
        int bound = S.loopBound(n);
        float u2 = 0;
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < bound; i += S.length()) {
                FloatVector gv = FloatVector.fromArray(S, g, go + i);
                FloatVector bv = first ? gv : FloatVector.fromArray(S, b, so + i).mul(mu).add(gv.mul(damp));
                bv.intoArray(b, so + i);
                FloatVector u = (nesterov ? gv.add(bv.mul(mu)) : bv).mul(lr);
                FloatVector.fromArray(S, w, wo + i).sub(u).intoArray(w, wo + i);
                acc = u.fma(u, acc);
            }
            if (LANES > 32) acc = acc.add(acc.rearrange(R32));
            if (LANES > 16) acc = acc.add(acc.rearrange(R16));
            if (LANES > 8) acc = acc.add(acc.rearrange(R8));
            if (LANES > 4) acc = acc.add(acc.rearrange(R4));
            if (LANES > 2) acc = acc.add(acc.rearrange(R2));
            if (LANES > 1) acc = acc.add(acc.rearrange(R1));
            u2 = acc.lane(0);
        }
        return ScalarOptimMath.momentum(w, wo, g, go, b, so, i, n, mu, damp, nesterov, first, lr, u2);
    }

    @Override
    public float adagrad(float[] w, int wo, float[] g, int go, float[] s, int so, int n, float clr, float eps) {
        int i = 0;
        int bound = S.loopBound(n);
        float u2 = 0;
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(S);
            for (; i < bound; i += S.length()) {
                FloatVector gv = FloatVector.fromArray(S, g, go + i);
                FloatVector sv = FloatVector.fromArray(S, s, so + i).add(gv.mul(gv));
                sv.intoArray(s, so + i);
                FloatVector u = gv.mul(clr).div(sv.sqrt().add(eps));
                FloatVector.fromArray(S, w, wo + i).sub(u).intoArray(w, wo + i);
                acc = u.fma(u, acc);
            }
            if (LANES > 32) acc = acc.add(acc.rearrange(R32));
            if (LANES > 16) acc = acc.add(acc.rearrange(R16));
            if (LANES > 8) acc = acc.add(acc.rearrange(R8));
            if (LANES > 4) acc = acc.add(acc.rearrange(R4));
            if (LANES > 2) acc = acc.add(acc.rearrange(R2));
            if (LANES > 1) acc = acc.add(acc.rearrange(R1));
            u2 = acc.lane(0);
        }
        return ScalarOptimMath.adagrad(w, wo, g, go, s, so, i, n, clr, eps, u2);
    }

    @Override
    public float sumInverseDenominator(float[] v, int so, int n, float c, float eps) {
        int i = 0;
        int bound = S.loopBound(n);
        float s = 0;
        int k = 0;
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(S);
            FloatVector one = FloatVector.broadcast(S, 1f);
            for (; i < bound; i += S.length()) {
                FloatVector x = FloatVector.fromArray(S, v, so + i);
                var history = x.compare(VectorOperators.GT, 0f);   // elements with a gradient history only
                acc = acc.add(one.div(x.sqrt().mul(c).add(eps)), history);
                k += history.trueCount();
            }
            if (LANES > 32) acc = acc.add(acc.rearrange(R32));
            if (LANES > 16) acc = acc.add(acc.rearrange(R16));
            if (LANES > 8) acc = acc.add(acc.rearrange(R8));
            if (LANES > 4) acc = acc.add(acc.rearrange(R4));
            if (LANES > 2) acc = acc.add(acc.rearrange(R2));
            if (LANES > 1) acc = acc.add(acc.rearrange(R1));
            s = acc.lane(0);
        }
        return ScalarOptimMath.sumInverseDenominator(v, so, i, n, c, eps, s, k);
    }

    @Override
    public String name() { return "panama(" + S.vectorBitSize() + "-bit)"; }
}
