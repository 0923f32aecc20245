package dev.sparsetrain.data.ctr;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.testkit.Datasets;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CtrReaderTest {

    static CtrRawData read(String text, CtrSchema schema, boolean skip) throws Exception {
        return CtrReader.read(new BufferedReader(new StringReader(text)), "mem.tsv", schema, skip, Integer.MAX_VALUE);
    }

    static final CtrSchema SMALL = CtrSchema.parse("label,dense*2,sparse,multi", '\t', false, '|');

    @Test
    void readsLabelsDenseSparseAndMultiValued() throws Exception {
        CtrRawData d = read("1\t3\t\ta\tx|y|x\n0\t-2\t1.5\t\t\n", SMALL, false);
        assertEquals(2, d.rows());
        assertArrayEquals(new byte[] {1, 0}, d.labels());
        assertEquals(3f, d.dense()[0]);
        assertTrue(Float.isNaN(d.dense()[1]), "empty dense field is missing");
        assertEquals(-2f, d.dense()[2]);
        assertEquals(1.5f, d.dense()[3]);
        // single-valued: empty is its own id, distinct from "a"
        assertNotEquals(d.tokens()[0][0], d.tokens()[0][1]);
        // multi-valued: 3 ids then none
        assertEquals(3, d.end(1, 0) - d.begin(1, 0));
        assertEquals(0, d.end(1, 1) - d.begin(1, 1));
        assertEquals(d.tokens()[1][0], d.tokens()[1][2]);
    }

    @Test
    void crlfLineEndingsAreAccepted() throws Exception {
        CtrRawData d = read("1\t3\t4\ta\tb\r\n0\t1\t2\ta\tb\r\n", SMALL, false);
        assertEquals(2, d.rows());
        CtrRawData lf = read("1\t3\t4\ta\tb\n0\t1\t2\ta\tb\n", SMALL, false);
        assertArrayEquals(lf.tokens()[1], d.tokens()[1]);
    }

    @Test
    void badRowsGiveOneLineWithFileAndLine() {
        BadInputException e = assertThrows(BadInputException.class, () -> read("1\t3\t4\ta\tb\n0\t1\t2\ta\n", SMALL, false));
        assertEquals("mem.tsv:2: 4 fields, expected 5 fields (label, 2 dense, 2 sparse, 0 skipped)", e.getMessage());
        e = assertThrows(BadInputException.class, () -> read("1,3,4,a,b\n", SMALL, false));
        assertEquals("mem.tsv:1: 1 fields, expected 5 fields (label, 2 dense, 2 sparse, 0 skipped); the line holds no tab at all: "
                + "wrong format or delimiter?", e.getMessage());
        e = assertThrows(BadInputException.class, () -> read("1\t3\tabc\ta\tb\n", SMALL, false));
        assertEquals("mem.tsv:1: field 3 (I2) = 'abc' is not a number", e.getMessage());
        e = assertThrows(BadInputException.class, () -> read("1\t3\t4\ta\tb\n2\t3\t4\ta\tb\n", SMALL, false));
        assertEquals("mem.tsv:2: label '2', must be 0 or 1", e.getMessage());
        System.out.println("bad input message: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void badRowsSkippedAndCountedWhenAsked() throws Exception {
        CtrRawData d = read("1\t3\t4\ta\tb\nx\t3\t4\ta\tb\n0\t1\t2\ta\n0\t1\t2\ta\tc\n", SMALL, true);
        assertEquals(2, d.rows());
        assertEquals(2, d.skipped());
        assertEquals("mem.tsv:2: label 'x', must be 0 or 1", d.firstSkipped());
    }

    @Test
    void schemaErrorsAreOneLine() {
        BadInputException e = assertThrows(BadInputException.class, () -> CtrSchema.parse("label,dens*3", '\t', false, '|'));
        assertEquals("schema: role 'dens', allowed: label, dense, sparse, multi, skip", e.getMessage());
        assertThrows(BadInputException.class, () -> CtrSchema.parse("dense,sparse", '\t', false, '|'));
    }

    @Test
    void criteoHead() {
        Path dir = Datasets.require("criteo-kaggle-dac-head10k");
        CtrRawData d = CtrReader.readCriteo(dir.resolve("train-10k.txt"), false);
        assertEquals(10_000, d.rows());
        assertEquals(13, d.numDense());
        assertEquals(26, d.numSparse());
        long pos = 0;
        for (byte b : d.labels()) pos += b;
        assertEquals(2182, pos);
        int missingI1 = 0;
        for (int i = 0; i < d.rows(); i++) if (Float.isNaN(d.dense()[i * 13])) missingI1++;
        assertEquals(4481, missingI1);
        FeatureEncoder enc = FeatureEncoder.fit(d, EncoderConfig.hashing(100_000));
        CollisionReport rep = enc.collisionReport();
        System.out.print("criteo-head10k, 1e5 buckets per feature:\n" + rep.format());
        // SOURCE.md: 43,579 distinct (field, value) pairs over C1..C26, not counting empty fields as values
        assertTrue(rep.totalDistinct() >= 43_579 && rep.totalDistinct() <= 43_579 + 26, "distinct " + rep.totalDistinct());
    }

    @Test
    void rawCriteoCountsAreFlaggedAsWideAndNotAfterLog1p() {
        Path dir = Datasets.require("criteo-kaggle-dac-head10k");
        CtrRawData d = CtrReader.readCriteo(dir.resolve("train-10k.txt"), false);
        var raw = FeatureEncoder.wideDenseColumns(d, DenseTransform.NONE);
        for (var w : raw) System.out.println("criteo-head10k raw: " + w.describe("use log1p"));
        // I2, I3, I5, I6, I7, I9: maxima 1,658 .. 1.6e6 against medians of 5 .. 2,836
        assertEquals(List.of("I2", "I3", "I5", "I6", "I7", "I9"), raw.stream().map(w -> w.name()).toList());
        assertEquals(raw.size(), FeatureEncoder.wideDenseColumns(d, DenseTransform.STANDARDIZE).size());
        assertTrue(FeatureEncoder.wideDenseColumns(d, DenseTransform.LOG1P).isEmpty());
        assertTrue(FeatureEncoder.wideDenseColumns(d, DenseTransform.LOG1P_STANDARDIZE).isEmpty());
    }

    @Test
    void avazuHead() {
        Path dir = Datasets.require("avazu-head10k");
        CtrRawData d = CtrReader.readAvazu(dir.resolve("train-10k.csv"), false);
        assertEquals(9_999, d.rows());
        assertEquals(0, d.numDense());
        assertEquals(21, d.numSparse());
        assertEquals("C1", d.names()[0]);
        assertEquals("site_id", d.names()[2]);
        long pos = 0;
        for (byte b : d.labels()) pos += b;
        assertEquals(1706, pos);
    }
}
