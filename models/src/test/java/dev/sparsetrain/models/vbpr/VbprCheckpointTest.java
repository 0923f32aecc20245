package dev.sparsetrain.models.vbpr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.SyntheticVisual;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resumable VBPR training: N epochs straight equal k, checkpoint, resume N - k, bit for bit. */
class VbprCheckpointTest {
    static final FeatureDataset DATA = SyntheticVisual.generate(new SyntheticVisual.Config(300, 200, 48, 6, 8, 40, 1, 1, 0.08, 5));
    @TempDir Path dir;

    /** Defaults (auto-balance on, Adam on E and beta') plus per-row Adam and AdaGrad state, one thread. */
    static VbprConfig config() {
        return VbprConfig.defaults(Variant.VBPR).withThreads(1).withEpochs(6, 100).withDenseBatch(512)
                .withGroup(VbprModel.ITEM_FACTORS, GroupSpec.adam(0.01, 1e-4)).withGroup(VbprModel.ITEM_BIAS, GroupSpec.adagrad(0.05, 0));
    }

    VbprTrainer.Checkpointer to(String prefix) {
        return s -> VbprCheckpoint.save(dir.resolve(prefix + s.epoch() + ".ckpt"), s, Map.of("dataset", DATA.name()));
    }

    @Test
    void sixEpochsStraightEqualThreeCheckpointAndThreeMoreBitForBit() {
        VbprConfig cfg = config();
        VbprTrainer.Result straight = new VbprTrainer(DATA, cfg).withCheckpoints(3, to("a")).fit();
        VbprCheckpoint.State three = VbprCheckpoint.load(dir.resolve("a3.ckpt"));
        assertEquals(3, three.epoch());
        List<String> log = new ArrayList<>();
        VbprTrainer.Result resumed = new VbprTrainer(DATA, cfg).withCheckpoints(3, to("b")).logTo(log::add).resumeFrom(three).fit();
        System.out.println("resumed run log: " + log);
        assertTrue(log.stream().noneMatch(l -> l.startsWith("auto-balance")), "resuming does not re-probe: " + log);
        assertTrue(resumed.notes().stream().anyMatch(l -> l.startsWith("auto-balance")), "the original choice is kept in the notes");

        for (Table t : straight.model().tables()) assertArrayEquals(t.data(), resumed.model().table(t.name()).data(), "best " + t.name());
        assertEquals(straight.bestEpoch(), resumed.bestEpoch());
        assertEquals(straight.bestValidationAuc(), resumed.bestValidationAuc());
        assertEquals(6, resumed.history().size());
        for (int e = 0; e < 6; e++) {
            assertEquals(straight.history().get(e).loss(), resumed.history().get(e).loss(), "loss of epoch " + (e + 1));
            assertEquals(straight.history().get(e).validationAuc(), resumed.history().get(e).validationAuc());
        }
        // the epoch-6 checkpoints: current and best tables and every optimizer state array identical
        ModelFile.Contents a = ModelFile.read(dir.resolve("a6.ckpt")), b = ModelFile.read(dir.resolve("b6.ckpt"));
        assertEquals(a.tables().size(), b.tables().size());
        for (Table t : a.tables()) assertArrayEquals(t.data(), b.table(t.name()).data(), t.name());
        for (String k : List.of("vbpr.ck.baseMultipliers", "optim.item_factors.multiplier", "loop.epoch", "loop.best-validation", "loop.best-epoch", "optim.visual_projection.step")) {
            assertEquals(a.metadata().get(k), b.metadata().get(k), k);
        }
        assertTrue(a.tables().stream().anyMatch(t -> t.name().startsWith("optim/visual_projection/")), "dense Adam moments are stored");
        System.out.printf("6 epochs straight == 3 + resume 3: best epoch %d, validation AUC %.4f, %d tables equal%n",
                resumed.bestEpoch(), resumed.bestValidationAuc(), a.tables().size());

        // a checkpoint is also a model file of its epoch
        VbprModel m = VbprFiles.load(dir.resolve("a3.ckpt"), DATA.features());
        assertArrayEquals(ModelFile.read(dir.resolve("a3.ckpt")).table(VbprModel.USER_FACTORS).data(), m.table(VbprModel.USER_FACTORS).data());
        assertTrue(three.contents().tables().isEmpty(), "a loaded checkpoint keeps no table: they stream into the resumed trainer");
    }

    /**
     * The serving read streams the tables into the model: the same model as reading the file whole
     * (tables, projections, preprocessing, id maps), and a checkpoint's optimizer state and best
     * snapshot are verified but not kept.
     */
    @Test
    void streamingServingReadEqualsTheWholeRead() {
        VbprConfig cfg = config().withEpochs(2, 100);
        new VbprTrainer(DATA, cfg).withCheckpoints(2, to("s")).fit();
        Path ck = dir.resolve("s2.ckpt");
        ModelFile.Contents whole = ModelFile.read(ck);
        assertTrue(whole.tables().stream().anyMatch(t -> t.name().startsWith("optim/")), "the checkpoint holds optimizer state");
        VbprFiles.Loaded a = VbprFiles.read(ck, whole, null), b = VbprFiles.read(ck);
        for (Table t : a.model().tables()) assertArrayEquals(t.data(), b.model().table(t.name()).data(), t.name());
        assertArrayEquals(a.model().projections(), b.model().projections());
        assertArrayEquals(a.model().visualBiases(), b.model().visualBiases());
        assertEquals(a.model().transform().kind(), b.model().transform().kind());
        assertArrayEquals(a.model().transform().shift(), b.model().transform().shift());
        assertArrayEquals(a.model().transform().scale(), b.model().transform().scale());
        assertEquals(a.users().size(), b.users().size());
        assertEquals(a.metadata(), b.metadata());
        float[] sa = new float[DATA.items()], sb = new float[DATA.items()];
        a.model().scorer().scoreAll(3, sa);
        b.model().scorer().scoreAll(3, sb);
        assertArrayEquals(sa, sb, "scores");

        Path cut = dir.resolve("cut.model");
        try {
            byte[] bytes = Files.readAllBytes(ck);
            bytes[bytes.length - 20] ^= 1;   // inside the last table: found at the checksum
            Files.write(cut, bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertOneLine(assertThrows(BadInputException.class, () -> VbprFiles.read(cut)), "cut.model");
    }

    @Test
    void foreignDamagedOrMismatchedCheckpointsAreRefusedInOneLine() throws IOException {
        VbprConfig cfg = config().withEpochs(1, 100).withAutoBalance(false, Double.NaN);
        VbprTrainer.Result r = new VbprTrainer(DATA, cfg).withCheckpoints(1, to("c")).fit();
        Path plain = dir.resolve("plain.model");
        VbprFiles.save(plain, r.model(), cfg, Map.of());
        assertOneLine(assertThrows(BadInputException.class, () -> VbprCheckpoint.load(plain)), "plain.model", "not a checkpoint");

        Path ck = dir.resolve("c1.ckpt"), cut = dir.resolve("cut.ckpt");
        byte[] bytes = Files.readAllBytes(ck);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLine(assertThrows(BadInputException.class, () -> VbprCheckpoint.load(cut)), "cut.ckpt");

        VbprCheckpoint.State s = VbprCheckpoint.load(ck);
        assertOneLine(assertThrows(BadInputException.class, () -> new VbprTrainer(DATA, cfg.withSeed(7)).resumeFrom(s)), "c1.ckpt", "another configuration");
        assertFalse(new VbprTrainer(DATA, cfg.withEpochs(3, 5)).resumeFrom(s).fit().history().isEmpty(), "more epochs and another patience are allowed");
    }

    static void assertOneLine(BadInputException e, String... parts) {
        String m = e.getMessage();
        assertEquals(1, m.lines().count(), m);
        for (String p : parts) assertTrue(m.contains(p), m + " should contain " + p);
    }
}
