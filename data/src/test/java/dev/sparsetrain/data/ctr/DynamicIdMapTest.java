package dev.sparsetrain.data.ctr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The dynamic id -> row table: admission, LFU and TTL victims, growth without collisions, save/restore, bad settings. */
class DynamicIdMapTest {

    @Test
    void anIdBelowAdmitAfterOccurrencesUsesTheDefaultRow() {
        DynamicIdMap m = new DynamicIdMap(new DynamicIdConfig(100, 3, DynamicIdConfig.Eviction.LFU, 1000, 0));
        assertEquals(0, m.observe(42, 1));
        assertEquals(0, m.observe(42, 2));
        assertEquals(0, m.rowFor(42), "not admitted yet: prediction uses the default row");
        int r = m.observe(42, 3);
        assertTrue(r >= 1, "third occurrence admits");
        assertEquals(r, m.observe(42, 4));
        assertEquals(r, m.rowFor(42));
        assertEquals(2, m.defaultHits());
        assertEquals(1, m.admissions());
        assertEquals(0, m.rowFor(7), "an unseen id maps to the default row");
    }

    @Test
    void lfuEvictsTheLowestDecayedCountAndReportsTheRowForReset() {
        // capacity 4: default row + 3 id rows; half-life 10 steps
        DynamicIdMap m = new DynamicIdMap(new DynamicIdConfig(4, 1, DynamicIdConfig.Eviction.LFU, 10, 0));
        int ra = m.observe(1, 1);
        for (int i = 0; i < 5; i++) m.observe(1, 1);     // id 1: 6 occurrences at step 1
        int rb = m.observe(2, 2);
        m.observe(2, 2);                                   // id 2: 2 at step 2
        int rc = m.observe(3, 3);                          // id 3: 1 at step 3
        assertEquals(Set.of(1, 2, 3), Set.of(ra, rb, rc));
        assertEquals(0, m.reassignedCount(), "fresh rows need no reset");
        // at step 4: decayed counts 6*2^-0.3=4.87, 2*2^-0.2=1.74, 1*2^-0.1=0.93 -> id 3 gives way
        int rd = m.observe(4, 4);
        assertEquals(rc, rd);
        assertEquals(0, m.rowFor(3));
        assertEquals(1, m.evictions());
        assertEquals(1, m.reassignedCount());
        assertEquals(rc, m.reassigned(0));
        m.clearReassigned();
        // at step 44, id 4 occurs again (1*2^-4 + 1 = 1.06, and in use this step); id 1 is worth 6*2^-4.3 = 0.30,
        // id 2 2*2^-4.2 = 0.11: id 2 gives way
        m.observe(4, 44);
        int re = m.observe(5, 44);
        assertEquals(rb, re, "id 2 has the lowest decayed count");
        assertEquals(0, m.rowFor(2));
        assertEquals(ra, m.rowFor(1));
    }

    @Test
    void lfuKeepsRowsOfTheCurrentStep() {
        DynamicIdMap m = new DynamicIdMap(new DynamicIdConfig(3, 1, DynamicIdConfig.Eviction.LFU, 10, 0));
        m.observe(1, 5);
        m.observe(2, 5);
        assertEquals(0, m.observe(3, 5), "both rows are in use by this step's batch: the new id waits on the default row");
        assertEquals(0, m.evictions());
        assertTrue(m.observe(3, 6) > 0);
    }

    @Test
    void ttlFreesRowsWhoseIdDidNotOccurWithinTheTimeToLive() {
        DynamicIdMap m = new DynamicIdMap(new DynamicIdConfig(3, 1, DynamicIdConfig.Eviction.TTL, 1000, 5));
        m.beginStep(1);
        int r1 = m.observe(1, 1);
        m.beginStep(3);
        int r2 = m.observe(2, 3);
        m.beginStep(4);
        assertEquals(0, m.observe(3, 4), "full, nothing expired: default row");
        m.beginStep(6);
        assertEquals(r1, m.rowFor(1), "last seen at step 1: 5 steps ago, still alive");
        m.beginStep(7);
        assertEquals(0, m.rowFor(1), "6 steps > ttl 5: expired");
        assertEquals(r2, m.rowFor(2));
        assertEquals(1, m.expirations());
        int r3 = m.observe(3, 7);
        assertEquals(r1, r3, "the freed row goes to the next new id");
        assertEquals(1, m.reassignedCount());
        assertEquals(r1, m.reassigned(0));
    }

    @Test
    void growsToCapacityWithOneRowPerIdAndNoCollisions() {
        int cap = 50_001;
        DynamicIdMap m = new DynamicIdMap(new DynamicIdConfig(cap, 1, DynamicIdConfig.Eviction.LFU, 1000, 0));
        long small = m.bytes();
        SplittableRandom rnd = new SplittableRandom(3);
        Map<Long, Integer> expect = new HashMap<>();
        Set<Integer> rows = new HashSet<>();
        while (expect.size() < cap - 1) {
            long id = rnd.nextLong();
            int r = m.observe(id, 1);
            Integer was = expect.putIfAbsent(id, r);
            if (was != null) assertEquals((int) was, r);
            else assertTrue(rows.add(r), "row " + r + " handed out twice");
        }
        assertEquals(cap - 1, m.size());
        assertTrue(m.bytes() > 20 * small, "the map grew with its ids: " + small + " -> " + m.bytes());
        for (var e : expect.entrySet()) assertEquals((int) e.getValue(), m.rowFor(e.getKey()));
        assertEquals(0, m.evictions());
        for (int r = 1; r < cap; r++) assertTrue(rows.contains(r));
    }

    @Test
    void longIntMapRemoveKeepsEveryOtherKeyFindable() {
        LongIntMap m = new LongIntMap(4);
        Map<Long, Integer> ref = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(11);
        for (int step = 0; step < 200_000; step++) {
            long k = rnd.nextInt(3000);   // small key space: long probe runs, many removals
            if (rnd.nextInt(3) == 0) {
                Integer v = ref.remove(k);
                assertEquals(v == null ? -1 : v, m.remove(k));
            } else {
                m.put(k, step);
                ref.put(k, step);
            }
        }
        assertEquals(ref.size(), m.size());
        for (long k = 0; k < 3000; k++) assertEquals(ref.getOrDefault(k, -1), m.get(k));
    }

    @Test
    void restoreGivesTheSameRowsAndReusesFreeOnes() {
        DynamicIdMap m = new DynamicIdMap(new DynamicIdConfig(6, 1, DynamicIdConfig.Eviction.TTL, 1000, 2));
        for (long id = 10; id < 14; id++) m.observe(id, 1);
        m.beginStep(2);
        m.observe(11, 2);
        m.observe(13, 2);
        m.beginStep(4);   // ids 10, 12 expire
        boolean[] occ = new boolean[6];
        long[] ids = m.idsByRow(occ);
        DynamicIdMap back = DynamicIdMap.restore(m.config(), ids, occ);
        for (long id = 9; id < 15; id++) assertEquals(m.rowFor(id), back.rowFor(id), "id " + id);
        assertEquals(2, back.size());
        int r = back.observe(99, 5);
        assertFalse(r == back.rowFor(11) || r == back.rowFor(13) || r == 0);
        assertNotEquals(0, back.rowFor(99));
    }

    /**
     * exportState at step k, restoreState, then both maps observe the same stream: every row handed
     * out, every reassigned row, every counter and the memory figure agree at every step, and both
     * end in the same state (LFU with admission, TTL with admission; the sketch halves on the way).
     */
    @Test
    void exportedStateContinuesExactly() {
        DynamicIdConfig[] configs = {new DynamicIdConfig(40, 3, DynamicIdConfig.Eviction.LFU, 5, 0),
                new DynamicIdConfig(40, 2, DynamicIdConfig.Eviction.TTL, 1000, 4), new DynamicIdConfig(12, 1, DynamicIdConfig.Eviction.LFU, 2, 0)};
        for (DynamicIdConfig c : configs) {
            DynamicIdMap a = new DynamicIdMap(c);
            SplittableRandom rnd = new SplittableRandom(c.capacity() * 31L + c.admitAfter());
            int steps = 300, k = 120, batch = 25;
            long[][] stream = new long[steps + 1][batch];
            for (int t = 1; t <= steps; t++) {
                for (int i = 0; i < batch; i++) {   // a skewed draw over 1500 ids: heads recur, tails churn the sketch and the rows
                    double u = rnd.nextDouble();
                    stream[t][i] = 0x1234_0000_0000L + (long) (1500 * u * u * u);
                }
            }
            for (int t = 1; t <= k; t++) step(a, t, stream[t]);
            long[] saved = a.exportState();
            DynamicIdMap b = DynamicIdMap.restoreState(c, saved);
            assertArrayEquals(saved, b.exportState(), c + ": restored state exports the same words");
            assertEquals(a.bytes(), b.bytes());
            for (int t = k + 1; t <= steps; t++) {
                int[] ra = step(a, t, stream[t]), rb = step(b, t, stream[t]);
                assertArrayEquals(ra, rb, c + ", step " + t + ": rows and reassigned rows");
                assertEquals(a.bytes(), b.bytes(), c + ", step " + t);
            }
            assertTrue(a.evictions() + a.expirations() > 0, c + ": the test stream evicts or expires (" + a.admissions() + " admissions)");
            assertTrue(a.defaultHits() > 0 || c.admitAfter() == 1, c + ": the test stream waits for admission");
            assertEquals(a.admissions(), b.admissions());
            assertEquals(a.evictions(), b.evictions());
            assertEquals(a.expirations(), b.expirations());
            assertEquals(a.defaultHits(), b.defaultHits());
            assertEquals(a.observations(), b.observations());
            assertEquals(a.size(), b.size());
            for (long id = 0x1234_0000_0000L; id < 0x1234_0000_0000L + 1500; id++) assertEquals(a.rowFor(id), b.rowFor(id));
            for (int r = 0; r < c.capacity(); r++) {
                assertEquals(a.occupied(r), b.occupied(r), "row " + r);
                if (a.occupied(r)) assertEquals(a.idOf(r), b.idOf(r), "row " + r);
            }
            assertArrayEquals(a.exportState(), b.exportState(), c + ": same state at the end");
        }
    }

    /** One training step: expiry, the batch's occurrences, the rows to reset (cleared); returns the rows then the reassigned rows. */
    private static int[] step(DynamicIdMap m, long t, long[] ids) {
        m.beginStep(t);
        int[] out = new int[ids.length + m.capacity()];
        for (int i = 0; i < ids.length; i++) out[i] = m.observe(ids[i], t);
        for (int i = 0; i < m.reassignedCount(); i++) out[ids.length + i] = m.reassigned(i);
        m.clearReassigned();
        return out;
    }

    @Test
    void aDamagedOrForeignStateIsRefused() {
        DynamicIdConfig c = new DynamicIdConfig(10, 2, DynamicIdConfig.Eviction.LFU, 5, 0);
        DynamicIdMap m = new DynamicIdMap(c);
        for (int t = 1; t <= 20; t++) {
            m.beginStep(t);
            for (long id = 0; id < 14; id++) m.observe(id * (t % 3 + 1), t);
            m.clearReassigned();
        }
        long[] s = m.exportState();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DynamicIdMap.restoreState(c.withCapacity(11), s)).getMessage()
                .startsWith("state of another dynamic table"));
        long[] format = s.clone();
        format[0]++;
        assertThrows(IllegalArgumentException.class, () -> DynamicIdMap.restoreState(c, format));
        assertThrows(IllegalArgumentException.class, () -> DynamicIdMap.restoreState(c, java.util.Arrays.copyOf(s, s.length - 1)));
        long[] twoAtOnePlace = s.clone();
        twoAtOnePlace[22 + 3] = twoAtOnePlace[22 + 4 + 3];   // row 1 takes row 2's heap position
        String msg = assertThrows(IllegalArgumentException.class, () -> DynamicIdMap.restoreState(c, twoAtOnePlace)).getMessage();
        assertFalse(msg.contains("\n"), msg);
        long[] sameId = s.clone();
        sameId[22] = sameId[22 + 4];   // rows 1 and 2 owned by one id
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DynamicIdMap.restoreState(c, sameId)).getMessage().contains("owns rows"));
    }

    @Test
    void admissionSketchNeverUndercounts() {
        AdmissionSketch s = new AdmissionSketch(64);
        Map<Long, Integer> truth = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 500; i++) {   // 500 additions < 10 x width: no halving
            long id = rnd.nextInt(100);
            int c = truth.merge(id, 1, Integer::sum);
            assertTrue(s.increment(id) >= c);
        }
        for (var e : truth.entrySet()) assertTrue(s.estimate(e.getKey()) >= e.getValue());
    }

    @Test
    void badSettingsAreRefusedInOneLine() {
        assertEquals("evict 'lru', allowed: lfu, lfu:HALF_LIFE_STEPS, ttl:STEPS (steps are mini-batches, e.g. ttl:500)",
                assertThrows(BadInputException.class, () -> DynamicIdConfig.parse(10, 1, "lru")).getMessage());
        assertTrue(assertThrows(BadInputException.class, () -> DynamicIdConfig.parse(10, 1, "ttl:x")).getMessage().contains("not an integer"));
        assertTrue(assertThrows(BadInputException.class, () -> DynamicIdConfig.parse(10, 1, "ttl:0")).getMessage().contains(">= 1"));
        assertTrue(assertThrows(BadInputException.class, () -> DynamicIdConfig.parse(10, 0, "lfu")).getMessage().startsWith("admitAfter 0"));
        assertTrue(assertThrows(BadInputException.class, () -> IdSpec.parse("hash,dynamic", null)).getMessage().contains("two default modes"));
        assertTrue(assertThrows(BadInputException.class, () -> IdSpec.parse("C3=cuckoo", null)).getMessage().contains("unknown mode 'cuckoo'"));
        IdSpec s = IdSpec.parse("hash,C3=dynamic", null);
        assertEquals(IdMode.DYNAMIC, s.modeOf("C3"));
        assertEquals(IdMode.HASH, s.modeOf("C4"));
        for (String msg : new String[] {assertThrows(BadInputException.class, () -> DynamicIdConfig.parse(10, 1, "lru")).getMessage()}) {
            assertFalse(msg.contains("\n"));
        }
    }
}
