package dev.sparsetrain.optim.kernel;

/**
 * Plain loops: the fallback, the reference the vector path is tested against, and the vector
 * path's scalar tail. Each loop is a static method over elements {@code [from, n)} that adds to a
 * running sum of squared updates {@code u2}, so the tail after {@link PanamaOptimMath}'s vector
 * loop continues the same sum in the same order as before (only scalars cross the call).
 */
final class ScalarOptimMath implements OptimMath {
    static final ScalarOptimMath INSTANCE = new ScalarOptimMath();

    @Override
    public float adam(float[] w, int wo, float[] g, int go, float[] m, float[] v, float[] vmax, int so, int n,
                      float b1, float b2, float c, float eps, float stepSize) {
        return adam(w, wo, g, go, m, v, vmax, so, 0, n, b1, b2, c, eps, stepSize, 0f);
    }

    /** {@link #adam} over elements {@code [from, n)}, adding the squared updates to {@code u2}. */
    static float adam(float[] w, int wo, float[] g, int go, float[] m, float[] v, float[] vmax, int so, int from, int n,
                      float b1, float b2, float c, float eps, float stepSize, float u2) {
        float a1 = 1 - b1, a2 = 1 - b2;
        for (int i = from; i < n; i++) {
            float gi = g[go + i];
            float mi = b1 * m[so + i] + gi * a1;
            float vi = b2 * v[so + i] + (gi * gi) * a2;
            m[so + i] = mi;
            v[so + i] = vi;
            if (vmax != null) {
                vi = Math.max(vmax[so + i], vi);
                vmax[so + i] = vi;
            }
            float u = stepSize * mi / ((float) Math.sqrt(vi) * c + eps);
            w[wo + i] -= u;
            u2 += u * u;
        }
        return u2;
    }

    @Override
    public float momentum(float[] w, int wo, float[] g, int go, float[] b, int so, int n, float mu, float damp, boolean nesterov,
                          boolean first, float lr) {
        return momentum(w, wo, g, go, b, so, 0, n, mu, damp, nesterov, first, lr, 0f);
    }

    /** {@link #momentum} over elements {@code [from, n)}, adding the squared updates to {@code u2}. */
    static float momentum(float[] w, int wo, float[] g, int go, float[] b, int so, int from, int n, float mu, float damp, boolean nesterov,
                          boolean first, float lr, float u2) {
        for (int i = from; i < n; i++) {
            float gv = g[go + i];
            float bv = first ? gv : b[so + i] * mu + gv * damp;
            b[so + i] = bv;
            float u = (nesterov ? gv + bv * mu : bv) * lr;
            w[wo + i] -= u;
            u2 += u * u;
        }
        return u2;
    }

    @Override
    public float adagrad(float[] w, int wo, float[] g, int go, float[] s, int so, int n, float clr, float eps) {
        return adagrad(w, wo, g, go, s, so, 0, n, clr, eps, 0f);
    }

    /** {@link #adagrad} over elements {@code [from, n)}, adding the squared updates to {@code u2}. */
    static float adagrad(float[] w, int wo, float[] g, int go, float[] s, int so, int from, int n, float clr, float eps, float u2) {
        for (int i = from; i < n; i++) {
            float gv = g[go + i];
            float sv = s[so + i] + gv * gv;
            s[so + i] = sv;
            float u = gv * clr / ((float) Math.sqrt(sv) + eps);
            w[wo + i] -= u;
            u2 += u * u;
        }
        return u2;
    }

    @Override
    public float sumInverseDenominator(float[] v, int so, int n, float c, float eps) {
        return sumInverseDenominator(v, so, 0, n, c, eps, 0f, 0);
    }

    /**
     * {@link #sumInverseDenominator} continuing over elements {@code [from, n)} from the sum
     * {@code s} over {@code k} elements with a history in {@code [0, from)}.
     */
    static float sumInverseDenominator(float[] v, int so, int from, int n, float c, float eps, float s, int k) {
        for (int i = from; i < n; i++) {
            float vi = v[so + i];
            if (vi > 0) {
                s += 1f / ((float) Math.sqrt(vi) * c + eps);
                k++;
            }
        }
        return k == 0 ? 0f : k == n ? s : s * n / k;
    }

    @Override
    public String name() { return "scalar"; }
}
