package dev.sparsetrain.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.data.DelimitedFormat;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.KnownDatasets;
import dev.sparsetrain.data.ReadOptions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.SyntheticImplicit;
import dev.sparsetrain.metrics.ranking.PopularityScorer;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.testkit.Datasets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data read, split, trained and evaluated on the executors (--input), against the driver-side paths. */
class SparkInputTest {
    static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = TestSpark.context();
    }

    /** Writes interactions as {@code "user<TAB>item<TAB>1"} lines with their raw ids. */
    static Path write(Interactions in, Path file) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int u = 0; u < in.numUsers(); u++) {
            for (int p = in.start(u); p < in.end(u); p++) {
                sb.append(in.users().id(u)).append('\t').append(in.items().id(in.itemIndices()[p])).append("\t1\n");
            }
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void executorsHoldTheSameDataAndEvaluateAsTheDriverWould(@TempDir Path dir) throws Exception {
        Interactions all = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(2000, 1000, 30)).interactions();
        Path f = write(all, dir.resolve("pairs.tsv"));
        var d = SparkInput.read(sc, f.toString(), DelimitedFormat.tsv(), Double.NaN, 42, 3);
        try {
            assertEquals(all.size(), d.trainPairs() + d.testPairs());
            assertEquals(all.numUsers(), d.users().size());
            Split s = d.collect();
            // every user with 2+ items has exactly one held out, and train + test is the user's set
            for (int u = 0; u < s.train().numUsers(); u++) {
                int orig = all.users().indexOf(s.train().users().id(u));
                int n = all.count(orig);
                assertEquals(n >= 2 ? 1 : 0, s.test().count(u), "user " + u);
                assertEquals(n, s.train().count(u) + s.test().count(u));
            }
            var t = SparkBprTrainer.train(sc, d, SparkBprConfig.defaults().withEpochs(12), null);
            try {
                int[] ks = {10};
                RankingReport[] r = SparkInput.evaluate(sc, d, t, ks);
                RankingEvaluator.Options o = RankingEvaluator.Options.defaults().withKs(ks);
                RankingReport driver = RankingEvaluator.evaluate(t.result().model(), s.test(), List.of(s.train()), o);
                RankingReport pop = RankingEvaluator.evaluate(new PopularityScorer(s.train()), s.test(), List.of(s.train()), o);
                double single = RankingEvaluator.evaluate(SparkBprTest.single(s.train(), 12), s.test(), List.of(s.train()), o).auc();
                System.out.printf("--input synthetic 2000x1000, 3 partitions, 12 epochs: AUC %.4f evaluated on the executors, %.4f on the driver;"
                        + " NDCG@10 %.4f / %.4f; popularity AUC %.4f / %.4f; single machine on this split %.4f%n",
                        r[0].auc(), driver.auc(), r[0].value("ndcg@10"), driver.value("ndcg@10"), r[1].auc(), pop.auc(), single);
                assertTrue(r[0].auc() > single - 0.015, r[0].auc() + " vs single machine " + single);
                assertEquals(driver.users(), r[0].users());
                assertEquals(driver.auc(), r[0].auc(), 1e-9);
                assertEquals(driver.mrr(), r[0].mrr(), 1e-9);
                assertEquals(driver.value("ndcg@10"), r[0].value("ndcg@10"), 1e-9);
                // a sample of the users: about N of them, the same ones for a seed, close to the full figure; N >= users is all of them
                RankingReport[] part = SparkInput.evaluate(sc, d, t, ks, 500, 7), again = SparkInput.evaluate(sc, d, t, ks, 500, 7);
                double expected = 500.0 * driver.users() / d.users().size();
                System.out.printf("--eval-users 500: %d users evaluated (expected about %.0f), AUC %.4f against %.4f for all%n",
                        part[0].users(), expected, part[0].auc(), r[0].auc());
                assertTrue(part[0].users() > 0.75 * expected && part[0].users() < 1.25 * expected, part[0].users() + " users, expected about " + expected);
                assertEquals(part[0].users(), again[0].users());
                assertEquals(part[0].auc(), again[0].auc());
                assertEquals(r[0].auc(), part[0].auc(), 0.03);
                assertEquals(r[0].auc(), SparkInput.evaluate(sc, d, t, ks, d.users().size(), 7)[0].auc());
                assertEquals(driver.value("recall@10"), r[0].value("recall@10"), 1e-9);
                assertEquals(pop.auc(), r[1].auc(), 1e-9);
                assertTrue(r[0].auc() > r[1].auc() + 0.1, "well above popularity");
            } finally {
                t.release();
            }
        } finally {
            d.release();
        }
    }

    @Test
    void entryPointTrainsFromInputAndSavesTheIds(@TempDir Path dir) throws Exception {
        Interactions all = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(500, 200, 20)).interactions();
        Path f = write(all, dir.resolve("pairs.tsv"));
        Path out = dir.resolve("m.model");
        StringWriter o = new StringWriter(), e = new StringWriter();
        int code = SparkBprMain.run(new String[] {"--input", f.toUri().toString(), "--epochs", "4", "--factors", "8", "--partitions", "2", "-k", "10",
                "--out", out.toString()}, new PrintWriter(o), new PrintWriter(e), sc);
        System.out.print(o);
        assertEquals(0, code, e.toString());
        var l = BprFiles.load(out);
        assertEquals("loo-spark", l.metadata().get("split"));
        assertEquals(all.numUsers(), l.users().size());
        assertEquals(all.numItems(), l.items().size());
        assertTrue(l.items().indexOf(all.items().id(0)) >= 0, "raw item ids kept");
    }

    @Test
    void aFolderOfFilesWithAHeaderEachReadsEveryFilesDataAndNoHeader(@TempDir Path dir) throws Exception {
        // a job's output: part files, each with its own header line (before, only the first
        // partition's header was skipped: the second file's 'rating' stopped the job as not a number)
        Path in = Files.createDirectories(dir.resolve("ratings"));
        Files.writeString(in.resolve("part-00000.csv"), "user,item,rating\nu1,a,5\nu1,b,4\nu2,a,5\n", StandardCharsets.UTF_8);
        Files.writeString(in.resolve("part-00001.csv"), "user,item,rating\nu2,c,4\nu3,b,5\nu3,c,1\n", StandardCharsets.UTF_8);
        var d = SparkInput.read(sc, in.toString(), DelimitedFormat.fromOptions("0,1,2", "comma", true, "UTF-8"), 4, 42, 2);
        try {
            assertEquals(List.of("u1", "u2", "u3"), List.of(d.users().id(0), d.users().id(1), d.users().id(2)));
            assertEquals(3, d.users().size(), "no 'user' user from a header");
            assertEquals(3, d.items().size(), "items a, b, c and no 'item' item");
            assertEquals(5, d.trainPairs() + d.testPairs(), "the five pairs rated >= 4");
        } finally {
            d.release();
        }
        // without a threshold a header line would pass as a pair: still none
        var e = SparkInput.read(sc, in.toString(), DelimitedFormat.fromOptions("0,1", "comma", true, "UTF-8"), Double.NaN, 42, 2);
        try {
            assertEquals(3, e.users().size());
            assertEquals(6, e.trainPairs() + e.testPairs());
        } finally {
            e.release();
        }
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.tsv");
        Files.writeString(bad, "u1\ti1\t1\nu2\n");
        String[][] cases = {
            {"--input", bad.toString()},
            {"--input", dir.resolve("missing.tsv").toString()},
            {"--input", bad.toString(), "--split", "user-ratio"},
            {"--input", bad.toString(), "--data", "ml-100k"},
            {"--input", bad.toString(), "--skip-malformed"},
            {"--input", bad.toString(), "--split", "last"},
            {"--input", bad.toString(), "--split", "time-ratio"},
            {"--input", bad.toString(), "--time-column", "3"},
        };
        for (String[] c : cases) SparkBprTest.refused(dir, c);   // exit code 2, one line, no model file
    }

    @Test
    void movieLens100kReadByTheExecutors() {
        Path dir = Datasets.require("movielens-100k");
        Path data = dir.resolve("u.data");
        var d = SparkInput.read(sc, data.toString(), DelimitedFormat.tsv(), Double.NaN, 42, 2);
        try {
            var t = SparkBprTrainer.train(sc, d, SparkBprConfig.defaults().withEpochs(20), null);
            try {
                RankingReport[] r = SparkInput.evaluate(sc, d, t, new int[] {10});
                Interactions local = KnownDatasets.movieLens100k(dir, ReadOptions.defaults()).interactions();
                Split s = d.collect();
                double single = RankingEvaluator.evaluate(SparkBprTest.single(s.train(), 20), s.test(), List.of(s.train()),
                        RankingEvaluator.Options.defaults().withKs(10)).auc();
                System.out.printf("ML-100K via --input (read, split, trained and evaluated on the executors), 2 partitions, 20 epochs: AUC %.4f, NDCG@10 %.4f;"
                        + " popularity AUC %.4f; single machine on this split %.4f; %d pairs (the driver's reader: %d)%n",
                        r[0].auc(), r[0].value("ndcg@10"), r[1].auc(), single, d.trainPairs() + d.testPairs(), local.size());
                assertTrue(r[0].auc() > single - 0.01, r[0].auc() + " vs single machine " + single);
                assertEquals(local.size(), d.trainPairs() + d.testPairs());
                assertTrue(r[0].auc() > r[1].auc() + 0.05, r[0].auc() + " vs " + r[1].auc());
            } finally {
                t.release();
            }
        } finally {
            d.release();
        }
    }
}
