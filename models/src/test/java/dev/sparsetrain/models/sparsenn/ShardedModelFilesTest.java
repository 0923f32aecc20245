package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Part files and manifest ({@link ShardedModelFiles}) round-trip a model; {@link RowInit} fills the rows no part holds. */
class ShardedModelFilesTest {
    static final String[] NAMES = {"a", "b", "c"};
    static final int[] ROWS = {50, 7, 300};

    /** Writes the rows of {@code m} with an odd id (the others stay RowInit's) into S part files. */
    static void save(SparseNN m, Path dir, int S, long seed) throws Exception {
        Files.createDirectories(dir);
        List<Table> sparse = m.sparseTables();
        String[] tn = new String[sparse.size()];
        int[] dims = new int[sparse.size()];
        long[] rows = new long[S], crc = new long[S];
        List<List<Long>> keys = new ArrayList<>();
        for (int s = 0; s < S; s++) keys.add(new ArrayList<>());
        for (int t = 0; t < sparse.size(); t++) {
            tn[t] = sparse.get(t).name();
            dims[t] = sparse.get(t).dim();
            for (int r = 1; r < sparse.get(t).rows(); r += 2) {
                long k = ((long) t << 40) | r;
                keys.get(ShardedModelFiles.shardOf(k, S)).add(k);
            }
        }
        for (int s = 0; s < S; s++) {
            long[] k = keys.get(s).stream().mapToLong(Long::longValue).toArray();
            float[][] v = new float[k.length][];
            for (int i = 0; i < k.length; i++) {
                Table x = sparse.get((int) (k[i] >>> 40));
                int r = (int) (k[i] & 0xffffffffL);
                v[i] = java.util.Arrays.copyOfRange(x.data(), r * x.dim(), (r + 1) * x.dim());
            }
            crc[s] = ShardedModelFiles.writePart(dir, s, S, tn, dims, k, v);
            rows[s] = k.length;
        }
        int[] one = {1, 1, 1};
        SparseNN dense = new SparseNN(m.config(), NAMES, one, 4, 9);
        for (int t = 0; t < m.denseTables().size(); t++) dense.denseTables().get(t).load(m.denseTables().get(t).data());
        ShardedModelFiles.writeManifest(dir, dense, ROWS, Map.of("k", "v"), Map.of(), S, rows, crc, seed);
    }

    @Test
    void roundTripsAndFillsUntouchedRowsFromTheSeed(@TempDir Path dir) throws Exception {
        for (ModelConfig mc : List.of(ModelConfig.defaults(), ModelConfig.defaults().withType(ModelConfig.Type.FM))) {
            SparseNN m = new SparseNN(mc, NAMES, ROWS, 4, 3);
            // odd rows: trained values (here: the model's own initialisation); even rows: RowInit's
            SparseNN want = new SparseNN(mc, NAMES, ROWS, 4, 3);
            RowInit.apply(want, 11);
            for (int t = 0; t < m.sparseTables().size(); t++) {
                Table a = m.sparseTables().get(t), b = want.sparseTables().get(t);
                for (int r = 1; r < a.rows(); r += 2) System.arraycopy(a.data(), r * a.dim(), b.data(), r * b.dim(), a.dim());
            }
            Path d = dir.resolve(mc.type().name());
            save(m, d, 3, 11);
            assertTrue(ShardedModelFiles.isSharded(d));
            SparseNN got = SparseNN.fromContents(d, ShardedModelFiles.read(d));
            assertArrayEquals(ROWS, got.tableRows());
            for (int t = 0; t < want.tables().size(); t++) {
                assertArrayEquals(want.tables().get(t).data(), got.tables().get(t).data(), 0f, want.tables().get(t).name());
            }
            assertEquals("v", ShardedModelFiles.read(d).metadata().get("k"));
            // read with the model's placement (ClickModel.load's path): the same values, assembled in the model's own tables
            SparseNNFile.Loaded placed = SparseNNFile.readParts(d);
            for (int t = 0; t < want.tables().size(); t++) {
                Table own = placed.model().tables().get(t);
                assertArrayEquals(want.tables().get(t).data(), own.data(), 0f, own.name());
                org.junit.jupiter.api.Assertions.assertSame(own, placed.contents().table(own.name()), "no second copy of " + own.name());
            }
        }
    }

    @Test
    void refusesAMissingOrForeignPart(@TempDir Path dir) throws Exception {
        SparseNN m = new SparseNN(ModelConfig.defaults(), NAMES, ROWS, 4, 3);
        Path a = dir.resolve("a"), b = dir.resolve("b");
        save(m, a, 2, 1);
        save(new SparseNN(ModelConfig.defaults(), NAMES, ROWS, 4, 4), b, 2, 1);
        // the same layout, another save: the manifest's checksum catches it
        Files.copy(b.resolve("part-00001-of-00002.model"), a.resolve("part-00001-of-00002.model"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        BadInputException e = assertThrows(BadInputException.class, () -> ShardedModelFiles.read(a));
        assertTrue(e.getMessage().contains("differs from the manifest's"), e.getMessage());
        Files.delete(a.resolve("part-00001-of-00002.model"));
        e = assertThrows(BadInputException.class, () -> ShardedModelFiles.read(a));
        assertTrue(e.getMessage().contains("part 1 of 2") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void rowInitDependsOnlyOnSeedTableAndId() {
        float[] x = new float[16], y = new float[16];
        RowInit.fill(x, 0, 16, 7, 3, 123_456_789L, "emb.c", 0.05);
        RowInit.fill(y, 0, 16, 7, 3, 123_456_789L, "emb.c", 0.05);
        assertArrayEquals(x, y, 0f);
        RowInit.fill(y, 0, 16, 7, 4, 123_456_789L, "emb.c", 0.05);
        assertTrue(!java.util.Arrays.equals(x, y));
        RowInit.fill(y, 0, 16, 7, 3, 123_456_789L, "lin.c", 0.05);
        assertArrayEquals(new float[16], y, 0f);
    }
}
