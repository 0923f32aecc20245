package dev.sparsetrain.cli.train;

import dev.sparsetrain.cli.ConfigFile;
import dev.sparsetrain.cli.ConfigOption;
import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.VbprOptions;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.models.vbpr.Variant;
import dev.sparsetrain.models.vbpr.VbprCheckpoint;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprFiles;
import dev.sparsetrain.models.vbpr.VbprTrainer;
import dev.sparsetrain.options.CheckpointOptions;
import dev.sparsetrain.options.ModelOutOption;
import dev.sparsetrain.options.VerboseOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sparsetrain train --model vbpr|visual ...}: trains VBPR or visual-only with the
 * {@link VbprOptions} (auto-balance, restarts, early stopping on validation), evaluates on test
 * (AUC, cold-start AUC, Recall@20, NDCG@20) and saves the model with its feature preprocessing.
 * {@code train}'s subcommand: {@code train vbpr [--model visual] ...}; {@code train --model
 * vbpr|visual ...} (or a {@code --config} file saying so) is routed here before parsing
 * ({@link dev.sparsetrain.cli.Main#run}), so the arguments are parsed once.
 */
@Command(name = "vbpr", mixinStandardHelpOptions = true, description = "Trains VBPR or visual-only (--model vbpr|visual); "
        + "'train --model vbpr|visual' comes here.")
public final class VbprTrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin VbprOptions opts;

    @Mixin ModelOutOption out = new ModelOutOption();

    @Mixin ConfigOption configFile = new ConfigOption();

    @Mixin VerboseOption verbose = new VerboseOption();

    @picocli.CommandLine.Mixin RunRecord.Options record = new RunRecord.Options();

    @Mixin dev.sparsetrain.options.QuietOption quiet = new dev.sparsetrain.options.QuietOption();

    @Mixin CheckpointOptions checkpoints = new CheckpointOptions();

    /** Options a resumed run may still take (everything else comes from the checkpoint). */
    static final Set<String> RESUME_OPTIONS = Set.of("--epochs", "--patience", "--threads", "--cosine-restarts", "--out", "--quiet", "--verbose",
            "--checkpoint-every", "--checkpoint-dir", "--resume", "--model", "--history", "--report");

    PrintWriter w;
    CommandLine.ParseResult parsed;

    @Override
    public Integer call() {
        if (configFile.config != null) ConfigFile.apply(spec, ConfigFile.read(configFile.config), configFile.config.toString(), false);
        w = spec.commandLine().getOut();
        parsed = spec.commandLine().getParseResult();
        out.check();
        record.check();
        checkpoints.check();
        VbprCheckpoint.State ck = checkpoints.resume() != null ? VbprCheckpoint.load(checkpoints.resume()) : null;
        Map<String, String> ckMeta = ck != null ? VbprCheckpoint.userMetadata(checkpoints.resume()) : Map.of();
        if (ck != null) resumeOptions(ck, ckMeta);
        FeatureDataset data = opts.load();
        VbprConfig cfg = ck != null ? resumedConfig(ck) : opts.config();
        w.println(data);
        w.println("features: " + data.features().summary() + "; preprocessing " + cfg.preprocessing());
        Map<String, Object> used = new LinkedHashMap<>();
        for (String g : VbprConfig.tableNames(cfg.variant())) used.put(g, cfg.groups().get(g));
        w.println(cfg.variant() + " groups: " + used);
        if (ck != null) {
            String pairs = ckMeta.get("train-pairs");
            if (pairs != null && !pairs.equals(Integer.toString(data.train().size()))) {
                throw new BadInputException(checkpoints.resume() + ": written for " + pairs + " training pairs, the data " + data.name() + " has " + data.train().size());
            }
        }
        VbprTrainer t = new VbprTrainer(data, cfg);
        opts.applyMultipliers(t);
        if (!quiet.quiet()) t.logTo(s -> { w.println(s); w.flush(); });
        Map<String, String> dataMeta = new LinkedHashMap<>();
        dataMeta.put("dataset", data.name());
        dataMeta.putAll(ck != null ? dataOnly(ckMeta) : opts.dataMetadata());
        dataMeta.put("train-pairs", Integer.toString(data.train().size()));
        if (checkpoints.every() > 0) {
            t.withCheckpoints(checkpoints.every(), state -> {
                Path p = checkpoints.dir().resolve(VbprCheckpoint.fileName(cfg, data.name(), state.epoch()));
                VbprCheckpoint.save(p, state, dataMeta);
                w.println("checkpoint " + p);
                w.flush();
            });
        }
        if (ck != null) {
            if (ck.stopped()) {
                throw new BadInputException("--resume " + checkpoints.resume() + ": the checkpointed run had already stopped early (best validation AUC "
                        + String.format(java.util.Locale.ROOT, "%.4f", ck.bestAuc()) + " at epoch " + ck.bestEpoch()
                        + "); there is nothing to resume, its best model is the result");
            }
            t.resumeFrom(ck);
            w.printf(java.util.Locale.ROOT, "resuming from %s at epoch %d (best so far: epoch %d, validation AUC %.4f); learning-rate multipliers %s%n",
                    checkpoints.resume(), ck.epoch(), ck.bestEpoch(), ck.bestAuc(), java.util.Arrays.toString(ck.multipliers()));
            if (ck.epoch() >= cfg.maxEpochs()) {
                throw new BadInputException("--resume " + checkpoints.resume() + ": already trained " + ck.epoch() + " epochs, give --epochs above it");
            }
        }
        VbprTrainer.Result r = t.fit();
        RunRecord.vbpr(record, cfg.variant() + " on " + data.name(), "sparsetrain " + String.join(" ", parsed.originalArgs()), r);
        var m = r.model().evaluate(data, data.test(), cfg.threads());
        w.printf(java.util.Locale.ROOT, "best epoch %d (validation AUC %.4f), %.0f samples/s%n", r.bestEpoch(), r.bestValidationAuc(), r.samplesPerSecond());
        w.println("test: " + m);
        if (!r.history().isEmpty()) {
            VbprTrainer.Epoch last = r.history().get(r.history().size() - 1);
            w.printf(java.util.Locale.ROOT, "per-group figures of epoch %d (recorded every epoch; grad, update: RMS norms per updated row; "
                    + "eff. lr: mean over updated rows of lr_t / the optimizer's denominator, lr for SGD):%n", last.epoch());
            for (VbprTrainer.GroupFigures g : last.groups()) {
                w.printf(java.util.Locale.ROOT, "  %-18s grad %.4g  update %.4g  update/weight %.4g  eff. lr %.4g  lr mult %.3g%n", g.group(),
                        g.gradientNorm(), g.updateNorm(), g.updateToWeight(), g.effectiveLr(), g.multiplier());
            }
        }
        Path file = out.or(Path.of("runs", cfg.variant().cliName() + "-" + data.name() + ".model"));
        Map<String, String> meta = new LinkedHashMap<>(dataMeta);   // evaluate and recommend re-read the split from these
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

    /** The data keys of a model's metadata (what {@link VbprOptions#dataMetadata} writes). */
    static Map<String, String> dataOnly(Map<String, String> meta) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : new String[] {"data", "features", "synthetic-users", "synthetic-items", "synthetic-dim", "synthetic-seed"}) {
            if (meta.containsKey(k)) m.put(k, meta.get(k));
        }
        return m;
    }

    /** Refuses options a resumed run cannot change and points the data options at the checkpoint's data. */
    void resumeOptions(VbprCheckpoint.State ck, Map<String, String> meta) {
        List<String> refused = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : parsed.matchedOptions()) if (!RESUME_OPTIONS.contains(o.longestName())) refused.add(o.longestName());
        if (!refused.isEmpty()) {
            throw new BadInputException("--resume " + checkpoints.resume() + ": " + String.join(", ", refused) + " cannot change on resume (data and configuration come from the checkpoint; "
                    + "allowed: --epochs, --patience, --threads, --cosine-restarts, --checkpoint-every, --checkpoint-dir, --out, --history, --report)");
        }
        if (parsed.hasMatchedOption("--model") && Variant.parse(opts.model.name()) != ck.config().variant()) {
            throw new BadInputException("--resume " + checkpoints.resume() + ": a " + ck.config().variant() + " checkpoint, not --model " + opts.model.name());
        }
        if (!meta.containsKey("data")) throw new BadInputException("--resume " + checkpoints.resume() + ": the checkpoint does not record its data");
        opts.data.data = meta.get("data");
        if (meta.containsKey("features")) opts.data.features = Path.of(meta.get("features"));
        try {
            opts.data.syntheticSize.set(meta.containsKey("synthetic-users") ? Integer.parseInt(meta.get("synthetic-users")) : opts.data.syntheticSize.users(),
                    meta.containsKey("synthetic-items") ? Integer.parseInt(meta.get("synthetic-items")) : opts.data.syntheticSize.items());
            if (meta.containsKey("synthetic-dim")) opts.data.syntheticDim = Integer.parseInt(meta.get("synthetic-dim"));
            if (meta.containsKey("synthetic-seed")) opts.seed.set(Long.parseLong(meta.get("synthetic-seed")));
        } catch (NumberFormatException e) {
            throw new BadInputException(checkpoints.resume() + ": damaged VBPR checkpoint (data metadata: " + e.getMessage() + ")");
        }
    }

    /** The checkpoint's configuration with the epochs, patience and threads given now. */
    VbprConfig resumedConfig(VbprCheckpoint.State ck) {
        VbprConfig c = ck.config();
        c = c.withEpochs(opts.epochs != null ? opts.epochs : c.maxEpochs(), opts.patience != null ? opts.patience : c.patience());
        if (opts.threads.given() != null) c = c.withThreads(opts.threads.given());
        return c;
    }
}
