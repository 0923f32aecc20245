package dev.sparsetrain.cli.experiments;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Parent of the rerunnable experiments. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Rerunnable experiments that print a table and write an HTML report.",
        subcommands = {VbprAblationCommand.class, SparsennPassesCommand.class, OptimizerTourCommand.class,
                OptimizerLandscapeCommand.class, DynamicTablesCommand.class})
public final class ExperimentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
