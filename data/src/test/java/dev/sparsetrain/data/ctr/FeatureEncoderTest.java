package dev.sparsetrain.data.ctr;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class FeatureEncoderTest {
    static CtrRawData raw() throws Exception {
        String text = "1\t0\ta\n0\t9\ta\n0\t99\tb\n1\t\tc\n0\t-3\ta\n";
        return CtrReader.read(new BufferedReader(new StringReader(text)), "m", CtrSchema.parse("label,dense,sparse", '\t', false, '|'),
                false, 100);
    }

    @Test
    void log1pAndMissingAsZero() throws Exception {
        CtrData d = FeatureEncoder.fit(raw(), EncoderConfig.hashing(8)).encode(raw());
        assertEquals(0f, d.dense()[0]);
        assertEquals((float) Math.log(10), d.dense()[1], 1e-6);
        assertEquals(0f, d.dense()[3], "missing -> 0");
        assertEquals(0f, d.dense()[4], "negative clamped before log1p");
    }

    @Test
    void standardizeUsesTrainingStatistics() throws Exception {
        CtrData d = FeatureEncoder.fit(raw(), new EncoderConfig(DenseTransform.STANDARDIZE, 8, 0, 0)).encode(raw());
        double s = 0;
        for (int i : new int[] {0, 1, 2, 4}) s += d.dense()[i];
        assertEquals(0, s, 1e-4, "present values have mean 0");
    }

    @Test
    void vocabularyWithMinCountSendsRareIdsToRowZero() throws Exception {
        FeatureEncoder enc = FeatureEncoder.fit(raw(), EncoderConfig.vocabulary(2, 1000));
        CtrData d = enc.encode(raw());
        assertEquals(2, d.tableRows()[0], "OOV row + 'a'");
        assertArrayEquals(new int[] {1, 1, 0, 0, 1}, d.ids()[0]);
        CollisionReport r = enc.collisionReport();
        assertEquals(3, r.distinctIds()[0]);
        assertEquals(2, r.idsSharing()[0], "b and c share the OOV row");
    }

    @Test
    void hashingCollisionReportCountsSharedBuckets() throws Exception {
        FeatureEncoder enc = FeatureEncoder.fit(raw(), EncoderConfig.hashing(1));
        CollisionReport r = enc.collisionReport();
        assertEquals(3, r.distinctIds()[0]);
        assertEquals(1, r.rowsUsed()[0]);
        assertEquals(3, r.idsSharing()[0]);
        enc = FeatureEncoder.fit(raw(), EncoderConfig.hashing(1 << 20));
        assertEquals(0, enc.collisionReport().idsSharing()[0]);
        assertEquals(3, enc.collisionReport().rowsUsed()[0]);
    }

    @Test
    void syntheticIsSeededPowerLawWithPlantedProbabilities() {
        SyntheticCtr gen = new SyntheticCtr(SyntheticCtr.Config.criteoShaped(1000, 5));
        SyntheticCtr.Sample a = gen.generate(20_000, 1), b = gen.generate(20_000, 1);
        assertArrayEquals(a.data().labels(), b.data().labels());
        int[] counts = a.data().impressions(0);
        assertTrue(counts[0] > 20 * counts[500], "power law: head " + counts[0] + " vs tail " + counts[500]);
        double meanP = 0;
        for (float p : a.probability()) meanP += p;
        meanP /= a.probability().length;
        System.out.printf("synthetic criteo-shaped: ctr=%.4f mean planted p=%.4f, id0 count %d, id500 count %d%n",
                a.data().clickRate(), meanP, counts[0], counts[500]);
        assertEquals(meanP, a.data().clickRate(), 0.02);
    }
}
