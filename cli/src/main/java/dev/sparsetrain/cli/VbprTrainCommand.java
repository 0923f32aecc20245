package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.models.vbpr.UserItems;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprEvaluator;
import dev.sparsetrain.models.vbpr.VbprFiles;
import dev.sparsetrain.models.vbpr.VbprTrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparsetrain train --model vbpr|visual ...}: trains VBPR or visual-only with the
 * {@link VbprOptions} (auto-balance, restarts, early stopping on validation), evaluates on test
 * (AUC, cold-start AUC, Recall@20, NDCG@20) and saves the model with its feature preprocessing.
 * Not a registered subcommand: {@link TrainCommand} hands its arguments over when {@code --model}
 * is vbpr or visual.
 */
@Command(name = "train", description = "Trains VBPR or visual-only.")
public final class VbprTrainCommand implements Callable<Integer> {
    @Mixin VbprOptions opts;

    @Option(names = "--out", paramLabel = "FILE", description = "Model file (default runs/<model>-<data>.model).")
    Path out;

    @Option(names = "--verbose") boolean verbose;

    @Option(names = "--quiet") boolean quiet;

    PrintWriter w;

    /** Parses {@code args} (those given to train) and runs; bad options become one-line bad input. */
    static int run(List<String> args, CommandLine.Model.CommandSpec spec) {
        VbprTrainCommand c = new VbprTrainCommand();
        CommandLine cl = new CommandLine(c);
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new BadInputException("train --model " + c.opts.model + ": " + e.getMessage());
        }
        c.w = spec.commandLine().getOut();
        return c.call();
    }

    @Override
    public Integer call() {
        FeatureDataset data = opts.load();
        VbprConfig cfg = opts.config();
        w.println(data);
        w.println("features: " + data.features().summary() + "; preprocessing " + cfg.preprocessing());
        VbprTrainer t = new VbprTrainer(data, cfg);
        opts.applyMultipliers(t);
        if (!quiet) t.logTo(s -> { w.println(s); w.flush(); });
        VbprTrainer.Result r = t.fit();
        VbprEvaluator.Metrics m = VbprEvaluator.evaluateFull(r.model(), t.trainIndex(), new UserItems(data.users(), data.test()), 20, cfg.threads());
        w.printf(java.util.Locale.ROOT, "best epoch %d (validation AUC %.4f), %.0f samples/s%n", r.bestEpoch(), r.bestValidationAuc(), r.samplesPerSecond());
        w.println("test: " + m);
        if (!r.history().isEmpty()) {
            VbprTrainer.Epoch last = r.history().get(r.history().size() - 1);
            w.printf(java.util.Locale.ROOT, "per-group figures of epoch %d (recorded every epoch):%n", last.epoch());
            for (VbprTrainer.GroupFigures g : last.groups()) {
                w.printf(java.util.Locale.ROOT, "  %-18s grad %.4g  update %.4g  update/weight %.4g  eff. lr %.4g  lr mult %.3g%n", g.group(),
                        g.gradientNorm(), g.updateNorm(), g.updateToWeight(), g.effectiveLr(), g.multiplier());
            }
        }
        Path file = out != null ? out : Path.of("runs", cfg.variant().cliName() + "-" + data.name() + ".model");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("dataset", data.name());
        meta.putAll(opts.dataMetadata());   // evaluate and recommend re-read the split from these
        meta.put("bestEpoch", Integer.toString(r.bestEpoch()));
        meta.put("validationAuc", Double.toString(r.bestValidationAuc()));
        meta.put("testAuc", Double.toString(m.auc()));
        meta.put("testColdAuc", Double.toString(m.coldAuc()));
        meta.put("seed", Long.toString(r.seed()));
        meta.put("notes", String.join(" | ", r.notes()));
        VbprFiles.save(file, r.model(), cfg, meta);
        w.println("saved " + file);
        w.flush();
        return ExitCodes.OK;
    }
}
