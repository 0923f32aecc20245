package dev.sparsetrain.models.sparsenn;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntConsumer;

/**
 * A fixed team of {@code n} workers that run one task per phase: the caller is worker 0, {@code
 * n - 1} daemon threads are the others, and two barriers bracket every phase, so the caller sees
 * every worker's writes when {@link #run(IntConsumer)} returns. One phase per mini-batch costs two
 * barrier crossings (a few microseconds), small against a batch of 256 SparseNN samples.
 * Not reentrant; close when done.
 */
final class Workers implements AutoCloseable {
    private final int n;
    private final Thread[] threads;
    private final CyclicBarrier start, end;
    private volatile IntConsumer task;
    private volatile boolean closed;
    private volatile Throwable failure;

    Workers(int n, String name) {
        this.n = n;
        start = new CyclicBarrier(n);
        end = new CyclicBarrier(n);
        threads = new Thread[n - 1];
        for (int w = 1; w < n; w++) {
            final int id = w;
            Thread t = new Thread(() -> loop(id), name + "-" + w);
            t.setDaemon(true);
            threads[w - 1] = t;
            t.start();
        }
    }

    int size() { return n; }

    private void loop(int id) {
        try {
            while (true) {
                start.await();
                if (closed) return;
                try {
                    task.accept(id);
                } catch (Throwable e) {
                    failure = e;
                }
                end.await();
            }
        } catch (InterruptedException | BrokenBarrierException e) {
            // closing
        }
    }

    /** Runs {@code t.accept(w)} for every worker w in [0, n) and waits for all. */
    void run(IntConsumer t) {
        task = t;
        if (n == 1) {
            t.accept(0);
            return;
        }
        try {
            start.await();
            try {
                t.accept(0);
            } catch (Throwable e) {
                failure = e;
            }
            end.await();
        } catch (InterruptedException | BrokenBarrierException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("worker team interrupted", e);
        }
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error er) throw er;
            throw new IllegalStateException(f);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (n > 1) {
            try {
                start.await();
            } catch (InterruptedException | BrokenBarrierException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
