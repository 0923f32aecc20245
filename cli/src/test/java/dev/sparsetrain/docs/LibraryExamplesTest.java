package dev.sparsetrain.docs;

// tag::imports[]
import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.DelimitedFormat;
import dev.sparsetrain.data.InteractionReader;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.data.ReadOptions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.Splits;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrFileSplit;
import dev.sparsetrain.data.ctr.CtrRawData;
import dev.sparsetrain.data.ctr.CtrReader;
import dev.sparsetrain.data.ctr.CtrSchema;
import dev.sparsetrain.data.ctr.DenseTransform;
import dev.sparsetrain.data.ctr.EncoderConfig;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.FeatureReader;
import dev.sparsetrain.data.features.Preprocessing;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.metrics.ctr.Strata;
import dev.sparsetrain.metrics.ranking.PopularityScorer;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.metrics.ranking.Recommendations;
import dev.sparsetrain.metrics.ranking.Scorer;
import dev.sparsetrain.metrics.ranking.TopK;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.sparsenn.ClickModel;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.models.train.Checkpoint;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainable;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.models.vbpr.GroupSpec;
import dev.sparsetrain.models.vbpr.Variant;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprFiles;
import dev.sparsetrain.models.vbpr.VbprModel;
import dev.sparsetrain.models.vbpr.VbprTrainer;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.OptimizerState;
import dev.sparsetrain.optim.OptimizerSpec;
import dev.sparsetrain.optim.Optimizers;
import dev.sparsetrain.optim.ParamGroup;
import dev.sparsetrain.optim.RowUpdater;
import dev.sparsetrain.optim.Schedule;
import dev.sparsetrain.optim.SparseSemantics;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
// end::imports[]

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.io.Npy;
import dev.sparsetrain.data.SyntheticImplicit;
import dev.sparsetrain.data.features.SyntheticVisual;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of {@code docs/library.md}, run as tests. Each fenced Java block of the guide is the
 * region between {@code // tag::NAME[]} and {@code // end::NAME[]} here, and each output block is
 * what the example printed. {@link LibraryGuideTest} checks that the code blocks equal the tagged
 * regions, and each example here checks that its output has the shape of the guide's (numbers
 * aside), so the guide cannot drift from the public API. The data are small synthetic files written into a
 * temporary folder, so every example runs in seconds and needs no downloaded data set.
 */
class LibraryExamplesTest {
    @TempDir Path dir;

    private PrintStream original;
    private ByteArrayOutputStream captured;

    @BeforeEach
    void capture() {
        original = System.out;
        captured = new ByteArrayOutputStream();
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
            }
        };
        System.setOut(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.out.flush();
        System.setOut(original);
    }

    /** What the example printed; its lines must have the shape of the guide's output block {@code example}. */
    private String printed(String example) throws Exception {
        System.out.flush();
        String s = captured.toString(StandardCharsets.UTF_8);
        // kept for updating the guide's output block after a deliberate change
        Path copy = Path.of("target", "library-examples", example + ".txt");
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, s);
        LibraryGuide.assertSameShape(example, LibraryGuide.read().output(example), s);
        return s;
    }

    // ---------------------------------------------------------------- 1. BPR-MF

    /** A ratings file "user TAB item TAB rating" with string ids, from a planted low-rank model. */
    private Path writeRatings() throws Exception {
        var g = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSeed(7).withSize(1200, 800, 30));
        Interactions in = g.interactions();
        SplittableRandom rnd = new SplittableRandom(7);
        StringBuilder sb = new StringBuilder();
        for (int u = 0; u < in.numUsers(); u++) {
            for (int p = in.start(u); p < in.end(u); p++) {
                sb.append("u").append(in.users().id(u)).append('\t').append("i").append(in.items().id(in.itemIndices()[p]))
                        .append('\t').append(3 + rnd.nextInt(3)).append('\n');
            }
        }
        Path ratings = dir.resolve("ratings.tsv");
        Files.writeString(ratings, sb);
        return ratings;
    }

    /** The spine's whole call on BPR-MF: validator, checkpointer, early stopping, and a resumed run equal to the straight one. */
    @Test
    void spine() throws Exception {
        Split split = Splits.validation(Splits.leaveOneOut(InteractionReader.read(writeRatings(), DelimitedFormat.tsv(),
                ReadOptions.defaults()).interactions(), 42).train(), 42);
        Interactions train = split.train(), validation = split.test();
        // tag::spine[]
        TrainerConfig loop = TrainerConfig.defaults().withEpochs(6).withThreads(1).withSeed(7)
                .withPatience(2).withCheckpointEvery(3);                // early stopping; the loop state every 3 epochs
        BprModel model = new BprModel(train.numUsers(), train.numItems(), BprConfig.defaults(), loop.seed());
        Trainable trainable = Hogwild.of(model, train, NegativeSampler.uniform(train));   // vbpr.trainable(), ctr.trainable(data)
        RankingEvaluator.Options at10 = RankingEvaluator.Options.defaults().withKs(10);
        Trainer.Result run = new Trainer(loop)
                .withValidator(e -> Trainer.Validation.higher(RankingEvaluator.evaluate(model, validation, List.of(train), at10).auc()))
                .withCheckpointer(state -> Checkpoint.write(dir.resolve("bpr-" + state.epoch() + ".ckpt"),   // model, optimizer and loop state
                        BprFiles.contents(model, train.users(), train.items(), Map.of()), trainable, state))
                .fit(trainable);                                        // .withProgress(Progress::toStderr) draws a line per epoch
        System.out.println(run.lastEpoch() + " epochs, best " + run.bestEpoch() + " (validation AUC " + run.bestValidation() + ")");

        // later, in another process: the same shape, then the checkpoint's tables, optimizer and loop state
        BprModel again = new BprModel(train.numUsers(), train.numItems(), BprConfig.defaults(), loop.seed());
        Trainable resumed = Hogwild.of(again, train, NegativeSampler.uniform(train));
        Path ck = dir.resolve("bpr-3.ckpt");
        Trainer.State state = Checkpoint.resume(ck.toString(), ModelFile.read(ck), resumed);
        Trainer.Result rest = new Trainer(loop)
                .withValidator(e -> Trainer.Validation.higher(RankingEvaluator.evaluate(again, validation, List.of(train), at10).auc()))
                .fit(resumed, state);                                   // epochs state.epoch()+1 .. 6, exactly as if never stopped
        // end::spine[]
        assertEquals(3, state.epoch());
        assertEquals(run.lastEpoch(), rest.lastEpoch());
        assertEquals(run.bestEpoch(), rest.bestEpoch());
        assertEquals(run.bestValidation(), rest.bestValidation());
        assertArrayEquals(model.items().data(), again.items().data(), "the resumed run ends with the straight run's parameters");
    }

    @Test
    void bprMf() throws Exception {
        Path ratings = writeRatings();
        // tag::bpr[]
        // user, item, rating per line (MovieLens 100K's u.data; KnownDatasets.load("ml-100k", root, ...) reads it by name)
        InteractionReader.ReadResult read = InteractionReader.read(ratings, DelimitedFormat.tsv(), ReadOptions.defaults());
        System.out.println(read.summary());
        Split split = Splits.leaveOneOut(read.interactions(), 42);      // one random item per user held out
        Interactions train = split.train(), test = split.test();

        BprConfig config = BprConfig.defaults().withFactors(32);        // SGD, lr 0.15, L2 0.0075 on touched rows
        TrainerConfig loop = TrainerConfig.defaults().withEpochs(20).withThreads(2).withSeed(42);
        BprModel model = new BprModel(train.numUsers(), train.numItems(), config, loop.seed());
        Trainer.Result run = new Trainer(loop).fit(Hogwild.of(model, train, NegativeSampler.uniform(train)));   // the model's trainable
        System.out.printf("%d epochs, %.1f M samples/s, last epoch's loss %.4f%n",
                run.history().size(), run.samplesPerSecond() / 1e6, run.finalLoss());
        // end::bpr[]
        // tag::bpr-evaluate[]
        // every item outside the user's training items is ranked (full ranking), beside popularity
        RankingEvaluator.Options at10 = RankingEvaluator.Options.defaults().withKs(10).withThreads(2);
        RankingReport bpr = RankingEvaluator.evaluate(model, test, List.of(train), at10);
        RankingReport pop = RankingEvaluator.evaluate(new PopularityScorer(train), test, List.of(train), at10);
        System.out.print(RankingReport.table("BPR-MF", bpr, "popularity", pop));
        // end::bpr-evaluate[]
        // tag::bpr-save[]
        Path file = dir.resolve("bpr.model");
        BprFiles.save(file, model, train.users(), train.items(), Map.of("data", ratings.toString()));
        BprFiles.Loaded loaded = BprFiles.load(file);                   // checksummed; a damaged file is refused in one line
        // data read again (here or in another process) lined up with the saved rows by raw id
        Interactions seen = read.interactions().remap(loaded.users(), loaded.items());
        // end::bpr-save[]
        // tag::bpr-serve[]
        int[] everyone = new int[loaded.users().size()];
        Arrays.setAll(everyone, u -> u);
        Path out = dir.resolve("top10.tsv");
        try (BufferedWriter w = Files.newBufferedWriter(out)) {         // items the user has seen are left out
            Recommendations.forUsers(loaded.model(), everyone, List.of(seen), 10, 2, (u, items, scores, n) -> {
                for (int r = 0; r < n; r++) {
                    w.write(loaded.users().id(u) + "\t" + (r + 1) + "\t" + loaded.items().id(items[r]) + "\t" + scores[r] + "\n");
                }
            });
        }
        List<String> lines = Files.readAllLines(out);
        System.out.println(lines.size() + " lines, the first: " + lines.get(0));

        // one user with your own filter: score every item, hide some, keep the best 5
        int u = loaded.users().indexOf("u7");
        float[] scores = new float[loaded.model().numItems()];
        loaded.model().scoreAll(u, scores);
        boolean[] hide = new boolean[scores.length];
        for (int i : seen.itemsOf(u)) hide[i] = true;
        hide[loaded.items().indexOf("i3")] = true;                     // e.g. out of stock
        List<String> top5 = new ArrayList<>();
        for (int i : TopK.select(scores, hide, 5)) top5.add(loaded.items().id(i));
        System.out.println("u7: " + top5);
        // end::bpr-serve[]
        String s = printed("bpr");

        assertTrue(bpr.auc() > pop.auc() + 0.02, s);
        assertEquals(loaded.users().size() * 10, Files.readAllLines(out).size());
        assertEquals(5, top5.size());
        assertTrue(!top5.contains("i3"));
        float[] before = new float[model.numItems()];
        model.scoreAll(u, before);
        assertArrayEquals(before, scores, "the reloaded model scores as the trained one");
    }

    // ---------------------------------------------------------------- 2. VBPR

    /** train/val/test pair files of 0-based indices and a features.npy of raw (unpreprocessed) item features. */
    private Path writeVisualData() throws Exception {
        FeatureDataset d = SyntheticVisual.generate(new SyntheticVisual.Config(800, 500, 256, 12, 16, 40.0, 1.0, 1.0, 0.07, 7));
        Path folder = Files.createDirectories(dir.resolve("shop"));
        String[] names = {"train.tsv", "val.tsv", "test.tsv"};
        FeatureDataset.Pairs[] pairs = {d.train(), d.validation(), d.test()};
        for (int s = 0; s < 3; s++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < pairs[s].size(); k++) sb.append(pairs[s].users()[k]).append('\t').append(pairs[s].items()[k]).append('\n');
            Files.writeString(folder.resolve(names[s]), sb);
        }
        Npy.write(Table.dense("features", d.items(), d.features().dim()).load(d.features().values()), folder.resolve("features.npy"));
        return folder;
    }

    @Test
    void vbpr() throws Exception {
        Path folder = writeVisualData();
        // tag::vbpr[]
        // "user TAB item" pair files of 0-based indices, one raw feature row per item (.npy, raw float32 or text)
        FeatureDataset data = FeatureDataset.of("shop",
                FeatureDataset.Pairs.read(folder.resolve("train.tsv")),
                FeatureDataset.Pairs.read(folder.resolve("val.tsv")),
                FeatureDataset.Pairs.read(folder.resolve("test.tsv")),
                FeatureReader.read(folder.resolve("features.npy"), 0));
        System.out.println(data);

        VbprConfig config = VbprConfig.defaults(Variant.VBPR)           // SGD on the rows, Adam on E and beta'
                .withPreprocessing(Preprocessing.L2_ROW)                // the trainer fits and applies it
                .withGroup(VbprModel.ITEM_BIAS, GroupSpec.of("rowwise_adagrad", 0.05, 0))
                .withGroup(VbprModel.PROJECTION, GroupSpec.adam(1e-3, 0)
                        .withClip(new GroupSpec.Clip(GroupSpec.ClipKind.GLOBAL_NORM, 1.0)))
                .withAutoBalance(true, Double.NaN)                      // probe, then meet the median update/weight
                .withEpochs(30, 3)                                      // at most 30; stop after 3 without a better val AUC
                .withThreads(2).withSeed(42);
        VbprTrainer vbpr = new VbprTrainer(data, config);               // the model, its six groups and their multipliers
        Trainer.Result run = new Trainer(vbpr.loop())                   // epochs, patience, threads, seed of the config
                .withValidator(vbpr.validator())                        // validation AUC, and cold-start AUC beside it
                .fit(vbpr.trainable());                                 // auto-balance probes first, then the epochs
        VbprModel model = vbpr.model();                                 // the best epoch's parameters
        run.notes().forEach(System.out::println);                       // what auto-balance chose
        for (Trainer.EpochRecord e : run.history()) {
            System.out.printf("epoch %2d  loss %.4f  val AUC %.4f  val cold-start AUC %.4f%n",
                    e.epoch(), e.loss(), e.validation(), e.extra().get(VbprTrainer.COLD_AUC));
        }
        for (GroupDiagnostics g : run.history().getLast().groups()) {   // per-group diagnostics, every epoch
            System.out.println(g.describe());
        }
        // end::vbpr[]
        // tag::vbpr-evaluate[]
        var test = model.evaluate(data, data.test(), 2);
        System.out.println("best epoch " + run.bestEpoch() + ", test: " + test);

        Path file = folder.resolve("vbpr.model");
        VbprFiles.save(file, model, config, Map.of("data", "shop"));
        VbprModel again = VbprFiles.load(file, data.features());       // raw features: the saved preprocessing is re-applied
        System.out.println("reloaded: " + again.evaluate(data, data.test(), 2));
        // serving needs no features: the file holds every item's projection, cold-start items included
        VbprModel serving = VbprFiles.read(file).model();
        Scorer scorer = serving.scorer();
        Interactions known = data.interactions(data.train());
        Recommendations.forUsers(scorer, new int[] {0, 1, 2}, List.of(known), 5, 1, (u, items, scores, n) ->
                System.out.println("user " + u + ": " + Arrays.toString(Arrays.copyOf(items, n))));
        // end::vbpr-evaluate[]
        float[] scores = new float[scorer.numItems()];
        scorer.scoreAll(0, scores);
        String s = printed("vbpr");

        assertTrue(test.auc() > 0.6, s);
        assertTrue(test.coldUsers() > 0, s);
        assertTrue(test.coldAuc() > 0.55, s);
        float[] trained = new float[scorer.numItems()];
        model.scorer().scoreAll(0, trained);
        for (int i = 0; i < trained.length; i++) assertEquals(trained[i], scores[i], 1e-4f * Math.max(1, Math.abs(trained[i])));
    }

    // ---------------------------------------------------------------- 3. click models

    /** A Criteo-layout log (label, I1..I13, C1..C26, tabs) whose clicks depend on C1, C2 and I1. */
    private Path writeClickLog(String name, int rows, long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        SplittableRandom effects = new SplittableRandom(99);   // the same planted effects in every file
        double[] c1 = new double[400], c2 = new double[50];
        for (int k = 0; k < c1.length; k++) c1[k] = 1.2 * effects.nextGaussian();
        for (int k = 0; k < c2.length; k++) c2[k] = 0.8 * effects.nextGaussian();
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            int a = (int) Math.min(c1.length - 1, Math.floor(Math.pow(rnd.nextDouble(), 2.5) * c1.length));   // skewed: some rare ids
            int b = rnd.nextInt(c2.length);
            int i1 = rnd.nextInt(20);
            double logit = -1.6 + c1[a] + c2[b] + 0.05 * (i1 - 10);
            int label = rnd.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
            sb.append(label).append('\t').append(i1);
            for (int d = 1; d < 13; d++) sb.append('\t').append(rnd.nextInt(4) == 0 ? "" : Integer.toString(rnd.nextInt(1000)));
            sb.append('\t').append(String.format(Locale.ROOT, "%08x", a * 7919)).append('\t').append(String.format(Locale.ROOT, "%08x", b * 104729));
            for (int c = 2; c < 26; c++) sb.append('\t').append(String.format(Locale.ROOT, "%08x", rnd.nextInt(30 + 10 * c)));
            sb.append('\n');
        }
        Path file = dir.resolve(name);
        Files.writeString(file, sb);
        return file;
    }

    @Test
    void clickModel() throws Exception {
        Path log = writeClickLog("clicks.txt", 6000, 1);
        Path newLog = writeClickLog("new-clicks.txt", 1000, 2);
        // tag::ctr[]
        // Criteo layout: label, 13 integer and 26 categorical columns, tab-separated; the encoder is fitted on train rows only
        CtrFileSplit split = CtrFileSplit.read(log, "criteo", CtrSchema.criteo(), false, 5000, null,
                EncoderConfig.hashing(20_000).withDense(DenseTransform.LOG1P));   // rows 1-5000 train, the rest test
        System.out.println(split.description());
        CtrData train = split.train(), test = split.test();

        ModelConfig arch = ModelConfig.defaults().withDim(8);           // or .withType(ModelConfig.Type.LOGISTIC / FM)
        TrainConfig tc = TrainConfig.defaults().toBuilder().threads(2).seed(42).batchSize(128)
                .embeddingOptimizer(OptimizerSpec.parse("rowwise_adagrad:0.05")).mlpOptimizer(OptimizerSpec.parse("adam:3e-3")).build();
        SparseNN model = new SparseNN(arch, train.names(), train.tableRows(), train.numDense(), tc.seed());
        try (CtrTrainer ctr = new CtrTrainer(model, tc)) {              // the groups, the worker team
            for (ParamGroup g : ctr.parameterGroups()) {
                System.out.println("group " + g.name() + ": " + g.chain().describe() + ", " + g.semantics());
            }
            ctr.evaluateWithin(1, (passes, samples, ne) ->              // a hook at the end of every pass
                    System.out.printf("pass %.0f: training NE %.4f%n", passes, ne));
            Trainer.Result run = new Trainer(ctr.loop())                // passes, threads, seed of the config
                    .fit(ctr.trainable(train));                         // one pass over train per epoch
            System.out.printf("%.0f samples/s%n", run.samplesPerSecond());
        }
        // NE, AUC and calibration per stratum of C1's training impressions (rare < 10 <= medium < 100 <= frequent)
        float[] p = model.predict(test);
        int c1 = Arrays.asList(train.names()).indexOf("C1");
        int[] impressions = test.impressionsPerRow(c1, train.impressions(c1));
        CtrEvaluation[] strata = Strata.defaults().evaluate(test.labels(), p, impressions, test.clickRate());
        for (int k = 0; k < 4; k++) System.out.printf("%-8s %s%n", k < 3 ? Strata.NAMES[k] : "all", strata[k].format());
        // end::ctr[]
        // tag::ctr-serve[]
        Path file = dir.resolve("ctr.model");
        Map<String, String> meta = new LinkedHashMap<>();
        split.state().addTo(meta);                                      // the fitted encoder travels with the model
        model.save(file, meta, split.state().idMaps());

        ClickModel served = ClickModel.load(file);                      // the model and its encoder, checked against each other
        CtrRawData fresh = served.read(newLog, false);                  // a log in the training format
        float[] clickProbability = served.score(fresh);
        System.out.println("new log: " + CtrMetrics.evaluate(fresh.labels(), clickProbability, Double.NaN).format());
        String request = Files.readAllLines(newLog).get(0).split("\t", 2)[1];   // one row without its label column
        System.out.printf("one request: %.4f%n", served.scoreLine(request));
        // end::ctr-serve[]
        String s = printed("ctr");

        assertTrue(strata[3].ne() < 0.97, s);
        assertTrue(strata[3].auc() > 0.65, s);
        assertArrayEquals(p, served.score(CtrReader.read(log, served.encoder().schema(), false, Integer.MAX_VALUE).slice(5000, 6000)),
                "the reloaded model and encoder reproduce the test predictions");
        assertEquals(clickProbability[0], served.scoreLine(request), "one request scores as its row in the log");
        // one instance serves several threads at once
        java.util.List<float[]> parallel = java.util.stream.IntStream.range(0, 4).parallel().mapToObj(k -> served.score(fresh)).toList();
        for (float[] q : parallel) assertArrayEquals(clickProbability, q, "concurrent scoring");
    }

    // ---------------------------------------------------------------- 4. the optimizer runtime

    @Test
    void optimizerRuntime() throws Exception {
        // clicks of users on items with 8 features per item, from a planted model
        int nUsers = 2000, nItems = 500, f = 8, n = 60_000;
        SplittableRandom gen = new SplittableRandom(5);
        float[] features = new float[nItems * f];
        for (int k = 0; k < features.length; k++) features[k] = (float) gen.nextGaussian();
        float[] tu = new float[nUsers * 4], ti = new float[nItems * 4];
        for (int k = 0; k < tu.length; k++) tu[k] = (float) gen.nextGaussian();
        for (int k = 0; k < ti.length; k++) ti[k] = (float) gen.nextGaussian();
        int[] users = new int[n], items = new int[n];
        float[] labels = new float[n];
        for (int s = 0; s < n; s++) {
            users[s] = gen.nextInt(nUsers);
            items[s] = gen.nextInt(nItems);
            double x = Kernels.dot(tu, users[s] * 4, ti, items[s] * 4, 4) + features[items[s] * f] - 0.5 * features[items[s] * f + 1];
            labels[s] = gen.nextDouble() < 1 / (1 + Math.exp(-x)) ? 1 : 0;
        }
        Path checkpoint = dir.resolve("my-model.ckpt");
        // tag::runtime[]
        // p(click) = sigmoid(u . v + b_i + w . x_i): two embedding tables, a per-item bias, a dense weight vector
        int dim = 16;
        Table userT = Table.embedding("users", nUsers, dim).fillNormal(new SplittableRandom(1), 0.1);
        Table itemT = Table.embedding("items", nItems, dim).fillNormal(new SplittableRandom(2), 0.1);
        Table bias = Table.embedding("item_bias", nItems, 1);
        Table w = Table.dense("w", 1, f);
        List<ParamGroup> groups = List.of(
                ParamGroup.of("factors", Optimizers.adam(0.01).withWeightDecay(1e-5), "users", "items")
                        .withSemantics(SparseSemantics.LAZY_ROWWISE_BIAS),     // bias correction by each row's own count
                ParamGroup.of("bias", Optimizers.rowwiseAdagrad(0.1), "item_bias"),
                ParamGroup.of("linear", Optimizers.sgd(0.5).withClipByGlobalNorm(1.0)
                                .withSchedule(Schedule.warmup(20, 0.1, Schedule.constant())), "w")
                        .withSemantics(SparseSemantics.DENSE));
        Optimizer opt = Optimizer.build(groups, List.of(userT, itemT, bias, w));
        System.out.print(opt.describe());

        RowUpdater uUp = opt.updater(userT), iUp = opt.updater(itemT), bUp = opt.updater(bias);
        GroupStats stats = opt.newStats();                              // one per thread under Hogwild
        float[] gu = new float[dim], gi = new float[dim], gb = new float[1], gw = new float[f];
        int batch = 256;
        long step = 0;
        for (int epoch = 1; epoch <= 3; epoch++) {
            double loss = 0;
            for (int s = 0; s < n; s++) {
                int u = users[s], i = items[s];
                float x = Kernels.dot(userT.block(u), userT.offset(u), itemT.block(i), itemT.offset(i), dim)
                        + bias.get(i, 0) + Kernels.dot(w.data(), 0, features, i * f, f);
                double prob = 1 / (1 + Math.exp(-x));
                loss -= labels[s] == 1 ? Math.log(prob) : Math.log(1 - prob);
                float g = (float) prob - labels[s];                     // d loss / d x
                for (int d = 0; d < dim; d++) {
                    gu[d] = g * itemT.get(i, d);
                    gi[d] = g * userT.get(u, d);
                }
                gb[0] = g;
                step++;
                uUp.update(u, gu, 0, step, stats);                      // per-row path: rows change at once
                iUp.update(i, gi, 0, step, stats);
                bUp.update(i, gb, 0, step, stats);
                for (int k = 0; k < f; k++) gw[k] = g * features[i * f + k] / batch;
                opt.gradients(w).add(0, gw, 0);                         // batch path: summed, applied by step()
                if (s % batch == batch - 1) opt.step();
            }
            opt.report(stats);
            System.out.printf("epoch %d: log loss %.4f%n", epoch, loss / n);
            for (GroupDiagnostics d : opt.endEpoch()) System.out.println("  " + d.describe());
        }

        // checkpoint: parameters and the whole optimizer state in one checksummed file
        OptimizerState state = opt.exportState();
        List<Table> tables = new ArrayList<>(List.of(userT, itemT, bias, w));
        tables.addAll(state.tables());
        ModelFile.write(checkpoint, new ModelFile.Contents("my-model", "{}", state.metadata(), Map.of(), tables));

        // resume: the same groups over the saved tables, then the saved state (checked against the groups)
        ModelFile.Contents c = ModelFile.read(checkpoint);
        Optimizer resumed = Optimizer.build(groups,
                List.of(c.table("users"), c.table("items"), c.table("item_bias"), c.table("w")));
        resumed.importState(checkpoint.toString(), OptimizerState.from(c.metadata(), c.tables()));
        System.out.println("resumed: 'linear' after " + resumed.stepCount("linear") + " steps, Adam's m of items[0][0] "
                + resumed.state(c.table("items"), 0, 0, 0));
        // end::runtime[]
        String s = printed("runtime");

        assertEquals(opt.stepCount("linear"), resumed.stepCount("linear"));
        assertEquals(opt.state(itemT, 0, 0, 0), resumed.state(c.table("items"), 0, 0, 0));
        assertTrue(s.contains("epoch 3"), s);
    }
}
