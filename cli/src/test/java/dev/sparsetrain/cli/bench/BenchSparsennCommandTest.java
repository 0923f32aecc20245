package dev.sparsetrain.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.CliRun;
import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.data.ctr.CtrData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** benchmark sparsenn's DLRM configuration, table-size caps, table layout and data export (tiny sizes: behaviour, not speed). */
class BenchSparsennCommandTest {

    @Test
    void dlrmKaggleRunsEveryBatchSizeAndPrintsCpuSecondsAndTheLayout() {
        String before = System.getProperty(BenchSparsennCommand.LAYOUT_PROPERTY);
        CliRun r = CliRun.of("benchmark", "sparsenn", "--arch", "dlrm-kaggle", "--rows-per-table", "1e3", "--rows", "2000", "--passes", "2",
                "--batch", "64,256", "--bottom", "32,16", "--top", "32", "--threads", "1", "--table-layout", "chunked");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("capped at 1,000 rows (16,727 embedding rows in all, largest 1,000"), out);
        assertTrue(out.contains("table layout: chunked (system property sparsetrain.table.layout)"), out);
        assertTrue(out.contains("bottom 13-32-16-16, dot interaction, top 367-32-1") && out.contains("SGD lr 0.1 on every parameter"), out);
        assertTrue(out.contains("batch 64: throughput") && out.contains("batch 256: throughput"), out);
        assertTrue(out.contains("samples per CPU-second") && out.contains("VmHWM"), out);
        // the property is the JVM's again afterwards (the command may run inside another program)
        assertEquals(before, System.getProperty(BenchSparsennCommand.LAYOUT_PROPERTY));
    }

    @Test
    void childJvmsGetTheSameBenchmarkAndTheLayout() {
        BenchSparsennCommand c = new BenchSparsennCommand();
        new CommandLine(c).parseArgs("--arch", "dlrm-kaggle", "--rows-per-table", "1e5,1e7", "--batch", "128,2048", "--threads", "2",
                "--table-layout", "flat");
        List<String> a = c.childArgs(10_000_000);
        assertEquals(List.of("--arch", "dlrm-kaggle", "--rows-per-table", "10000000", "--dim", "16", "--seed", "1", "--batch", "128,2048",
                "--table-layout", "flat", "--threads", "2"), a);
    }

    @Test
    void severalSizesRunOneJvmEach() {
        CliRun r = CliRun.of("benchmark", "sparsenn", "--rows-per-table", "100,300", "--rows", "1000", "--passes", "2", "--batch", "100",
                "--bottom", "8", "--top", "8", "--threads", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("=== --rows-per-table 100: own JVM") && r.out().contains("=== --rows-per-table 300: own JVM"), r.out());
        assertEquals(2, r.out().split("peak memory: process resident", -1).length - 1, r.out());
        assertTrue(r.out().contains("capped at 300 rows (5,606 embedding rows in all"), r.out());
    }

    @Test
    void badValuesAreRefusedInOneLine() {
        CliRun r = CliRun.of("benchmark", "sparsenn", "--table-layout", "offheap");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: --table-layout offheap, allowed: auto, flat, chunked", r.err().strip());
        r = CliRun.of("benchmark", "sparsenn", "--rows-per-table", "1e5,lots");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("sparsetrain: --rows-per-table lots, must be a count such as 100000 or 1e5", r.err().strip());
    }

    @Test
    void kaggleShapedDataHasKaggleTablesCappedAndIdsInRange() {
        int[] full = KaggleShapedData.cappedRows(Long.MAX_VALUE);
        assertEquals(33_762_577L, KaggleShapedData.total(full));
        int[] capped = KaggleShapedData.cappedRows(100_000);
        assertEquals(840_543L, KaggleShapedData.total(capped));
        CtrData d = KaggleShapedData.generate(capped, 3000, 1.05, 7);
        assertArrayEquals(capped, d.tableRows());
        for (int f = 0; f < 26; f++) {
            for (int i = 0; i < d.rows(); i++) assertTrue(d.ids()[f][i] >= 0 && d.ids()[f][i] < capped[f]);
        }
        double ctr = d.clickRate();
        assertTrue(ctr > 0.1 && ctr < 0.5, "click rate " + ctr);
        // deterministic in the seed
        assertArrayEquals(d.ids()[2], KaggleShapedData.generate(capped, 3000, 1.05, 7).ids()[2]);
        // power law: the most frequent id of the largest table takes a visible share
        int[] counts = new int[capped[2]];
        for (int id : d.ids()[2]) counts[id]++;
        assertTrue(java.util.Arrays.stream(counts).max().getAsInt() > 100, "no frequent id");
    }

    @Test
    void exportWritesNpyFilesForThePyTorchScript(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("benchmark", "sparsenn", "--arch", "dlrm-kaggle", "--rows-per-table", "500", "--rows", "1000",
                "--export-data", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("exported 1,000 rows"), r.out());
        for (String f : List.of("ids.npy", "dense.npy", "labels.npy", "table_rows.npy")) {
            byte[] b = Files.readAllBytes(dir.resolve(f));
            assertEquals((byte) 0x93, b[0], f);
            assertEquals("NUMPY", new String(b, 1, 5, java.nio.charset.StandardCharsets.US_ASCII), f);
        }
        long ids = Files.size(dir.resolve("ids.npy")) - 26 * 1000 * 4, dense = Files.size(dir.resolve("dense.npy")) - 1000 * 13 * 4;
        assertTrue(ids > 0 && ids % 64 == 0 && dense > 0 && dense % 64 == 0, ids + " / " + dense + " header bytes"); // 26 x 1000 int32, 1000 x 13 float32
    }
}
