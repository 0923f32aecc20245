package dev.sparsetrain.metrics.ranking;

/** Runs a few workers on their own platform threads and rethrows the first failure. */
final class Parallel {
    private Parallel() {}

    /** Runs every task (inline when there is only one) and waits for all. */
    static void runAll(Runnable[] work, String name) {
        if (work.length == 1) {
            work[0].run();
            return;
        }
        Thread[] ts = new Thread[work.length];
        Throwable[] err = new Throwable[1];
        for (int w = 0; w < work.length; w++) {
            ts[w] = Thread.ofPlatform().name(name + w).daemon(true).unstarted(work[w]);
            ts[w].setUncaughtExceptionHandler((t, e) -> { synchronized (err) { if (err[0] == null) err[0] = e; } });
            ts[w].start();
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(name + "workers interrupted", e);
            }
        }
        if (err[0] instanceof RuntimeException re) throw re;
        if (err[0] instanceof Error er) throw er;
        if (err[0] != null) throw new IllegalStateException(err[0]);
    }
}
