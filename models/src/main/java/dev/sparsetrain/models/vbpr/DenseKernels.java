package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Kernels;

/**
 * The two dense products of a VBPR phase, register-blocked:
 *
 * <pre>
 *   project   p_i[r] = sum_d E[r, d] f_i[d]            for items i in [from, to)   (K' x F per item)
 *   reduce    dE[r, d] += sum_{i in touched} a_i[r] f_i[d]                          (a GEMM, A^T F)
 * </pre>
 *
 * The Vector API version ({@code PanamaDenseKernels}) keeps 4 rows of E (or of dE) times a few
 * SIMD lanes in registers and streams the feature rows, instead of one {@code dot}/{@code axpy}
 * call per (item, row); it is used when {@link dev.sparsetrain.core.Simd} enables the Vector API, else this scalar
 * fallback (same results up to float summation order). Stateless, thread-safe, allocation-free.
 */
class DenseKernels {
    /** Chosen once by {@link dev.sparsetrain.core.Simd#choose}. */
    static final DenseKernels INSTANCE = dev.sparsetrain.core.Simd.choose(DenseKernels.class,
            "dev.sparsetrain.models.vbpr.PanamaDenseKernels", new DenseKernels());

    /** p[i*kv + r] = E[r,:] . f_i for i in [from, to); e is kv x fd row-major. */
    void project(float[] e, int kv, float[] f, int fd, float[] p, int from, int to) {
        for (int i = from; i < to; i++) {
            for (int r = 0; r < kv; r++) p[i * kv + r] = Kernels.dot(e, r * fd, f, i * fd, fd);
        }
    }

    /** dE[r,:] += scale * sum_q a[touched[q]*kv + r] * f[touched[q],:] over q in [0, n). */
    void reduce(float[] a, int kv, float[] f, int fd, int[] touched, int n, float scale, float[] dE) {
        for (int q = 0; q < n; q++) {
            int i = touched[q];
            for (int r = 0; r < kv; r++) {
                float x = a[i * kv + r];
                if (x != 0f) Kernels.axpy(scale * x, f, i * fd, dE, r * fd, fd);
            }
        }
    }
}
