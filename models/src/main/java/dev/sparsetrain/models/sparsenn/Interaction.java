package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Kernels;

/**
 * The interaction arch (torchrec's {@code InteractionArch}): meets the dense arch's output
 * {@code z_0} and the pooled embeddings {@code z_1..z_F} ({@code nv = F + 1} vectors of
 * {@code dim}, laid out per sample in {@code z}) into the over arch's input.
 * <pre>
 *   DOT    : t = [z_0, &lt;z_i, z_j&gt; for 0 &lt;= i &lt; j &lt;= F]      (width dim + nv (nv - 1) / 2)
 *   CONCAT : t = [z_0, z_1, ..., z_F]                         (width nv * dim)
 * </pre>
 * {@code t} is padded to {@link #width} (a multiple of 16 floats) with zeros. With the Vector API
 * the pairwise dot products are one Gram matrix per sample ({@link PanamaLayers#gram}).
 */
final class Interaction {
    final ModelConfig.Interaction kind;
    final int nv, dim;
    /** Output width before padding. */
    final int used;
    /** Output width padded to a multiple of 16 floats: the over arch's input width. */
    final int width;

    Interaction(ModelConfig.Interaction kind, int nv, int dim) {
        this.kind = kind;
        this.nv = nv;
        this.dim = dim;
        this.used = kind == ModelConfig.Interaction.DOT ? dim + nv * (nv - 1) / 2 : nv * dim;
        this.width = SparseNN.pad16(used);
    }

    /** {@code tin} from {@code z} for {@code count} samples; {@code zt, gram} are scratch of the workspace ({@code tp} = nv padded to lanes). */
    void forward(float[] z, float[] tin, int count, float[] zt, int tp, float[] gram) {
        int t = nv;
        if (kind != ModelConfig.Interaction.DOT) {
            for (int b = 0; b < count; b++) System.arraycopy(z, b * t * dim, tin, b * width, t * dim);
            return;
        }
        for (int b = 0; b < count; b++) {
            int zo = b * t * dim, to = b * width;
            System.arraycopy(z, zo, tin, to, dim);
            int k = to + dim;
            if (SparseNN.FAST) {
                PanamaLayers.gram(z, zo, t, dim, zt, tp, gram);
                for (int i = 0; i < t; i++) {
                    int gi = i * tp;
                    for (int j = i + 1; j < t; j++) tin[k++] = gram[gi + j];
                }
                continue;
            }
            for (int i = 0; i < t; i++) {
                for (int j = i + 1; j < t; j++) tin[k++] = dot16(z, zo + i * dim, z, zo + j * dim, dim);
            }
        }
    }

    /** {@code dz} (overwritten) from {@code dtin}. */
    void backward(float[] dtin, float[] z, float[] dz, int count, int tp, float[] gram) {
        int t = nv;
        if (kind != ModelConfig.Interaction.DOT) {
            for (int b = 0; b < count; b++) System.arraycopy(dtin, b * width, dz, b * t * dim, t * dim);
            return;
        }
        java.util.Arrays.fill(dz, 0, count * t * dim, 0f);
        for (int b = 0; b < count; b++) {
            int zo = b * t * dim, to = b * width;
            System.arraycopy(dtin, to, dz, zo, dim);
            int k = to + dim;
            if (SparseNN.FAST) {
                for (int i = 0; i < t; i++) {
                    gram[i * tp + i] = 0f;
                    for (int j = i + 1; j < t; j++) {
                        float gij = dtin[k++];
                        gram[i * tp + j] = gij;
                        gram[j * tp + i] = gij;
                    }
                }
                PanamaLayers.gramBackward(gram, tp, z, zo, t, dim, dz);
                continue;
            }
            for (int i = 0; i < t; i++) {
                int zi = zo + i * dim;
                for (int j = i + 1; j < t; j++) {
                    float gij = dtin[k++];
                    if (gij == 0f) continue;
                    int zj = zo + j * dim;
                    axpy16(gij, z, zj, dz, zi, dim);
                    axpy16(gij, z, zi, dz, zj, dim);
                }
            }
        }
    }

    /** A dot product for short vectors (the interaction's dim is usually 4 to 64): plain loop, JIT-unrolled. */
    private static float dot16(float[] a, int ao, float[] b, int bo, int n) {
        if (n >= 16) return Kernels.dot(a, ao, b, bo, n);
        float s = 0;
        for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    private static void axpy16(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        if (n >= 16) {
            Kernels.axpy(alpha, x, xo, y, yo, n);
            return;
        }
        for (int i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }
}
