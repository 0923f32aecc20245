package dev.sparsetrain.data.ctr;

import dev.sparsetrain.core.BadInputException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Encoded blocks of a row range of a click log, read, parsed and encoded by a background thread
 * ("ctr-reader") into a bounded queue, so that parsing overlaps training and at most
 * {@code queueBlocks + 2} blocks are in memory at any time (the one being filled, the queued ones,
 * the one being consumed).
 *
 * <p>The range is {@code rows} good rows starting after file line {@code afterLine}. A bad row
 * (or a read error) in the reader thread is handed to the consumer: {@link #next()} throws the same
 * {@link BadInputException} (one line, {@code file:line: problem}) that {@link CtrReader} would.
 * When {@code exact} is set, a file that ends before {@code rows} rows is refused (the file changed
 * since its rows were counted); otherwise the range simply ends there.
 *
 * <p>One consumer thread; {@link #close()} stops the reader (also mid-range).
 */
public final class CtrBlockReader implements AutoCloseable {
    private static final Object END = new Object();
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private volatile boolean closed;
    private boolean ended;
    private long delivered;

    /**
     * @param afterLine the file line after which the range starts (as {@link CtrLogStream#line()})
     * @param rows      good rows to read (Long.MAX_VALUE: to the end of the file)
     */
    public CtrBlockReader(Path file, CtrSchema schema, boolean skipBad, long afterLine, long rows, boolean exact, FeatureEncoder encoder,
                          int blockRows, int queueBlocks) {
        if (blockRows < 1 || queueBlocks < 1) throw new IllegalArgumentException("blockRows and queueBlocks must be >= 1");
        queue = new ArrayBlockingQueue<>(queueBlocks);
        CtrLogStream.check(file);
        thread = new Thread(() -> run(file, schema, skipBad, afterLine, rows, exact, encoder, blockRows), "ctr-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Path file, CtrSchema schema, boolean skipBad, long afterLine, long rows, boolean exact, FeatureEncoder encoder,
                     int blockRows) {
        try (CtrLogStream in = new CtrLogStream(file, schema, skipBad)) {
            if (afterLine > in.line() && !in.skipLines(afterLine - in.line()) && exact) {
                throw new BadInputException(file + ": ended before line " + afterLine + "; did the file change since its rows were counted?");
            }
            long left = rows;
            while (left > 0 && !closed) {
                CtrRawData raw = in.next((int) Math.min(blockRows, left));
                if (raw.rows() == 0) {
                    if (exact) {
                        throw new BadInputException(file + ":" + in.line() + ": the file ended after " + (rows - left) + " of the " + rows
                                + " rows of this range; did the file change since its rows were counted?");
                    }
                    break;
                }
                left -= raw.rows();
                if (!put(encoder.encode(raw))) return;
            }
            put(END);
        } catch (RuntimeException e) {
            put(e);
        } catch (Error e) {
            put(new IllegalStateException("reader thread: " + e, e));
        }
    }

    /** Queues {@code o}, waiting while the queue is full; false when closed meanwhile. */
    private boolean put(Object o) {
        try {
            while (!closed) {
                if (queue.offer(o, 100, TimeUnit.MILLISECONDS)) return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** The next block in file order, or null after the last; rethrows the reader's failure. */
    public CtrData next() {
        if (ended) return null;
        Object o;
        try {
            o = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the click-log reader", e);
        }
        if (o == END) {
            ended = true;
            return null;
        }
        if (o instanceof RuntimeException e) {
            ended = true;
            if (e instanceof BadInputException b) throw new BadInputException(b.getMessage());   // this thread's stack, the same line
            throw new IllegalStateException("click-log reader failed: " + e, e);
        }
        CtrData d = (CtrData) o;
        delivered += d.rows();
        return d;
    }

    /** Rows handed out so far. */
    public long delivered() { return delivered; }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        queue.clear();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
