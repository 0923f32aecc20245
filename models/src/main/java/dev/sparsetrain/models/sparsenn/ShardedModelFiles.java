package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * A model saved as id-partitioned part files: the format of the sharded Spark trainers
 * ({@code spark}'s {@code ShardedCtrTrainer} for click models, read by {@link ClickModel#load}, so by
 * {@code ctr-predict} and {@code serve}; {@code ShardedBprTrainer} for BPR-MF, read through
 * {@link #readAny} by {@code evaluate}, {@code recommend} and {@code serve}) when the model path is a directory.
 *
 * <pre>
 *   DIR/manifest.properties             format=1, model, shards=S, partitioner, init.seed, table.&lt;t&gt;.name/.rows/.dim,
 *                                       part.&lt;s&gt;.file/.rows/.crc32, dense.file/.crc32
 *   DIR/dense.model                     a SparseNN model file with the dense tensors only (its configuration names the full table sizes),
 *                                       or another model type's header (BPR-MF: configuration, metadata, id maps, no tables),
 *                                       the metadata and the id maps (the encoder)
 *   DIR/part-&lt;s&gt;-of-&lt;S&gt;.model          shard s: for each sparse table with rows there, "ids/&lt;table&gt;" (n x 2: the ids in 16-bit pieces)
 *                                       and "&lt;table&gt;" (n x dim): the rows whose key (table &lt;&lt; 40 | id) Spark's HashPartitioner
 *                                       puts in shard s ({@link #shardOf}); metadata shard, shards
 * </pre>
 * A row in no part file was never trained; its value is {@link RowInit}'s for {@code init.seed}.
 * Every file is a {@link ModelFile} (versioned, checksummed); the manifest also holds each part's
 * CRC-32, so a part file from another save or another shard layout is refused in one line
 * (exit code 2) naming both layouts. Loading assembles the whole model in memory (one machine scores with it),
 * in the model's own tables when the loader places them ({@link #read(Path, java.util.function.Function)}: no second copy).
 * Writers: {@link #writePart} per shard (on the executor that holds it), then
 * {@link #writeManifest}; the caller writes into a temporary directory and renames it, so no reader
 * sees a half-written set.
 */
public final class ShardedModelFiles {
    private ShardedModelFiles() {}

    public static final String MANIFEST = "manifest.properties", DENSE = "dense.model", PART_TYPE = "sparsenn-part";
    /** How keys map to shards, recorded in the manifest: Spark's {@code HashPartitioner} over the boxed long key. */
    public static final String PARTITIONER = "spark-hash(table<<40|id)";
    private static final Pattern PART = Pattern.compile("part-(\\d+)-of-(\\d+)\\.model");

    /** The file name of shard {@code s} of {@code S}. */
    public static String partName(int s, int S) {
        return String.format(java.util.Locale.ROOT, "part-%05d-of-%05d.model", s, S);
    }

    /** The shard of a key under Spark's {@code HashPartitioner(S)}: {@code nonNegativeMod(Long.hashCode(key), S)}. */
    public static int shardOf(long key, int S) {
        return Math.floorMod(Long.hashCode(key), S);
    }

    /** Whether {@code p} is a directory holding a manifest. */
    public static boolean isSharded(Path p) {
        return Files.isDirectory(p) && Files.exists(p.resolve(MANIFEST));
    }

    /**
     * Writes shard {@code s} of {@code S} into {@code dir}: rows {@code rows[i]} (their first
     * {@code dims[table]} floats, the weights) of keys {@code keys[i]}; returns the file's CRC-32.
     */
    public static long writePart(Path dir, int s, int S, String[] tableNames, int[] dims, long[] keys, float[][] rows) {
        int T = tableNames.length;
        int[] n = new int[T];
        for (long k : keys) n[(int) (k >>> 40)]++;
        Table[] ids = new Table[T], w = new Table[T];
        int[] fill = new int[T];
        for (int t = 0; t < T; t++) {
            if (n[t] == 0) continue;
            ids[t] = Table.embedding("ids/" + tableNames[t], n[t], 2);
            w[t] = Table.embedding(tableNames[t], n[t], dims[t]);
        }
        for (int i = 0; i < keys.length; i++) {
            int t = (int) (keys[i] >>> 40), j = fill[t]++;
            long id = keys[i] & ((1L << 40) - 1);
            if (id > Integer.MAX_VALUE) throw new BadInputException("row id " + id + " of table " + tableNames[t] + " exceeds 2^31-1");
            ids[t].data()[2 * j] = (id >>> 16) & 0xffff;
            ids[t].data()[2 * j + 1] = id & 0xffff;
            System.arraycopy(rows[i], 0, w[t].data(), j * dims[t], dims[t]);
        }
        List<Table> tables = new ArrayList<>();
        for (int t = 0; t < T; t++) {
            if (n[t] == 0) continue;
            tables.add(ids[t]);
            tables.add(w[t]);
        }
        Path file = dir.resolve(partName(s, S));
        ModelFile.write(file, new ModelFile.Contents(PART_TYPE, "{\"shard\":" + s + ",\"shards\":" + S + "}",
                Map.of("shard", Integer.toString(s), "shards", Integer.toString(S), "partitioner", PARTITIONER), Map.of(), tables));
        return crc(file);
    }

    /** Fills a set's temporary directory ({@link #writeSet}): its parts, then the manifest. */
    @FunctionalInterface
    public interface SetWriter {
        void write(Path tmp);
    }

    /**
     * Writes a part-file set atomically: {@code w} fills a new temporary directory beside
     * {@code dir} (on the same file system), which is then renamed to {@code dir}, so no reader sees
     * half a set. {@code where} starts the one-line messages (the option and the directory).
     * {@code dir} must not exist; the callers refuse that first, in their own words.
     */
    public static void writeSet(Path dir, String where, SetWriter w) {
        Path abs = dir.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot create (" + e.getMessage() + ")");
        }
        w.write(tmp);
        try {
            Files.move(tmp, abs, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BadInputException(where + ": cannot rename " + tmp + " (" + e.getMessage() + ")");
        }
    }

    /**
     * Writes {@code dir/dense.model} ({@code dense}'s dense tensors; its configuration with the
     * full {@code tableRows}) and the manifest, after every part is written.
     */
    public static void writeManifest(Path dir, SparseNN dense, int[] tableRows, Map<String, String> metadata, Map<String, List<String>> idMaps,
                                     int S, long[] partRows, long[] partCrc, long initSeed) {
        ModelFile.Contents tiny = dense.contents(metadata, idMaps);
        StringBuilder rows = new StringBuilder("\"tableRows\":[");
        for (int f = 0; f < tableRows.length; f++) rows.append(f > 0 ? "," : "").append(tableRows[f]);
        String json = tiny.configJson().replaceFirst("\"tableRows\":\\[[^\\]]*\\]\\}$", Matcher.quoteReplacement(rows + "]}"));
        List<Table> sparse = dense.sparseTables();
        String[] names = new String[sparse.size()];
        int[] all = new int[names.length], dims = new int[names.length];
        for (int t = 0; t < names.length; t++) {
            names[t] = sparse.get(t).name();
            all[t] = tableRows[t % tableRows.length];
            dims[t] = sparse.get(t).dim();
        }
        writeManifest(dir, new ModelFile.Contents(tiny.modelType(), json, tiny.metadata(), tiny.idMaps(), dense.denseTables()),
                names, all, dims, dense.config().embeddingInitStd(), S, partRows, partCrc, initSeed);
    }

    /**
     * Writes {@code dir/dense.model} ({@code header}: the model type, configuration, metadata, id
     * maps and the tables that are not sharded, none for BPR-MF) and the manifest naming the sharded
     * tables {@code tableNames} (table index t of the keys {@code t << 40 | id}), after every part
     * is written. Any model type whose loader takes {@link ModelFile.Contents} can be saved so;
     * {@link #read} gives back the header's contents with the sharded tables whole.
     */
    public static void writeManifest(Path dir, ModelFile.Contents header, String[] tableNames, int[] tableRows, int[] dims, double initStd,
                                     int S, long[] partRows, long[] partCrc, long initSeed) {
        ModelFile.write(dir.resolve(DENSE), header);
        Properties p = new Properties();
        p.setProperty("format", "1");
        p.setProperty("model", header.modelType());
        p.setProperty("shards", Integer.toString(S));
        p.setProperty("partitioner", PARTITIONER);
        p.setProperty("init.seed", Long.toString(initSeed));
        p.setProperty("init.std", Double.toString(initStd));
        p.setProperty("tables", Integer.toString(tableNames.length));
        for (int t = 0; t < tableNames.length; t++) {
            p.setProperty("table." + t + ".name", tableNames[t]);
            p.setProperty("table." + t + ".rows", Integer.toString(tableRows[t]));
            p.setProperty("table." + t + ".dim", Integer.toString(dims[t]));
        }
        for (int s = 0; s < S; s++) {
            p.setProperty("part." + s + ".file", partName(s, S));
            p.setProperty("part." + s + ".rows", Long.toString(partRows[s]));
            p.setProperty("part." + s + ".crc32", Long.toString(partCrc[s]));
        }
        p.setProperty("dense.file", DENSE);
        p.setProperty("dense.crc32", Long.toString(crc(dir.resolve(DENSE))));
        try (Writer w = Files.newBufferedWriter(dir.resolve(MANIFEST), StandardCharsets.UTF_8)) {
            p.store(w, "sparsetrain sharded " + header.modelType() + " model");
        } catch (IOException e) {
            throw new BadInputException(dir.resolve(MANIFEST) + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    /** The model type a part-file set's manifest records ({@link SparseNN#MODEL_TYPE} for sets written before it was recorded). */
    public static String modelType(Path dir) {
        return manifest(dir).getProperty("model", SparseNN.MODEL_TYPE);
    }

    /** A model file, or a directory of part files ({@link #isSharded}) read whole. */
    public static ModelFile.Contents readAny(Path file) {
        return isSharded(file) ? read(file) : ModelFile.read(file);
    }

    private static Properties manifest(Path dir) {
        Path mf = dir.resolve(MANIFEST);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(mf, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new BadInputException(mf + ": cannot read the manifest (" + e.getMessage() + ")");
        }
        return p;
    }

    /** Reads a part-file set into one model file's contents (every sparse table whole); bad sets are refused in one line. */
    public static ModelFile.Contents read(Path dir) {
        return read(dir, null);
    }

    /**
     * {@link #read(Path)} with each table where {@code placement} says, as {@link
     * ModelFile#read(Path, java.util.function.Function)} does for one file (built from the dense
     * file's header; null: every table new): a loader passes its model's own tables, so the sparse
     * tables are assembled in place (rows never trained get {@link RowInit}'s values, the parts'
     * rows are copied in one part at a time) and no second copy of the model exists. The returned
     * contents list every table read into a table (the caller's or new). After a refusal the
     * caller's tables may be partly overwritten: discard them.
     */
    public static ModelFile.Contents read(Path dir, java.util.function.Function<ModelFile.Header, ModelFile.Placement> placement) {
        Path mf = dir.resolve(MANIFEST);
        Properties p = manifest(dir);
        if (!"1".equals(p.getProperty("format"))) throw new BadInputException(mf + ": manifest format " + p.getProperty("format") + ", this build reads 1");
        int S = integer(p, mf, "shards");
        if (!PARTITIONER.equals(p.getProperty("partitioner"))) {
            throw new BadInputException(mf + ": partitioner '" + p.getProperty("partitioner") + "', this build reads '" + PARTITIONER + "'");
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "part-*")) {
            for (Path f : ds) {
                Matcher m = PART.matcher(f.getFileName().toString());
                if (m.matches() && Integer.parseInt(m.group(2)) != S) {
                    throw new BadInputException(f + ": a part of a " + Integer.parseInt(m.group(2)) + "-shard layout, but " + mf + " describes "
                            + S + " shards; save again, or keep one layout per directory");
                }
            }
        } catch (IOException e) {
            throw new BadInputException(dir + ": cannot list (" + e.getMessage() + ")");
        }
        Path df = dir.resolve(p.getProperty("dense.file", DENSE));
        long wantDense = Long.parseLong(p.getProperty("dense.crc32", "-1")), gotDense = crc(df);
        if (gotDense != wantDense) throw new BadInputException(df + ": CRC-32 " + gotDense + " differs from the manifest's " + wantDense);
        ModelFile.Placement place = placement == null ? null : placement.apply(ModelFile.readHeader(df));
        long seed = Long.parseLong(p.getProperty("init.seed", "0"));
        double std = Double.parseDouble(p.getProperty("init.std", "0.05"));
        int T = integer(p, mf, "tables");
        Table[] sparse = new Table[T];
        for (int t = 0; t < T; t++) {
            String name = p.getProperty("table." + t + ".name");
            int rows = integer(p, mf, "table." + t + ".rows"), dim = integer(p, mf, "table." + t + ".dim");
            Table x = place == null ? null : place.into(name, Table.Kind.EMBEDDING, rows, dim);
            if (x != null && (x.rows() != rows || x.dim() != dim)) {
                throw new BadInputException(mf + ": table '" + name + "' is " + rows + " x " + dim + ", the model needs " + x.rows() + " x " + x.dim());
            }
            if (x == null) x = Table.embedding(name, rows, dim);
            for (int r = 0; r < rows; r++) RowInit.fill(x.block(r), x.offset(r), dim, seed, t, r, name, std);
            sparse[t] = x;
        }
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        for (int t = 0; t < T; t++) index.put(sparse[t].name(), t);
        for (int s = 0; s < S; s++) {
            Path f = dir.resolve(p.getProperty("part." + s + ".file", partName(s, S)));
            if (!Files.exists(f)) throw new BadInputException(f + ": part " + s + " of " + S + " named by " + mf + " is missing");
            long want = Long.parseLong(p.getProperty("part." + s + ".crc32", "-1")), got = crc(f);
            ModelFile.Contents c = ModelFile.read(f);
            String ps = c.metadata().get("shards"), pi = c.metadata().get("shard");
            if (!PART_TYPE.equals(c.modelType()) || ps == null || pi == null) throw new BadInputException(f + ": not a part file of a sharded model");
            if (Integer.parseInt(ps) != S || Integer.parseInt(pi) != s) {
                throw new BadInputException(f + ": shard " + pi + " of a " + ps + "-shard layout, but " + mf + " expects shard " + s + " of " + S);
            }
            if (got != want) throw new BadInputException(f + ": CRC-32 " + got + " differs from the manifest's " + want + " (a part of another save)");
            for (Table w : c.tables()) {
                if (w.name().startsWith("ids/")) continue;
                Integer t = index.get(w.name());
                Table ids = c.table("ids/" + w.name());
                if (t == null || ids == null || ids.rows() != w.rows() || w.dim() != sparse[t].dim()) {
                    throw new BadInputException(f + ": table '" + w.name() + "' does not match the manifest's tables");
                }
                Table x = sparse[t];
                for (int j = 0; j < w.rows(); j++) {
                    long id = ((long) ids.data()[2 * j] << 16) | (long) ids.data()[2 * j + 1];
                    if (id >= x.rows() || shardOf(((long) t << 40) | id, S) != s) {
                        throw new BadInputException(f + ": row " + id + " of '" + w.name() + "' does not belong to shard " + s + " of " + S
                                + " (table of " + x.rows() + " rows)");
                    }
                    System.arraycopy(w.data(), j * w.dim(), x.block((int) id), x.offset((int) id), w.dim());
                }
            }
        }
        ModelFile.Contents d = ModelFile.read(df, place == null ? null : h -> place);
        List<Table> all = new ArrayList<>(List.of(sparse));
        all.addAll(d.tables());
        return new ModelFile.Contents(d.modelType(), d.configJson(), d.metadata(), d.idMaps(), all);
    }

    private static int integer(Properties p, Path where, String key) {
        String v = p.getProperty(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadInputException(where + ": '" + key + "' is " + v + ", expected an integer");
        }
    }

    /** The CRC-32 of a file's bytes. */
    public static long crc(Path f) {
        CRC32 c = new CRC32();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) c.update(buf, 0, n);
        } catch (IOException e) {
            throw new BadInputException(f + ": cannot read (" + e.getMessage() + ")");
        }
        return c.getValue();
    }
}
