package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Table;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A stack of fully connected layers {@code a_l = relu(W_l a_{l-1} + b_l)} over a chunk of samples,
 * both the dense arch (bottom MLP) and the over arch (top MLP) of {@link SparseNN}, as in torchrec's
 * {@code MLP}. Tables {@code PREFIX.<l>.w} ({@code out x in}, Glorot normal) and
 * {@code PREFIX.<l>.b} ({@code 1 x out}). With the Vector API the layers run on feature-major
 * chunks ({@link Buffers}) through the register-blocked {@link PanamaLayers} kernels, as a GEMM
 * over the chunk's samples; without it every layer loops output unit outer and sample inner, so one
 * weight row stays in L1 across the chunk. Inverted dropout on hidden units (not after the last
 * layer) during training. Allocates nothing: the buffers are the caller's ({@link #buffers}).
 */
final class Mlp {
    final Table[] w, b;
    final int[] in, out;
    /** Index of each layer's weight and bias in the model's dense tables (gradient slots). */
    final int[] wI, bI;
    private final boolean reluLast;

    /** Builds the layers {@code inWidth -> hidden... -> last}, drawing their initial values from {@code rnd} in layer order. */
    Mlp(String prefix, int inWidth, int[] hidden, int last, boolean reluLast, SplittableRandom rnd, List<Table> dense) {
        int n = hidden.length + 1;
        this.reluLast = reluLast;
        w = new Table[n];
        b = new Table[n];
        in = new int[n];
        out = new int[n];
        wI = new int[n];
        bI = new int[n];
        int width = inWidth;
        for (int l = 0; l < n; l++) {
            int o = l < n - 1 ? hidden[l] : last;
            in[l] = width;
            out[l] = o;
            w[l] = initLayer(prefix + "." + l + ".w", o, width, rnd.split());
            b[l] = Table.dense(prefix + "." + l + ".b", 1, o).fillNormal(rnd.split(), Math.sqrt(1.0 / o));
            wI[l] = dense.size();
            dense.add(w[l]);
            bI[l] = dense.size();
            dense.add(b[l]);
            width = o;
        }
    }

    /** DLRM's initialisation: N(0, 2/(fan_in + fan_out)) for weights (Glorot normal). */
    private static Table initLayer(String name, int out, int in, SplittableRandom rnd) {
        Table t = Table.dense(name, out, Math.max(1, in));
        if (in == 0) return t; // no dense input: the layer is its bias
        return t.fillNormal(rnd, Math.sqrt(2.0 / (in + out)));
    }

    int layers() { return out.length; }

    /**
     * One worker's activation and gradient buffers of this stack for chunks of up to {@code chunk}
     * samples. With the Vector API ({@link SparseNN#FAST}) the layers' activations and gradients
     * are feature-major: unit u's values of the chunk's samples at {@code [u * stride, u * stride +
     * count)}, {@code stride} the chunk rounded up to whole vectors, so every layer's kernel runs
     * along the samples with no horizontal reductions ({@link PanamaLayers#forwardT}); the stack's
     * input, output and the gradients at its ends stay sample-major. Without it every buffer is
     * sample-major and {@link #out} is the last layer's activation buffer.
     */
    final class Buffers {
        /** Per layer: activations and the gradients at them. */
        final float[][] act, grad;
        /** The last layer's output, sample-major ({@code count x} its width). */
        final float[] out;
        final int stride;
        /** Vector path scratch: the input feature-major, a layer's input sample-major, the input gradient feature-major. */
        final float[] inT, inS, dInT;

        Buffers(int chunk) {
            int n = Mlp.this.out.length;
            stride = SparseNN.FAST ? (chunk + SparseNN.LANES - 1) / SparseNN.LANES * SparseNN.LANES : chunk;
            act = new float[n][];
            grad = new float[n][];
            int maxIn = 0;
            for (int l = 0; l < n; l++) {
                act[l] = new float[stride * Mlp.this.out[l]];
                grad[l] = new float[stride * Mlp.this.out[l]];
                maxIn = Math.max(maxIn, in[l]);
            }
            boolean fast = SparseNN.FAST;
            out = fast ? new float[chunk * Mlp.this.out[n - 1]] : act[n - 1];
            inT = fast ? new float[stride * in[0]] : new float[0];
            dInT = fast ? new float[stride * in[0]] : new float[0];
            inS = fast ? new float[chunk * maxIn] : new float[0];
        }
    }

    Buffers buffers(int chunk) { return new Buffers(chunk); }

    /** Every layer from input {@code x} (sample-major, {@code in[0]} per sample) into {@code buf}; dropout when {@code rnd != null && q > 0}. */
    void forward(float[] x, Buffers buf, int count, SplittableRandom rnd, float q, float keepScale) {
        int last = out.length - 1;
        if (!SparseNN.FAST) {
            float[] a = x;
            for (int l = 0; l <= last; l++) {
                layerForward(w[l].data(), b[l].data(), a, in[l], buf.act[l], out[l], count, l < last || reluLast);
                if (rnd != null && q > 0 && l < last) dropout(buf.act[l], count * out[l], rnd, q, keepScale);
                a = buf.act[l];
            }
            return;
        }
        int c = buf.stride, nv = (count + SparseNN.LANES - 1) / SparseNN.LANES;
        PanamaLayers.toFeatureMajor(x, in[0], count, buf.inT, c, nv * SparseNN.LANES);
        float[] a = buf.inT;
        for (int l = 0; l <= last; l++) {
            PanamaLayers.forwardT(w[l].data(), b[l].data(), a, in[l], buf.act[l], out[l], c, nv, l < last || reluLast);
            if (rnd != null && q > 0 && l < last) dropoutT(buf.act[l], out[l], c, count, rnd, q, keepScale);
            a = buf.act[l];
        }
        PanamaLayers.toSampleMajor(buf.act[last], out[last], c, count, buf.out);
    }

    /**
     * Backward from {@code dLast} (sample-major, the gradient at the last layer's output, through
     * its ReLU already): weight and bias gradients into {@code g}, the input's (sample-major) in
     * {@code dx} (null: not needed).
     */
    void backward(float[] x, Buffers buf, float[] dLast, float[] dx, int count, Gradients g, float keepScale) {
        int last = out.length - 1;
        if (!SparseNN.FAST) {
            for (int l = last; l >= 0; l--) {
                float[] dOut = l == last ? dLast : buf.grad[l];
                float[] a = l == 0 ? x : buf.act[l - 1];
                float[] dIn = l == 0 ? dx : buf.grad[l - 1];
                if (dIn != null) java.util.Arrays.fill(dIn, 0, count * in[l], 0f);
                layerBackward(w[l].data(), a, in[l], dOut, out[l], count, g.dense[wI[l]], g.dense[bI[l]], dIn);
                if (l > 0) reluMask(buf.act[l - 1], dIn, count * in[l], keepScale);
            }
            return;
        }
        int c = buf.stride, nv = (count + SparseNN.LANES - 1) / SparseNN.LANES;
        PanamaLayers.toFeatureMajor(dLast, out[last], count, buf.grad[last], c, nv * SparseNN.LANES);
        for (int l = last; l >= 0; l--) {
            float[] dOut = buf.grad[l];
            float[] aS = x;
            if (l > 0) {
                PanamaLayers.toSampleMajor(buf.act[l - 1], in[l], c, count, buf.inS);
                aS = buf.inS;
            }
            PanamaLayers.weightGradT(dOut, c, aS, in[l], count, out[l], g.dense[wI[l]], g.dense[bI[l]]);
            if (l > 0) {
                PanamaLayers.inputGradT(w[l].data(), dOut, out[l], in[l], c, nv, buf.grad[l - 1]);
                reluMask(buf.act[l - 1], buf.grad[l - 1], in[l] * c, keepScale);
            } else if (dx != null && in[0] > 0) {
                PanamaLayers.inputGradT(w[0].data(), dOut, out[0], in[0], c, nv, buf.dInT);
                PanamaLayers.toSampleMajor(buf.dInT, in[0], c, count, dx);
            }
        }
    }

    /** Inverted dropout over a feature-major buffer: units outer, the chunk's samples inner. */
    static void dropoutT(float[] a, int units, int stride, int count, SplittableRandom rnd, float q, float keepScale) {
        for (int u = 0; u < units; u++) {
            int o = u * stride;
            for (int i = o; i < o + count; i++) a[i] = rnd.nextFloat() < q ? 0f : a[i] * keepScale;
        }
    }

    static void dropout(float[] a, int n, SplittableRandom rnd, float q, float keepScale) {
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() < q ? 0f : a[i] * keepScale;
    }

    /** Gradient through ReLU (and inverted dropout): zero where the activation is 0, else times keepScale. */
    static void reluMask(float[] act, float[] grad, int n, float keepScale) {
        for (int i = 0; i < n; i++) grad[i] = act[i] > 0f ? grad[i] * keepScale : 0f;
    }

    /** {@code out[b, o] = bias[o] + W[o, :] . in[b, :]}, optionally ReLU; o outer so W's row stays in cache. */
    static void layerForward(float[] w, float[] bias, float[] in, int inW, float[] out, int outW, int count, boolean relu) {
        for (int o = 0; o < outW; o++) {
            int wo = o * Math.max(1, inW);
            float bo = bias[o];
            for (int b = 0; b < count; b++) {
                float v = bo + (inW > 0 ? Kernels.dot(w, wo, in, b * inW, inW) : 0f);
                out[b * outW + o] = relu && v < 0f ? 0f : v;
            }
        }
    }

    /** Accumulates dW += dOut^T in, dB += sum dOut, dIn += dOut W (dIn may be null). */
    static void layerBackward(float[] w, float[] in, int inW, float[] dOut, int outW, int count, float[] dW, float[] dB, float[] dIn) {
        int stride = Math.max(1, inW);
        for (int o = 0; o < outW; o++) {
            int wo = o * stride;
            for (int b = 0; b < count; b++) {
                float gr = dOut[b * outW + o];
                if (gr == 0f) continue;
                dB[o] += gr;
                if (inW == 0) continue;
                Kernels.axpy(gr, in, b * inW, dW, wo, inW);
                if (dIn != null) Kernels.axpy(gr, w, wo, dIn, b * inW, inW);
            }
        }
    }
}
