package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Table;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A stack of fully connected layers {@code a_l = relu(W_l a_{l-1} + b_l)} over a chunk of samples,
 * both the dense arch (bottom MLP) and the over arch (top MLP) of {@link SparseNN}, as in torchrec's
 * {@code MLP}. Tables {@code PREFIX.<l>.w} ({@code out x in}, Glorot normal) and
 * {@code PREFIX.<l>.b} ({@code 1 x out}). Every layer loops output unit outer and sample inner, so
 * one weight row stays in L1 across the chunk; with the Vector API the register-blocked
 * {@link PanamaLayers} kernels run instead. Inverted dropout on hidden units (not after the last
 * layer) during training. Allocates nothing: activation buffers are the caller's.
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

    /** Activation buffers for chunks of {@code chunk} samples, one per layer. */
    float[][] buffers(int chunk) {
        float[][] a = new float[out.length][];
        for (int l = 0; l < out.length; l++) a[l] = new float[chunk * out[l]];
        return a;
    }

    /** {@code act[l]} for every layer from input {@code x}; dropout when {@code rnd != null && q > 0}. */
    void forward(float[] x, float[][] act, int count, SplittableRandom rnd, float q, float keepScale, float[] laneScratch) {
        float[] a = x;
        int last = out.length - 1;
        for (int l = 0; l <= last; l++) {
            layerForward(w[l].data(), b[l].data(), a, in[l], act[l], out[l], count, l < last || reluLast, laneScratch);
            if (rnd != null && q > 0 && l < last) dropout(act[l], count * out[l], rnd, q, keepScale);
            a = act[l];
        }
    }

    /**
     * Backward from {@code dLast} (the gradient at the last layer's output, through its ReLU
     * already): weight and bias gradients into {@code g}, hidden gradients in {@code dAct},
     * the input's in {@code dx} (null: not needed).
     */
    void backward(float[] x, float[][] act, float[][] dAct, float[] dLast, float[] dx, int count, Gradients g, float keepScale,
                  int[] nzIdx, float[] nzVal) {
        int last = out.length - 1;
        for (int l = last; l >= 0; l--) {
            float[] dOut = l == last ? dLast : dAct[l];
            float[] a = l == 0 ? x : act[l - 1];
            float[] dIn = l == 0 ? dx : dAct[l - 1];
            if (dIn != null) java.util.Arrays.fill(dIn, 0, count * in[l], 0f);
            layerBackward(w[l].data(), a, in[l], dOut, out[l], count, g.dense[wI[l]], g.dense[bI[l]], dIn, nzIdx, nzVal);
            if (l > 0) reluMask(act[l - 1], dIn, count * in[l], keepScale);
        }
    }

    private static void layerForward(float[] w, float[] bias, float[] in, int inW, float[] out, int outW, int count, boolean relu,
                                     float[] laneScratch) {
        if (SparseNN.FAST && inW > 0) PanamaLayers.layerForward(w, bias, in, inW, out, outW, count, relu, laneScratch);
        else layerForward(w, bias, in, inW, out, outW, count, relu);
    }

    private static void layerBackward(float[] w, float[] in, int inW, float[] dOut, int outW, int count, float[] dW, float[] dB,
                                      float[] dIn, int[] nzIdx, float[] nzVal) {
        if (SparseNN.FAST && inW > 0) PanamaLayers.layerBackward(w, in, inW, dOut, outW, count, dW, dB, dIn, nzIdx, nzVal);
        else layerBackward(w, in, inW, dOut, outW, count, dW, dB, dIn);
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
