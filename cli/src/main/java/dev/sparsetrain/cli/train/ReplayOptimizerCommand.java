package dev.sparsetrain.cli.train;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.optim.replay.CaseFiles;
import dev.sparsetrain.optim.replay.OptimizerCase;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replay-optimizer CASE.json}: builds the project's own optimizer from a golden case's
 * optimizer kind and hyperparameters (../shared/golden/README.md), applies its steps to
 * {@code init} and prints {@code {"name": ..., "after_each_step": [...]}}; for a catch-up case
 * ({@code "semantics": "dense"} with sparse steps) it replays with CATCH_UP semantics, flushes and
 * prints {@code {"name": ..., "final": [...]}}. A bad case file or an unknown optimizer is one line
 * on stderr and exit code 2.
 */
@Command(name = "replay-optimizer", mixinStandardHelpOptions = true,
        description = "Replays a golden optimizer case with sparsetrain's optimizers and prints the trajectory as JSON.")
public final class ReplayOptimizerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CASE.json", description = "A golden case (see ../shared/golden/README.md).")
    Path caseFile;

    @Override
    public Integer call() {
        OptimizerCase c = CaseFiles.read(caseFile);
        List<float[][]> result = c.replay(caseFile.toString());
        spec.commandLine().getOut().println(CaseFiles.toJson(c, result));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
