package dev.sparsetrain.data.ctr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.testkit.Datasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --split-by}: train on period N, test on period N+1, by a time column or by row ranges. */
class TimeSplitTest {
    @TempDir Path dir;

    /** An Avazu-shaped log: rows per hour as given, hours 14102100, 14102101, ... then the next day. */
    private Path avazu(String... hours) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("id,click,hour,C1,banner_pos,site_id,site_domain,site_category,app_id,app_domain,app_category,device_id,device_ip,"
                + "device_model,device_type,device_conn_type,C14,C15,C16,C17,C18,C19,C20,C21");
        int id = 0;
        for (String h : hours) {
            String[] p = h.split("x");
            for (int i = 0; i < Integer.parseInt(p[1]); i++) {
                StringBuilder sb = new StringBuilder().append(id++).append(',').append(id % 3 == 0 ? 1 : 0).append(',').append(p[0]);
                for (int c = 0; c < 21; c++) sb.append(',').append("v").append((id * 7 + c) % 5);
                lines.add(sb.toString());
            }
        }
        Path f = dir.resolve("avazu.csv");
        Files.write(f, lines);
        return f;
    }

    private static CtrFileSplit read(Path f, String spec, int from, int count) {
        return CtrFileSplit.read(f, "avazu", CtrSchema.avazu(), false, TimeSplit.parse(spec, from, count), EncoderConfig.hashing(100));
    }

    @Test
    void trainsOnOneHourAndTestsOnTheFollowingHour() throws IOException {
        Path f = avazu("14102100x5", "14102101x3", "14102102x4");
        CtrFileSplit s = read(f, "hour", 1, 1);
        assertEquals(5, s.train().rows());
        assertEquals(3, s.test().rows());
        assertTrue(s.description().contains("train period 14102100 (rows 1-5), test the following period 14102101 (rows 6-8)"), s.description());
        CtrFileSplit s2 = read(f, "hour", 2, 1);
        assertEquals(3, s2.train().rows());
        assertEquals(4, s2.test().rows());
        CtrFileSplit two = read(f, "hour", 1, 2);
        assertEquals(8, two.train().rows());
        assertEquals(4, two.test().rows());
    }

    @Test
    void dayKeysOnTheFirstSixDigitsOfYymmddhh() throws IOException {
        Path f = avazu("14102100x2", "14102123x3", "14102200x4");
        TimeSplit t = TimeSplit.parse("hour:day", 1, 1);
        TimeSplit.Periods p = t.periods(f, CtrSchema.avazu(), 9);
        assertArrayEquals(new String[] {"141021", "141022"}, p.keys());
        assertArrayEquals(new int[] {0, 5, 9}, p.starts());
        CtrFileSplit s = read(f, "hour:day", 1, 1);
        assertEquals(5, s.train().rows());
        assertEquals(4, s.test().rows());
    }

    @Test
    void rowRangesStandForDaysOfALogInTimeOrder() throws IOException {
        Path f = avazu("14102100x10");
        CtrFileSplit s = read(f, "rows:4", 2, 1);    // periods 1-4, 5-8, 9-10
        assertEquals(4, s.train().rows());
        assertEquals(2, s.test().rows());
        assertTrue(s.description().contains("train period 2 (rows 5-8), test the following period 3 (rows 9-10)"), s.description());
        // the labels are those of the rows named: row 5 is id 4, clicked when (id+1) % 3 == 0
        byte[] want = {0, 1, 0, 0};
        assertArrayEquals(want, s.train().labels());
    }

    @Test
    void aFileOfOneHourIsRefusedNamingTheRowSplit() throws IOException {
        Path f = avazu("14102100x6");
        BadInputException e = assertThrows(BadInputException.class, () -> read(f, "hour", 1, 1));
        assertTrue(e.getMessage().contains("one hour ('14102100')") && e.getMessage().contains("splitBy rows:K"), e.getMessage());
    }

    @Test
    void badSplitsAreRefusedInOneLine() throws IOException {
        Path f = avazu("14102100x2", "14102101x2", "14102100x2");
        BadInputException back = assertThrows(BadInputException.class, () -> read(f, "hour", 1, 1));
        assertTrue(back.getMessage().contains(":6: hour '14102100' comes back after '14102101'"), back.getMessage());
        Path g = avazu("14102100x2", "14102101x2");
        BadInputException none = assertThrows(BadInputException.class, () -> read(g, "hour", 2, 1));
        assertTrue(none.getMessage().contains("leaves no following period"), none.getMessage());
        BadInputException col = assertThrows(BadInputException.class, () -> read(g, "day", 1, 1));
        assertTrue(col.getMessage().contains("no column 'day'"), col.getMessage());
        assertThrows(BadInputException.class, () -> TimeSplit.parse("rows:0", 1, 1));
        assertThrows(BadInputException.class, () -> TimeSplit.parse("hour:week", 1, 1));
        assertThrows(BadInputException.class, () -> TimeSplit.parse("hour", 0, 1));
    }

    /** The Avazu head holds one hour only (SOURCE.md), so its time split is by rows. */
    @Test
    void avazuHeadHasOneHourSoItsStudySplitsByRows() {
        Path f = Datasets.require("avazu-head10k").resolve("train-10k.csv");
        BadInputException e = assertThrows(BadInputException.class, () -> read(f, "hour", 1, 1));
        assertTrue(e.getMessage().contains("'14102100'"), e.getMessage());
        CtrFileSplit s = read(f, "rows:5000", 1, 1);
        assertEquals(5000, s.train().rows());
        assertEquals(4999, s.test().rows());
    }
}
