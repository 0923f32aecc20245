package dev.sparsetrain.spark;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Bytes shuffled by a Spark application, summed from every finished task's metrics (Spark's
 * {@code ShuffleReadMetrics.totalBytesRead}, local and remote, and
 * {@code ShuffleWriteMetrics.bytesWritten}) by a {@link SparkListener}. {@link #total} first
 * waits for the listener bus to deliver the events already posted, so that a figure taken after
 * a job includes all its tasks. One listener per context ({@link #on}); thread-safe.
 */
public final class ShuffleBytes extends SparkListener {
    private final AtomicLong read = new AtomicLong(), written = new AtomicLong();
    private final JavaSparkContext sc;

    private static final java.util.Map<JavaSparkContext, ShuffleBytes> BY_CONTEXT = new java.util.WeakHashMap<>();

    private ShuffleBytes(JavaSparkContext sc) { this.sc = sc; }

    /** This context's listener, registered on first use. */
    public static synchronized ShuffleBytes on(JavaSparkContext sc) {
        return BY_CONTEXT.computeIfAbsent(sc, c -> {
            ShuffleBytes b = new ShuffleBytes(c);
            c.sc().addSparkListener(b);
            return b;
        });
    }

    /** Shuffle read and write bytes. */
    public record Bytes(long read, long written) implements java.io.Serializable {
        public Bytes minus(Bytes o) { return new Bytes(read - o.read, written - o.written); }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        TaskMetrics m = e.taskMetrics();
        if (m == null) return;
        read.addAndGet(m.shuffleReadMetrics().totalBytesRead());
        written.addAndGet(m.shuffleWriteMetrics().bytesWritten());
    }

    /** The bytes of every task finished so far (after the events already posted have been delivered). */
    public Bytes total() {
        try {
            sc.sc().listenerBus().waitUntilEmpty(60_000L);
        } catch (java.util.concurrent.TimeoutException e) {
            // a figure without the last events is still a lower bound; training goes on
        }
        return new Bytes(read.get(), written.get());
    }

    /** {@code 12.3 MB}-style text (powers of 1000). */
    public static String human(long b) {
        if (b < 1000) return b + " B";
        if (b < 1_000_000) return String.format(Locale.ROOT, "%.1f kB", b / 1e3);
        if (b < 1_000_000_000) return String.format(Locale.ROOT, "%.1f MB", b / 1e6);
        return String.format(Locale.ROOT, "%.2f GB", b / 1e9);
    }
}
