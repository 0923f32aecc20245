package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.Main;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.SyntheticVisual;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.models.vbpr.Variant;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprFiles;
import dev.sparsetrain.models.vbpr.VbprModel;
import dev.sparsetrain.models.vbpr.VbprTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate and recommend read any saved recommender (BPR-MF, VBPR, visual-only) and tell the kind
 * from the file; VBPR files are served from the item projections stored in them (no feature file).
 * Through Main.run with injected writers.
 */
public class SavedRecommenderCommandsTest {
    @TempDir Path dir;

    public record Run(int code, String out, String err) {}

    public static Run run(String... args) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = Main.run(args, new PrintWriter(o), new PrintWriter(e));
        return new Run(code, o.toString(), e.toString());
    }

    static final int USERS = 300, ITEMS = 200, DIM = 64, EPOCHS = 3;
    static final long SEED = 7;

    private static List<String> trainVbpr(String variant, Path out) {
        return List.of("train", "--model", variant, "--data", "synthetic", "--synthetic-users", "" + USERS, "--synthetic-items", "" + ITEMS,
                "--synthetic-dim", "" + DIM, "--epochs", "" + EPOCHS, "--threads", "1", "--seed", "" + SEED, "--quiet", "--out", out.toString());
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError("no '" + prefix + "' line in\n" + out));
    }

    public static void assertBadInput(Run r, String... fragments) {
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.out() + r.err());
        String l = r.err().strip();
        assertEquals(1, l.lines().count(), "one line: " + l);
        for (String f : fragments) assertTrue(l.contains(f), l + " should contain " + f);
    }

    @Test
    void vbprModelIsEvaluatedAndRecommendsTheInMemoryModelsTopK() throws IOException {
        Path file = dir.resolve("vbpr.model");
        Run t = run(trainVbpr("vbpr", file).toArray(String[]::new));
        assertEquals(0, t.code(), t.err());
        assertTrue(Files.exists(file));

        // evaluate: same test figures as train printed at its end (AUC, cold-start AUC, Recall/NDCG@20), plus the full table
        Run ev = run("evaluate", "--model", file.toString());
        assertEquals(0, ev.code(), ev.err());
        System.out.println(ev.out());
        assertEquals(line(t.out(), "test: "), line(ev.out(), "test: "));
        assertTrue(ev.out().contains("VBPR") && ev.out().contains("recall@10") && ev.out().contains("ndcg@10")
                && ev.out().contains("cold-start AUC") && ev.out().contains("stored item projections"), ev.out());

        // the in-memory model: the same training in this JVM (--threads 1 and a seed are deterministic)
        SyntheticVisual.Config d = SyntheticVisual.Config.defaults(SEED);
        FeatureDataset data = SyntheticVisual.generate(new SyntheticVisual.Config(USERS, ITEMS, DIM, d.styles(), d.latent(), d.magnitude(),
                d.collaborativeWeight(), d.visualWeight(), d.coldFraction(), SEED));
        VbprConfig cfg = VbprConfig.defaults(Variant.VBPR);
        cfg = cfg.withThreads(1).withEpochs(EPOCHS, cfg.patience()).withSeed(SEED);
        VbprModel mem = new VbprTrainer(data, cfg).fit().model();
        Interactions train = data.interactions(data.train());
        boolean[] cold = data.coldItems();
        for (int u : new int[] {0, 5, 123}) {
            Run rec = run("recommend", "--model", file.toString(), "--user", Integer.toString(u), "-k", "10");
            assertEquals(0, rec.code(), rec.err());
            assertEquals(expectedTopK(mem, train, u, 10), rows(rec.out()), rec.out());
        }
        // cold-start items (no training pair) are scored from the stored projections: not all tied at the same value
        float[] s = new float[ITEMS];
        VbprFiles.read(file, dev.sparsetrain.core.io.ModelFile.read(file), null).model().scorer().scoreAll(0, s);
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        int nCold = 0;
        for (int i = 0; i < ITEMS; i++) {
            if (!cold[i]) continue;
            nCold++;
            lo = Math.min(lo, s[i]);
            hi = Math.max(hi, s[i]);
            assertEquals(mem.score(0, i), s[i], 1e-4, "cold item " + i);
        }
        assertTrue(nCold > 0 && hi > lo, "cold items scored " + lo + ".." + hi);
        // the old path (raw features + saved preprocessing) gives the same scores as the stored projections
        VbprModel recomputed = VbprFiles.load(file, data.features());
        for (int i = 0; i < ITEMS; i++) assertEquals(recomputed.score(5, i), mem.score(5, i), 1e-4);
    }

    /** "rank item score" rows of the expected top-k, training items of u left out, ties by index. */
    private static List<String> expectedTopK(VbprModel m, Interactions train, int u, int k) {
        List<Integer> cand = new ArrayList<>();
        for (int i = 0; i < m.items(); i++) if (!train.contains(u, i)) cand.add(i);
        cand.sort((a, b) -> m.score(u, a) != m.score(u, b) ? Float.compare(m.score(u, b), m.score(u, a)) : Integer.compare(a, b));
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < k; r++) rows.add(String.format(Locale.ROOT, "%d %d %.4f", r + 1, cand.get(r), m.score(u, cand.get(r))));
        return rows;
    }

    private static List<String> rows(String out) {
        List<String> rows = new ArrayList<>();
        for (String l : out.strip().split("\n")) {
            String[] f = l.strip().split("\\s+");
            if (f.length >= 3 && f[0].matches("\\d+")) rows.add(f[0] + " " + f[1] + " " + f[2]);
        }
        return rows;
    }

    @Test
    void visualOnlyModelServesWithoutFeaturesAndBprFilesStillWork() {
        Path vis = dir.resolve("visual.model");
        Run t = run(trainVbpr("visual", vis).toArray(String[]::new));
        assertEquals(0, t.code(), t.err());
        Run ev = run("evaluate", "--model", vis.toString(), "-k", "10");
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("visual-only") && ev.out().contains("cold-start AUC"), ev.out());
        assertEquals(line(t.out(), "test: ").replace("Recall@20", "").split(",")[0], line(ev.out(), "test: ").split(",")[0]);
        Run rec = run("recommend", "--model", vis.toString(), "--user", "3", "-k", "4");
        assertEquals(0, rec.code(), rec.err());
        assertEquals(4, rows(rec.out()).size(), rec.out());

        Path bpr = dir.resolve("bpr.model");
        assertEquals(0, run("train", "--synthetic-users", "300", "--synthetic-items", "200", "--epochs", "2", "--quiet", "--out", bpr.toString()).code());
        Run be = run("evaluate", "--model", bpr.toString(), "-k", "10");
        assertEquals(0, be.code(), be.err());
        assertTrue(be.out().contains("BPR-MF") && be.out().contains("ndcg@10"), be.out());
        Run br = run("recommend", "--model", bpr.toString(), "--user", "5", "-k", "3");
        assertEquals(0, br.code(), br.err());
        assertEquals(3, rows(br.out()).size(), br.out());
    }

    @Test
    void badInputIsOneLineAndExitCode2() throws IOException {
        Path file = dir.resolve("v.model");
        List<String> a = new ArrayList<>(trainVbpr("vbpr", file));
        a.set(a.indexOf("--epochs") + 1, "1");
        assertEquals(0, run(a.toArray(String[]::new)).code());
        assertBadInput(run("recommend", "--model", file.toString(), "--user", "300"), "--user '300': unknown user", "300 users");
        assertBadInput(run("recommend", "--model", file.toString(), "--user", "x1"), "--user 'x1': unknown user");
        assertBadInput(run("evaluate", "--model", file.toString(), "--split", "loo"), "--split", "VBPR model file");

        Path bpr = dir.resolve("bpr.model");
        assertEquals(0, run("train", "--synthetic-users", "300", "--synthetic-items", "200", "--epochs", "1", "--quiet", "--out", bpr.toString()).code());
        assertBadInput(run("recommend", "--model", bpr.toString(), "--user", "5", "--features", file.toString()), "--features", "BPR-MF");
        assertBadInput(run("evaluate", "--model", bpr.toString(), "--synthetic-dim", "64"), "--synthetic-dim", "BPR-MF");

        byte[] bytes = Files.readAllBytes(file);
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x5a;
        Path damaged = dir.resolve("damaged.model");
        Files.write(damaged, flipped);
        assertBadInput(run("evaluate", "--model", damaged.toString()), "damaged.model", "damaged");
        Path truncated = dir.resolve("truncated.model");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 100));
        assertBadInput(run("recommend", "--model", truncated.toString(), "--user", "1"), "truncated.model", "truncated");
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("train.tsv"), "0\t0\n1\t999\n");
        Files.writeString(data.resolve("val.tsv"), "");
        Files.writeString(data.resolve("test.tsv"), "0\t1\n");
        assertBadInput(run("evaluate", "--model", file.toString(), "--data", data.toString()), "(1, 999) outside the model's 300 users x 200 items");
    }

    @Test
    void aFileWithoutStoredProjectionsNeedsFeaturesAndThenGivesTheSameTopK() throws IOException {
        Path file = dir.resolve("v.model");
        List<String> a = new ArrayList<>(trainVbpr("vbpr", file));
        a.set(a.indexOf("--epochs") + 1, "1");
        assertEquals(0, run(a.toArray(String[]::new)).code());
        Run served = run("recommend", "--model", file.toString(), "--user", "7", "-k", "8");
        assertEquals(0, served.code(), served.err());
        // an older file: the same contents without the serving tables
        var c = dev.sparsetrain.core.io.ModelFile.read(file);
        List<dev.sparsetrain.core.Table> kept = new ArrayList<>();
        for (var t : c.tables()) if (!t.name().equals(VbprFiles.ITEM_PROJECTION) && !t.name().equals(VbprFiles.ITEM_VISUAL_BIAS)) kept.add(t);
        Path old = dir.resolve("old.model");
        dev.sparsetrain.core.io.ModelFile.write(old, new dev.sparsetrain.core.io.ModelFile.Contents(c.modelType(), c.configJson(), c.metadata(), c.idMaps(), kept));
        assertBadInput(run("recommend", "--model", old.toString(), "--user", "7"), "old.model", "without its item projections", "--features");
        SyntheticVisual.Config d = SyntheticVisual.Config.defaults(SEED);
        float[] f = SyntheticVisual.generate(new SyntheticVisual.Config(USERS, ITEMS, DIM, d.styles(), d.latent(), d.magnitude(),
                d.collaborativeWeight(), d.visualWeight(), d.coldFraction(), SEED)).features().values();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(f.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float x : f) b.putFloat(x);
        Path raw = dir.resolve("features.bin");
        Files.write(raw, b.array());
        Run recomputed = run("recommend", "--model", old.toString(), "--user", "7", "-k", "8", "--features", raw.toString());
        assertEquals(0, recomputed.code(), recomputed.err());
        assertEquals(rows(served.out()), rows(recomputed.out()));
        assertEquals(8, rows(served.out()).size());
    }

    @Test
    void trainHelpListsItemIdDropoutAmongTheVbprOptions() {
        Run h = run("train", "--help");
        assertEquals(0, h.code(), h.err());
        String flat = h.out().replaceAll("\\s+", "");   // picocli wraps long descriptions
        int at = flat.indexOf("Modeltotrain:");
        assertTrue(at >= 0, h.out());
        String model = flat.substring(at, flat.indexOf("--config=", at));
        assertTrue(model.contains("--item-id-dropout(vbpronly)"), model);
    }
}
