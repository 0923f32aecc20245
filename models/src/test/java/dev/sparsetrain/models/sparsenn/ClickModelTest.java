package dev.sparsetrain.models.sparsenn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.ctr.CtrFileSplit;
import dev.sparsetrain.data.ctr.CtrSchema;
import dev.sparsetrain.data.ctr.EncoderConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClickModel on a schema with a header line (Avazu layout): request lines score as their rows in
 * a log, and a bad request line is refused naming its own line number (not shifted by the header).
 */
class ClickModelTest {
    @TempDir static Path dir;
    static Path modelFile, log;
    static List<String> requests;   // the log's data lines without the label column

    @BeforeAll
    static void save() throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        StringBuilder sb = new StringBuilder("id,click,hour");
        for (int c = 1; c <= 21; c++) sb.append(",C").append(c);
        sb.append('\n');
        requests = new java.util.ArrayList<>();
        for (int row = 0; row < 300; row++) {
            StringBuilder rest = new StringBuilder().append(row).append(",14102100");
            for (int c = 1; c <= 21; c++) rest.append(',').append(Integer.toHexString(r.nextInt(5 + c)));
            // the label sits in column 2: id, click, hour, ...
            String line = rest.toString();
            int comma = line.indexOf(',');
            sb.append(line, 0, comma).append(',').append(r.nextInt(4) == 0 ? 1 : 0).append(line.substring(comma)).append('\n');
            requests.add(line);
        }
        log = dir.resolve("avazu.csv");
        Files.writeString(log, sb);
        CtrFileSplit split = CtrFileSplit.read(log, "avazu", CtrSchema.avazu(), false, 200, null, EncoderConfig.hashing(1000));
        SparseNN m = new SparseNN(ModelConfig.defaults().withDim(4), split.train().names(), split.train().tableRows(),
                split.train().numDense(), 1);
        Map<String, String> meta = new LinkedHashMap<>();
        split.state().addTo(meta);
        modelFile = dir.resolve("ctr.model");
        m.save(modelFile, meta, split.state().idMaps());
    }

    @Test
    void requestLinesScoreAsTheirRowsInTheLog() {
        ClickModel cm = ClickModel.load(modelFile);
        assertTrue(cm.encoder().schema().header(), "the test needs a schema with a header");
        float[] fromLog = cm.score(log);
        assertEquals(300, fromLog.length);
        assertArrayEquals(fromLog, cm.scoreLines(requests));
        assertEquals(fromLog[7], cm.scoreLine(requests.get(7)));
    }

    @Test
    void aBadRequestLineIsNamedByItsOwnLineNumber() {
        ClickModel cm = ClickModel.load(modelFile);
        BadInputException e = assertThrows(BadInputException.class, () -> cm.scoreLines(List.of(requests.get(0), "1,2,3")));
        assertTrue(e.getMessage().startsWith("request:2: "), e.getMessage());
        BadInputException one = assertThrows(BadInputException.class, () -> cm.scoreLine("1,2,3"));
        assertTrue(one.getMessage().startsWith("request:1: "), one.getMessage());
        BadInputException blank = assertThrows(BadInputException.class, () -> cm.scoreLines(List.of(requests.get(0), "", requests.get(1))));
        assertTrue(blank.getMessage().startsWith("request:2: "), blank.getMessage());
        BadInputException two = assertThrows(BadInputException.class, () -> cm.scoreLine(requests.get(0) + "\n" + requests.get(1)));
        assertTrue(two.getMessage().startsWith("request:1: "), two.getMessage());
    }
}
