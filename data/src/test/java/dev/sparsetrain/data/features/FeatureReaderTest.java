package dev.sparsetrain.data.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureReaderTest {
    @TempDir Path dir;

    static byte[] npy(String descr, String shape, boolean fortran, byte[] data) {
        String h = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (" + shape + "), }";
        int total = 10 + h.length() + 1;
        int pad = (64 - total % 64) % 64;
        h = h + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) h.length()).put(h.getBytes(StandardCharsets.US_ASCII)).put(data);
        return b.array();
    }

    static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static byte[] f16(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putShort(Float.floatToFloat16(x));
        return b.array();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsNpyFloat32AndFloat16() throws IOException {
        float[] v = {0f, 1.5f, 2.25f, 3f, 100f, 0.125f};
        ItemFeatures a = FeatureReader.read(write("a.npy", npy("<f4", "2, 3", false, f32(v))), 2);
        assertEquals(2, a.rows());
        assertEquals(3, a.dim());
        assertArrayEquals(v, a.values());
        ItemFeatures b = FeatureReader.read(write("b.npy", npy("<f2", "3, 2", false, f16(v))), 3);
        assertArrayEquals(v, b.values());  // exactly representable in float16
    }

    @Test
    void readsRawFloat32WithRowCount() throws IOException {
        ItemFeatures f = FeatureReader.read(write("x.bin", f32(1, 2, 3, 4, 5, 6)), 3);
        assertEquals(2, f.dim());
        assertEquals(6f, f.get(2, 1));
    }

    @Test
    void readsTextAndAlignsById() throws IOException {
        Path p = write("f.tsv", "# id then values\nb\t1\t2\nA,3,4\n\nc 5 6\n".getBytes(StandardCharsets.UTF_8));
        FeatureReader.Text t = FeatureReader.readText(p);
        assertEquals(List.of("b", "A", "c"), t.ids());
        ItemFeatures f = t.alignTo(List.of("A", "b", "c"));
        assertArrayEquals(new float[] {3, 4, 1, 2, 5, 6}, f.values());
    }

    @Test
    void aUtf8ByteOrderMarkIsNotPartOfTheFirstTextId() throws IOException {
        Path p = write("bom.txt", "\uFEFF0 1 2\n1 3 4\n".getBytes(StandardCharsets.UTF_8));
        FeatureReader.Text t = FeatureReader.readText(p);
        assertEquals(List.of("0", "1"), t.ids());
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.alignTo(List.of("0", "1")).values());
    }

    @Test
    void aUtf8ByteOrderMarkIsNotPartOfTheFirstPair() throws IOException {
        Path p = write("train.tsv", "\uFEFF0\t1\n2\t3\n".getBytes(StandardCharsets.UTF_8));
        FeatureDataset.Pairs pairs = TiktokDiffmm.readPairs(p);
        assertArrayEquals(new int[] {0, 2}, pairs.users());
        assertArrayEquals(new int[] {1, 3}, pairs.items());
    }

    static String message(Runnable r) {
        BadInputException e = assertThrows(BadInputException.class, r::run);
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void aDamagedNpyShapeIsBadInputNotACrash() throws IOException {
        // used to escape as NumberFormatException ("internal error", exit 1)
        Path x = write("x.npy", npy("<f4", "2, x", false, f32(1, 2, 3, 4)));
        String m = message(() -> FeatureReader.read(x, 2));
        assertTrue(m.contains("x.npy") && m.contains("'x'") && m.contains("shape"), m);
        Path huge = write("huge.npy", npy("<f4", "99999999999999999999, 2", false, f32(1, 2, 3, 4)));
        m = message(() -> FeatureReader.read(huge, 2));
        assertTrue(m.contains("huge.npy") && m.contains("99999999999999999999"), m);
        // 2^40 x 2^40 wrapped to 0 values and was reported as "needs 0 data bytes"
        Path wrap = write("wrap.npy", npy("<f4", "1099511627776, 1099511627776", false, f32(1, 2, 3, 4)));
        m = message(() -> FeatureReader.read(wrap, 2));
        assertTrue(m.contains("wrap.npy") && m.contains("too large"), m);
    }

    @Test
    void aFloat64ValueBeyondFloat32IsNamedAsItIsInTheFile() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putDouble(1).putDouble(2).putDouble(3).putDouble(1e300);
        Path p = write("big.npy", npy("<f8", "2, 2", false, b.array()));
        // used to say "row 1 column 1 is Infinity", a value the file does not hold
        String m = message(() -> FeatureReader.read(p, 2));
        assertTrue(m.contains("big.npy") && m.contains("row 1 column 1 is 1.0E300") && m.contains("float32"), m);
    }

    @Test
    void badInputIsOneLineNamingFileAndProblem() throws IOException {
        Path nan = write("nan.npy", npy("<f4", "2, 2", false, f32(1, Float.NaN, 2, 3)));
        String m = message(() -> FeatureReader.read(nan, 2));
        assertTrue(m.contains("nan.npy") && m.contains("NaN") && m.contains("row 0 column 1"), m);

        Path inf = write("inf.bin", f32(1, 2, Float.POSITIVE_INFINITY, 3));
        m = message(() -> FeatureReader.read(inf, 2));
        assertTrue(m.contains("inf.bin") && m.contains("Infinity"), m);

        Path i4 = write("ints.npy", npy("<i4", "2, 2", false, new byte[16]));
        m = message(() -> FeatureReader.read(i4, 2));
        assertTrue(m.contains("ints.npy") && m.contains("unsupported .npy dtype '<i4'"), m);

        Path rows = write("rows.npy", npy("<f4", "2, 2", false, f32(1, 2, 3, 4)));
        m = message(() -> FeatureReader.read(rows, 3));
        assertTrue(m.contains("rows.npy") && m.contains("2 feature rows but the interactions have 3 items"), m);

        Path raw = write("odd.bin", f32(1, 2, 3, 4, 5));
        m = message(() -> FeatureReader.read(raw, 2));
        assertTrue(m.contains("odd.bin") && m.contains("do not split into 2 rows"), m);

        Path trunc = write("trunc.npy", npy("<f4", "2, 3", false, f32(1, 2, 3)));
        m = message(() -> FeatureReader.read(trunc, 2));
        assertTrue(m.contains("trunc.npy") && m.contains("truncated"), m);

        Path fortran = write("fo.npy", npy("<f4", "2, 2", true, f32(1, 2, 3, 4)));
        m = message(() -> FeatureReader.read(fortran, 2));
        assertTrue(m.contains("Fortran"), m);

        Path dim = write("dim.txt", "a 1 2\nb 3\n".getBytes(StandardCharsets.UTF_8));
        m = message(() -> FeatureReader.read(dim, 2));
        assertTrue(m.contains("dim.txt:2") && m.contains("1 values but earlier lines have 2"), m);

        Path txtNan = write("nan.txt", "a 1 nan\n".getBytes(StandardCharsets.UTF_8));
        m = message(() -> FeatureReader.read(txtNan, 1));
        assertTrue(m.contains("nan.txt:1") && m.contains("NaN"), m);

        Path notNpy = write("junk.npy", "hello world".getBytes(StandardCharsets.UTF_8));
        m = message(() -> FeatureReader.read(notNpy, 1));
        assertTrue(m.contains("junk.npy") && m.contains("not a NumPy"), m);
    }

    @Test
    void preprocessingFitsAndApplies() {
        float[] v = {1, 100, 3, 300, 5, 500};
        ItemFeatures f = new ItemFeatures("t", 3, 2, v);
        ItemFeatures s = FeatureTransform.fit(Preprocessing.STANDARDIZE, f).apply(f);
        for (int d = 0; d < 2; d++) {
            double mean = 0, sq = 0;
            for (int i = 0; i < 3; i++) { mean += s.get(i, d); sq += s.get(i, d) * s.get(i, d); }
            assertEquals(0, mean / 3, 1e-5);
            assertEquals(1, sq / 3, 1e-4);
        }
        ItemFeatures l2 = FeatureTransform.fit(Preprocessing.L2_ROW, f).apply(f);
        for (int i = 0; i < 3; i++) assertEquals(1, Math.hypot(l2.get(i, 0), l2.get(i, 1)), 1e-6);
        ItemFeatures ma = FeatureTransform.fit(Preprocessing.MAX_ABS, f).apply(f);
        assertEquals(1f, ma.get(2, 1), 1e-6);
        assertEquals(0.2f, ma.get(0, 0), 1e-6);
        ItemFeatures lg = FeatureTransform.fit(Preprocessing.LOG1P, f).apply(f);
        assertEquals(Math.log1p(100), lg.get(0, 1), 1e-5);
        // a saved transform rebuilds to the same map
        FeatureTransform t = FeatureTransform.fit(Preprocessing.STANDARDIZE, f);
        FeatureTransform back = FeatureTransform.of(t.kind(), t.dim(), t.shift(), t.scale());
        assertEquals(t, back);
        assertArrayEquals(t.apply(f).values(), back.apply(f).values());
        assertEquals(Preprocessing.L2_ROW, Preprocessing.parse("l2-row"));
        String m = message(() -> Preprocessing.parse("zscore"));
        assertTrue(m.contains("zscore") && m.contains("standardize"), m);
        ItemFeatures neg = new ItemFeatures("neg", 1, 2, new float[] {-2, 1});
        m = message(() -> FeatureTransform.fit(Preprocessing.LOG1P, neg));
        assertTrue(m.contains("log1p") && m.contains("-2"), m);
    }

    @Test
    void syntheticSetIsCnnLikeAndDeterministic() {
        SyntheticVisual.Config c = new SyntheticVisual.Config(200, 150, 512, 8, 8, 40, 1, 1, 0.07, 5);
        FeatureDataset a = SyntheticVisual.generate(c), b = SyntheticVisual.generate(c);
        assertArrayEquals(a.features().values(), b.features().values());
        assertArrayEquals(a.train().items(), b.train().items());
        float[] v = a.features().values();
        long zeros = 0;
        float max = 0;
        for (float x : v) {
            assertTrue(x >= 0);
            if (x == 0) zeros++;
            max = Math.max(max, x);
        }
        double zf = (double) zeros / v.length;
        assertTrue(zf > 0.2 && zf < 0.8, "ReLU sparsity " + zf);
        assertTrue(max > 50, "large magnitude: max " + max);
        boolean[] cold = a.coldItems();
        int nc = 0;
        for (boolean x : cold) if (x) nc++;
        assertTrue(nc > 0, "cold-start items exist");
        for (int i : a.train().items()) assertTrue(!cold[i]);
    }
}
