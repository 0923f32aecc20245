package dev.sparsetrain.models.bpr;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/** Vector API implementation of {@link BprKernel}; loaded reflectively only when the module is present. */
final class PanamaBprKernel extends BprKernel {
    private static final VectorSpecies<Float> S = species();
    private static final int LANES = S.length();
    // Rotations for the fixed-order lane sum of this kernel's species (which may be narrower than
    // core's preferred one): static finals so that C2 sees constant shuffles (see core.PanamaKernels#dot).
    private static final VectorShuffle<Float> R8 = LANES > 8 ? VectorShuffle.iota(S, 8, 1, true) : null;
    private static final VectorShuffle<Float> R4 = LANES > 4 ? VectorShuffle.iota(S, 4, 1, true) : null;
    private static final VectorShuffle<Float> R2 = LANES > 2 ? VectorShuffle.iota(S, 2, 1, true) : null;
    private static final VectorShuffle<Float> R1 = LANES > 1 ? VectorShuffle.iota(S, 1, 1, true) : null;

    /**
     * The preferred species, or a narrower one via {@code -Dsparsetrain.bpr.vectorBits=256|128}
     * (for measuring: rows of 64 floats are not cache-line aligned in a Java array, so wide loads
     * may straddle lines).
     */
    private static VectorSpecies<Float> species() {
        String b = System.getProperty("sparsetrain.bpr.vectorBits", "");
        return switch (b) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> FloatVector.SPECIES_PREFERRED;
        };
    }

    @Override
    boolean usable() { return S.length() >= 4; }

    @Override
    String name() { return "vector(" + S.length() + " lanes)"; }

    @Override
    double step(float[] P, int pu, float[] Qi, int qi, float[] Qj, int qj, float[] Bi, int bi, float[] Bj, int bj, int k,
                float lr, float reg, float lrb, float regb, boolean wantLoss, float[] scratch) {
        final int L = S.length();
        final int bound = S.loopBound(k);
        FloatVector acc = FloatVector.zero(S);
        int f = 0;
        for (; f < bound; f += L) {
            FloatVector p = FloatVector.fromArray(S, P, pu + f);
            FloatVector d = FloatVector.fromArray(S, Qi, qi + f).sub(FloatVector.fromArray(S, Qj, qj + f));
            acc = p.fma(d, acc);
        }
        // the project's fixed-order lane sum, as core.PanamaKernels#dot writes it (not reduceLanes:
        // bit-reproducible whatever the JIT did; written out so that no vector crosses a call)
        if (LANES > 8) acc = acc.add(acc.rearrange(R8));
        if (LANES > 4) acc = acc.add(acc.rearrange(R4));
        if (LANES > 2) acc = acc.add(acc.rearrange(R2));
        if (LANES > 1) acc = acc.add(acc.rearrange(R1));
        float x = acc.lane(0);
        x += Bi[bi] - Bj[bj];
        for (; f < k; f++) x += P[pu + f] * (Qi[qi + f] - Qj[qj + f]);
        float g = (float) (1.0 / (1.0 + Math.exp(x)));
        float lg = lr * g, decay = 1f - lr * reg;
        FloatVector vlg = FloatVector.broadcast(S, lg), vnlg = FloatVector.broadcast(S, -lg), vdec = FloatVector.broadcast(S, decay);
        for (f = 0; f < bound; f += L) {
            FloatVector p = FloatVector.fromArray(S, P, pu + f);
            FloatVector a = FloatVector.fromArray(S, Qi, qi + f);
            FloatVector b = FloatVector.fromArray(S, Qj, qj + f);
            a.sub(b).fma(vlg, p.mul(vdec)).intoArray(P, pu + f);
            p.fma(vlg, a.mul(vdec)).intoArray(Qi, qi + f);
            p.fma(vnlg, b.mul(vdec)).intoArray(Qj, qj + f);
        }
        return update(P, pu, Qi, qi, Qj, qj, Bi, bi, Bj, bj, f, k, g, lr, reg, lrb, regb, wantLoss ? softplusNeg(x) : 0);
    }
}
