package dev.sparsetrain.cli.train;

import dev.sparsetrain.cli.ConfigFile;
import dev.sparsetrain.cli.ConfigOption;
import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.SavedModelOptions;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.metrics.ranking.PopularityScorer;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.models.bpr.BprConfig;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.models.bpr.BprModel;
import dev.sparsetrain.models.train.Checkpoint;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.options.CutoffsOption;
import dev.sparsetrain.options.DiagnosticsOption;
import dev.sparsetrain.options.ImplicitDataOptions;
import dev.sparsetrain.options.ModelOutOption;
import dev.sparsetrain.options.VerboseOption;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains a recommender on implicit feedback, evaluates it by full ranking beside the popularity
 * baseline, and saves it. With no arguments it trains BPR-MF on the built-in synthetic data.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, subcommands = VbprTrainCommand.class,
        description = {"Trains a recommender (BPR-MF, VBPR or visual-only; --model selects) on implicit feedback, evaluates it by full ranking "
                + "(AUC, Recall/NDCG/Precision/MAP@K, MRR, coverage) beside the popularity baseline, and saves it.",
                "With no arguments: BPR-MF on built-in synthetic data (planted preferences), in seconds.",
                "Options may also come from a JSON or YAML file (--config); flags on the command line win."})
public final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", defaultValue = "bpr", description = "Model to train: bpr, vbpr or visual. vbpr/visual take the VBPR options (--data, --features, --feature-preprocessing, --factors, --visual-factors, "
            + "--optimizer GROUP=SPEC[:L2] repeatable per group, --lr-multiplier, --auto-balance, --restarts, --epochs, --patience, --threads, --seed, --item-id-dropout (vbpr only), "
            + "--checkpoint-dir, --checkpoint-every, --resume, --out; see 'diagnose --help'), not BPR-MF's --lr/--reg/--bias-*. "
            + "evaluate and recommend read any of the three from the saved file. Default: ${DEFAULT-VALUE}.")
    String model;

    @Mixin ConfigOption configFile = new ConfigOption();

    @Mixin ImplicitDataOptions data = new ImplicitDataOptions();
    @Mixin RecOptions.Bpr bpr = new RecOptions.Bpr();
    @Mixin RecOptions.Training training = new RecOptions.Training();

    @Mixin CutoffsOption ks = new CutoffsOption();

    @Mixin ModelOutOption out = new ModelOutOption();

    @Option(names = "--export-npy", paramLabel = "DIR", description = "Also write users.npy, items.npy and item_bias.npy (float32) into DIR.")
    Path exportNpy;

    @Mixin DiagnosticsOption diagnostics = new DiagnosticsOption();

    @Mixin RunRecord.Options record = new RunRecord.Options();

    @Mixin VerboseOption verbose = new VerboseOption();

    /**
     * Metadata keys of a checkpoint, besides the data and split ones, that {@code --resume} takes
     * over: epochs, seed, how samples were drawn, and how validation and early stopping run.
     */
    static final java.util.Set<String> RESUMED_TRAINING = java.util.Set.of("epochs", "seed", "positives", "negatives", "negative-exponent",
            "negative-collision", "patience", "validate-every", "validation-metric", "validation-users");

    /**
     * {@code --resume}: the checkpointed run's data, split, epochs, seed and sampling options, as recorded in its
     * metadata, where neither the command line nor {@code --config} gives them (as evaluate rebuilds
     * a model's data), so that the resumed run trains on the same pairs, sampled the same way.
     */
    private void applyCheckpointOptions(Map<String, String> fromFile) {
        Map<String, String> recorded = new LinkedHashMap<>();
        for (var e : dev.sparsetrain.core.io.ModelFile.readHeader(training.checkpoints.resume()).metadata().entrySet()) {
            String k = e.getKey();
            if ((SavedModelOptions.DATA_KEYS.contains(k) || RESUMED_TRAINING.contains(k)) && (fromFile == null || !fromFile.containsKey(k))) {
                recorded.put(k, e.getValue());
            }
        }
        ConfigFile.apply(spec, recorded, "--resume " + training.checkpoints.resume() + " (metadata)", true);
    }

    @Override
    public Integer call() {
        Map<String, String> fromFile = configFile.config != null ? ConfigFile.read(configFile.config) : null;
        // --model vbpr|visual never reaches here: Main routes it to the subcommand (train vbpr)
        if (fromFile != null) ConfigFile.apply(spec, fromFile, configFile.config.toString(), false);
        if (!model.equalsIgnoreCase("bpr")) throw new BadInputException("--model '" + model + "': bpr, vbpr or visual");
        if (training.checkpoints.resume() != null) applyCheckpointOptions(fromFile);
        boolean exponentGiven = spec.commandLine().getParseResult().hasMatchedOption("--negative-exponent")
                || (fromFile != null && fromFile.containsKey("negative-exponent"));
        if (exponentGiven && !training.negatives.equalsIgnoreCase("popularity")) {
            throw new BadInputException("--negative-exponent applies to --negatives popularity only; --negatives is " + training.negatives);
        }
        out.check();
        record.check();
        if (exportNpy != null) OutputPaths.requireFolder("--export-npy", exportNpy);
        training.checkpoints.check();
        PrintWriter w = spec.commandLine().getOut();
        TrainerConfig tc = training.config();
        BprConfig bc = bpr.config();
        Map<String, String> meta = new LinkedHashMap<>();
        BprModel m;
        int startEpoch = 0;
        Trainer.State from = Trainer.State.fresh();
        ImplicitDataOptions.Loaded rd = data.load();
        w.println(rd.summary());
        Split split = data.split(rd.all());
        Interactions train = split.train(), test = split.test();
        if (training.checkpoints.resume() != null) {
            var ck = BprFiles.load(training.checkpoints.resume());   // optimizer state straight into the live arrays
            var contents = ck.contents();
            m = ck.model();
            bc = m.config();
            from = Checkpoint.loopState(training.checkpoints.resume().toString(), contents);
            startEpoch = Checkpoint.isCheckpoint(contents) ? from.epoch() : ck.epoch();
            String e = ck.metadata().get("epochs");
            if (e != null && !spec.commandLine().getParseResult().hasMatchedOption("--epochs")) tc = tc.withEpochs(Integer.parseInt(e));
            String s = ck.metadata().get("seed");
            if (s != null && !spec.commandLine().getParseResult().hasMatchedOption("--seed")) tc = tc.withSeed(Long.parseLong(s));
            split = ImplicitDataOptions.remap(split, ck.users(), ck.items());
            train = split.train();
            test = split.test();
            if (startEpoch >= tc.epochs()) {
                throw new BadInputException("--resume " + training.checkpoints.resume() + ": already trained " + startEpoch + " epochs, give --epochs above it");
            }
            w.printf(Locale.ROOT, "resuming from %s at epoch %d%n", training.checkpoints.resume(), startEpoch);
        } else {
            m = null;
        }
        Interactions fit = train;
        Interactions validation = null;
        if (tc.patience() > 0) {
            Split v = data.validation(train);   // the latest remaining item per user under a temporal split
            fit = v.train();
            validation = v.test();
        }
        if (m == null) m = new BprModel(fit.numUsers(), fit.numItems(), bc, tc.seed());
        if (diagnostics.on()) m.collectDiagnostics(true);
        w.printf(Locale.ROOT, "split %s: %d training pairs, %d held out%s%n", data.splitName(), fit.size(), test.size(),
                validation == null ? "" : ", " + validation.size() + " for validation (early stopping on " + training.validationMetric + ")");
        if (data.splitName().equalsIgnoreCase("time-ratio")) w.println(dev.sparsetrain.data.Splits.coldSummary(new Split(fit, test)));
        w.printf(Locale.ROOT, "BPR-MF: %d factors; group factors %s; group biases %s; lr decays to %.2fx; %s kernel; %d threads, seed %d, %d epochs%n",
                bc.factors(), bc.factorChain().describe(), bc.biasChain().describe(), bc.finalLearningRate(),
                m.usesFusedKernel() ? "fused " + BprModel.kernelName() + " SGD" : "generic optimizer", tc.threads(), tc.seed(), tc.epochs());
        w.flush();

        Path outPath = out.or(Path.of("runs", "bpr-" + safe(rd.name()) + ".model"));
        meta.put("model", "bpr");
        meta.putAll(data.metadata());
        meta.putAll(training.metadata());
        final BprModel fm = m;
        final Interactions ffit = fit, fval = validation;
        final Map<String, String> fmeta = meta;
        Trainer.Validator validator = null;
        if (validation != null) {
            RankingEvaluator.Options vo = RankingEvaluator.Options.defaults().withThreads(tc.threads()).withKs(10)
                    .withMaxUsers(training.validationUsers.validationUsers(), data.splitSeed());
            String metric = training.validationMetric;
            validator = e -> Trainer.Validation.higher(RankingEvaluator.evaluate(fm, fval, List.of(ffit), vo).value(metric));
        }
        Trainer.Checkpointer ck = null;
        var hogwild = Hogwild.of(m, fit, training.sampler(fit));
        if (tc.checkpointEvery() > 0) {
            Path dir = training.checkpoints.dir();
            ck = st -> {
                int e = st.epoch();
                Map<String, String> cm = new LinkedHashMap<>(fmeta);
                cm.put("epoch", Integer.toString(e));
                Path p = dir.resolve(String.format(Locale.ROOT, "bpr-%s-epoch-%03d.model", safe(rd.name()), e));
                Checkpoint.write(p, BprFiles.modelContents(fm, ffit.users(), ffit.items(), cm), hogwild, st);
                w.printf(Locale.ROOT, "checkpoint %s%n", p);
                w.flush();
            };
        }
        PrintStream err = System.err;
        BiFunction<String, Long, Progress> progress = training.quiet.quiet() ? null : (label, total) -> Progress.toStderr(label, total);
        if (from.epoch() != startEpoch) from = Trainer.State.after(startEpoch);
        var res = new Trainer(tc).withValidator(validator).withCheckpointer(ck).withProgress(progress).fit(hogwild, from);
        err.flush();
        RunRecord.bpr(record, "BPR-MF on " + rd.name(), "sparsetrain " + String.join(" ", spec.commandLine().getParseResult().originalArgs()),
                training.validationMetric, res);
        if (training.quiet.quiet()) for (var es : res.history()) w.println("  " + es.line());
        w.printf(Locale.ROOT, "trained %d epochs in %.2f s (training only): %s samples/s%s%n", res.history().size(), res.trainSeconds(),
                Progress.human(res.samplesPerSecond()),
                res.diverged() ? "; " + res.notes().get(res.notes().size() - 1) + (res.bestEpoch() > 0 ? String.format(Locale.ROOT, ", kept epoch %d", res.bestEpoch()) : "")
                : res.stoppedEarly() ? String.format(Locale.ROOT, "; stopped early, kept epoch %d (%s %.4f)", res.bestEpoch(), training.validationMetric, res.bestValidation()) : "");
        if (diagnostics.on()) {
            w.println("optimizer diagnostics over the run:");
            for (var g : m.optimizer().diagnostics()) w.println("  " + g.describe());
        }
        List<Interactions> exclude = new ArrayList<>();
        exclude.add(fit);
        if (validation != null) exclude.add(validation);
        RankingEvaluator.Options eo = RankingEvaluator.Options.defaults().withThreads(tc.threads()).withKs(ks.ks());
        RankingReport r = RankingEvaluator.evaluate(m, test, exclude, eo);
        // popularity counts every training pair (validation ones too), as evaluate does from the saved model
        RankingReport pop = RankingEvaluator.evaluate(new PopularityScorer(train), test, exclude, eo);
        w.print(RankingReport.table("BPR-MF", r, "popularity", pop));
        meta.put("epoch", Integer.toString(res.bestEpoch()));
        meta.put("test-auc", String.format(Locale.ROOT, "%.6f", r.auc()));
        BprFiles.save(outPath, m, fit.users(), fit.items(), meta);
        w.printf(Locale.ROOT, "saved %s%n", outPath);
        if (exportNpy != null) {
            dev.sparsetrain.core.io.Npy.write(m.users(), exportNpy.resolve("users.npy"));
            dev.sparsetrain.core.io.Npy.write(m.items(), exportNpy.resolve("items.npy"));
            dev.sparsetrain.core.io.Npy.write(m.itemBias(), exportNpy.resolve("item_bias.npy"));
            w.printf(Locale.ROOT, "exported users.npy, items.npy, item_bias.npy to %s%n", exportNpy);
        }
        w.flush();
        return ExitCodes.OK;
    }

    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
