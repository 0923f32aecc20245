package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --stream} and {@code --shuffle-buffer}: whether a click log is read whole into memory or
 * streamed from disk pass by pass ({@code models.sparsenn.CtrTrainer#trainable(dev.sparsetrain.data.ctr.CtrStreamSplit, int)}), and the streamed
 * passes' shuffle buffer. {@code auto} (the default) streams when the log's estimated in-memory
 * size ({@link ClickDataOptions#estimatedInMemoryBytes()}) exceeds {@link #HEAP_FRACTION} of the
 * heap, and says so in one line. Not thread-safe (filled by picocli).
 */
public final class StreamOptions {
    /** auto streams above this fraction of the maximum heap. */
    public static final double HEAP_FRACTION = 0.5;

    @Option(names = "--stream", arity = "0..1", fallbackValue = "on", defaultValue = "auto", paramLabel = "on|off|auto",
            description = "on: read the click log from disk pass by pass (encoder fitted in one streaming pass, a background reader, "
                    + "a bounded shuffle buffer, streamed evaluation), so a log larger than the heap trains; off: read it whole into memory; "
                    + "auto: stream when the log's estimated in-memory size exceeds half the heap (-Xmx). --stream alone means on. Default: ${DEFAULT-VALUE}.")
    private String stream;

    @Option(names = "--shuffle-buffer", paramLabel = "ROWS", defaultValue = "1000000",
            description = "Rows of the streamed passes' shuffle buffer (157 bytes a Criteo row): --shuffle all is exact when the training "
                    + "rows fit it, else approximated by a tf.data-style window of this many rows. Default: ${DEFAULT-VALUE}.")
    private int shuffleBuffer;

    /**
     * Whether to stream and why.
     *
     * @param note one line for the output when auto chose streaming (null otherwise)
     */
    public record Decision(boolean stream, String note) {}

    /** {@code --shuffle-buffer}, checked. */
    public int shuffleBuffer() {
        if (shuffleBuffer < 1) throw new BadInputException("--shuffle-buffer " + shuffleBuffer + ", must be >= 1 row");
        return shuffleBuffer;
    }

    /** Decides for the click log of {@code data} (without {@code --data}: never, and {@code --stream on} is refused). */
    public Decision decide(ClickDataOptions data) {
        String s = stream == null ? "auto" : stream.toLowerCase(Locale.ROOT);
        if (!s.equals("on") && !s.equals("off") && !s.equals("auto")) {
            throw new BadInputException("--stream '" + stream + "', allowed: on, off, auto");
        }
        shuffleBuffer();
        if (data.dataFile() == null) {
            if (s.equals("on")) throw new BadInputException("--stream reads a click log given with --data; synthetic rows are generated in memory");
            return new Decision(false, null);
        }
        if (s.equals("on")) return new Decision(true, null);
        if (s.equals("off")) return new Decision(false, null);
        long need = data.estimatedInMemoryBytes(), max = Runtime.getRuntime().maxMemory();
        if (need < 0 || max == Long.MAX_VALUE || need <= max * HEAP_FRACTION) return new Decision(false, null);
        return new Decision(true, String.format(Locale.ROOT, "stream: chosen automatically: reading %s whole would need about %.1f GiB, "
                + "more than half the %.1f GiB heap; it is read from disk pass by pass (--stream off to read it whole)",
                data.dataFile(), need / 1073741824.0, max / 1073741824.0));
    }
}
