package dev.sparsetrain.models.sparsenn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels of the SparseNN hot loops, register-blocked where {@link dev.sparsetrain.core.Kernels}'
 * one-row primitives would reload and re-store the same row for every sample:
 * <ul>
 *   <li>dense layers over feature-major chunks ({@link Mlp.Buffers}): forward and the input
 *       gradient run along the samples, 4 units x 2 sample vectors per register block, with no
 *       horizontal reductions; the weight gradient {@code dW[o, k..k+2L)} of 4 outputs accumulates
 *       over the chunk's samples in 8 registers and is stored once;
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
     * {@code dst[k * stride + b] = src[b * width + k]} for {@code b < count}, and 0 for
     * {@code count <= b < padTo}: a sample-major block made feature-major, its padding samples zero.
     */
    static void toFeatureMajor(float[] src, int width, int count, float[] dst, int stride, int padTo) {
        for (int k = 0; k < width; k++) {
            int d = k * stride;
            for (int b = 0; b < count; b++) dst[d + b] = src[b * width + k];
            for (int b = count; b < padTo; b++) dst[d + b] = 0f;
        }
    }

    /** {@code dst[b * width + k] = src[k * stride + b]} for {@code b < count}: feature-major back to sample-major. */
    static void toSampleMajor(float[] src, int width, int stride, int count, float[] dst) {
        for (int b = 0; b < count; b++) {
            int d = b * width;
            for (int k = 0; k < width; k++) dst[d + k] = src[k * stride + b];
        }
    }

    /**
     * A dense layer over a feature-major chunk: {@code out[o, :] = bias[o] + sum_k W[o, k] in[k, :]}
     * (optionally ReLU) for the chunk's {@code nv} sample vectors, {@code W} row-major
     * {@code outW x inW}. Register-blocked 8 outputs x 2 sample vectors: each step of k loads two
     * input vectors and broadcasts eight weights into 16 independent FMA chains (more than the FMA
     * latency of two pipes needs), and nothing is reduced across lanes, so the lanes' results do not
     * depend on when the JIT compiled the loop. (The previous kernel ran along k and paid four
     * 16-lane horizontal sums for every 4 samples x 1 output.)
     */
    static void forwardT(float[] w, float[] bias, float[] in, int inW, float[] out, int outW, int stride, int nv, boolean relu) {
        final int L = S.length();
        final FloatVector zero = FloatVector.zero(S);
        int o = 0;
        int v2 = nv & ~1;
        for (; o + 8 <= outW && v2 > 0; o += 8) {
            final int w0 = o * inW;
            for (int v = 0; v < v2; v += 2) {
                final int c = v * L;
                FloatVector a00 = FloatVector.broadcast(S, bias[o]), a01 = a00;
                FloatVector a10 = FloatVector.broadcast(S, bias[o + 1]), a11 = a10;
                FloatVector a20 = FloatVector.broadcast(S, bias[o + 2]), a21 = a20;
                FloatVector a30 = FloatVector.broadcast(S, bias[o + 3]), a31 = a30;
                FloatVector a40 = FloatVector.broadcast(S, bias[o + 4]), a41 = a40;
                FloatVector a50 = FloatVector.broadcast(S, bias[o + 5]), a51 = a50;
                FloatVector a60 = FloatVector.broadcast(S, bias[o + 6]), a61 = a60;
                FloatVector a70 = FloatVector.broadcast(S, bias[o + 7]), a71 = a70;
                for (int k = 0; k < inW; k++) {
                    int i = k * stride + c, wk = w0 + k;
                    FloatVector x0 = FloatVector.fromArray(S, in, i), x1 = FloatVector.fromArray(S, in, i + L);
                    FloatVector b = FloatVector.broadcast(S, w[wk]);
                    a00 = x0.fma(b, a00); a01 = x1.fma(b, a01);
                    b = FloatVector.broadcast(S, w[wk + inW]);
                    a10 = x0.fma(b, a10); a11 = x1.fma(b, a11);
                    b = FloatVector.broadcast(S, w[wk + 2 * inW]);
                    a20 = x0.fma(b, a20); a21 = x1.fma(b, a21);
                    b = FloatVector.broadcast(S, w[wk + 3 * inW]);
                    a30 = x0.fma(b, a30); a31 = x1.fma(b, a31);
                    b = FloatVector.broadcast(S, w[wk + 4 * inW]);
                    a40 = x0.fma(b, a40); a41 = x1.fma(b, a41);
                    b = FloatVector.broadcast(S, w[wk + 5 * inW]);
                    a50 = x0.fma(b, a50); a51 = x1.fma(b, a51);
                    b = FloatVector.broadcast(S, w[wk + 6 * inW]);
                    a60 = x0.fma(b, a60); a61 = x1.fma(b, a61);
                    b = FloatVector.broadcast(S, w[wk + 7 * inW]);
                    a70 = x0.fma(b, a70); a71 = x1.fma(b, a71);
                }
                int r = o * stride + c;
                if (relu) {
                    a00 = a00.max(zero); a01 = a01.max(zero);
                    a10 = a10.max(zero); a11 = a11.max(zero);
                    a20 = a20.max(zero); a21 = a21.max(zero);
                    a30 = a30.max(zero); a31 = a31.max(zero);
                    a40 = a40.max(zero); a41 = a41.max(zero);
                    a50 = a50.max(zero); a51 = a51.max(zero);
                    a60 = a60.max(zero); a61 = a61.max(zero);
                    a70 = a70.max(zero); a71 = a71.max(zero);
                }
                a00.intoArray(out, r); a01.intoArray(out, r + L);
                a10.intoArray(out, r + stride); a11.intoArray(out, r + stride + L);
                a20.intoArray(out, r + 2 * stride); a21.intoArray(out, r + 2 * stride + L);
                a30.intoArray(out, r + 3 * stride); a31.intoArray(out, r + 3 * stride + L);
                a40.intoArray(out, r + 4 * stride); a41.intoArray(out, r + 4 * stride + L);
                a50.intoArray(out, r + 5 * stride); a51.intoArray(out, r + 5 * stride + L);
                a60.intoArray(out, r + 6 * stride); a61.intoArray(out, r + 6 * stride + L);
                a70.intoArray(out, r + 7 * stride); a71.intoArray(out, r + 7 * stride + L);
            }
        }
        int oDone = o;
        // the rest: units past the last block of 8 (all vectors), and an odd last vector of the blocked units
        for (o = 0; o < outW; o++) {
            final int w0 = o * inW, r0 = o * stride;
            for (int v = o < oDone ? v2 : 0; v < nv; v++) {
                final int c = v * L;
                FloatVector a0 = FloatVector.broadcast(S, bias[o]);
                for (int k = 0; k < inW; k++) a0 = FloatVector.fromArray(S, in, k * stride + c).fma(FloatVector.broadcast(S, w[w0 + k]), a0);
                if (relu) a0 = a0.max(zero);
                a0.intoArray(out, r0 + c);
            }
        }
    }

    /**
     * {@code dW[o, :] += sum_{b < count} dOut[o, b] in[b, :]} and {@code dB[o] += sum_b dOut[o, b]},
     * {@code dOut} feature-major (rows of {@code stride}), {@code in} sample-major ({@code count x inW}).
     * Register-blocked 4 outputs x 2 vectors of k: the 8 accumulators of {@code dW} are loaded once,
     * run over the chunk's samples (two input loads and four broadcasts per sample) and stored once.
     */
    static void weightGradT(float[] dOut, int stride, float[] in, int inW, int count, int outW, float[] dW, float[] dB) {
        final int L = S.length();
        final int bound = S.loopBound(inW);
        int o = 0;
        for (; o + 4 <= outW; o += 4) {
            final int g0 = o * stride, g1 = g0 + stride, g2 = g1 + stride, g3 = g2 + stride;
            final int w0 = o * inW, w1 = w0 + inW, w2 = w1 + inW, w3 = w2 + inW;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int b = 0; b < count; b++) {
                s0 += dOut[g0 + b]; s1 += dOut[g1 + b]; s2 += dOut[g2 + b]; s3 += dOut[g3 + b];
            }
            dB[o] += s0; dB[o + 1] += s1; dB[o + 2] += s2; dB[o + 3] += s3;
            int k = 0;
            for (; k + 2 * L <= bound; k += 2 * L) {
                FloatVector a00 = FloatVector.fromArray(S, dW, w0 + k), a01 = FloatVector.fromArray(S, dW, w0 + k + L);
                FloatVector a10 = FloatVector.fromArray(S, dW, w1 + k), a11 = FloatVector.fromArray(S, dW, w1 + k + L);
                FloatVector a20 = FloatVector.fromArray(S, dW, w2 + k), a21 = FloatVector.fromArray(S, dW, w2 + k + L);
                FloatVector a30 = FloatVector.fromArray(S, dW, w3 + k), a31 = FloatVector.fromArray(S, dW, w3 + k + L);
                for (int b = 0; b < count; b++) {
                    int i = b * inW + k;
                    FloatVector x0 = FloatVector.fromArray(S, in, i), x1 = FloatVector.fromArray(S, in, i + L);
                    FloatVector b0 = FloatVector.broadcast(S, dOut[g0 + b]), b1 = FloatVector.broadcast(S, dOut[g1 + b]);
                    FloatVector b2 = FloatVector.broadcast(S, dOut[g2 + b]), b3 = FloatVector.broadcast(S, dOut[g3 + b]);
                    a00 = x0.fma(b0, a00); a01 = x1.fma(b0, a01);
                    a10 = x0.fma(b1, a10); a11 = x1.fma(b1, a11);
                    a20 = x0.fma(b2, a20); a21 = x1.fma(b2, a21);
                    a30 = x0.fma(b3, a30); a31 = x1.fma(b3, a31);
                }
                a00.intoArray(dW, w0 + k); a01.intoArray(dW, w0 + k + L);
                a10.intoArray(dW, w1 + k); a11.intoArray(dW, w1 + k + L);
                a20.intoArray(dW, w2 + k); a21.intoArray(dW, w2 + k + L);
                a30.intoArray(dW, w3 + k); a31.intoArray(dW, w3 + k + L);
            }
            for (; k < bound; k += L) {
                FloatVector a0 = FloatVector.fromArray(S, dW, w0 + k), a1 = FloatVector.fromArray(S, dW, w1 + k);
                FloatVector a2 = FloatVector.fromArray(S, dW, w2 + k), a3 = FloatVector.fromArray(S, dW, w3 + k);
                for (int b = 0; b < count; b++) {
                    FloatVector x0 = FloatVector.fromArray(S, in, b * inW + k);
                    a0 = x0.fma(FloatVector.broadcast(S, dOut[g0 + b]), a0);
                    a1 = x0.fma(FloatVector.broadcast(S, dOut[g1 + b]), a1);
                    a2 = x0.fma(FloatVector.broadcast(S, dOut[g2 + b]), a2);
                    a3 = x0.fma(FloatVector.broadcast(S, dOut[g3 + b]), a3);
                }
                a0.intoArray(dW, w0 + k); a1.intoArray(dW, w1 + k); a2.intoArray(dW, w2 + k); a3.intoArray(dW, w3 + k);
            }
            for (; k < inW; k++) {
                float a0 = dW[w0 + k], a1 = dW[w1 + k], a2 = dW[w2 + k], a3 = dW[w3 + k];
                for (int b = 0; b < count; b++) {
                    float x = in[b * inW + k];
                    a0 += dOut[g0 + b] * x; a1 += dOut[g1 + b] * x; a2 += dOut[g2 + b] * x; a3 += dOut[g3 + b] * x;
                }
                dW[w0 + k] = a0; dW[w1 + k] = a1; dW[w2 + k] = a2; dW[w3 + k] = a3;
            }
        }
        for (; o < outW; o++) {
            final int g0 = o * stride, w0 = o * inW;
            float s0 = 0;
            for (int b = 0; b < count; b++) s0 += dOut[g0 + b];
            dB[o] += s0;
            int k = 0;
            for (; k < bound; k += L) {
                FloatVector a0 = FloatVector.fromArray(S, dW, w0 + k);
                for (int b = 0; b < count; b++) a0 = FloatVector.fromArray(S, in, b * inW + k).fma(FloatVector.broadcast(S, dOut[g0 + b]), a0);
                a0.intoArray(dW, w0 + k);
            }
            for (; k < inW; k++) {
                float a0 = dW[w0 + k];
                for (int b = 0; b < count; b++) a0 += dOut[g0 + b] * in[b * inW + k];
                dW[w0 + k] = a0;
            }
        }
    }

    /**
     * {@code dIn[k, :] = sum_o W[o, k] dOut[o, :]} (overwritten) over a feature-major chunk of
     * {@code nv} sample vectors; the padding samples' {@code dOut} must be 0 (their {@code dIn} is 0).
     * Register-blocked 8 inputs x 2 sample vectors, as {@link #forwardT} with W read along its rows.
     */
    static void inputGradT(float[] w, float[] dOut, int outW, int inW, int stride, int nv, float[] dIn) {
        final int L = S.length();
        final FloatVector zero = FloatVector.zero(S);
        int k = 0;
        int v2 = nv & ~1;
        for (; k + 8 <= inW && v2 > 0; k += 8) {
            for (int v = 0; v < v2; v += 2) {
                final int c = v * L;
                FloatVector a00 = zero, a01 = zero, a10 = zero, a11 = zero, a20 = zero, a21 = zero, a30 = zero, a31 = zero;
                FloatVector a40 = zero, a41 = zero, a50 = zero, a51 = zero, a60 = zero, a61 = zero, a70 = zero, a71 = zero;
                for (int o = 0; o < outW; o++) {
                    int i = o * stride + c, wo = o * inW + k;
                    FloatVector x0 = FloatVector.fromArray(S, dOut, i), x1 = FloatVector.fromArray(S, dOut, i + L);
                    FloatVector b = FloatVector.broadcast(S, w[wo]);
                    a00 = x0.fma(b, a00); a01 = x1.fma(b, a01);
                    b = FloatVector.broadcast(S, w[wo + 1]);
                    a10 = x0.fma(b, a10); a11 = x1.fma(b, a11);
                    b = FloatVector.broadcast(S, w[wo + 2]);
                    a20 = x0.fma(b, a20); a21 = x1.fma(b, a21);
                    b = FloatVector.broadcast(S, w[wo + 3]);
                    a30 = x0.fma(b, a30); a31 = x1.fma(b, a31);
                    b = FloatVector.broadcast(S, w[wo + 4]);
                    a40 = x0.fma(b, a40); a41 = x1.fma(b, a41);
                    b = FloatVector.broadcast(S, w[wo + 5]);
                    a50 = x0.fma(b, a50); a51 = x1.fma(b, a51);
                    b = FloatVector.broadcast(S, w[wo + 6]);
                    a60 = x0.fma(b, a60); a61 = x1.fma(b, a61);
                    b = FloatVector.broadcast(S, w[wo + 7]);
                    a70 = x0.fma(b, a70); a71 = x1.fma(b, a71);
                }
                int r = k * stride + c;
                a00.intoArray(dIn, r); a01.intoArray(dIn, r + L);
                a10.intoArray(dIn, r + stride); a11.intoArray(dIn, r + stride + L);
                a20.intoArray(dIn, r + 2 * stride); a21.intoArray(dIn, r + 2 * stride + L);
                a30.intoArray(dIn, r + 3 * stride); a31.intoArray(dIn, r + 3 * stride + L);
                a40.intoArray(dIn, r + 4 * stride); a41.intoArray(dIn, r + 4 * stride + L);
                a50.intoArray(dIn, r + 5 * stride); a51.intoArray(dIn, r + 5 * stride + L);
                a60.intoArray(dIn, r + 6 * stride); a61.intoArray(dIn, r + 6 * stride + L);
                a70.intoArray(dIn, r + 7 * stride); a71.intoArray(dIn, r + 7 * stride + L);
            }
        }
        int kDone = k;
        for (k = 0; k < inW; k++) {
            final int r0 = k * stride;
            for (int v = k < kDone ? v2 : 0; v < nv; v++) {
                final int c = v * L;
                FloatVector a0 = zero;
                for (int o = 0; o < outW; o++) a0 = FloatVector.fromArray(S, dOut, o * stride + c).fma(FloatVector.broadcast(S, w[o * inW + k]), a0);
                a0.intoArray(dIn, r0 + c);
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
