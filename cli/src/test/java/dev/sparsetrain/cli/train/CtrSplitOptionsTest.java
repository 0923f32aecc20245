package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.train.CtrCommandsTest.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ctr-train with a time split (--split-by), data-chosen strata and --clip-value, end to end on a small Avazu-shaped log. */
class CtrSplitOptionsTest {
    @TempDir Path dir;

    private Path log() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("id,click,hour,C1,banner_pos,site_id,site_domain,site_category,app_id,app_domain,app_category,device_id,device_ip,"
                + "device_model,device_type,device_conn_type,C14,C15,C16,C17,C18,C19,C20,C21");
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 600; i++) {
            StringBuilder sb = new StringBuilder().append(i).append(',').append(r.nextInt(5) == 0 ? 1 : 0).append(',').append(14102100 + i / 200);
            for (int c = 0; c < 21; c++) sb.append(",v").append(r.nextInt(c == 11 ? 300 : 4 + c));
            lines.add(sb.toString());
        }
        Path f = dir.resolve("avazu.csv");
        Files.write(f, lines);
        return f;
    }

    @Test
    void trainsOnOneHourTestsOnTheNextAndPrintsTheStrata() throws Exception {
        Path f = log();
        Result r = CtrCommandsTest.run("ctr-train", "--data", f.toString(), "--split-by", "hour", "--train-period", "2", "--clip-value", "0.1",
                "--quiet", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("train period 14102101 (rows 201-400), test the following period 14102102 (rows 401-600)"), r.out());
        assertTrue(r.out().contains("clipByValue(0.1)"), r.out());
        String strata = r.out().lines().filter(l -> l.startsWith("strata by training impressions")).findFirst().orElseThrow();
        assertTrue(strata.contains("thresholds from the data") && strata.contains("test rows per stratum: rare "), strata);
        assertTrue(!strata.contains(" 0,") && !strata.endsWith(" 0"), "no empty stratum: " + strata);
        assertTrue(r.out().contains("pass 1: train NE (running, whole pass) "), r.out());
        assertTrue(!r.out().contains("NaN"), r.out());
    }

    @Test
    void conflictingOrOrphanSplitOptionsAreRefusedInOneLine() throws Exception {
        Path f = log();
        Result both = CtrCommandsTest.run("ctr-train", "--data", f.toString(), "--split-by", "rows:100", "--train-rows", "50", "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, both.code());
        assertEquals("sparsetrain: --train-rows and --split-by rows:100 both given: the time split chooses the rows; drop one", both.err().strip());
        Result orphan = CtrCommandsTest.run("ctr-train", "--data", f.toString(), "--train-period", "2", "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, orphan.code());
        assertEquals("sparsetrain: --train-period applies with --split-by only", orphan.err().strip());
        Result clip = CtrCommandsTest.run("ctr-train", "--data", f.toString(), "--clip-value", "-1", "--quiet");
        assertEquals(ExitCodes.BAD_INPUT, clip.code());
        assertTrue(clip.err().contains("--clip-value -1.0"), clip.err());
    }
}
