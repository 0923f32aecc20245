package dev.sparsetrain.models.sparsenn;

import java.util.SplittableRandom;

/**
 * The sample order of each pass ({@link TrainConfig.Shuffle}): pass p's order is the p-th draw of
 * one generator seeded with the configuration's seed, so any pass can be laid out again (a resumed
 * run, a retried pass, a distributed trainer laying out a pass as one machine would).
 */
public final class PassOrder {
    private final TrainConfig.Shuffle mode;
    private final int partitions;
    private final long seed;
    private final int[] order;
    private SplittableRandom rnd;
    private int drawn;

    PassOrder(int rows, TrainConfig config) {
        this.mode = config.shuffle();
        this.partitions = config.partitions();
        this.seed = config.seed();
        this.order = new int[rows];
        restart();
    }

    private void restart() {
        rnd = new SplittableRandom(seed);
        drawn = 0;
    }

    /** The order of pass {@code pass} (1-based); the array is reused by the next call. */
    int[] pass(int pass) {
        if (pass <= drawn) restart();
        while (drawn < pass) {
            shuffle(order, mode, partitions, rnd);
            drawn++;
        }
        return order;
    }

    /** One pass's order drawn from {@code rnd} (one call per pass). */
    public static void shuffle(int[] order, TrainConfig.Shuffle mode, int partitions, SplittableRandom rnd) {
        int n = order.length;
        for (int i = 0; i < n; i++) order[i] = i;
        switch (mode) {
            case NONE -> { }
            case ALL -> shuffleRange(order, 0, n, rnd);
            case WITHIN_PARTITION -> {
                int p = Math.min(partitions, n);
                for (int k = 0; k < p; k++) shuffleRange(order, (int) ((long) n * k / p), (int) ((long) n * (k + 1) / p), rnd);
            }
        }
    }

    private static void shuffleRange(int[] a, int from, int to, SplittableRandom rnd) {
        for (int i = to - 1; i > from; i--) {
            int j = from + rnd.nextInt(i - from + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
