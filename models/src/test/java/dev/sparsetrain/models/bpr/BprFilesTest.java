package dev.sparsetrain.models.bpr;

import static org.junit.jupiter.api.Assertions.*;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.optim.OptimizerState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BprFiles#load(Path)} reads the optimizer state straight into the live optimizer (the
 * reader path of {@code Optimizer.stateReader}): the state read equals the state saved, and a
 * damaged optimizer-state section (bytes flipped, an integer array holding a non-integer, an array
 * of the wrong shape, an array missing) is refused in one line naming the file.
 */
class BprFilesTest {
    @TempDir Path dir;

    private Path saved(BprModel m, Split s) {
        Path p = dir.resolve("adam.bpr");
        BprFiles.save(p, m, s.train().users(), s.train().items(), Map.of("epoch", "2"));
        return p;
    }

    private static BprModel trained(Split s) {
        return BprModelTest.trainOn(s, BprConfig.defaults().withOptimizers("adam", "adagrad").withLearningRate(0.01),
                TrainerConfig.defaults().withThreads(1).withEpochs(2).withSeed(3), false);
    }

    @Test
    void optimizerStateIsReadIntoTheLiveOptimizerEqualToTheSavedOne() {
        Split s = BprModelTest.smallSplit();
        BprModel a = trained(s);
        BprFiles.Loaded l = BprFiles.load(saved(a, s));
        BprModel b = l.model();
        for (Table[] t : new Table[][] {{a.users(), b.users()}, {a.items(), b.items()}}) {
            assertTrue(t[0].sameValues(t[1]), t[0].name());
            for (int r = 0; r < t[0].rows(); r++) {
                assertEquals(a.optimizer().rowUpdateCount(t[0], r), b.optimizer().rowUpdateCount(t[1], r));
                for (int slot = 0; slot < 2; slot++) {
                    for (int c = 0; c < t[0].dim(); c++) {
                        assertEquals(Float.floatToRawIntBits(a.optimizer().state(t[0], slot, r, c)),
                                Float.floatToRawIntBits(b.optimizer().state(t[1], slot, r, c)), t[0].name() + " slot " + slot + " row " + r);
                    }
                }
            }
        }
        assertEquals(a.optimizer().stepCount("factors"), b.optimizer().stepCount("factors"));
        assertTrue(b.optimizer().rowUpdateCount(b.items(), 0) > 0 && b.optimizer().state(b.items(), 1, 0, 0) > 0, "trained state, not a fresh one");
        // the optimizer state went into the optimizer, not into tables of the returned contents
        assertTrue(l.contents().tables().stream().noneMatch(OptimizerState::isStateTable), "no second copy of the state");
        assertFalse(l.metadata().keySet().stream().anyMatch(k -> k.startsWith("optim.")));
    }

    @Test
    void aDamagedOptimizerStateSectionIsRefusedInOneLine() throws Exception {
        Split s = BprModelTest.smallSplit();
        Path p = saved(trained(s), s);
        ModelFile.Contents c = ModelFile.read(p);
        Table moment = c.tables().stream().filter(t -> OptimizerState.isStateTable(t) && !t.name().endsWith("/rowCount")).findFirst().orElseThrow();
        Table counts = c.tables().stream().filter(t -> t.name().endsWith("/rowCount")).findFirst().orElseThrow();

        // bytes flipped inside a state array: the checksum refuses it
        byte[] bytes = Files.readAllBytes(p);
        int at = indexOf(bytes, moment.name().getBytes(StandardCharsets.UTF_8)) + moment.name().length() + 4 + moment.kind().name().length() + 8 + 5;
        bytes[at] ^= 0x40;
        Path flipped = dir.resolve("flipped.bpr");
        Files.write(flipped, bytes);
        refused(flipped, "checksum mismatch");

        // a checksum-valid file whose row counts hold a non-integer: refused as the array is read
        counts.data()[1] = 1.5f;
        Path badCounts = dir.resolve("counts.bpr");
        ModelFile.write(badCounts, c);
        refused(badCounts, "not a 16-bit piece");
        counts.data()[1] = 0f;

        // a state array of another shape, and one missing
        List<Table> reshaped = new ArrayList<>(), missing = new ArrayList<>();
        for (Table t : c.tables()) {
            reshaped.add(t == moment ? Table.embedding(t.name(), t.rows() + 1, t.dim()) : t);
            if (t != moment) missing.add(t);
        }
        Path shape = dir.resolve("shape.bpr"), gone = dir.resolve("gone.bpr");
        ModelFile.write(shape, new ModelFile.Contents(c.modelType(), c.configJson(), c.metadata(), c.idMaps(), reshaped));
        ModelFile.write(gone, new ModelFile.Contents(c.modelType(), c.configJson(), c.metadata(), c.idMaps(), missing));
        refused(shape, "this optimizer needs");
        refused(gone, "is missing");
    }

    private static void refused(Path p, String what) {
        var e = assertThrows(BadInputException.class, () -> BprFiles.load(p));
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains(what) && !e.getMessage().contains("\n"), e.getMessage());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
