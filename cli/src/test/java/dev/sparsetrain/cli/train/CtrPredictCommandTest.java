package dev.sparsetrain.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.Main;
import dev.sparsetrain.cli.train.CtrCommandsTest.Result;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrRawData;
import dev.sparsetrain.data.ctr.CtrReader;
import dev.sparsetrain.data.ctr.CtrSchema;
import dev.sparsetrain.data.ctr.DenseTransform;
import dev.sparsetrain.data.ctr.EncoderConfig;
import dev.sparsetrain.data.ctr.EncoderState;
import dev.sparsetrain.data.ctr.FeatureEncoder;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ctr-predict through {@link Main#run}: saved models score held-out rows exactly as in training; bad input is one line, exit 2. */
public class CtrPredictCommandTest {
    public static Result run(String... args) { return CtrCommandsTest.run(args); }

    /** The first 240 rows of the synthetic Criteo-like file in one file, the last 60 (held out) in another. */
    public static Path[] split(Path dir) throws Exception {
        Path all = CtrCommandsTest.criteoLike(dir, null);
        List<String> lines = Files.readAllLines(all);
        Path test = dir.resolve("held-out.tsv");
        Files.write(test, lines.subList(240, lines.size()));
        return new Path[] {all, test};
    }

    /**
     * Real data: the first 2,000 rows of criteo-kaggle-dac-head10k train (file order), the next 500
     * are held out; ctr-predict on the held-out rows alone prints ctr-train's test figures, with
     * hashing and with a minimum-count vocabulary.
     */
    @Test
    void criteoHeadSavedModelsScoreHeldOutRowsAsInTraining(@TempDir Path dir) throws Exception {
        Path src = dev.sparsetrain.testkit.Datasets.require("criteo-kaggle-dac-head10k").resolve("train-10k.txt");
        List<String> lines;
        try (var s = Files.lines(src)) {
            lines = s.limit(2500).toList();
        }
        Path head = dir.resolve("head.tsv"), held = dir.resolve("held.tsv");
        Files.write(head, lines);
        Files.write(held, lines.subList(2000, 2500));
        for (String[] v : new String[][] {{"--buckets", "20000"}, {"--min-count", "3", "--dense", "standardize"}}) {
            Path model = dir.resolve("c.sptr"), csv = dir.resolve("c.csv");
            List<String> args = new java.util.ArrayList<>(List.of("ctr-train", "--data", head.toString(), "--train-rows", "2000", "--quiet",
                    "--threads", "1", "--dim", "8", "--save", model.toString()));
            args.addAll(List.of(v));
            Result t = run(args.toArray(String[]::new));
            assertEquals(0, t.code(), t.err());
            String trainFigures = line(t.out(), "  test  all").replaceFirst("^\\s*test\\s+all\\s+", "");
            Result p = run("ctr-predict", "--model", model.toString(), "--data", held.toString(), "--out", csv.toString());
            assertEquals(0, p.code(), p.err());
            System.out.printf("criteo head, %s: ctr-train test %s | ctr-predict %s%n", String.join(" ", v), trainFigures, line(p.out(), "metrics: "));
            assertEquals("metrics: " + trainFigures, line(p.out(), "metrics: "));
            assertEquals(500, probabilities(csv).length);
        }
    }

    public static float[] probabilities(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        assertEquals("row,probability,label", lines.get(0));
        float[] p = new float[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            assertEquals(String.valueOf(i), f[0]);
            p[i - 1] = Float.parseFloat(f[1]);
        }
        return p;
    }

    static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).reduce((a, b) -> b).orElseThrow(() -> new AssertionError(prefix + " in " + out));
    }

    /** ctr-train --save then ctr-predict on the held-out rows prints exactly ctr-train's test figures, for hashing and a vocabulary. */
    @Test
    void predictPrintsCtrTrainsTestFiguresForHashingAndVocabulary(@TempDir Path dir) throws Exception {
        Path[] f = split(dir);
        String[][] variants = {{"--buckets", "1000"}, {"--min-count", "2", "--dense", "log1p_standardize", "--model", "fm"},
                {"--min-count", "3", "--buckets", "20", "--model", "logistic", "--dense", "standardize"}};
        for (String[] v : variants) {
            Path model = dir.resolve("m.sptr"), csv = dir.resolve("p.csv");
            List<String> args = new java.util.ArrayList<>(List.of("ctr-train", "--data", f[0].toString(), "--train-rows", "240", "--quiet",
                    "--threads", "1", "--save", model.toString()));
            args.addAll(List.of(v));
            Result t = run(args.toArray(String[]::new));
            assertEquals(0, t.code(), t.err());
            String trainFigures = line(t.out(), "  test  all").replaceFirst("^\\s*test\\s+all\\s+", "");
            Result p = run("ctr-predict", "--model", model.toString(), "--data", f[1].toString(), "--out", csv.toString());
            assertEquals(0, p.code(), p.err());
            System.out.printf("%s: ctr-train test %s | ctr-predict %s%n", String.join(" ", v), trainFigures, line(p.out(), "metrics: "));
            assertEquals("metrics: " + trainFigures, line(p.out(), "metrics: "), String.join(" ", v));
            assertEquals(60, probabilities(csv).length);
        }
    }

    /**
     * A model trained in memory and saved with its encoder (as ctr-train does) gives, through
     * ctr-predict on the raw held-out rows, the in-memory model's own predictions to 1e-6.
     */
    @Test
    void predictionsEqualTheInMemoryModelsPredictions(@TempDir Path dir) throws Exception {
        Path[] f = split(dir);
        CtrRawData raw = CtrReader.readCriteo(f[0], false);
        CtrRawData trainRaw = raw.slice(0, 240), testRaw = raw.slice(240, raw.rows());
        for (EncoderConfig ec : List.of(new EncoderConfig(DenseTransform.LOG1P, 500, 0, 3), new EncoderConfig(DenseTransform.STANDARDIZE, 1000, 2, 0))) {
            FeatureEncoder enc = FeatureEncoder.fit(trainRaw, ec);
            CtrData tr = enc.encode(trainRaw), te = enc.encode(testRaw);
            SparseNN m = new SparseNN(ModelConfig.defaults().withDim(8), tr.names(), tr.tableRows(), tr.numDense(), 5);
            float[] inMemory;
            try (CtrTrainer t = new CtrTrainer(m, TrainConfig.defaults().toBuilder().threads(1).numPasses(2).batchSize(32).build())) {
                t.train(tr, 1, (pass, seen, ne) -> { }, null);
                inMemory = t.predict(te);
            }
            EncoderState state = new EncoderState("criteo", CtrSchema.criteo(), enc);
            Map<String, String> meta = new LinkedHashMap<>();
            state.addTo(meta);
            Path model = dir.resolve("mem.sptr"), csv = dir.resolve("mem.csv");
            m.save(model, meta, state.idMaps());
            Result p = run("ctr-predict", "--model", model.toString(), "--data", f[1].toString(), "--out", csv.toString());
            assertEquals(0, p.code(), p.err());
            float[] got = probabilities(csv);
            assertEquals(inMemory.length, got.length);
            double maxDiff = 0;
            for (int i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - inMemory[i]));
            System.out.printf("%s: max |ctr-predict - in-memory| = %.3g over %d rows%n", ec, maxDiff, got.length);
            assertTrue(maxDiff <= 1e-6, "max difference " + maxDiff);
            assertEquals("metrics: " + CtrMetrics.evaluate(te.labels(), inMemory, Double.NaN).format(), line(p.out(), "metrics: "));
        }
    }

    static Set<String> files(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void badInputIsOneLineWithExitTwoAndNoOutputFile(@TempDir Path dir) throws Exception {
        Path[] f = split(dir);
        Path model = dir.resolve("m.sptr"), csv = dir.resolve("out.csv");
        Result t = run("ctr-train", "--data", f[0].toString(), "--train-rows", "240", "--quiet", "--threads", "1", "--buckets", "300",
                "--dim", "4", "--save", model.toString());
        assertEquals(0, t.code(), t.err());
        Set<String> before = files(dir);
        Map<List<String>, String> cases = new LinkedHashMap<>();
        Path missing = dir.resolve("nope.sptr");
        cases.put(List.of("--model", missing.toString(), "--data", f[1].toString()), missing + ": model file not found");
        Path damaged = dir.resolve("damaged.sptr");
        byte[] b = Files.readAllBytes(model);
        b[b.length / 2] ^= 0x5a;
        Files.write(damaged, b);
        Path truncated = dir.resolve("truncated.sptr");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(model), 1000));
        cases.put(List.of("--model", truncated.toString(), "--data", f[1].toString()), truncated + ": truncated model file (1000 bytes, ends before its last table and checksum)");
        Path wrongFields = dir.resolve("fields.tsv");
        Files.writeString(wrongFields, Files.readAllLines(f[1]).get(0) + "\n7\t1\t2\n");
        cases.put(List.of("--model", model.toString(), "--data", wrongFields.toString()),
                wrongFields + ":2: 3 fields, expected 40 fields (label, 13 dense, 26 sparse, 0 skipped)");
        Path notNumeric = dir.resolve("dense.tsv");
        Files.writeString(notNumeric, "0\tx" + "\t1".repeat(38) + "\n");
        cases.put(List.of("--model", model.toString(), "--data", notNumeric.toString()), notNumeric + ":1: field 2 (I1) = 'x' is not a number");
        Path badLabel = dir.resolve("label.tsv");
        Files.writeString(badLabel, "2" + "\t1".repeat(39) + "\n");
        cases.put(List.of("--model", model.toString(), "--data", badLabel.toString()), badLabel + ":1: label '2', must be 0 or 1");
        cases.put(List.of("--model", model.toString(), "--data", f[1].toString(), "--format", "avazu"),
                "--format avazu contradicts the model " + model + ", which was trained with --format criteo; omit the option (the saved value is used)");
        cases.put(List.of("--model", model.toString(), "--data", f[1].toString(), "--buckets", "1000"),
                "--buckets 1000 contradicts the model " + model + ", which was trained with --buckets 300; omit the option (the saved value is used)");
        cases.put(List.of("--model", model.toString(), "--data", f[1].toString(), "--dim", "16"),
                "--dim 16 contradicts the model " + model + ", which was trained with --dim 4; omit the option (the saved value is used)");
        Path synthetic = dir.resolve("synthetic.sptr");
        assertEquals(0, run("ctr-train", "--synthetic-rows", "200", "--quiet", "--threads", "1", "--save", synthetic.toString()).code());
        cases.put(List.of("--model", synthetic.toString(), "--data", f[1].toString()), synthetic + ": saved without a feature encoder "
                + "(trained on synthetic data or by an older build); train it again on a data file and save it");
        before = files(dir);
        for (var c : cases.entrySet()) {
            List<String> args = new java.util.ArrayList<>(List.of("ctr-predict", "--out", csv.toString()));
            args.addAll(c.getKey());
            Result r = run(args.toArray(String[]::new));
            assertEquals(ExitCodes.BAD_INPUT, r.code(), c.getKey() + ": " + r.err());
            assertEquals("sparsetrain: " + c.getValue(), r.err().strip(), c.getKey().toString());
            assertEquals(before, files(dir), "no output or temporary file left: " + c.getKey());
        }
        Result r = run("ctr-predict", "--out", csv.toString(), "--model", damaged.toString(), "--data", f[1].toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().startsWith("sparsetrain: " + damaged + ": damaged model file") && r.err().strip().lines().count() == 1, r.err());
        // --skip-bad scores the good rows and counts the bad one
        Path mixed = dir.resolve("mixed.tsv");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(f[1]));
        lines.add(5, "0\tx" + "\t1".repeat(38));
        Files.write(mixed, lines);
        r = run("ctr-predict", "--out", csv.toString(), "--model", model.toString(), "--data", mixed.toString(), "--skip-bad", "--buckets", "300");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("60 rows scored (1 bad rows skipped, first: " + mixed + ":6:"), r.out());
        assertEquals(60, probabilities(csv).length);
    }

    /** A file without the label column (Criteo's test set has none) is scored without metrics; the CSV has no label column. */
    @Test
    void unlabelledRowsAreScoredLikeLabelledOnes(@TempDir Path dir) throws Exception {
        Path[] f = split(dir);
        Path model = dir.resolve("m.sptr"), labelled = dir.resolve("l.csv"), unlabelled = dir.resolve("u.csv");
        assertEquals(0, run("ctr-train", "--data", f[0].toString(), "--train-rows", "240", "--quiet", "--threads", "1", "--buckets", "300",
                "--min-count", "2", "--save", model.toString()).code());
        Path noLabel = dir.resolve("nolabel.tsv");
        Files.write(noLabel, Files.readAllLines(f[1]).stream().map(l -> l.substring(l.indexOf('\t') + 1)).toList());
        Result a = run("ctr-predict", "--model", model.toString(), "--data", f[1].toString(), "--out", labelled.toString());
        Result b = run("ctr-predict", "--model", model.toString(), "--data", noLabel.toString(), "--out", unlabelled.toString());
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        assertTrue(b.out().contains("60 rows scored (no label column)") && !b.out().contains("metrics:"), b.out());
        assertEquals("row,probability", Files.readAllLines(unlabelled).get(0));
        List<String> la = Files.readAllLines(labelled), lu = Files.readAllLines(unlabelled);
        for (int i = 1; i < la.size(); i++) assertTrue(la.get(i).startsWith(lu.get(i) + ","), la.get(i) + " vs " + lu.get(i));
        Path bad = dir.resolve("nolabel-bad.tsv");
        Files.writeString(bad, Files.readAllLines(noLabel).get(0) + "\n" + "x" + "\t1".repeat(38) + "\n");
        Result c = run("ctr-predict", "--model", model.toString(), "--data", bad.toString(), "--out", unlabelled.toString());
        assertEquals(ExitCodes.BAD_INPUT, c.code());
        assertEquals("sparsetrain: " + bad + ":2: field 1 (I1) = 'x' is not a number", c.err().strip());
    }

    @Test
    void helpExplainsEveryOptionAndItsDefault() {
        Result r = run("ctr-predict", "--help");
        assertEquals(0, r.code(), r.err());
        String h = r.out().replaceAll("\\s+", " ");
        for (String o : new String[] {"--model=FILE", "--data=FILE", "--out=FILE", "--skip-bad", "--format", "--buckets", "--min-count", "--dense", "--dim"}) {
            assertTrue(h.contains(o), o + " in " + r.out());
        }
        assertTrue(h.contains("Default: predictions.csv"), r.out());
        assertTrue(h.contains("Default: the saved one"), r.out());
        assertTrue(run("--help").out().contains("ctr-predict"), "listed in the top-level help");
    }
}
