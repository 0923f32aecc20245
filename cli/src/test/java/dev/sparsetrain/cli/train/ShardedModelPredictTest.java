package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.train.CtrCommandsTest.Result;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.models.sparsenn.ShardedModelFiles;
import dev.sparsetrain.models.sparsenn.SparseNN;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ctr-predict on a directory of id-partitioned part files (the sharded Spark trainer's format,
 * {@link ShardedModelFiles}): the same figures as on the model file it was cut from; a part of
 * another shard layout is refused in one line with exit code 2.
 */
class ShardedModelPredictTest {
    /** Cuts model file {@code file} into {@code S} part files (every row) plus dense.model and the manifest. */
    static void cut(Path file, Path dir, int S) throws Exception {
        ModelFile.Contents c = ModelFile.read(file);
        SparseNN m = SparseNN.fromContents(file, c);
        Files.createDirectories(dir);
        List<Table> sparse = m.sparseTables();
        String[] names = new String[sparse.size()];
        int[] dims = new int[sparse.size()];
        List<List<long[]>> keys = new ArrayList<>();
        for (int s = 0; s < S; s++) keys.add(new ArrayList<>());
        for (int t = 0; t < sparse.size(); t++) {
            names[t] = sparse.get(t).name();
            dims[t] = sparse.get(t).dim();
            for (int r = 0; r < sparse.get(t).rows(); r++) {
                long k = ((long) t << 40) | r;
                keys.get(ShardedModelFiles.shardOf(k, S)).add(new long[] {k, t, r});
            }
        }
        long[] rows = new long[S], crc = new long[S];
        for (int s = 0; s < S; s++) {
            List<long[]> ks = keys.get(s);
            long[] k = new long[ks.size()];
            float[][] v = new float[ks.size()][];
            for (int i = 0; i < k.length; i++) {
                Table x = sparse.get((int) ks.get(i)[1]);
                int r = (int) ks.get(i)[2];
                k[i] = ks.get(i)[0];
                v[i] = Arrays.copyOfRange(x.data(), r * x.dim(), (r + 1) * x.dim());
            }
            crc[s] = ShardedModelFiles.writePart(dir, s, S, names, dims, k, v);
            rows[s] = k.length;
        }
        int[] one = new int[m.numSparse()];
        Arrays.fill(one, 1);
        SparseNN dense = new SparseNN(m.config(), m.sparseNames(), one, m.numDense(), 0);
        for (int t = 0; t < m.denseTables().size(); t++) dense.denseTables().get(t).load(m.denseTables().get(t).data());
        ShardedModelFiles.writeManifest(dir, dense, m.tableRows(), c.metadata(), c.idMaps(), S, rows, crc, 0);
    }

    @Test
    void ctrPredictReadsPartFilesAndRefusesAnotherLayout(@TempDir Path dir) throws Exception {
        Path[] f = CtrPredictCommandTest.split(dir);
        Path model = dir.resolve("m.sptr");
        Result t = CtrCommandsTest.run("ctr-train", "--data", f[0].toString(), "--train-rows", "240", "--quiet", "--threads", "1",
                "--buckets", "1000", "--model", "fm", "--save", model.toString());
        assertEquals(0, t.code(), t.err());
        Path two = dir.resolve("two"), three = dir.resolve("three");
        cut(model, two, 2);
        cut(model, three, 3);
        Result a = CtrCommandsTest.run("ctr-predict", "--model", model.toString(), "--data", f[1].toString(), "--out", dir.resolve("a.csv").toString());
        Result b = CtrCommandsTest.run("ctr-predict", "--model", two.toString(), "--data", f[1].toString(), "--out", dir.resolve("b.csv").toString());
        assertEquals(0, b.code(), b.err());
        System.out.println("model file: " + CtrPredictCommandTest.line(a.out(), "metrics: ") + " | part files: " + CtrPredictCommandTest.line(b.out(), "metrics: "));
        assertEquals(CtrPredictCommandTest.line(a.out(), "metrics: "), CtrPredictCommandTest.line(b.out(), "metrics: "));
        assertTrue(Arrays.equals(CtrPredictCommandTest.probabilities(dir.resolve("a.csv")), CtrPredictCommandTest.probabilities(dir.resolve("b.csv"))));
        Files.copy(three.resolve("part-00002-of-00003.model"), two.resolve("part-00002-of-00003.model"));
        Result bad = CtrCommandsTest.run("ctr-predict", "--model", two.toString(), "--data", f[1].toString(), "--out", dir.resolve("c.csv").toString());
        System.out.println("refused: " + bad.err().strip());
        assertEquals(2, bad.code(), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertTrue(bad.err().contains("3-shard layout") && bad.err().contains("describes 2 shards"), bad.err());
        assertTrue(!Files.exists(dir.resolve("c.csv")), "nothing written");
    }
}
