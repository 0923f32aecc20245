package dev.sparsetrain.bench.optim;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.optim.Chain;
import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.Optimizers;
import dev.sparsetrain.optim.ParamGroup;
import dev.sparsetrain.optim.RowUpdater;
import java.util.List;
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
 * One row update at dim 64 through the public per-row path ({@link RowUpdater#update}) for SGD,
 * row-wise AdaGrad and Adam, in updates per second; with and without diagnostics. Rows cycle
 * through a 4096-row table (1 MiB of weights, in cache), so this is the kernel's cost, not memory's.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar bench/target/sparsetrain-bench.jar RowUpdateBenchmark -f 1 -wi 1 -i 2 -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class RowUpdateBenchmark {
    private static final int ROWS = 4096;

    @Param({"sgd", "rowwise_adagrad", "adam"})
    public String optimizer;

    @Param({"64"})
    public int dim;

    @Param({"false", "true"})
    public boolean stats;

    private RowUpdater updater;
    private GroupStats groupStats;
    private float[] grad;
    private int row;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        Table t = Table.embedding("e", ROWS, dim).fillNormal(new SplittableRandom(42), 0.1);
        Chain c = switch (optimizer) {
            case "sgd" -> Optimizers.sgd(0.01);
            case "rowwise_adagrad" -> Optimizers.rowwiseAdagrad(0.01);
            case "adam" -> Optimizers.adam(0.001);
            default -> dev.sparsetrain.optim.OptimizerSpec.parse(optimizer).toChain();   // any other runtime optimizer by name
        };
        Optimizer o = Optimizer.build(List.of(ParamGroup.of("g", c, "e")), List.of(t));
        updater = o.updater(t);
        groupStats = stats ? o.newStats() : null;
        grad = new float[dim];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < dim; i++) grad[i] = (float) (r.nextGaussian() * 1e-3);
        step = 1;
    }

    @Benchmark
    public void update() {
        int r = row;
        row = (r + 1) & (ROWS - 1);
        if (row == 0) step++;
        updater.update(r, grad, 0, step, groupStats);
    }
}
