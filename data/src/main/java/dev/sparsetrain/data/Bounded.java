package dev.sparsetrain.data;

import java.util.SplittableRandom;

/**
 * Division-free bounded random integers for sampling hot loops: {@code below(rnd, n)} maps 32
 * random bits to {@code [0, n)} by a multiply and a shift (Lemire, "Fast Random Integer Generation
 * in an Interval", ACM TOMACS 2019, without the rejection step). {@link SplittableRandom#nextInt(int)}
 * is exactly uniform but pays an integer division (tens of cycles) per call; here the bias is at
 * most {@code n / 2^32} per value (below 1e-6 relative for a million items), far under sampling
 * noise. Deterministic for a given generator state. Stateless and thread-safe.
 */
public final class Bounded {
    private Bounded() {}

    /** A random int in [0, n), n >= 1. */
    public static int below(SplittableRandom rnd, int n) {
        return (int) (((rnd.nextInt() & 0xFFFFFFFFL) * n) >>> 32);
    }
}
