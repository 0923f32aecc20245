package dev.sparsetrain.data.ctr;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.BadInputException;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A stored {@link EncoderState} re-encodes rows bit-identically and refuses damaged descriptions in one line. */
class EncoderStateTest {
    static CtrRawData rows(int n, long seed) throws Exception {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(r.nextInt(2)).append('\t').append(r.nextInt(4) == 0 ? "" : String.valueOf(r.nextDouble() * 1000)).append('\t')
                    .append(r.nextInt(7)).append('\t').append("id").append(r.nextInt(30)).append('\t').append("u").append(r.nextInt(5))
                    .append('|').append("u").append(r.nextInt(5)).append('\n');
        }
        return CtrReader.read(new BufferedReader(new StringReader(sb.toString())), "m", schema(), false, Integer.MAX_VALUE);
    }

    static CtrSchema schema() { return CtrSchema.parse("label,dense*2,sparse,multi", '\t', false, '|'); }

    static void assertSameEncoding(CtrData a, CtrData b) {
        assertArrayEquals(a.dense(), b.dense());
        assertArrayEquals(a.tableRows(), b.tableRows());
        for (int f = 0; f < a.numSparse(); f++) assertArrayEquals(a.ids()[f], b.ids()[f], "feature " + f);
        assertArrayEquals(a.labels(), b.labels());
    }

    @Test
    void hashingAndVocabularyRoundTripBitIdentically() throws Exception {
        CtrRawData train = rows(400, 1), test = rows(100, 2);
        for (EncoderConfig c : List.of(new EncoderConfig(DenseTransform.LOG1P_STANDARDIZE, 50, 0, 7),
                new EncoderConfig(DenseTransform.STANDARDIZE, 1000, 3, 0), new EncoderConfig(DenseTransform.NONE, 10, 2, 0))) {
            FeatureEncoder enc = FeatureEncoder.fit(train, c);
            EncoderState s = new EncoderState("schema", schema(), enc);
            Map<String, String> meta = new HashMap<>();
            s.addTo(meta);
            EncoderState back = EncoderState.restore("m.sptr", meta, s.idMaps());
            assertEquals("schema", back.format());
            assertEquals(schema().spec(), back.schema().spec());
            assertEquals(c, back.encoder().config());
            assertEquals(c.minCount() > 0, !s.idMaps().isEmpty(), "vocabularies stored only when used");
            assertSameEncoding(enc.encode(test), back.encoder().encode(test));
            assertSameEncoding(enc.encode(train), back.encoder().encode(train));
        }
    }

    @Test
    void dynamicIdsRoundTripWithTheirRawIds() throws Exception {
        CtrRawData train = rows(400, 1), test = rows(100, 2);
        DynamicIdConfig d = new DynamicIdConfig(2, 3, DynamicIdConfig.Eviction.TTL, 1000, 40);
        for (IdSpec ids : List.of(IdSpec.all(IdMode.DYNAMIC, d), IdSpec.parse("hash,C2=dynamic", d), IdSpec.parse("dynamic,C1=vocab", d))) {
            EncoderConfig c = new EncoderConfig(DenseTransform.LOG1P, 64, ids.uses(IdMode.VOCAB) ? 2 : 0, 0, ids);
            FeatureEncoder enc = FeatureEncoder.fit(train, c);
            EncoderState s = new EncoderState("schema", schema(), enc);
            Map<String, String> meta = new HashMap<>();
            s.addTo(meta);
            EncoderState back = EncoderState.restore("m.sptr", meta, s.idMaps());
            assertEquals(c, back.encoder().config(), ids.format());
            assertEquals(64, back.encoder().config().dynamicConfig().capacity());
            CtrData a = enc.encode(test), b = back.encoder().encode(test);
            assertSameEncoding(a, b);
            for (int f = 0; f < a.numSparse(); f++) {
                boolean dyn = c.modeOf(enc.names()[f]) == IdMode.DYNAMIC;
                assertEquals(dyn, a.isDynamic(f), ids.format() + " feature " + f);
                if (dyn) {
                    assertArrayEquals(a.rawIds()[f], b.rawIds()[f]);
                    assertEquals(test.tokens()[f].length, a.rawIds()[f].length, "one raw id per token, multi-valued too");
                    assertArrayEquals(test.tokens()[f], a.rawIds()[f], "the raw id is the 64-bit token hash");
                }
            }
        }
        // files of before per-feature modes keep their exact description
        FeatureEncoder old = FeatureEncoder.fit(train, new EncoderConfig(DenseTransform.LOG1P, 50, 0, 0));
        assertFalse(new EncoderState("schema", schema(), old).toJson().contains("\"ids\""));
    }

    @Test
    void specRoundTrips() {
        CtrSchema s = CtrSchema.parse("skip,label,skip,sparse*21", ',', true, '|');
        assertEquals("skip,label,skip,sparse*21", s.spec());
        assertEquals("label,dense*13,sparse*26", CtrSchema.criteo().spec());
    }

    @Test
    void damagedOrNewerDescriptionsAreRefusedInOneLine() throws Exception {
        FeatureEncoder enc = FeatureEncoder.fit(rows(200, 3), new EncoderConfig(DenseTransform.STANDARDIZE, 100, 2, 0));
        EncoderState s = new EncoderState("schema", schema(), enc);
        String json = s.toJson();
        assertNull(EncoderState.restore("m", Map.of(), Map.of()), "no encoder stored");
        BadInputException e = assertThrows(BadInputException.class,
                () -> EncoderState.restore("m", Map.of("encoder", json.replace("\"version\":1", "\"version\":9")), s.idMaps()));
        assertEquals("m: encoder description version 9, this build reads versions 1..1", e.getMessage());
        e = assertThrows(BadInputException.class, () -> EncoderState.restore("m", Map.of("encoder", json.substring(0, 40)), s.idMaps()));
        assertEquals("m: damaged encoder in model file (encoder description is not JSON)", e.getMessage());
        e = assertThrows(BadInputException.class, () -> EncoderState.restore("m", Map.of("encoder", json), Map.of()));
        assertTrue(e.getMessage().startsWith("m: damaged encoder in model file (vocabulary of feature C1 (id map vocab.0) missing"), e.getMessage());
        Map<String, List<String>> maps = new HashMap<>(s.idMaps());
        List<String> v = new java.util.ArrayList<>(maps.get("vocab.0"));
        v.set(1, "zz");
        maps.put("vocab.0", v);
        e = assertThrows(BadInputException.class, () -> EncoderState.restore("m", Map.of("encoder", json), maps));
        assertEquals("m: damaged encoder in model file (vocabulary of feature C1 row 1: 'zz' is not a 16-hex-digit id hash)", e.getMessage());
        e = assertThrows(BadInputException.class,
                () -> EncoderState.restore("m", Map.of("encoder", json.replace("\"STANDARDIZE\"", "\"CUBE\"")), s.idMaps()));
        assertEquals("m: damaged encoder in model file (unknown dense transform 'CUBE')", e.getMessage());
    }
}
