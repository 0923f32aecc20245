package dev.sparsetrain.cli.bench;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.MappedModel;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.core.io.Npy;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.Optimizers;
import dev.sparsetrain.optim.ParamGroup;
import dev.sparsetrain.optim.StateMemory;
import dev.sparsetrain.options.DimOption;
import dev.sparsetrain.options.SeedOption;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Tables past one Java array on one machine (issue 12, must-have 1), in two parts that each need
 * a big heap, so run them one at a time:
 * <ul>
 *   <li><b>a</b> ({@code SPARSETRAIN_JAVA_OPTS="-Xmx13g -Xmn512m" ./sparsetrain benchmark scale --part a}):
 *       a 150M-row x 16 embedding table (2.4e9 floats, 9.6 GB, CHUNKED) with row-wise AdaGrad
 *       (FBGEMM's {@code EXACT_ROWWISE_ADAGRAD}: one float of state per row) trains mini-batches of
 *       Criteo-shaped ids: 26 fields share the table (field f owns a contiguous range of rows, the
 *       ranges shrinking geometrically from about 45M rows to a few thousand, as Criteo's
 *       cardinalities do), and each field's id is skewed ({@code floor(c_f * u^3)}: a heavy head, a
 *       long tail reaching every chunk). The model is a pooled-embedding logistic regression,
 *       {@code logit = b + w . sum_f e[id_f]} with a fixed random {@code w}, on labels drawn from a
 *       planted per-id logit; the table is what is measured, not the model. Prints the logloss of
 *       the first and last tenth of the steps, samples/s, row updates/s, timings and peak resident
 *       memory (VmHWM of /proc/self/status).</li>
 *   <li><b>b</b> ({@code SPARSETRAIN_JAVA_OPTS="-Xmx13g -Xmn512m" ./sparsetrain benchmark scale --part b}):
 *       a table of 3 x 10^9 floats (187.5M x 16, 12 GB) is created, filled, updated by a skewed
 *       stream of SGD row updates, checksummed (CRC32C of its floats in row order), saved as a model
 *       file (streaming, chunk by chunk, with the file's CRC32), dropped, read back (the file's CRC32
 *       verified) and checksummed again, then mapped read-only ({@link MappedModel}) and checksummed
 *       a third time from the mapping. The three checksums must agree. A second copy of the table
 *       cannot fit in a 13 GB heap, so finishing is itself the proof that none was made; the peak
 *       resident memory is printed.</li>
 * </ul>
 * The launcher runs ParallelGC, whose old generation (where arrays this big live) is two thirds of
 * -Xmx by default: {@code -Xmn512m} gives it all but half a gigabyte. A heap too small for the
 * table (and its optimizer state) is refused before allocation in one line naming both sizes
 * (exit code 2).
 */
@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Tables past one Java array (2^31 floats) on one machine. Each part needs a big heap; run one at a time:",
                "  SPARSETRAIN_JAVA_OPTS=\"-Xmx13g -Xmn512m\" ./sparsetrain benchmark scale --part a   (150M x 16 table, row-wise AdaGrad, Criteo-shaped ids)",
                "  SPARSETRAIN_JAVA_OPTS=\"-Xmx13g -Xmn512m\" ./sparsetrain benchmark scale --part b   (3e9 floats: create, update, save, reload, mmap, checksums)",
                "(-Xmn512m: ParallelGC keeps a third of -Xmx for the young generation otherwise, and these arrays live in the old one.)",
                "Prints timings and peak resident memory (VmHWM). A heap too small for the table is refused in one line (exit code 2)."})
public final class BenchScaleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--part", required = true, paramLabel = "a|b", description = "a: train a 150M-row table; b: a 3e9-float table through save and reload.")
    String part;

    @Option(names = "--rows", defaultValue = "150000000", description = "Part a: table rows. Default: ${DEFAULT-VALUE}.")
    int rows;

    @Mixin DimOption dimension = new DimOption();

    @Option(names = "--steps", defaultValue = "300", description = "Part a: mini-batch steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--batch", defaultValue = "4096", description = "Part a: samples per step (26 ids each). Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--learning-rate", defaultValue = "0.01", description = "Part a: row-wise AdaGrad learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--floats", defaultValue = "3000000000", description = "Part b: table size in floats (a multiple of --dim). Default: ${DEFAULT-VALUE}.")
    long floats;

    @Option(names = "--updates", defaultValue = "20000000", description = "Part b: SGD row updates before saving. Default: ${DEFAULT-VALUE}.")
    long updates;

    @Option(names = "--dir", paramLabel = "DIR", description = "Part b: folder for the model file (needs floats x 4 bytes free; deleted at the end). Default: the system temp folder.")
    Path dir;

    @Mixin SeedOption seed = new SeedOption(42);

    @Mixin dev.sparsetrain.options.VerboseOption verbose = new dev.sparsetrain.options.VerboseOption();

    static final int FIELDS = 26;

    @Override
    public Integer call() throws IOException {
        int dim = dimension.dim();
        if (dim < 1) throw new BadInputException("--dim " + dim + ": must be >= 1");
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "benchmark scale --part %s: heap -Xmx %s (%s for large arrays), %d cores, layout property %s%n", part,
                gb(Runtime.getRuntime().maxMemory()), gb(Table.heapForLargeArrays()),
                Runtime.getRuntime().availableProcessors(), System.getProperty(Table.LAYOUT_PROPERTY, "auto"));
        w.flush();
        switch (part) {
            case "a" -> partA(w);
            case "b" -> partB(w);
            default -> throw new BadInputException("--part " + part + ": must be a or b");
        }
        return ExitCodes.OK;
    }

    /** Part a: a big table with row-wise AdaGrad trains on a skewed Criteo-shaped id stream. */
    private void partA(PrintWriter w) {
        int dim = dimension.dim();
        if (rows < FIELDS * 10) throw new BadInputException("--rows " + rows + ": must be >= " + FIELDS * 10);
        if (steps < 10 || batch < 1) throw new BadInputException("--steps must be >= 10 and --batch >= 1");
        // refuse before allocating anything: table + row-wise AdaGrad state + the runtime's per-row counters
        Table.requireHeap("table 'item' " + rows + " x " + dim + " floats with row-wise AdaGrad state (12 bytes per row)",
                (long) rows * dim * 4 + 12L * rows);
        long t0 = System.nanoTime();
        Table emb = new Table("item", rows, dim, Table.Kind.EMBEDDING);
        emb.fillUniform(new SplittableRandom(seed.seed()), 0.01);
        double tInit = secs(t0);
        t0 = System.nanoTime();
        Optimizer opt = Optimizer.build(List.of(ParamGroup.of("emb", Optimizers.rowwiseAdagrad(learningRate), "item")), List.of(emb));
        double tOpt = secs(t0);
        long stateBytes = 0;
        for (StateMemory s : opt.stateMemory()) stateBytes += s.stateBytes();
        w.printf(Locale.ROOT, "  table 'item' %,d x %d = %,d floats (%s), %s %d chunks of %,d rows; created and filled in %.1f s%n",
                rows, dim, emb.size(), gb(emb.size() * 4), emb.layout(), emb.chunkCount(), emb.chunkRows(), tInit);
        w.printf(Locale.ROOT, "  row-wise AdaGrad state + row counters: %s, built in %.1f s; resident now %s%n", gb(stateBytes), tOpt, rss("VmRSS"));
        w.flush();

        int[] off = new int[FIELDS], card = new int[FIELDS];
        fields(rows, off, card);
        SplittableRandom rnd = new SplittableRandom(seed.seed() + 1);
        float[] wv = new float[dim];
        for (int c = 0; c < dim; c++) wv[c] = (float) (rnd.nextGaussian() / Math.sqrt(dim));
        float bias = 0f;
        int[] ids = new int[FIELDS];
        float[] pooled = new float[dim];
        int window = Math.max(1, steps / 10);
        double lossFirst = 0, lossLast = 0, plantedFirst = 0, plantedLast = 0;
        long samples = 0, rowUpdates = 0;
        long tTrain = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            RowBatch b = opt.gradients(emb);
            double loss = 0, planted = 0;
            for (int n = 0; n < batch; n++) {
                double pl = 0;
                java.util.Arrays.fill(pooled, 0f);
                for (int f = 0; f < FIELDS; f++) {
                    double u = rnd.nextDouble();
                    int id = off[f] + (int) (card[f] * u * u * u);
                    ids[f] = id;
                    pl += plantedLogit(id);
                    Kernels.axpy(1f, emb.block(id), emb.offset(id), pooled, 0, dim);
                }
                double pStar = 1 / (1 + Math.exp(-pl));
                int y = rnd.nextDouble() < pStar ? 1 : 0;
                double z = bias + Kernels.dot(wv, 0, pooled, 0, dim);
                double p = 1 / (1 + Math.exp(-z));
                loss += logloss(p, y);
                planted += logloss(pStar, y);
                float g = (float) ((p - y) / batch);
                for (int f = 0; f < FIELDS; f++) b.addScaled(ids[f], g, wv, 0);
                bias -= (float) learningRate * g;
            }
            opt.step();
            samples += batch;
            rowUpdates += (long) batch * FIELDS;
            if (s < window) {
                lossFirst += loss;
                plantedFirst += planted;
            }
            if (s >= steps - window) {
                lossLast += loss;
                plantedLast += planted;
            }
        }
        double tt = secs(tTrain);
        double nw = (double) window * batch;
        w.printf(Locale.ROOT, "  trained %d steps x %d samples x %d ids (%,d row gradients) in %.1f s: %,.0f samples/s, %,.0f row updates/s%n",
                steps, batch, FIELDS, rowUpdates, tt, samples / tt, rowUpdates / tt);
        w.printf(Locale.ROOT, "  logloss first %d steps %.4f, last %d steps %.4f (planted model %.4f / %.4f)%n",
                window, lossFirst / nw, window, lossLast / nw, plantedFirst / nw, plantedLast / nw);
        w.printf(Locale.ROOT, "  peak resident memory (VmHWM) %s; heap used %s of %s%n", rss("VmHWM"),
                gb(Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()), gb(Runtime.getRuntime().maxMemory()));
        w.flush();
    }

    /** Part b: 3e9 floats created, updated, saved, dropped, reloaded, mapped; checksums compared. */
    private void partB(PrintWriter w) throws IOException {
        int dim = dimension.dim();
        if (floats % dim != 0 || floats / dim > Integer.MAX_VALUE) {
            throw new BadInputException("--floats " + floats + ": must be a multiple of --dim " + dim + " with at most " + Integer.MAX_VALUE + " rows");
        }
        int n = (int) (floats / dim);
        Table.requireHeap("table 'big' " + n + " x " + dim + " floats", floats * 4);
        Path folder = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
        if (!Files.isDirectory(folder)) throw new BadInputException("--dir " + folder + ": no such folder");
        long free = Files.getFileStore(folder).getUsableSpace();
        if (free < floats * 4 + (1L << 26)) {
            throw new BadInputException("--dir " + folder + ": " + gb(free) + " free, the model file needs " + gb(floats * 4));
        }
        Path file = folder.resolve("sparsetrain-scale-" + ProcessHandle.current().pid() + ".model");
        try {
            long t0 = System.nanoTime();
            Table t = new Table("big", n, dim, Table.Kind.EMBEDDING);
            double tAlloc = secs(t0);
            t0 = System.nanoTime();
            t.fillUniform(new SplittableRandom(seed.seed()), 0.01);
            double tFill = secs(t0);
            w.printf(Locale.ROOT, "  table 'big' %,d x %d = %,d floats (%s), %s %d chunks of %,d rows: allocated in %.1f s, filled in %.1f s; resident %s%n",
                    n, dim, t.size(), gb(t.size() * 4), t.layout(), t.chunkCount(), t.chunkRows(), tAlloc, tFill, rss("VmRSS"));
            w.flush();
            t0 = System.nanoTime();
            SplittableRandom rnd = new SplittableRandom(seed.seed() + 1);
            float[] g = new float[dim];
            for (long k = 0; k < updates; k++) {
                double u = rnd.nextDouble();
                int r = (int) (n * u * u * u);
                for (int c = 0; c < dim; c++) g[c] = (float) rnd.nextGaussian();
                Kernels.axpy(-0.01f, g, 0, t.block(r), t.offset(r), dim);
            }
            double tUpd = secs(t0);
            t0 = System.nanoTime();
            long c1 = crc(t);
            double tCrc = secs(t0);
            w.printf(Locale.ROOT, "  %,d SGD row updates (skewed rows) in %.1f s (%,.0f rows/s); CRC32C of the floats %08x in %.1f s%n",
                    updates, tUpd, updates / tUpd, c1, tCrc);
            w.flush();
            t0 = System.nanoTime();
            ModelFile.write(file, new ModelFile.Contents("table", "{}", Map.of("benchmark", "scale"), Map.of(), List.of(t)));
            double tSave = secs(t0);
            long size = Files.size(file);
            w.printf(Locale.ROOT, "  saved %s (%s) in %.1f s (%.0f MB/s), streaming; peak resident so far %s%n", file, gb(size), tSave, size / 1e6 / tSave,
                    rss("VmHWM"));
            w.flush();
            t = null;   // drop the only copy before reading it back
            System.gc();
            t0 = System.nanoTime();
            Table back = ModelFile.read(file).table("big");
            double tRead = secs(t0);
            long c2 = crc(back);
            w.printf(Locale.ROOT, "  reloaded in %.1f s (%.0f MB/s, file CRC32 verified), %s; CRC32C %08x: %s%n", tRead, size / 1e6 / tRead, back.layout(), c2,
                    c2 == c1 ? "equal" : "DIFFERENT");
            w.flush();
            back = null;
            System.gc();
            String heapPeak = rss("VmHWM");
            t0 = System.nanoTime();
            long c3;
            String fileRss;
            try (MappedModel mm = MappedModel.open(file)) {
                mm.verifyChecksum();
                c3 = crc(mm.table("big"));
                fileRss = rss("RssFile");   // while mapped: what of the file is resident now
            }
            double tMap = secs(t0);
            w.printf(Locale.ROOT, "  memory-mapped, file CRC32 verified and CRC32C of the mapped floats %08x in %.1f s: %s%n", c3, tMap,
                    c3 == c1 ? "equal" : "DIFFERENT");
            w.printf(Locale.ROOT, "  peak resident memory (VmHWM) %s for a %s table through create, update, save and reload (heap -Xmx %s): no second copy%n",
                    heapPeak, gb(floats * 4), gb(Runtime.getRuntime().maxMemory()));
            w.printf(Locale.ROOT, "  after the mapped pass: VmHWM %s (mapped file pages count as resident; they are page cache the kernel may drop: "
                    + "RssFile %s at the end of the pass)%n", rss("VmHWM"), fileRss);
            w.flush();
            if (c2 != c1 || c3 != c1) throw new IllegalStateException("checksums differ after save and reload");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Field f's first row and cardinality: contiguous ranges shrinking by 0.7 per field (Criteo-like skew of cardinalities). */
    static void fields(int rows, int[] off, int[] card) {
        double total = 0;
        for (int f = 0; f < FIELDS; f++) total += Math.pow(0.7, f);
        long sum = 0;
        for (int f = 0; f < FIELDS; f++) {
            card[f] = (int) Math.max(10, Math.floor(rows * Math.pow(0.7, f) / total));
            sum += card[f];
        }
        card[0] += (int) (rows - sum);   // the largest field takes the rounding (every field keeps >= 10 rows: rows >= 260)
        long at = 0;
        for (int f = 0; f < FIELDS; f++) {
            off[f] = (int) at;
            at += card[f];
        }
    }

    /** The planted contribution of one id to the logit: a fixed hash in [-0.3, 0.3]. */
    static double plantedLogit(int id) {
        long h = (id + 1L) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return ((h >>> 40) & 1023) / 1023.0 * 0.6 - 0.3;
    }

    static double logloss(double p, int y) {
        double q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
        return y == 1 ? -Math.log(q) : -Math.log(1 - q);
    }

    /** CRC32C of the table's floats in row order (little-endian bytes, as {@link Npy#writeFloats} streams them). */
    static long crc(Table t) {
        CRC32C crc = new CRC32C();
        try (OutputStream out = new CheckedOutputStream(OutputStream.nullOutputStream(), crc)) {
            Npy.writeFloats(t, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // the null stream does not fail
        }
        return crc.getValue();
    }

    /** The same checksum read from a mapped table, 4096 rows at a time. */
    static long crc(MappedModel.MappedTable t) {
        CRC32C crc = new CRC32C();
        int block = Math.max(1, (1 << 14) / t.dim());
        float[] rows = new float[block * t.dim()];
        byte[] buf = new byte[rows.length * 4];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < t.rows(); r += block) {
            int k = Math.min(block, t.rows() - r);
            t.readRows(r, k, rows, 0);
            bb.clear();
            bb.asFloatBuffer().put(rows, 0, k * t.dim());
            crc.update(buf, 0, k * t.dim() * 4);
        }
        return crc.getValue();
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }

    /** A line of /proc/self/status (VmHWM: peak resident set; VmRSS: now), or "n/a" off Linux. */
    static String rss(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key + ":")) {
                    long kb = Long.parseLong(l.substring(key.length() + 1).trim().split("\\s+")[0]);
                    return gb(kb * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "n/a";
    }
}
