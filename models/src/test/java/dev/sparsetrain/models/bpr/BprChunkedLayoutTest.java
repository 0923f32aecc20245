package dev.sparsetrain.models.bpr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.models.train.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BPR-MF trained on CHUNKED tables (forced, 8 rows a chunk: 300 users in 38 chunks, 200 items in
 * 25) is bit-identical to the FLAT run, for the fused SGD kernel and the generic optimizer path
 * (Adam / AdaGrad with chunked state), and the saved files are byte-identical and load into
 * either layout.
 */
class BprChunkedLayoutTest {
    @TempDir Path dir;

    static <T> T chunked(Supplier<T> s) {
        String old = System.getProperty(Table.LAYOUT_PROPERTY), oldRows = System.getProperty(Table.CHUNK_ROWS_PROPERTY);
        System.setProperty(Table.LAYOUT_PROPERTY, "chunked");
        System.setProperty(Table.CHUNK_ROWS_PROPERTY, "8");
        try {
            return s.get();
        } finally {
            if (old == null) System.clearProperty(Table.LAYOUT_PROPERTY); else System.setProperty(Table.LAYOUT_PROPERTY, old);
            if (oldRows == null) System.clearProperty(Table.CHUNK_ROWS_PROPERTY); else System.setProperty(Table.CHUNK_ROWS_PROPERTY, oldRows);
        }
    }

    @Test
    void flatAndChunkedTrainSaveAndLoadIdentically() throws Exception {
        Split s = BprModelTest.smallSplit();
        TrainerConfig tc = TrainerConfig.defaults().withThreads(1).withEpochs(3).withSeed(9);
        for (String opt : List.of("sgd", "adam")) {
            BprConfig c = opt.equals("sgd") ? BprConfig.defaults() : BprConfig.defaults().withOptimizers("adam", "adagrad").withLearningRate(0.01);
            BprModel flat = BprModelTest.trainOn(s, c, tc, false);
            BprModel ch = chunked(() -> BprModelTest.trainOn(s, c, tc, false));
            assertEquals(Table.Layout.FLAT, flat.items().layout());
            assertEquals(Table.Layout.CHUNKED, ch.items().layout());
            assertEquals(25, ch.items().chunkCount());
            assertEquals(opt.equals("sgd"), ch.usesFusedKernel(), opt);
            assertTrue(flat.users().sameValues(ch.users()), opt + ": users");
            assertTrue(flat.items().sameValues(ch.items()), opt + ": items");
            assertTrue(flat.itemBias().sameValues(ch.itemBias()), opt + ": item bias");
            float[] a = new float[flat.numItems()], b = new float[ch.numItems()];
            for (int u = 0; u < 300; u += 37) {
                flat.scoreAll(u, a);
                ch.scoreAll(u, b);
                assertArrayEquals(a, b, "scores of user " + u);
            }
            Path pf = dir.resolve(opt + "-flat.bpr"), pc = dir.resolve(opt + "-chunked.bpr");
            BprFiles.save(pf, flat, s.train().users(), s.train().items(), Map.of("epoch", "3"));
            BprFiles.save(pc, ch, s.train().users(), s.train().items(), Map.of("epoch", "3"));
            assertArrayEquals(Files.readAllBytes(pf), Files.readAllBytes(pc), opt + ": model files (optimizer state included)");
            BprModel back = chunked(() -> BprFiles.load(pf).model());
            assertEquals(Table.Layout.CHUNKED, back.items().layout());
            assertTrue(back.items().sameValues(flat.items()));
            assertTrue(BprFiles.load(pc).model().users().sameValues(flat.users()));
        }
    }
}
