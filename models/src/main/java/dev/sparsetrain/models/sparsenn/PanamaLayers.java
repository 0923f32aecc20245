package dev.sparsetrain.models.sparsenn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels of the SparseNN hot loops, register-blocked where {@link dev.sparsetrain.core.Kernels}'
 * one-row primitives would reload and re-store the same row for every sample:
 * <ul>
 *   <li>dense layer forward: 4 samples share each weight-vector load (4 accumulators);
 *   <li>dense layer backward: {@code dW[o, k..k+L)} accumulates over the chunk's samples in a
 *       register and is stored once; {@code dIn} of 4 samples accumulates over all outputs in
 *       registers;
 *   <li>dot interaction: the Gram matrix of one sample's vectors is computed against the transposed
 *       vectors (vectorised over the partner index, no horizontal reductions), and its backward
 *       {@code dZ = G Z} keeps each output row in a register.
 * </ul>
 * Loaded only when the {@code jdk.incubator.vector} module is present (see {@link SparseNN});
 * every kernel handles any width (scalar tails). Stateless, allocation-free, thread-safe.
 */
final class PanamaLayers {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int LANES = S.length();

    private PanamaLayers() {}

    /**
     * The lanes of {@code v} summed in a fixed order. {@code reduceLanes(ADD)} may associate
     * differently in interpreted, C1 and C2 code, so a result could depend on when the JIT
     * compiled a method; this keeps training bit-reproducible for a seed.
     */
    static float sum(FloatVector v, float[] scratch) {
        v.intoArray(scratch, 0);
        float s = 0;
        for (int i = 0; i < LANES; i++) s += scratch[i];
        return s;
    }

    static void layerForward(float[] w, float[] bias, float[] in, int inW, float[] out, int outW, int count, boolean relu,
                             float[] scratch) {
        final int L = S.length();
        final int bound = S.loopBound(inW);
        for (int o = 0; o < outW; o++) {
            final int wo = o * inW;
            final float bo = bias[o];
            int b = 0;
            for (; b + 4 <= count; b += 4) {
                int i0 = b * inW, i1 = i0 + inW, i2 = i1 + inW, i3 = i2 + inW;
                FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
                int k = 0;
                for (; k < bound; k += L) {
                    FloatVector wv = FloatVector.fromArray(S, w, wo + k);
                    a0 = FloatVector.fromArray(S, in, i0 + k).fma(wv, a0);
                    a1 = FloatVector.fromArray(S, in, i1 + k).fma(wv, a1);
                    a2 = FloatVector.fromArray(S, in, i2 + k).fma(wv, a2);
                    a3 = FloatVector.fromArray(S, in, i3 + k).fma(wv, a3);
                }
                float s0 = sum(a0, scratch), s1 = sum(a1, scratch), s2 = sum(a2, scratch), s3 = sum(a3, scratch);
                for (; k < inW; k++) {
                    float wk = w[wo + k];
                    s0 += wk * in[i0 + k];
                    s1 += wk * in[i1 + k];
                    s2 += wk * in[i2 + k];
                    s3 += wk * in[i3 + k];
                }
                s0 += bo; s1 += bo; s2 += bo; s3 += bo;
                if (relu) {
                    s0 = Math.max(s0, 0f); s1 = Math.max(s1, 0f); s2 = Math.max(s2, 0f); s3 = Math.max(s3, 0f);
                }
                out[b * outW + o] = s0;
                out[(b + 1) * outW + o] = s1;
                out[(b + 2) * outW + o] = s2;
                out[(b + 3) * outW + o] = s3;
            }
            for (; b < count; b++) {
                int i0 = b * inW;
                FloatVector a0 = FloatVector.zero(S);
                int k = 0;
                for (; k < bound; k += L) a0 = FloatVector.fromArray(S, in, i0 + k).fma(FloatVector.fromArray(S, w, wo + k), a0);
                float s0 = sum(a0, scratch);
                for (; k < inW; k++) s0 += w[wo + k] * in[i0 + k];
                s0 += bo;
                out[b * outW + o] = relu ? Math.max(s0, 0f) : s0;
            }
        }
    }

    /**
     * dW += dOut^T in, dB += column sums of dOut, dIn += dOut W (dIn may be null).
     *
     * @param nzIdx scratch of at least {@code count} ints
     * @param nzVal scratch of at least {@code count} floats
     */
    static void layerBackward(float[] w, float[] in, int inW, float[] dOut, int outW, int count, float[] dW, float[] dB, float[] dIn,
                              int[] nzIdx, float[] nzVal) {
        final int L = S.length();
        final int bound = S.loopBound(inW);
        for (int o = 0; o < outW; o++) {
            int nz = 0;
            float sb = 0;
            for (int b = 0; b < count; b++) {
                float g = dOut[b * outW + o];
                if (g != 0f) {
                    nzIdx[nz] = b * inW;
                    nzVal[nz++] = g;
                    sb += g;
                }
            }
            if (nz == 0) continue;
            dB[o] += sb;
            final int wo = o * inW;
            int k = 0;
            for (; k < bound; k += L) {
                FloatVector acc = FloatVector.fromArray(S, dW, wo + k);
                for (int j = 0; j < nz; j++) acc = FloatVector.fromArray(S, in, nzIdx[j] + k).fma(FloatVector.broadcast(S, nzVal[j]), acc);
                acc.intoArray(dW, wo + k);
            }
            for (; k < inW; k++) {
                float acc = dW[wo + k];
                for (int j = 0; j < nz; j++) acc += nzVal[j] * in[nzIdx[j] + k];
                dW[wo + k] = acc;
            }
        }
        if (dIn == null) return;
        int b = 0;
        for (; b + 4 <= count; b += 4) {
            int g0 = b * outW, g1 = g0 + outW, g2 = g1 + outW, g3 = g2 + outW;
            int d0 = b * inW, d1 = d0 + inW, d2 = d1 + inW, d3 = d2 + inW;
            int k = 0;
            for (; k < bound; k += L) {
                FloatVector a0 = FloatVector.fromArray(S, dIn, d0 + k), a1 = FloatVector.fromArray(S, dIn, d1 + k);
                FloatVector a2 = FloatVector.fromArray(S, dIn, d2 + k), a3 = FloatVector.fromArray(S, dIn, d3 + k);
                for (int o = 0; o < outW; o++) {
                    FloatVector wv = FloatVector.fromArray(S, w, o * inW + k);
                    a0 = wv.fma(FloatVector.broadcast(S, dOut[g0 + o]), a0);
                    a1 = wv.fma(FloatVector.broadcast(S, dOut[g1 + o]), a1);
                    a2 = wv.fma(FloatVector.broadcast(S, dOut[g2 + o]), a2);
                    a3 = wv.fma(FloatVector.broadcast(S, dOut[g3 + o]), a3);
                }
                a0.intoArray(dIn, d0 + k);
                a1.intoArray(dIn, d1 + k);
                a2.intoArray(dIn, d2 + k);
                a3.intoArray(dIn, d3 + k);
            }
            for (; k < inW; k++) {
                float a0 = dIn[d0 + k], a1 = dIn[d1 + k], a2 = dIn[d2 + k], a3 = dIn[d3 + k];
                for (int o = 0; o < outW; o++) {
                    float wk = w[o * inW + k];
                    a0 += wk * dOut[g0 + o];
                    a1 += wk * dOut[g1 + o];
                    a2 += wk * dOut[g2 + o];
                    a3 += wk * dOut[g3 + o];
                }
                dIn[d0 + k] = a0;
                dIn[d1 + k] = a1;
                dIn[d2 + k] = a2;
                dIn[d3 + k] = a3;
            }
        }
        for (; b < count; b++) {
            int g0 = b * outW, d0 = b * inW;
            int k = 0;
            for (; k < bound; k += L) {
                FloatVector a0 = FloatVector.fromArray(S, dIn, d0 + k);
                for (int o = 0; o < outW; o++) a0 = FloatVector.fromArray(S, w, o * inW + k).fma(FloatVector.broadcast(S, dOut[g0 + o]), a0);
                a0.intoArray(dIn, d0 + k);
            }
            for (; k < inW; k++) {
                float a0 = dIn[d0 + k];
                for (int o = 0; o < outW; o++) a0 += w[o * inW + k] * dOut[g0 + o];
                dIn[d0 + k] = a0;
            }
        }
    }

    /**
     * Gram matrix of one sample's {@code t} vectors of {@code dim} floats at {@code z[zo..]}:
     * {@code gram[i * tp + j] = <z_i, z_j>} for all i, j; {@code zt} (at least {@code dim * tp})
     * receives the transposed vectors, {@code tp} is {@code t} rounded up to the lane count.
     */
    static void gram(float[] z, int zo, int t, int dim, float[] zt, int tp, float[] gram) {
        final int L = S.length();
        java.util.Arrays.fill(zt, 0, dim * tp, 0f);
        for (int j = 0; j < t; j++) {
            int src = zo + j * dim;
            for (int d = 0; d < dim; d++) zt[d * tp + j] = z[src + d];
        }
        for (int i = 0; i < t; i++) {
            int zi = zo + i * dim;
            for (int c = 0; c < tp; c += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int d = 0; d < dim; d++) acc = FloatVector.fromArray(S, zt, d * tp + c).fma(FloatVector.broadcast(S, z[zi + d]), acc);
                acc.intoArray(gram, i * tp + c);
            }
        }
    }

    /** {@code dz[i] += sum_j g[i * tp + j] z_j} for one sample (g symmetric with zero diagonal). */
    static void gramBackward(float[] g, int tp, float[] z, int zo, int t, int dim, float[] dz) {
        final int L = S.length();
        final int bound = S.loopBound(dim);
        for (int i = 0; i < t; i++) {
            int di = zo + i * dim, gi = i * tp;
            int d = 0;
            for (; d < bound; d += L) {
                FloatVector acc = FloatVector.fromArray(S, dz, di + d);
                for (int j = 0; j < t; j++) {
                    float gij = g[gi + j];
                    if (gij != 0f) acc = FloatVector.fromArray(S, z, zo + j * dim + d).fma(FloatVector.broadcast(S, gij), acc);
                }
                acc.intoArray(dz, di + d);
            }
            for (; d < dim; d++) {
                float acc = dz[di + d];
                for (int j = 0; j < t; j++) acc += g[gi + j] * z[zo + j * dim + d];
                dz[di + d] = acc;
            }
        }
    }
}
