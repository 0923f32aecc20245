package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.data.ctr.CtrData;
import java.util.SplittableRandom;

/**
 * Activations and gradients of one chunk of samples through a {@link SparseNN}: one per worker
 * thread, every buffer allocated once, so the hot path allocates nothing. {@link #forward} runs
 * sparse arch -> dense arch -> interaction -> over arch (or the linear/FM logit), {@link #backward}
 * the way back into a {@link Gradients} slot.
 */
public final class Workspace {
    private final SparseNN m;
    final int chunk;
    /** Stride of one sample's dense features (padded to 16 floats for SparseNN). */
    final int xs;
    final float[] x;
    /** The bottom and top MLPs' activations and gradients (SparseNN only, else null). */
    final Mlp.Buffers bottom, top;
    /** The gradient at the bottom MLP's output, sample-major. */
    final float[] d0;
    final float[] z, dz, tin, dtin, p, dl, fmSum;
    final SparseArch.KeptIds kept = new SparseArch.KeptIds();
    int count;
    final int nv; // vectors meeting in the interaction (SparseNN: F+1, FM: F + nd)
    final int tp; // nv rounded up to the SIMD lane count
    final float[] gram, zt;
    /** Sink of the sparse arch's row touching: a field, so the JIT cannot drop the loads. */
    float touched;

    Workspace(SparseNN m, int chunk) {
        this.m = m;
        this.chunk = chunk;
        this.xs = m.xs;
        int dim = m.config().embeddingDim(), ns = m.numSparse(), nd = m.numDense();
        boolean nn = m.config().type() == ModelConfig.Type.SPARSENN;
        x = new float[chunk * Math.max(1, xs)];
        bottom = nn ? m.denseArch.buffers(chunk) : null;
        top = nn ? m.overArch.buffers(chunk) : null;
        d0 = new float[nn ? chunk * dim : 0];
        nv = nn ? ns + 1 : ns + nd;
        tp = (nv + SparseNN.LANES - 1) / SparseNN.LANES * SparseNN.LANES;
        gram = new float[nv * tp];
        zt = new float[dim * tp];
        z = new float[chunk * nv * dim];
        dz = new float[chunk * nv * dim];
        int width = nn ? m.interaction.width : 0;
        tin = new float[chunk * Math.max(1, width)];
        dtin = new float[chunk * Math.max(1, width)];
        p = new float[chunk];
        dl = new float[chunk];
        fmSum = new float[chunk * dim];
    }

    public int chunk() { return chunk; }

    /** Predicted probabilities of the last forward pass, {@code [0, count)}. */
    public float[] probabilities() { return p; }

    /**
     * Forward pass of samples {@code order[from .. from+count)}.
     *
     * @param rnd null for inference (no dropout); else the worker's generator
     * @param sparseDropout probability of dropping each sparse id (training only)
     * @param mlpDropout probability of dropping each hidden MLP unit (training only)
     */
    public void forward(CtrData data, int[] order, int from, int count, SplittableRandom rnd, float sparseDropout, float mlpDropout) {
        this.count = count;
        boolean train = rnd != null;
        float mKeep = train && mlpDropout > 0 ? 1f / (1f - mlpDropout) : 1f;
        m.sparseArch.gather(data, order, from, count, rnd, sparseDropout, kept, x, xs);
        if (m.config().type() == ModelConfig.Type.SPARSENN) forwardNN(count, rnd, mlpDropout, mKeep);
        else m.linearArch.forward(this, m.sparseArch, count);
        for (int b = 0; b < count; b++) p[b] = SparseNN.sigmoid(dl[b]); // dl holds logits until backward
    }

    private void forwardNN(int count, SplittableRandom rnd, float mlpDropout, float mKeep) {
        int dim = m.config().embeddingDim();
        m.denseArch.forward(x, bottom, count, rnd, mlpDropout, mKeep);
        touched = m.sparseArch.pool(kept, z, count, nv, 1);
        float[] z0 = bottom.out;
        for (int b = 0; b < count; b++) System.arraycopy(z0, b * dim, z, b * nv * dim, dim);
        m.interaction.forward(z, tin, count, zt, tp, gram);
        m.overArch.forward(tin, top, count, rnd, mlpDropout, mKeep);
        System.arraycopy(top.out, 0, dl, 0, count);
    }

    /**
     * Backward pass of the last forward: accumulates {@code scale * dloss/dparam} (scale is
     * typically 1/batch size) into {@code g}, and the loss into its running sums.
     */
    public void backward(CtrData data, int[] order, int from, Gradients g, float scale, float mlpDropout) {
        byte[] labels = data.labels();
        for (int b = 0; b < count; b++) {
            int y = labels[order[from + b]];
            float pb = p[b];
            g.lossSum -= Math.log(Math.max(1e-7, y == 1 ? pb : 1 - pb));
            g.clicks += y;
            dl[b] = (pb - y) * scale;
        }
        g.samples += count;
        if (m.config().type() == ModelConfig.Type.SPARSENN) backwardNN(g, mlpDropout);
        else m.linearArch.backward(this, m.sparseArch, count, g);
    }

    private void backwardNN(Gradients g, float mlpDropout) {
        float mKeep = mlpDropout > 0 ? 1f / (1f - mlpDropout) : 1f;
        int dim = m.config().embeddingDim();
        m.overArch.backward(tin, top, dl, dtin, count, g, mKeep);
        m.interaction.backward(dtin, z, dz, count, tp, gram);
        m.sparseArch.embeddingBackward(kept, dz, nv, 1, g);
        // dense arch: dz_0 through the ReLU of its last layer
        for (int b = 0; b < count; b++) System.arraycopy(dz, b * nv * dim, d0, b * dim, dim);
        Mlp.reluMask(bottom.out, d0, count * dim, 1f);
        m.denseArch.backward(x, bottom, d0, null, count, g, mKeep);
    }
}
