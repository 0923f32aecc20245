package dev.sparsetrain.compare;

import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.KnownDatasets;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.data.ReadOptions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.Splits;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.metrics.ranking.Scorer;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.librec.common.LibrecException;
import net.librec.conf.Configuration;

/**
 * Head-to-head of sparsetrain's BPR-MF and LibRec 2.0.0's BPR on MovieLens, rerunnable by anyone:
 *
 * <pre>
 *   mvn -B -q -DskipTests -DskipSpark package
 *   java --add-modules jdk.incubator.vector -XX:+UseParallelGC \
 *       -cp "compare/target/sparsetrain-compare-0.1.0-SNAPSHOT.jar:$(cat compare/target/classpath.txt)" \
 *       dev.sparsetrain.compare.LibrecBprComparison [--data ml-1m,ml-100k] [--repeats 3] [--data-root ../shared/data]
 * </pre>
 *
 * <p>Protocol, the same for both tools:
 * <ul>
 *   <li>one split: this project's leave-one-out split with seed 42 (docs/results.md's BPR table), given
 *       to LibRec as its data model ({@link SplitDataModel}), same user and item indices;</li>
 *   <li>matched training (rows "matched"): the update rule is the same (checked by
 *       {@link UpdateRuleCheck}): plain SGD on -ln sigma(x_uij) with coupled L2 on the touched user
 *       and item rows, constant learning rate, factors N(0, 0.1^2), users drawn uniformly then one
 *       of their items, negatives uniform by rejection; no item bias (sparsetrain's bias learning
 *       rate is set to 0, since LibRec's BPR has none); an epoch is LibRec's iteration,
 *       {@code 100 * numUsers} triples; hyperparameters LibRec's defaults (lr 0.01, reg 0.01,
 *       100 iterations) with 64 factors. Unavoidable difference: LibRec computes in double,
 *       sparsetrain in float;</li>
 *   <li>timing: wall time from the training data in memory to a trained model (LibRec:
 *       {@code trainModel()}, which builds its per-user item sets first; sparsetrain: the
 *       negative sampler, the trainer and its epochs); data loading, model initialisation and
 *       evaluation are not counted. Process CPU time over the same interval is printed beside it
 *       (CPU / wall is the number of cores actually busy, GC and JIT included);</li>
 *   <li>JIT: each tool first trains {@code --warmup-iterations} iterations on the same data, timed
 *       and printed as the cold figure but not counted; then {@code --repeats} rounds, each
 *       running every set-up once in a rotated order (interleaved, so load from other processes
 *       hits both tools alike), model seed 42, 43, ... per round, the same for both tools;</li>
 *   <li>metrics: this project's full-ranking evaluator on both models (AUC against every item not
 *       in the user's training set, Recall@10, NDCG@10); LibRec's model is scored through its own
 *       {@code predict(u, i)}.</li>
 * </ul>
 * Also run, for reference: LibRec with all its defaults (10 factors) and sparsetrain with all its
 * defaults (item bias, lr 0.15 decaying, 20 epochs of one triple per training pair, 2 threads).
 * Prints a table (median and range over the rounds) and the same as Markdown.
 */
public final class LibrecBprComparison {
    private LibrecBprComparison() {}

    /** One training run's figures. */
    record Run(String data, String setup, int threads, int factors, int epochs, long samples, double seconds, double cpuSeconds,
               RankingReport report) {
        double samplesPerSecond() { return samples / seconds; }

        /** Samples per second of process CPU time: less sensitive than wall time to other processes on the machine. */
        double samplesPerCpuSecond() { return cpuSeconds > 0 ? samples / cpuSeconds : Double.NaN; }
    }

    /** A named set-up: how to train and what it is. */
    interface Setup {
        String name();
        Run run(String data, Split split, SplitDataModel model, long seed, int epochsOverride) throws LibrecException;
    }

    static final class Options extends MatchedRunOptions {
        boolean librecDefaults = true;

        static Options parse(String[] args) {
            Options o = new Options();
            o.parse(args, """
                            LibrecBprComparison: sparsetrain BPR-MF vs LibRec 2.0.0 BPR on one leave-one-out split (seed 42).
                              --data LIST              datasets, comma-separated (default ml-1m,ml-100k)
                              --data-root DIR          folder of the shared datasets (default ../shared/data)
                              --repeats N              interleaved rounds (default 3)
                              --iterations N           LibRec iterations = sparsetrain epochs of 100 x users triples (default 100)
                              --factors N              factors of the matched runs (default 64)
                              --lr X --reg X           matched learning rate and L2 (default LibRec's: 0.01, 0.01)
                              --threads LIST           sparsetrain thread counts of the matched runs (default 1,2)
                              --warmup-iterations N    untimed-in-the-table JIT warm-up per tool and dataset (default 3)
                              --no-librec-defaults     skip LibRec with all its defaults
                              --no-sparsetrain-defaults skip sparsetrain with all its defaults
                              --seed N                 model seed of round 1 (round r uses seed + r - 1; default 42)""");
            return o;
        }

        @Override
        boolean flag(String k) {
            if (!k.equals("--no-librec-defaults")) return false;
            librecDefaults = false;
            return true;
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
            o.requireMovieLens();
        } catch (IllegalArgumentException e) {
            System.err.println("LibrecBprComparison: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.printf(Locale.ROOT, "LibRec 2.0.0 BPR vs sparsetrain BPR-MF, %s; JDK %s, %d cores, sparsetrain kernel %s; load average at start %s%n",
                Instant.now(), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), BprModel.kernelName(), load());
        List<Run> all = new ArrayList<>();
        boolean first = true;
        try {
            for (String name : o.data) {
                all.addAll(compare(name, o, first));
                first = false;
            }
        } catch (dev.sparsetrain.core.BadInputException e) {
            System.err.println("LibrecBprComparison: " + e.getMessage());
            System.exit(2);
        }
        System.out.printf(Locale.ROOT, "%nload average at end %s%n%n", load());
        System.out.println(markdown(all));
    }

    /** All rounds on one dataset; prints each run as it ends. */
    static List<Run> compare(String name, Options o, boolean coldJvm) throws LibrecException {
        var ds = KnownDatasets.load(name, o.dataRoot, ReadOptions.defaults());
        Split split = Splits.leaveOneOut(ds.interactions(), 42);
        SplitDataModel model = new SplitDataModel(split);
        int nu = split.train().numUsers();
        System.out.printf(Locale.ROOT, "%n%s: %s%n  leave-one-out seed 42: %d training pairs, %d test users; one epoch = one LibRec iteration = 100 x %d users = %d triples%n",
                ds.name(), ds.summary(), split.train().size(), split.test().activeUsers(), nu, 100L * nu);

        List<Setup> setups = new ArrayList<>();
        setups.add(librec(String.format(Locale.ROOT, "LibRec BPR, matched (%d factors, lr %s, reg %s)", o.factors, o.learningRate, o.regularization),
                () -> LibrecBpr.configuration(o.factors, o.learningRate, o.regularization, o.iterations), o.iterations));
        for (int t : o.threads) {
            setups.add(ours(String.format(Locale.ROOT, "sparsetrain BPR-MF, matched, %d thread%s", t, t == 1 ? "" : "s"),
                    UpdateRuleCheck.matchedConfig(o.factors, o.learningRate, o.regularization), t, o.iterations, 100L * nu));
        }
        if (o.librecDefaults) {
            setups.add(librec("LibRec BPR, all its defaults (10 factors, lr 0.01, reg 0.01, 100 it.)", LibrecBprComparison::librecDefaultConfiguration, 100));
        }
        if (o.sparsetrainDefaults) {
            setups.add(ours("sparsetrain BPR-MF, all its defaults (bias, lr 0.15 decaying, 20 ep. of 1/pair), 2 threads",
                    BprConfig.defaults(), 2, TrainerConfig.defaults().epochs(), 0));
        }

        // JIT warm-up: each tool trains a few iterations on this data; printed (cold in a fresh JVM), not in the table.
        if (o.warmupIterations > 0) {
            for (Setup s : setups.subList(0, 1 + o.threads.length)) {
                Run r = s.run(ds.name(), split, model, o.seed, o.warmupIterations);
                System.out.printf(Locale.ROOT, "  warm-up%s: %-62s %2d it. %7.2f s %6.2f M samples/s  CPU/wall %.2f%n", coldJvm ? " (cold JVM)" : "",
                        s.name(), o.warmupIterations, r.seconds(), r.samplesPerSecond() / 1e6, r.cpuSeconds() / r.seconds());
            }
        }
        List<Run> runs = new ArrayList<>();
        for (int round = 0; round < o.repeats; round++) {
            long seed = o.seed + round;
            for (int x = 0; x < setups.size(); x++) {
                Setup s = setups.get((x + round) % setups.size());
                Run r = s.run(ds.name(), split, model, seed, 0);
                runs.add(r);
                System.out.printf(Locale.ROOT, "  round %d seed %d: %-84s %7.2f s %6.2f M/s CPU/wall %.2f %6.2f M/CPU-s  AUC %.4f R@10 %.4f NDCG@10 %.4f  (load %s)%n",
                        round + 1, seed, s.name(), r.seconds(), r.samplesPerSecond() / 1e6, r.cpuSeconds() / r.seconds(), r.samplesPerCpuSecond() / 1e6, r.report().auc(),
                        r.report().value("recall@10"), r.report().value("ndcg@10"), load());
            }
        }
        System.out.println();
        System.out.println(table(runs));
        return runs;
    }

    static Configuration librecDefaultConfiguration() {
        Configuration c = new Configuration();
        c.setBoolean("rec.recommender.isranking", true);
        c.setInt("rec.recommender.ranking.topn", 10);
        // not training settings: no per-iteration log line, and the full 100 iterations as in the matched runs
        c.setBoolean("rec.recommender.earlystop", false);
        c.setBoolean("rec.recommender.verbose", false);
        return c;
    }

    static Setup librec(String name, java.util.function.Supplier<Configuration> conf, int iterations) {
        return new Setup() {
            public String name() { return name; }

            public Run run(String data, Split split, SplitDataModel model, long seed, int epochsOverride) throws LibrecException {
                Configuration c = conf.get();
                if (epochsOverride > 0) c.setInt("rec.iterator.maximum", epochsOverride);
                LibrecBpr lib = new LibrecBpr().prepare(c, model, seed);
                quiesce();
                long cpu0 = processCpuNanos();
                double secs = lib.train();
                double cpu = (processCpuNanos() - cpu0) / 1e9;
                RankingReport rep = evaluate(lib, split);
                return new Run(data, name, 1, lib.factors(), lib.iterations(), lib.samplesPerIteration() * lib.iterations(), secs, cpu, rep);
            }
        };
    }

    static Setup ours(String name, BprConfig config, int threads, int epochs, long samplesPerEpoch) {
        return new Setup() {
            public String name() { return name; }

            public Run run(String data, Split split, SplitDataModel model, long seed, int epochsOverride) {
                Interactions train = split.train();
                int ep = epochsOverride > 0 ? epochsOverride : epochs;
                TrainerConfig tc = TrainerConfig.defaults().withEpochs(ep).withThreads(threads).withSeed(seed)
                        .withSamplesPerEpoch(samplesPerEpoch).withPositives(TrainerConfig.PositiveSampling.USERS);
                BprModel m = new BprModel(train.numUsers(), train.numItems(), config, seed);
                quiesce();
                long cpu0 = processCpuNanos();
                long t0 = System.nanoTime();
                NegativeSampler sampler = NegativeSampler.uniform(train);
                var res = new Trainer(tc).fit(Hogwild.of(m, train, sampler));
                double secs = (System.nanoTime() - t0) / 1e9;
                double cpu = (processCpuNanos() - cpu0) / 1e9;
                return new Run(data, name, threads, config.factors(), ep, res.samples(), secs, cpu, evaluate(m, split));
            }
        };
    }

    static RankingReport evaluate(Scorer s, Split split) {
        return RankingEvaluator.evaluate(s, split.test(), List.of(split.train()), RankingEvaluator.Options.defaults().withKs(10));
    }

    /** Collects garbage left by the previous run so it is not charged to the next. */
    static void quiesce() {
        System.gc();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) return os.getProcessCpuTime();
        return 0;
    }

    static String load() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", l);
    }

    /** Median and [min, max] over the rounds of each (data, set-up). */
    static Map<String, List<Run>> grouped(List<Run> runs) {
        Map<String, List<Run>> g = new LinkedHashMap<>();
        for (Run r : runs) g.computeIfAbsent(r.data() + "\u0000" + r.setup(), k -> new ArrayList<>()).add(r);
        return g;
    }

    static double[] stats(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        double med = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new double[] {med, v[0], v[v.length - 1]};
    }

    static String table(List<Run> runs) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-8s %-84s %3s %4s %5s %9s  %-22s %-20s %8s %-20s  %-22s %-22s %-22s%n", "data", "set-up", "thr", "fact", "iters",
                "M samples", "train s median [range]", "M samples/s median", "CPU/wall", "M samples/CPU-s", "AUC", "Recall@10", "NDCG@10"));
        for (List<Run> rs : grouped(runs).values()) {
            Run r0 = rs.get(0);
            double[] s = stats(rs, Run::seconds), sps = stats(rs, r -> r.samplesPerSecond() / 1e6), cw = stats(rs, r -> r.cpuSeconds() / r.seconds());
            double[] auc = stats(rs, r -> r.report().auc()), rec = stats(rs, r -> r.report().value("recall@10")), nd = stats(rs, r -> r.report().value("ndcg@10"));
            double[] spc = stats(rs, r -> r.samplesPerCpuSecond() / 1e6);
            b.append(String.format(Locale.ROOT, "%-8s %-84s %3d %4d %5d %9.2f  %-22s %-20s %8.2f %-20s  %-22s %-22s %-22s%n", r0.data(), r0.setup(), r0.threads(),
                    r0.factors(), r0.epochs(), r0.samples() / 1e6, range(s, "%.2f"), range(sps, "%.2f"), cw[0], range(spc, "%.2f"), range(auc, "%.4f"),
                    range(rec, "%.4f"), range(nd, "%.4f")));
        }
        return b.toString();
    }

    static String markdown(List<Run> runs) {
        StringBuilder b = new StringBuilder();
        b.append("| data | set-up | threads | factors | iterations x triples | training s, median [range] | M samples/s | CPU/wall | M samples/CPU-s | AUC | Recall@10 | NDCG@10 |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (List<Run> rs : grouped(runs).values()) {
            Run r0 = rs.get(0);
            double[] s = stats(rs, Run::seconds), sps = stats(rs, r -> r.samplesPerSecond() / 1e6), cw = stats(rs, r -> r.cpuSeconds() / r.seconds());
            double[] auc = stats(rs, r -> r.report().auc()), rec = stats(rs, r -> r.report().value("recall@10")), nd = stats(rs, r -> r.report().value("ndcg@10"));
            double[] spc = stats(rs, r -> r.samplesPerCpuSecond() / 1e6);
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d x %,d | %s | %s | %.2f | %s | %s | %s | %s |%n", r0.data(), r0.setup(), r0.threads(), r0.factors(),
                    r0.epochs(), r0.samples() / r0.epochs(), range(s, "%.2f"), range(sps, "%.2f"), cw[0], range(spc, "%.2f"), range(auc, "%.4f"), range(rec, "%.4f"),
                    range(nd, "%.4f")));
        }
        return b.toString();
    }

    static String range(double[] v, String fmt) {
        return String.format(Locale.ROOT, fmt + " [" + fmt + "-" + fmt + "]", v[0], v[1], v[2]);
    }
}
