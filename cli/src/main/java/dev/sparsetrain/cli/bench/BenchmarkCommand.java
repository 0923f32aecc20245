package dev.sparsetrain.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Parent of the throughput benchmarks (whole training runs; JMH micro-benchmarks live in bench/). */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Training throughput benchmarks that print samples/s, wall time and peak memory.",
        subcommands = {BenchBprCommand.class, BenchVbprCommand.class, BenchSparsennCommand.class, BenchScaleCommand.class})
public final class BenchmarkCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
