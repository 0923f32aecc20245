package dev.sparsetrain.models.vbpr;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API version of {@link DenseKernels}; loaded reflectively only when the module is present.
 * Lanes are summed in one fixed order (lane by lane through a small per-call buffer), not
 * with {@code reduceLanes(ADD)}, whose association differs between the interpreter and C2: so a
 * projection does not depend on when the JIT compiled this method, and VBPR with
 * {@code --threads 1} and a seed is bit-reproducible across processes (resumed runs included).
 */
final class PanamaDenseKernels extends DenseKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /**
     * {@code p_i = E f_i} as {@code sum_d f_i[d] E^T[d, :]}: E is transposed once per call (kv x fd
     * floats, a phase's item range), then for each item the feature values are broadcast and
     * multiplied into whole vectors of outputs, so no lane is ever summed across (the earlier
     * row-dot form spent most of its time in those horizontal sums; JFR put projection at 30% of
     * VBPR training). Even and odd d accumulate in separate registers and are added at the end:
     * a fixed order, the same in the interpreter and in C2, so training stays bit-reproducible.
     * Wide features (over 512, e.g. 4,096-d CNN features) keep the row-dot form, where the
     * horizontal sums are a small share and E^T no longer fits in cache (measured: the transposed
     * form was 30% slower at 4,096-d and 15% faster at 128-d).
     */
    @Override
    void project(float[] e, int kv, float[] f, int fd, float[] p, int from, int to) {
        if (fd > 512) {
            projectRows(e, kv, f, fd, p, from, to);
            return;
        }
        final int L = S.length();
        final float[] et = new float[fd * kv];   // et[d*kv + r] = E[r, d]; one per call, not per item
        for (int r = 0; r < kv; r++) {
            for (int d = 0; d < fd; d++) et[d * kv + r] = e[r * fd + d];
        }
        final int pairs = fd & ~1;
        for (int i = from; i < to; i++) {
            final int fo = i * fd, po = i * kv;
            int r = 0;
            for (; r + 4 * L <= kv; r += 4 * L) {   // 4 vectors of outputs, 2 chains each
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                for (int d = 0; d < pairs; d += 2) {
                    FloatVector x = FloatVector.broadcast(S, f[fo + d]), y = FloatVector.broadcast(S, f[fo + d + 1]);
                    int o = d * kv + r, q = o + kv;
                    a0 = FloatVector.fromArray(S, et, o).fma(x, a0);
                    a1 = FloatVector.fromArray(S, et, o + L).fma(x, a1);
                    a2 = FloatVector.fromArray(S, et, o + 2 * L).fma(x, a2);
                    a3 = FloatVector.fromArray(S, et, o + 3 * L).fma(x, a3);
                    b0 = FloatVector.fromArray(S, et, q).fma(y, b0);
                    b1 = FloatVector.fromArray(S, et, q + L).fma(y, b1);
                    b2 = FloatVector.fromArray(S, et, q + 2 * L).fma(y, b2);
                    b3 = FloatVector.fromArray(S, et, q + 3 * L).fma(y, b3);
                }
                if (pairs < fd) {
                    FloatVector x = FloatVector.broadcast(S, f[fo + pairs]);
                    int o = pairs * kv + r;
                    a0 = FloatVector.fromArray(S, et, o).fma(x, a0);
                    a1 = FloatVector.fromArray(S, et, o + L).fma(x, a1);
                    a2 = FloatVector.fromArray(S, et, o + 2 * L).fma(x, a2);
                    a3 = FloatVector.fromArray(S, et, o + 3 * L).fma(x, a3);
                }
                a0.add(b0).intoArray(p, po + r);
                a1.add(b1).intoArray(p, po + r + L);
                a2.add(b2).intoArray(p, po + r + 2 * L);
                a3.add(b3).intoArray(p, po + r + 3 * L);
            }
            for (; r + L <= kv; r += L) {   // one vector of outputs, 2 chains
                FloatVector a = FloatVector.zero(S), b = a;
                for (int d = 0; d < pairs; d += 2) {
                    a = FloatVector.fromArray(S, et, d * kv + r).fma(FloatVector.broadcast(S, f[fo + d]), a);
                    b = FloatVector.fromArray(S, et, (d + 1) * kv + r).fma(FloatVector.broadcast(S, f[fo + d + 1]), b);
                }
                if (pairs < fd) a = FloatVector.fromArray(S, et, pairs * kv + r).fma(FloatVector.broadcast(S, f[fo + pairs]), a);
                a.add(b).intoArray(p, po + r);
            }
            for (; r < kv; r++) {   // outputs left over from whole vectors
                float a = 0, b = 0;
                for (int d = 0; d < pairs; d += 2) {
                    a = Math.fma(et[d * kv + r], f[fo + d], a);
                    b = Math.fma(et[(d + 1) * kv + r], f[fo + d + 1], b);
                }
                if (pairs < fd) a = Math.fma(et[pairs * kv + r], f[fo + pairs], a);
                p[po + r] = a + b;
            }
        }
    }

    /** Row-dot form: 4 rows of E against each feature row, lanes summed in order. Best for wide features. */
    private static void projectRows(float[] e, int kv, float[] f, int fd, float[] p, int from, int to) {
        final float[] lanes = new float[S.length()];   // one per call (a phase's range of items), not per item
        for (int i = from; i < to; i++) projectRow(e, kv, f, i * fd, fd, p, i * kv, lanes);
    }

    /**
     * One item of {@link #projectRows}. Its own method so that C2 compiles it as a whole method
     * after a few thousand items: when the item loop was in the same method, the method was called
     * a few times per round with long loops and ran in an OSR compilation that deoptimised at every
     * loop exit (JFR: "unstable_if" at the item loop), leaving the vector calls in their slow
     * non-intrinsic form for a large share of training at 4,096-d.
     */
    private static void projectRow(float[] e, int kv, float[] f, int fo, int fd, float[] p, int po, float[] lanes) {
        final int L = S.length(), bound = S.loopBound(fd);
        int r = 0;
        for (; r + 4 <= kv; r += 4) {
            int e0 = r * fd, e1 = e0 + fd, e2 = e1 + fd, e3 = e2 + fd;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            int d = 0;
            for (; d < bound; d += L) {
                FloatVector x = FloatVector.fromArray(S, f, fo + d);
                s0 = FloatVector.fromArray(S, e, e0 + d).fma(x, s0);
                s1 = FloatVector.fromArray(S, e, e1 + d).fma(x, s1);
                s2 = FloatVector.fromArray(S, e, e2 + d).fma(x, s2);
                s3 = FloatVector.fromArray(S, e, e3 + d).fma(x, s3);
            }
            // lanes summed in order (not reduceLanes, whose association differs between the
            // interpreter and C2): the projection, and so training, is bit-reproducible
            float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
            s0.intoArray(lanes, 0);
            for (int q = 0; q < L; q++) t0 += lanes[q];
            s1.intoArray(lanes, 0);
            for (int q = 0; q < L; q++) t1 += lanes[q];
            s2.intoArray(lanes, 0);
            for (int q = 0; q < L; q++) t2 += lanes[q];
            s3.intoArray(lanes, 0);
            for (int q = 0; q < L; q++) t3 += lanes[q];
            for (; d < fd; d++) {
                float x = f[fo + d];
                t0 += e[e0 + d] * x;
                t1 += e[e1 + d] * x;
                t2 += e[e2 + d] * x;
                t3 += e[e3 + d] * x;
            }
            p[po + r] = t0;
            p[po + r + 1] = t1;
            p[po + r + 2] = t2;
            p[po + r + 3] = t3;
        }
        for (; r < kv; r++) {
            float t = 0;
            for (int d = 0; d < fd; d++) t += e[r * fd + d] * f[fo + d];
            p[po + r] = t;
        }
    }

    @Override
    void reduce(float[] a, int kv, float[] f, int fd, int[] touched, int n, float scale, float[] dE) {
        // Item-inner streaming suits rows that stay in cache between passes; for wide features
        // (4,096-d) the row-at-a-time axpy of the fallback touches each feature row once.
        if (fd > 512) {
            super.reduce(a, kv, f, fd, touched, n, scale, dE);
            return;
        }
        final int L = S.length(), bound2 = fd - fd % (2 * L);
        int r = 0;
        for (; r + 4 <= kv; r += 4) {
            int o0 = r * fd, o1 = o0 + fd, o2 = o1 + fd, o3 = o2 + fd;
            int d = 0;
            for (; d < bound2; d += 2 * L) {
                FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
                for (int q = 0; q < n; q++) {
                    int i = touched[q], ao = i * kv + r, fo = i * fd + d;
                    FloatVector x0 = FloatVector.fromArray(S, f, fo), x1 = FloatVector.fromArray(S, f, fo + L);
                    FloatVector b0 = FloatVector.broadcast(S, a[ao]), b1 = FloatVector.broadcast(S, a[ao + 1]),
                            b2 = FloatVector.broadcast(S, a[ao + 2]), b3 = FloatVector.broadcast(S, a[ao + 3]);
                    c00 = x0.fma(b0, c00);
                    c01 = x1.fma(b0, c01);
                    c10 = x0.fma(b1, c10);
                    c11 = x1.fma(b1, c11);
                    c20 = x0.fma(b2, c20);
                    c21 = x1.fma(b2, c21);
                    c30 = x0.fma(b3, c30);
                    c31 = x1.fma(b3, c31);
                }
                FloatVector.fromArray(S, dE, o0 + d).add(c00.mul(scale)).intoArray(dE, o0 + d);
                FloatVector.fromArray(S, dE, o0 + d + L).add(c01.mul(scale)).intoArray(dE, o0 + d + L);
                FloatVector.fromArray(S, dE, o1 + d).add(c10.mul(scale)).intoArray(dE, o1 + d);
                FloatVector.fromArray(S, dE, o1 + d + L).add(c11.mul(scale)).intoArray(dE, o1 + d + L);
                FloatVector.fromArray(S, dE, o2 + d).add(c20.mul(scale)).intoArray(dE, o2 + d);
                FloatVector.fromArray(S, dE, o2 + d + L).add(c21.mul(scale)).intoArray(dE, o2 + d + L);
                FloatVector.fromArray(S, dE, o3 + d).add(c30.mul(scale)).intoArray(dE, o3 + d);
                FloatVector.fromArray(S, dE, o3 + d + L).add(c31.mul(scale)).intoArray(dE, o3 + d + L);
            }
            for (; d < fd; d++) {
                float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
                for (int q = 0; q < n; q++) {
                    int i = touched[q], ao = i * kv + r;
                    float x = f[i * fd + d];
                    t0 += a[ao] * x;
                    t1 += a[ao + 1] * x;
                    t2 += a[ao + 2] * x;
                    t3 += a[ao + 3] * x;
                }
                dE[o0 + d] += scale * t0;
                dE[o1 + d] += scale * t1;
                dE[o2 + d] += scale * t2;
                dE[o3 + d] += scale * t3;
            }
        }
        for (; r < kv; r++) {
            for (int q = 0; q < n; q++) {
                int i = touched[q];
                float x = scale * a[i * kv + r];
                for (int d = 0; d < fd; d++) dE[r * fd + d] += x * f[i * fd + d];
            }
        }
    }
}
