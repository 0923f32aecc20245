package dev.sparsetrain.metrics.ranking;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.Interactions;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batch top-K serving: the {@code k} best items for each of many users, items the user already
 * knows left out, computed on several threads and handed to a {@link Sink} in the order of the
 * users given, so the output does not depend on the thread count.
 *
 * <p>Per user: {@code scorer.scoreAll(u)}, then a {@link TopK} selection over the items outside
 * the union of the {@code exclude} sets (O(items log k)); the ranking is {@link TopK}'s (score
 * descending, ties by lower item index), the one {@link RankingEvaluator} evaluates. Users are
 * processed in blocks of {@value #BLOCK_PER_THREAD} per thread: each block's lists are held in
 * flat arrays and passed to the sink before the next block starts, so memory stays at
 * {@code O(threads * (items + block * k))} whatever the number of users.
 *
 * <p>The models' scorers ({@code BprModel}, {@code VbprModel.scorer()}) are safe for
 * concurrent {@code scoreAll}, which this requires. The sink runs on the calling thread.
 */
public final class Recommendations {
    /** Users per thread in one block. */
    public static final int BLOCK_PER_THREAD = 256;

    private Recommendations() {}

    /** Receives one user's list; {@code items[0..count)} best-first with their scores. */
    @FunctionalInterface
    public interface Sink {
        void accept(int user, int[] items, float[] scores, int count) throws IOException;
    }

    /**
     * Computes the top-{@code k} for every user in {@code users} (in that order; duplicates
     * allowed) and passes each list to {@code sink}.
     *
     * @param exclude known items per user (training, validation...); empty list = nothing left out
     * @throws IOException what the sink throws; the remaining users are then not computed
     */
    public static void forUsers(Scorer scorer, int[] users, List<Interactions> exclude, int k, int threads, Sink sink)
            throws IOException {
        if (k < 1) throw new BadInputException("top-K: k " + k + ", must be >= 1");
        if (threads < 1) throw new BadInputException("top-K: threads " + threads + ", must be >= 1");
        int numItems = scorer.numItems();
        for (Interactions e : exclude) {
            if (e.numItems() != numItems) {
                throw new IllegalArgumentException("exclusion set " + e + " has " + e.numItems() + " items, the model scores " + numItems);
            }
        }
        int nThreads = Math.max(1, Math.min(threads, (users.length + BLOCK_PER_THREAD - 1) / BLOCK_PER_THREAD));
        int block = BLOCK_PER_THREAD * nThreads;
        int kk = Math.min(k, numItems);
        int[] outItems = new int[block * kk];
        float[] outScores = new float[block * kk];
        int[] outCount = new int[block];
        Worker[] workers = new Worker[nThreads];
        for (int w = 0; w < nThreads; w++) workers[w] = new Worker(numItems, kk);
        int[] itemBuf = new int[kk];
        float[] scoreBuf = new float[kk];
        for (int from = 0; from < users.length; from += block) {
            final int start = from, end = Math.min(users.length, from + block);
            AtomicInteger next = new AtomicInteger(start);
            Runnable[] work = new Runnable[nThreads];
            for (int w = 0; w < nThreads; w++) {
                Worker wk = workers[w];
                work[w] = () -> {
                    for (int x = next.getAndAdd(16); x < end; x = next.getAndAdd(16)) {
                        int stop = Math.min(end, x + 16);
                        for (int y = x; y < stop; y++) {
                            int u = users[y];
                            int slot = y - start;
                            outCount[slot] = wk.user(scorer, u, exclude, outItems, outScores, slot * kk);
                        }
                    }
                };
            }
            Parallel.runAll(work, "topk-");
            for (int y = start; y < end; y++) {
                int slot = y - start, c = outCount[slot];
                System.arraycopy(outItems, slot * kk, itemBuf, 0, c);
                System.arraycopy(outScores, slot * kk, scoreBuf, 0, c);
                sink.accept(users[y], itemBuf, scoreBuf, c);
            }
        }
    }

    /** Per-thread scratch: one score array, exclusion stamps and a selector. */
    private static final class Worker {
        final float[] scores;
        final int[] stamp;
        final TopK top;
        final int[] ranked;
        int generation;

        Worker(int numItems, int k) {
            scores = new float[numItems];
            stamp = new int[numItems];
            top = new TopK(k);
            ranked = new int[k];
        }

        int user(Scorer scorer, int u, List<Interactions> exclude, int[] outItems, float[] outScores, int off) {
            if (generation == Integer.MAX_VALUE) {
                java.util.Arrays.fill(stamp, 0);
                generation = 0;
            }
            int g = ++generation;
            for (Interactions e : exclude) {
                if (u >= e.numUsers()) continue;   // a user unknown to that set knows no items there
                int[] idx = e.itemIndices();
                for (int p = e.start(u); p < e.end(u); p++) stamp[idx[p]] = g;
            }
            scorer.scoreAll(u, scores);
            top.reset(scores);
            for (int i = 0; i < scores.length; i++) if (stamp[i] != g) top.offer(i);
            int c = top.drainBestFirst(ranked);
            for (int r = 0; r < c; r++) {
                outItems[off + r] = ranked[r];
                outScores[off + r] = scores[ranked[r]];
            }
            return c;
        }
    }
}
