package dev.sparsetrain.models.bpr;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link BprKernel}; loaded reflectively only when the module is present. */
final class PanamaBprKernel extends BprKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    boolean usable() { return S.length() >= 4; }

    @Override
    String name() { return "vector(" + S.length() + " lanes)"; }

    @Override
    double step(float[] P, float[] Q, float[] B, int k, int u, int i, int j,
                float lr, float reg, float lrb, float regb, boolean wantLoss, float[] scratch) {
        final int pu = u * k, qi = i * k, qj = j * k;
        final int L = S.length();
        final int bound = S.loopBound(k);
        FloatVector acc = FloatVector.zero(S);
        int f = 0;
        for (; f < bound; f += L) {
            FloatVector p = FloatVector.fromArray(S, P, pu + f);
            FloatVector d = FloatVector.fromArray(S, Q, qi + f).sub(FloatVector.fromArray(S, Q, qj + f));
            acc = p.fma(d, acc);
        }
        // Not reduceLanes(ADD): its summation order differs between the interpreter and C2's
        // intrinsic, which would break bit-for-bit reproducibility. Sum the lanes in order instead.
        float[] lanes = scratch;
        acc.intoArray(lanes, 0);
        float x = 0;
        for (int t = 0; t < L; t++) x += lanes[t];
        x += B[i] - B[j];
        for (; f < k; f++) x += P[pu + f] * (Q[qi + f] - Q[qj + f]);
        float g = (float) (1.0 / (1.0 + Math.exp(x)));
        float lg = lr * g, decay = 1f - lr * reg;
        FloatVector vlg = FloatVector.broadcast(S, lg), vnlg = FloatVector.broadcast(S, -lg), vdec = FloatVector.broadcast(S, decay);
        for (f = 0; f < bound; f += L) {
            FloatVector p = FloatVector.fromArray(S, P, pu + f);
            FloatVector a = FloatVector.fromArray(S, Q, qi + f);
            FloatVector b = FloatVector.fromArray(S, Q, qj + f);
            a.sub(b).fma(vlg, p.mul(vdec)).intoArray(P, pu + f);
            p.fma(vlg, a.mul(vdec)).intoArray(Q, qi + f);
            p.fma(vnlg, b.mul(vdec)).intoArray(Q, qj + f);
        }
        for (; f < k; f++) {
            float p = P[pu + f], a = Q[qi + f], b = Q[qj + f];
            P[pu + f] = decay * p + lg * (a - b);
            Q[qi + f] = decay * a + lg * p;
            Q[qj + f] = decay * b - lg * p;
        }
        float bi = B[i], bj = B[j];
        B[i] = bi + lrb * (g - regb * bi);
        B[j] = bj + lrb * (-g - regb * bj);
        return wantLoss ? softplusNeg(x) : 0;
    }
}
