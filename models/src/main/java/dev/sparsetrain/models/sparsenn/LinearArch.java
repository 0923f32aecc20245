package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Table;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The logit of logistic regression and of a factorization machine (Rendle 2010) over the sparse
 * arch's linear weights and embeddings:
 * <pre>
 *   logit = b + w . x + sum_{kept ids} s * lin_f[id]
 *   FM:   + 0.5 (|sum_i v_i|^2 - sum_i |v_i|^2),   v = [e_1..e_F, x_1 V_1, .., x_nd V_nd]
 * </pre>
 * Tables {@code dense.w} ({@code 1 x nd}), {@code bias.b} ({@code 1 x 1}) and, for FM,
 * {@code fm.dense} ({@code nd x dim}, the dense features' factors).
 */
final class LinearArch {
    final Table denseW, bias, fmDense;
    final int denseWI, biasI, fmDenseI;
    private final int nd, ns, dim;

    LinearArch(int nd, int ns, int dim, boolean fm, double initStd, SplittableRandom rnd, List<Table> dense) {
        this.nd = nd;
        this.ns = ns;
        this.dim = dim;
        denseW = Table.dense("dense.w", 1, Math.max(1, nd));
        denseWI = dense.size();
        dense.add(denseW);
        bias = Table.dense("bias.b", 1, 1);
        biasI = dense.size();
        dense.add(bias);
        if (fm) {
            fmDense = Table.dense("fm.dense", Math.max(1, nd), dim).fillNormal(rnd.split(), initStd);
            fmDenseI = dense.size();
            dense.add(fmDense);
        } else {
            fmDense = null;
            fmDenseI = -1;
        }
    }

    /** The logits of the workspace's chunk into {@code w.dl}. */
    void forward(Workspace w, SparseArch sparse, int count) {
        float b0 = bias.data()[0];
        float[] wd = denseW.data();
        float[] x = w.x, dl = w.dl;
        int xs = w.xs;
        for (int b = 0; b < count; b++) dl[b] = b0 + (nd > 0 ? Kernels.dot(wd, 0, x, b * xs, nd) : 0f);
        sparse.linearForward(w.kept, dl);
        if (fmDense == null) return;
        int nv = w.nv;
        float[] z = w.z, fmSum = w.fmSum;
        w.touched = sparse.pool(w.kept, z, count, nv, 0);
        float[] v = fmDense.data();
        for (int b = 0; b < count; b++) {
            int zo = b * nv * dim;
            for (int j = 0; j < nd; j++) {
                float xj = x[b * xs + j];
                int o = zo + (ns + j) * dim;
                for (int d = 0; d < dim; d++) z[o + d] = xj * v[j * dim + d];
            }
            int so = b * dim;
            java.util.Arrays.fill(fmSum, so, so + dim, 0f);
            float self = 0;
            for (int i = 0; i < nv; i++) {
                Kernels.axpy(1f, z, zo + i * dim, fmSum, so, dim);
                self += Kernels.squaredNorm(z, zo + i * dim, dim);
            }
            dl[b] += 0.5f * (Kernels.squaredNorm(fmSum, so, dim) - self);
        }
    }

    /** Gradients from the logits' ({@code w.dl}, already scaled). */
    void backward(Workspace w, SparseArch sparse, int count, Gradients g) {
        float[] gb = g.dense[biasI], gw = g.dense[denseWI];
        float[] x = w.x, dl = w.dl;
        int xs = w.xs;
        for (int b = 0; b < count; b++) {
            gb[0] += dl[b];
            if (nd > 0) Kernels.axpy(dl[b], x, b * xs, gw, 0, nd);
        }
        sparse.linearBackward(w.kept, dl, g);
        if (fmDense == null) return;
        // d/dv_i of 0.5(|S|^2 - sum |v|^2) = S - v_i
        int nv = w.nv;
        float[] z = w.z, dz = w.dz, fmSum = w.fmSum;
        float[] gv = g.dense[fmDenseI];
        for (int b = 0; b < count; b++) {
            int zo = b * nv * dim, so = b * dim;
            float d = dl[b];
            for (int i = 0; i < nv; i++) {
                int o = zo + i * dim;
                for (int c = 0; c < dim; c++) dz[o + c] = d * (fmSum[so + c] - z[o + c]);
            }
            for (int j = 0; j < nd; j++) {
                float xj = x[b * xs + j];
                if (xj != 0f) Kernels.axpy(xj, dz, zo + (ns + j) * dim, gv, j * dim, dim);
            }
        }
        sparse.embeddingBackward(w.kept, dz, nv, 0, g);
    }
}
