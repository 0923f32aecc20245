package dev.sparsetrain.cli;

import dev.sparsetrain.cli.bench.BenchmarkCommand;
import dev.sparsetrain.cli.experiments.ExperimentCommand;
import dev.sparsetrain.cli.serve.ServeCommand;
import dev.sparsetrain.cli.train.CtrPredictCommand;
import dev.sparsetrain.cli.train.CtrTrainCommand;
import dev.sparsetrain.cli.train.GenerateCtrCommand;
import dev.sparsetrain.cli.train.DiagnoseCommand;
import dev.sparsetrain.cli.train.EvaluateCommand;
import dev.sparsetrain.cli.train.LrFindCommand;
import dev.sparsetrain.cli.train.RecommendCommand;
import dev.sparsetrain.cli.train.ReplayOptimizerCommand;
import dev.sparsetrain.cli.train.TrainCommand;
import dev.sparsetrain.core.BadInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code ./sparsetrain}. Each subcommand is its own class; bad input ends with one
 * line on stderr and exit code {@link ExitCodes#BAD_INPUT}, internal errors with exit code 1 and a
 * stack trace only under {@code --verbose}.
 */
@Command(name = "sparsetrain",
        mixinStandardHelpOptions = true,
        version = "sparsetrain 0.1.0",
        description = "Trains sparse-embedding models (BPR-MF, VBPR, SparseNN) with per-group optimizers.",
        subcommands = {
                TrainCommand.class,
                EvaluateCommand.class,
                RecommendCommand.class,
                ServeCommand.class,
                ReplayOptimizerCommand.class,
                DiagnoseCommand.class,
                LrFindCommand.class,
                CtrTrainCommand.class,
                CtrPredictCommand.class,
                GenerateCtrCommand.class,
                ExperimentCommand.class,
                BenchmarkCommand.class,
                CommandLine.HelpCommand.class,
                picocli.AutoComplete.GenerateCompletion.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with the given writers (tests inject their own). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        dev.sparsetrain.options.FlagNames.install();
        CommandLine cl = new CommandLine(new Main());
        for (String c : new String[] {"evaluate", "recommend", "serve"}) SavedModelOptions.helpShowsRecordedDefaults(cl.getSubcommands().get(c).getCommandSpec());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean verbose = parseResult.originalArgs().contains("--verbose");
            Throwable root = ex;
            while (!(root instanceof BadInputException) && root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root instanceof BadInputException bad) {
                commandLine.getErr().println("sparsetrain: " + bad.getMessage());
                if (verbose) bad.printStackTrace(commandLine.getErr());
                commandLine.getErr().flush();
                return ExitCodes.BAD_INPUT;
            }
            commandLine.getErr().println("sparsetrain: internal error: " + ex);
            if (verbose) ex.printStackTrace(commandLine.getErr());
            else commandLine.getErr().println("(run again with --verbose for the stack trace)");
            commandLine.getErr().flush();
            return ExitCodes.SOFTWARE;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            // One line: the problem, then where the options are explained.
            String msg = ex.getMessage() == null ? "invalid arguments" : ex.getMessage().replace('\n', ' ').trim();
            c.getErr().println("sparsetrain: " + msg + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            c.getErr().flush();
            return ExitCodes.BAD_INPUT;
        });
        return cl;
    }

    /** Runs with the given arguments and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        int code = commandLine(out, err).execute(routeTrainModel(args));
        out.flush();
        err.flush();
        return code;
    }

    /**
     * {@code train --model vbpr|visual ...}, on the command line or in the {@code --config} file,
     * is {@code train vbpr ...}: the VBPR models are {@code train}'s subcommand
     * ({@link dev.sparsetrain.cli.train.VbprTrainCommand}) and picocli then parses the arguments
     * once, straight into it ({@code --model} stays among them: it picks vbpr or visual there).
     * Anything else, a config file that cannot be read included, is left for the parse to judge.
     */
    public static String[] routeTrainModel(String[] args) {
        if (args.length < 1 || !args[0].equals("train") || (args.length > 1 && args[1].equals("vbpr"))) return args;
        String model = null, config = null;
        for (int i = 1; i < args.length && !args[i].equals("--"); i++) {
            String a = args[i];
            if ((a.equals("--model") || a.equals("--config")) && i + 1 < args.length) {
                if (a.equals("--model")) model = args[++i];
                else config = args[++i];
            } else if (a.startsWith("--model=")) {
                model = a.substring("--model=".length());
            } else if (a.startsWith("--config=")) {
                config = a.substring("--config=".length());
            }
        }
        if (model == null && config != null && java.nio.file.Files.isRegularFile(java.nio.file.Path.of(config))) {
            try {
                model = ConfigFile.read(java.nio.file.Path.of(config)).get("model");
            } catch (BadInputException e) {
                return args;   // the command reads the file again and says what is wrong with it
            }
        }
        if (model == null || !(model.equalsIgnoreCase("vbpr") || model.equalsIgnoreCase("visual"))) return args;
        String[] routed = new String[args.length + 1];
        routed[0] = "train";
        routed[1] = "vbpr";
        System.arraycopy(args, 1, routed, 2, args.length - 1);
        return routed;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(args, out, err));
    }
}
