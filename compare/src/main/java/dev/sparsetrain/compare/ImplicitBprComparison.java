package dev.sparsetrain.compare;

import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.KnownDatasets;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.data.ReadOptions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.Splits;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Head-to-head of sparsetrain's BPR-MF and implicit's CPU BPR (benfred/implicit, Cython + OpenMP)
 * on MovieLens, on one split, scored by one evaluator:
 *
 * <pre>
 *   mvn -B -q -DskipTests -DskipSpark package
 *   java --add-modules jdk.incubator.vector -XX:+UseParallelGC \
 *       -cp "compare/target/sparsetrain-compare-0.1.0-SNAPSHOT.jar:$(cat compare/target/classpath.txt)" \
 *       dev.sparsetrain.compare.ImplicitBprComparison --implicit /work/ext/implicit [--data ml-1m,ml-100k] [--repeats 3]
 * </pre>
 *
 * <p>implicit runs in a separate Python process ({@code --python}, default {@code /usr/bin/python3})
 * with its compiled {@code implicit.cpu.bpr} module on {@code PYTHONPATH} ({@code --implicit DIR});
 * its code is not part of this repository (docs/results.md says how to build it). The driver script
 * {@code implicit_bpr_run.py} (a resource of this module) calls implicit's own {@code fit()}.
 *
 * <p>Protocol, the same for both tools:
 * <ul>
 *   <li>one split: this project's leave-one-out split with seed 42; the training set goes to
 *       implicit as CSR with the same user and item indices ({@link TrainingExport});</li>
 *   <li>matched training (rows "matched"): implicit's update rule and sampling on sparsetrain's
 *       side: plain SGD on -ln sigma(x_uij), x_ui = b_i + p_u.q_i, coupled L2 reg on the touched
 *       user, item and item-bias rows, bias learning rate = factor learning rate, constant rate;
 *       the positive pair drawn uniformly among training pairs; the negative drawn with
 *       probability proportional to its training count among the items the user has not
 *       (implicit draws from all pairs and skips the step when the user has the item, so its
 *       skipped draws are counted as samples but do no update); factors start with implicit's
 *       spread (uniform (-0.5, 0.5) / k, std 1 / (k sqrt 12)) but normal, biases at 0; an epoch
 *       is nnz samples, implicit's iteration; implicit's defaults lr 0.01, reg 0.01, 100
 *       iterations, with 64 factors;</li>
 *   <li>timing: wall time of implicit's {@code fit()} (factor initialisation and its per-epoch
 *       Python loop included, process start and imports not) against sparsetrain's sampler,
 *       trainer and epochs; process CPU time over the same interval beside it;</li>
 *   <li>JIT: a warm-up run per set-up of {@code --warmup-iterations}, printed, not in the table;
 *       then {@code --repeats} rounds, each running every set-up once in a rotated order, model
 *       seed 42, 43, ... per round;</li>
 *   <li>metrics: this project's full-ranking evaluator; implicit's factors are read back from
 *       .npy and scored as {@link ExternalFactors} (its bias column included).</li>
 * </ul>
 * Also run: implicit with all its defaults (100 factors, all cores) and sparsetrain with all its
 * defaults. Prints a table (median and range over the rounds) and the same as Markdown.
 */
public final class ImplicitBprComparison {
    private ImplicitBprComparison() {}

    /** One training run's figures; {@code updates} excludes implicit's skipped draws. */
    record Run(String data, String setup, int threads, int factors, int iterations, long samples, long updates, double seconds,
               double cpuSeconds, RankingReport report) {
        double samplesPerSecond() { return samples / seconds; }
        double updatesPerSecond() { return updates / seconds; }
        double samplesPerCpuSecond() { return cpuSeconds > 0 ? samples / cpuSeconds : Double.NaN; }
        double skippedFraction() { return 1 - (double) updates / samples; }
    }

    interface Setup {
        String name();
        Run run(String data, Split split, long seed, int iterationsOverride) throws IOException, InterruptedException;
    }

    static final class Options extends MatchedRunOptions {
        Path implicitDir = Path.of(System.getenv().getOrDefault("IMPLICIT_DIR", "/work/ext/implicit"));
        Path python = Path.of("/usr/bin/python3");
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "sparsetrain-implicit");
        String build = "";
        boolean implicitDefaults = true;
        boolean skipReplay = false;

        static Options parse(String[] args) {
            Options o = new Options();
            o.parse(args, """
                            ImplicitBprComparison: sparsetrain BPR-MF vs implicit's CPU BPR on one leave-one-out split (seed 42).
                              --implicit DIR           folder holding the built implicit package (PYTHONPATH; default /work/ext/implicit)
                              --build LABEL            how that implicit was compiled, shown in its set-up names (e.g. "-march=native")
                              --python FILE            Python with numpy, scipy, tqdm (default /usr/bin/python3)
                              --work DIR               exported training sets and implicit's factors (default $TMPDIR/sparsetrain-implicit)
                              --data LIST              datasets, comma-separated (default ml-1m,ml-100k)
                              --data-root DIR          folder of the shared datasets (default ../shared/data)
                              --repeats N              interleaved rounds (default 3)
                              --iterations N           epochs of nnz samples, implicit's iterations (default 100)
                              --factors N              factors of the matched runs (default 64)
                              --lr X --reg X           matched learning rate and L2 (default implicit's: 0.01, 0.01)
                              --threads LIST           thread counts of the matched runs, both tools (default 1,2)
                              --warmup-iterations N    warm-up run per set-up, printed, not in the table (default 3; 0 = none)
                              --no-implicit-defaults   skip implicit with all its defaults
                              --no-sparsetrain-defaults skip sparsetrain with all its defaults
                              --skip-replay            also run sparsetrain's kernel under implicit's exact sampling, skips
                                                       included (1 thread; isolates the one sampling difference)
                              --seed N                 model seed of round 1 (round r uses seed + r - 1; default 42)""");
            return o;
        }

        @Override
        boolean flag(String k) {
            switch (k) {
                case "--no-implicit-defaults" -> implicitDefaults = false;
                case "--skip-replay" -> skipReplay = true;
                default -> { return false; }
            }
            return true;
        }

        @Override
        boolean option(String k, String v) {
            switch (k) {
                case "--implicit" -> implicitDir = Path.of(v);
                case "--python" -> python = Path.of(v);
                case "--build" -> build = " [" + v + "]";
                case "--work" -> work = Path.of(v);
                default -> { return false; }
            }
            return true;
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
            o.requireMovieLens();
            if (!Files.isRegularFile(o.implicitDir.resolve("implicit/cpu/__init__.py"))) {
                throw new IllegalArgumentException("--implicit " + o.implicitDir + ": no implicit/cpu package there (build implicit's bpr.pyx first, see docs/results.md)");
            }
            if (!Files.isExecutable(o.python)) throw new IllegalArgumentException("--python " + o.python + ": not an executable file");
        } catch (IllegalArgumentException e) {
            System.err.println("ImplicitBprComparison: " + e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(o.work);
        Path driver = o.work.resolve("implicit_bpr_run.py");
        try (InputStream in = ImplicitBprComparison.class.getResourceAsStream("implicit_bpr_run.py")) {
            Files.copy(in, driver, StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.printf(Locale.ROOT, "implicit CPU BPR vs sparsetrain BPR-MF, %s; JDK %s, %d cores, sparsetrain kernel %s; %s; load average at start %s%n",
                Instant.now(), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), BprModel.kernelName(),
                pythonVersion(o), LibrecBprComparison.load());
        List<Run> all = new ArrayList<>();
        for (String name : o.data) all.addAll(compare(name, o, driver));
        System.out.printf(Locale.ROOT, "%nload average at end %s%n%n", LibrecBprComparison.load());
        System.out.println(markdown(all));
    }

    static String pythonVersion(Options o) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(o.python.toString(), "-c",
                "import sys, numpy, scipy, Cython; print('Python', sys.version.split()[0], 'numpy', numpy.__version__, 'scipy', scipy.__version__, 'Cython', Cython.__version__)")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }

    /** The matched sparsetrain configuration: implicit's update (bias trained at the factor rate with the same L2), constant rate, its init spread. */
    static BprConfig matchedConfig(int factors, double learningRate, double regularization) {
        return BprConfig.of(factors, learningRate, regularization, learningRate, regularization, 1.0 / (factors * Math.sqrt(12)), 1.0, "sgd", "sgd");
    }

    static List<Run> compare(String name, Options o, Path driver) throws IOException, InterruptedException {
        var ds = KnownDatasets.load(name, o.dataRoot, ReadOptions.defaults());
        Split split = Splits.leaveOneOut(ds.interactions(), 42);
        Interactions train = split.train();
        Path csr = o.work.resolve(name).resolve("train");
        TrainingExport.writeCsr(train, csr);
        int nnz = train.size();
        System.out.printf(Locale.ROOT, "%n%s: %s%n  leave-one-out seed 42: %d training pairs (exported to %s), %d test users; one epoch = one implicit iteration = %d samples%n",
                ds.name(), ds.summary(), nnz, csr, split.test().activeUsers(), nnz);

        List<Setup> setups = new ArrayList<>();
        for (int t : o.threads) {
            setups.add(implicit(String.format(Locale.ROOT, "implicit BPR%s, matched (%d factors, lr %s, reg %s), %d thread%s", o.build, o.factors,
                    o.learningRate, o.regularization, t, t == 1 ? "" : "s"), o, driver, csr, o.factors, o.learningRate, o.regularization, o.iterations, t));
            setups.add(sparsetrainMatched(String.format(Locale.ROOT, "sparsetrain BPR-MF, matched, %d thread%s", t, t == 1 ? "" : "s"),
                    matchedConfig(o.factors, o.learningRate, o.regularization), t, o.iterations, nnz));
        }
        if (o.skipReplay) {
            setups.add(skipReplay("sparsetrain kernel, implicit's sampling with its skips, 1 thread",
                    matchedConfig(o.factors, o.learningRate, o.regularization), o.iterations));
        }
        int matched = setups.size();
        if (o.implicitDefaults) {
            setups.add(implicit("implicit BPR" + o.build + ", all its defaults (100 factors, lr 0.01, reg 0.01, 100 it., all cores)", o, driver, csr, 100, 0.01, 0.01, 100, 0));
        }
        if (o.sparsetrainDefaults) {
            setups.add(sparsetrainDefaults());
        }
        if (o.warmupIterations > 0) {
            for (Setup s : setups.subList(0, matched)) {
                Run r = s.run(ds.name(), split, o.seed, o.warmupIterations);
                System.out.printf(Locale.ROOT, "  warm-up: %-70s %2d it. %7.2f s %6.2f M samples/s  CPU/wall %.2f%n", s.name(), o.warmupIterations,
                        r.seconds(), r.samplesPerSecond() / 1e6, r.cpuSeconds() / r.seconds());
            }
        }
        List<Run> runs = new ArrayList<>();
        for (int round = 0; round < o.repeats; round++) {
            long seed = o.seed + round;
            for (int x = 0; x < setups.size(); x++) {
                Setup s = setups.get((x + round) % setups.size());
                Run r = s.run(ds.name(), split, seed, 0);
                runs.add(r);
                System.out.printf(Locale.ROOT, "  round %d seed %d: %-84s %7.2f s %6.2f M/s (%6.2f M updates/s) CPU/wall %.2f %6.2f M/CPU-s  AUC %.4f R@10 %.4f NDCG@10 %.4f  skipped %.1f%%  (load %s)%n",
                        round + 1, seed, s.name(), r.seconds(), r.samplesPerSecond() / 1e6, r.updatesPerSecond() / 1e6, r.cpuSeconds() / r.seconds(),
                        r.samplesPerCpuSecond() / 1e6, r.report().auc(), r.report().value("recall@10"), r.report().value("ndcg@10"),
                        100 * r.skippedFraction(), LibrecBprComparison.load());
            }
        }
        System.out.println();
        System.out.println(markdown(runs));
        return runs;
    }

    /** implicit's fit() in a Python process; its factors read back and scored here. */
    static Setup implicit(String name, Options o, Path driver, Path csr, int factors, double lr, double reg, int iterations, int threads) {
        return new Setup() {
            public String name() { return name; }

            public Run run(String data, Split split, long seed, int iterationsOverride) throws IOException, InterruptedException {
                int it = iterationsOverride > 0 ? iterationsOverride : iterations;
                Path out = csr.resolveSibling("implicit-factors");
                List<String> cmd = List.of(o.python.toString(), driver.toString(), "--csr", csr.toString(), "--items", String.valueOf(split.train().numItems()),
                        "--out", out.toString(), "--factors", String.valueOf(factors), "--lr", String.valueOf(lr), "--reg", String.valueOf(reg),
                        "--iterations", String.valueOf(it), "--threads", String.valueOf(threads), "--seed", String.valueOf(seed));
                LibrecBprComparison.quiesce();
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
                pb.environment().put("PYTHONPATH", o.implicitDir.toAbsolutePath().toString());
                pb.environment().put("OPENBLAS_NUM_THREADS", "1");
                Process p = pb.start();
                String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int rc = p.waitFor();
                if (rc != 0) throw new IllegalStateException("implicit run failed (exit " + rc + "): " + String.join(" ", cmd) + "\n" + stdout);
                String line = stdout.strip().lines().reduce((a, b) -> b).orElse("");
                Map<String, Double> f = numbers(line);
                long samples = f.get("samples").longValue();
                long skipped = f.get("skipped").longValue();
                ExternalFactors ext = ExternalFactors.readNpy(out.resolve("user_factors.npy"), out.resolve("item_factors.npy"),
                        split.train().numUsers(), split.train().numItems());
                RankingReport rep = LibrecBprComparison.evaluate(ext, split);
                return new Run(data, name, f.get("threads").intValue(), factors, it, samples, samples - skipped, f.get("fit_seconds"), f.get("cpu_seconds"), rep);
            }
        };
    }

    /** sparsetrain under implicit's sampling: positive pairs uniformly, negatives by popularity (exponent 1). */
    static Setup sparsetrainMatched(String name, BprConfig config, int threads, int iterations, long samplesPerEpoch) {
        return sparsetrain(name, config, threads, iterations, samplesPerEpoch, TrainerConfig.PositiveSampling.PAIRS, true);
    }

    static Setup sparsetrain(String name, BprConfig config, int threads, int iterations, long samplesPerEpoch,
                             TrainerConfig.PositiveSampling positives, boolean popularityNegatives) {
        return new Setup() {
            public String name() { return name; }

            public Run run(String data, Split split, long seed, int iterationsOverride) {
                Interactions train = split.train();
                int ep = iterationsOverride > 0 ? iterationsOverride : iterations;
                TrainerConfig tc = TrainerConfig.defaults().withEpochs(ep).withThreads(threads).withSeed(seed)
                        .withSamplesPerEpoch(samplesPerEpoch).withPositives(positives);
                BprModel m = new BprModel(train.numUsers(), train.numItems(), config, seed);
                LibrecBprComparison.quiesce();
                long cpu0 = LibrecBprComparison.processCpuNanos();
                long t0 = System.nanoTime();
                NegativeSampler sampler = popularityNegatives ? NegativeSampler.popularity(train, 1.0) : NegativeSampler.uniform(train);
                var res = new Trainer(tc).fit(Hogwild.of(m, train, sampler));
                double secs = (System.nanoTime() - t0) / 1e9;
                double cpu = (LibrecBprComparison.processCpuNanos() - cpu0) / 1e9;
                return new Run(data, name, threads, config.factors(), ep, res.samples(), res.samples(), secs, cpu, LibrecBprComparison.evaluate(m, split));
            }
        };
    }

    /**
     * sparsetrain's BPR-MF kernel (the fused SGD step) fed implicit's sampling exactly, on one
     * thread: per sample a training pair (u, i) uniformly and a negative j = the item of another
     * training pair drawn uniformly; when u has j the sample is skipped (no update), as implicit's
     * {@code bpr_update} does with {@code verify_negative_samples}. Only the random generator
     * differs from implicit ({@code SplittableRandom} instead of {@code mt19937}).
     */
    static Setup skipReplay(String name, BprConfig config, int iterations) {
        return new Setup() {
            public String name() { return name; }

            public Run run(String data, Split split, long seed, int iterationsOverride) {
                Interactions train = split.train();
                int it = iterationsOverride > 0 ? iterationsOverride : iterations;
                BprModel m = new BprModel(train.numUsers(), train.numItems(), config, seed);
                int[] userOf = train.userOfEntry(), itemOf = train.itemIndices();
                NegativeSampler has = NegativeSampler.uniform(train); // its membership test only
                LibrecBprComparison.quiesce();
                long cpu0 = LibrecBprComparison.processCpuNanos();
                long t0 = System.nanoTime();
                long updates = replayWithSkips(m, userOf, itemOf, has, it, new java.util.SplittableRandom(seed * 31 + 7));
                double secs = (System.nanoTime() - t0) / 1e9;
                double cpu = (LibrecBprComparison.processCpuNanos() - cpu0) / 1e9;
                return new Run(data, name, 1, config.factors(), it, (long) it * itemOf.length, updates, secs, cpu, LibrecBprComparison.evaluate(m, split));
            }
        };
    }

    /** The loop of {@link #skipReplay}; returns the number of updates (samples not skipped). */
    static long replayWithSkips(BprModel m, int[] userOf, int[] itemOf, NegativeSampler has, int iterations, java.util.SplittableRandom rnd) {
        int nnz = itemOf.length;
        m.beginEpoch(1, 1);
        var w = m.newWorker(0, 1);
        w.beginRound();
        long n = 0;
        for (int e = 0; e < iterations; e++) {
            for (int k = 0; k < nnz; k++) {
                int p = rnd.nextInt(nnz);
                int u = userOf[p];
                int j = itemOf[rnd.nextInt(nnz)];
                if (has.member(u, j)) continue;
                w.step(u, itemOf[p], j, ++n, false);
            }
        }
        m.afterRound();
        return n;
    }

    /** sparsetrain with all its defaults (docs/results.md's BPR table), 2 threads. */
    static Setup sparsetrainDefaults() {
        return sparsetrain("sparsetrain BPR-MF, all its defaults (bias, lr 0.15 decaying, 20 ep. of 1/pair, uniform negatives), 2 threads",
                BprConfig.defaults(), 2, TrainerConfig.defaults().epochs(), 0, TrainerConfig.defaults().positives(), false);
    }

    private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\":\\s*(-?[0-9.eE+-]+)");

    /** The numeric fields of the driver's JSON line. */
    static Map<String, Double> numbers(String json) {
        Map<String, Double> m = new LinkedHashMap<>();
        Matcher x = NUMBER.matcher(json);
        while (x.find()) m.put(x.group(1), Double.parseDouble(x.group(2)));
        for (String k : List.of("fit_seconds", "cpu_seconds", "samples", "skipped", "threads")) {
            if (!m.containsKey(k)) throw new IllegalStateException("implicit driver output lacks '" + k + "': " + json);
        }
        return m;
    }

    static String markdown(List<Run> runs) {
        Map<String, List<Run>> g = new LinkedHashMap<>();
        for (Run r : runs) g.computeIfAbsent(r.data() + "\u0000" + r.setup(), k -> new ArrayList<>()).add(r);
        StringBuilder b = new StringBuilder();
        b.append("| data | set-up | threads | factors | iterations x samples | skipped | training s | M samples/s | M updates/s | CPU/wall | M samples per CPU-s | AUC | Recall@10 | NDCG@10 |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (List<Run> rs : g.values()) {
            Run r0 = rs.get(0);
            double[] s = stats(rs, Run::seconds), sps = stats(rs, r -> r.samplesPerSecond() / 1e6), ups = stats(rs, r -> r.updatesPerSecond() / 1e6);
            double[] cw = stats(rs, r -> r.cpuSeconds() / r.seconds()), spc = stats(rs, r -> r.samplesPerCpuSecond() / 1e6);
            double[] auc = stats(rs, r -> r.report().auc()), rec = stats(rs, r -> r.report().value("recall@10")), nd = stats(rs, r -> r.report().value("ndcg@10"));
            double[] sk = stats(rs, r -> 100 * r.skippedFraction());
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d x %,d | %.1f%% | %s | %s | %s | %.2f | %s | %s | %s | %s |%n", r0.data(), r0.setup(),
                    r0.threads(), r0.factors(), r0.iterations(), r0.samples() / r0.iterations(), sk[0], LibrecBprComparison.range(s, "%.2f"),
                    LibrecBprComparison.range(sps, "%.2f"), LibrecBprComparison.range(ups, "%.2f"), cw[0], LibrecBprComparison.range(spc, "%.2f"),
                    LibrecBprComparison.range(auc, "%.4f"), LibrecBprComparison.range(rec, "%.4f"), LibrecBprComparison.range(nd, "%.4f")));
        }
        return b.toString();
    }

    static double[] stats(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        double med = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new double[] {med, v[0], v[v.length - 1]};
    }
}
