package dev.sparsetrain.bench.bpr;

import dev.sparsetrain.data.Bounded;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.data.SyntheticImplicit;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.train.PairwiseModel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One BPR training sample on one thread, in samples per second: draw (u, i) (a user, then one of
 * its items), draw a negative j with the membership test, and (for {@code step}) apply the step
 * through the model's worker (the fused SGD kernel for "sgd", the per-row optimizer path for
 * "adam"). The catalogue is synthetic and shaped like ML-1M: 6,040 users x 3,706 items, about 165
 * items per user, so rows and the membership bitset live in L2/L3 as in the real benchmark.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar bench/target/sparsetrain-bench.jar BprSampleBenchmark -f 1 -wi 2 -i 3 -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class BprSampleBenchmark {
    @Param({"sgd", "adam"})
    public String optimizer;

    @Param({"true", "false"})
    public boolean bitset;

    private Interactions train;
    private NegativeSampler sampler;
    private PairwiseModel.Worker worker;
    private SplittableRandom rnd;
    private int[] active;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        train = SyntheticImplicit.generate(SyntheticImplicit.Config.defaults().withSize(6040, 3706, 165)).interactions();
        sampler = NegativeSampler.uniform(train, bitset);
        BprConfig c = BprConfig.defaults().withOptimizers(optimizer, optimizer);
        if (optimizer.equals("adam")) c = c.withLearningRate(0.01).withBiasLearningRate(0.01);
        BprModel m = new BprModel(train.numUsers(), train.numItems(), c, 1);
        worker = m.newWorker(0, 1);
        worker.beginRound();
        rnd = new SplittableRandom(7);
        active = new int[train.numUsers()];
        for (int u = 0; u < active.length; u++) active[u] = u;
    }

    /** Sampling only: (u, i) and the negative j. */
    @Benchmark
    public int sample() {
        int u = active[Bounded.below(rnd, active.length)];
        int st = train.start(u);
        int i = train.itemIndices()[st + Bounded.below(rnd, train.end(u) - st)];
        return i ^ sampler.sample(u, rnd);
    }

    /** Sampling and the model step. */
    @Benchmark
    public double step() {
        int u = active[Bounded.below(rnd, active.length)];
        int st = train.start(u);
        int i = train.itemIndices()[st + Bounded.below(rnd, train.end(u) - st)];
        int j = sampler.sample(u, rnd);
        return worker.step(u, i, j, ++step, false);
    }
}
