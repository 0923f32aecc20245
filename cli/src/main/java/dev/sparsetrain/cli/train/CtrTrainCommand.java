package dev.sparsetrain.cli.train;

import dev.sparsetrain.cli.ClickRunOptions;
import dev.sparsetrain.cli.CtrOptions;
import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.metrics.ctr.Strata;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.options.ClickDataOptions;
import dev.sparsetrain.options.ClickFitOptions;
import dev.sparsetrain.options.DiagnosticsOption;
import dev.sparsetrain.options.ResumeOption;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains a click-prediction model (SparseNN/DLRM, logistic regression, FM) on a Criteo/Avazu/schema
 * file or on synthetic data, and prints test NE, logloss, AUC and calibration after every pass,
 * overall and per frequency stratum of one id feature.
 */
@Command(name = "ctr-train", mixinStandardHelpOptions = true,
        description = "Trains a click-prediction model (SparseNN/DLRM, logistic regression, FM) and reports test NE, logloss, AUC and calibration per pass and per id-frequency stratum.")
public final class CtrTrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin ClickRunOptions run = new ClickRunOptions();

    @Mixin ClickDataOptions data = new ClickDataOptions();
    @Mixin CtrOptions.StrataOptions strata = new CtrOptions.StrataOptions();

    @Option(names = "--collision-report", description = "Print distinct ids, rows used and ids sharing a row per feature.")
    boolean collisionReport;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Write a checkpoint after every pass: DIR/ctr-pass-NNN.ckpt holds the model and encoder (ctr-predict reads it like a --save file) plus every optimizer's state, the dynamic tables' state (--ids dynamic) and the pass count, for --resume. Default: none.")
    java.nio.file.Path checkpointDir;

    @Mixin ResumeOption resumeFrom = new ResumeOption();

    @Mixin DiagnosticsOption diagnostics = new DiagnosticsOption();

    @Mixin ClickFitOptions fit = new ClickFitOptions(false);

    @picocli.CommandLine.Mixin RunRecord.Options record = new RunRecord.Options();


    @Mixin dev.sparsetrain.options.StreamOptions streamOptions = new dev.sparsetrain.options.StreamOptions();

    @Override
    public Integer call() {
        run.configFile.apply(spec);
        PrintWriter out = spec.commandLine().getOut();
        if (fit.save() != null) OutputPaths.requireFile("--save", fit.save());
        // a log past memory (--stream, or auto for its size) trains streamed from disk
        dev.sparsetrain.options.StreamOptions.Decision streamed = streamOptions.decide(data);
        if (streamed.stream()) return StreamedCtrTrain.run(this, out, streamed);
        record.check();
        if (checkpointDir != null) OutputPaths.requireFolder("--checkpoint-dir", checkpointDir);   // created by the first write
        // read (and check) the checkpoint's header before the data: a foreign file fails fast; its tables
        // are read straight into the model and optimizer below (no second copy), checksum included
        java.nio.file.Path resume = resumeFrom.checkpoint();
        dev.sparsetrain.core.io.ModelFile.Header ckpt = resume == null ? null : dev.sparsetrain.core.io.ModelFile.readHeader(resume);
        strata.check(); // thresholds checked before any data is read
        ModelConfig mc = run.model.config();
        TrainConfig tc = run.trainConfig(fit.passes());
        ClickDataOptions.Split split = data.load(tc.seed());
        CtrData tr = split.train(), te = split.test();
        out.println("data: " + split.description());
        if (collisionReport && split.encoder() != null) out.print(split.encoder().collisionReport().format());
        CtrOptions.checkEmbeddingSize(tr.tableRows(), mc.type() == ModelConfig.Type.LOGISTIC ? 1 : mc.embeddingDim(), "--buckets " + data.buckets() + ", --dim " + mc.embeddingDim());
        SparseNN m;
        if (ckpt != null) {
            m = resumedModel(resume, ckpt, split.description(), mc, tr.tableRows(), tc.seed());
        } else {
            m = new SparseNN(mc, tr.names(), tr.tableRows(), tr.numDense(), tc.seed(), data.dynamicTables(tr));
        }
        int feature = strata.featureIndex(tr, te);
        int[] imp = te.impressionsPerRow(feature, tr.impressions(feature));
        Strata st = strata.strata(imp, tr.names()[feature]);
        out.printf("model: %s dim %d, %,d parameters; %d threads, batch %d, %d pass(es)%n",
                mc.type(), mc.embeddingDim(), m.parameterCount(), tc.threads(), tc.batchSize(), tc.numPasses());
        out.println(strata.describe(tr.names()[feature], st, st.sizes(imp)));
        if (split.plantedTestProbability() != null) {
            out.println("planted model on test: " + CtrMetrics.evaluate(te.labels(), split.plantedTestProbability(), Double.NaN).format());
        }
        out.flush();
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            for (dev.sparsetrain.optim.ParamGroup g : t.parameterGroups()) {
                out.printf("group %-12s %s, %s, %d tables%s%n", g.name(), g.chain().describe(), g.semantics(), g.tables().size(),
                        g.isFrozen() ? ", frozen" : "");
            }
            dev.sparsetrain.models.train.Trainer.State from = ckpt == null ? dev.sparsetrain.models.train.Trainer.State.fresh()
                    : t.resume(resume);
            int start = from.epoch();
            DynamicDiagnostics dyn = new DynamicDiagnostics(m, ckpt != null);
            if (ckpt != null && start >= tc.numPasses()) {
                throw new dev.sparsetrain.core.BadInputException("--resume " + resume + ": the checkpoint already holds " + start
                        + " passes; give --passes above " + start);
            }
            if (ckpt != null) out.printf("resumed: %s after %d of %d passes%n", resume, start, tc.numPasses());
            Progress progress = run.quiet.quiet() ? null : Progress.toStderr("ctr-train", (long) tr.rows() * (tc.numPasses() - start));
            // after each pass (the spine's checkpointer): the pass's optimizer figures, then the checkpoint
            dev.sparsetrain.models.train.Trainer.Checkpointer passDone = state -> {
                int done = state.epoch();
                if (progress != null) progress.clearLine();
                if (diagnostics.on()) printDiagnostics(out, done, t.passDiagnostics().getLast());
                if (diagnostics.on()) dyn.print(out, done);
                if (checkpointDir != null) {
                    out.println("checkpoint: " + writeCheckpoint(checkpointDir, m, split.description(), tc, split.state(), t.trainable(), state));
                }
                out.flush();
            };
            java.util.List<RunRecord.Pass> passes = new java.util.ArrayList<>();
            // the per-pass test evaluation: one evaluation point at the end of each pass
            t.evaluateWithin(1, (p, seen, ne) -> {
                if (progress != null) progress.clearLine();
                float[] pred = t.predict(te);
                CtrEvaluation[] s = st.evaluate(te.labels(), pred, imp, te.clickRate());
                passes.add(new RunRecord.Pass((int) Math.round(p), ne, s));
                out.printf("pass %d: %s%n", Math.round(p), Progress.figure("train NE (running, whole pass)", ne));
                CtrOptions.printStrata(out, "  test", s);
                out.flush();
            });
            double rate = new dev.sparsetrain.models.train.Trainer(t.loop()).withCheckpointer(passDone)
                    .withProgress(progress == null ? null : (label, total) -> progress).fit(t.trainable(tr), from).samplesPerSecond();
            out.printf("training: %,.0f samples/s%n", rate);
            if (m.hasDynamicIds()) out.println("dynamic tables: " + dynamicSummary(dev.sparsetrain.models.sparsenn.DynamicStats.of(m)));
            RunRecord.ctr(record, mc.type() + " on " + split.description(), "sparsetrain " + String.join(" ", spec.commandLine().getParseResult().originalArgs()),
                    passes, t.passDiagnostics());
            double delta = Double.NaN;
            if (fit.refitBias()) {
                var h = dev.sparsetrain.models.sparsenn.BiasRefit.Histogram.of(t.predict(tr), tr.labels());
                delta = h.shift();
                if (Double.isNaN(delta)) {
                    out.println("bias re-fit: skipped (" + h.whyNoShift() + ")");
                } else {
                    dev.sparsetrain.models.sparsenn.BiasRefit.apply(m, delta);
                    out.printf(java.util.Locale.ROOT, "bias re-fit: every logit shifted by %+.4f (mean training prediction = training click rate %.4f)%n",
                            delta, tr.clickRate());
                    CtrOptions.printStrata(out, "  test", st.evaluate(te.labels(), t.predict(te), imp, te.clickRate()));
                }
            }
            if (fit.save() != null) {
                float[] pred = t.predict(te);
                java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
                meta.put("data", split.description());
                meta.put("train", tc.toString());
                if (!Double.isNaN(delta)) meta.put("bias-refit-shift", String.format(java.util.Locale.ROOT, "%.6g", delta));
                meta.put("test", CtrMetrics.evaluate(te.labels(), pred, Double.NaN).format());
                // the whole fitted encoder (schema, dense statistics, hashing settings or vocabularies): ctr-predict re-applies it
                if (split.state() != null) split.state().addTo(meta);
                m.save(fit.save(), meta, split.state() != null ? split.state().idMaps() : java.util.Map.of());
                out.println("saved: " + fit.save().toAbsolutePath());
            }
        }
        return ExitCodes.OK;
    }

    /**
     * The per-group figures of one pass, with groups more than 10x from the median update-to-weight
     * ratio, or with a per-row gradient more than 10x the median, flagged.
     */
    static void printDiagnostics(PrintWriter out, int pass, java.util.List<dev.sparsetrain.optim.GroupDiagnostics> d) {
        java.util.List<String> verdicts = dev.sparsetrain.optim.GroupDiagnostics.verdicts(d, 10);
        out.printf("pass %d optimizer figures (flags: update/weight over 10x from the groups' median, embedding rows move only "
                + "when touched, so theirs runs higher; per-row RMS gradient over 10x the median; eff. lr = the mean over updated "
                + "rows of lr_t / the optimizer's denominator):%n", pass);
        out.printf("  %-12s %8s %11s %12s %13s %11s %8s  %s%n", "group", "steps", "grad norm", "update norm", "update/weight", "eff. lr",
                "touched", "flag");
        for (int i = 0; i < d.size(); i++) {
            var g = d.get(i);
            String flag = verdicts.get(i);
            out.printf(java.util.Locale.ROOT, "  %-12s %8d %11.4g %12.4g %13.4g %11.4g %8.4f  %s%s%n", g.group(), g.steps(), g.gradientNorm(),
                    g.updateNorm(), g.updateToWeightRatio(), g.meanEffectiveLr(), g.fractionRowsTouched(), flag,
                    g.nonFiniteGradients() > 0 ? ", " + g.nonFiniteGradients() + " non-finite gradients skipped" : "");
        }
    }

    /**
     * The dynamic tables' figures of each pass ({@code --diagnostics}): counters over the pass, so
     * the figures of the last printed pass (or of the resumed checkpoint) are kept. Nothing for a
     * model without dynamic tables.
     */
    static final class DynamicDiagnostics {
        private final SparseNN model;
        private java.util.List<dev.sparsetrain.models.sparsenn.DynamicStats> before;

        /** @param resumed the model holds a checkpoint's maps: the first pass counts from them */
        DynamicDiagnostics(SparseNN model, boolean resumed) {
            this.model = model;
            if (resumed && model.hasDynamicIds()) before = dev.sparsetrain.models.sparsenn.DynamicStats.of(model);
        }

        void print(PrintWriter out, int pass) {
            if (!model.hasDynamicIds()) return;
            java.util.List<dev.sparsetrain.models.sparsenn.DynamicStats> now = dev.sparsetrain.models.sparsenn.DynamicStats.of(model);
            out.printf("pass %d dynamic tables (map = id map, row bookkeeping and admission sketch; rows = the feature's parameter rows; "
                    + "counters over the pass):%n", pass);
            out.print(dev.sparsetrain.models.sparsenn.DynamicStats.format(dev.sparsetrain.models.sparsenn.DynamicStats.since(now, before)));
            before = now;
        }
    }

    /** One line over every dynamic table: ids owning rows, memory of the maps against the rows', evictions, default-row share. */
    static String dynamicSummary(java.util.List<dev.sparsetrain.models.sparsenn.DynamicStats> s) {
        long cap = 0, ids = 0, mb = 0, eb = 0, ev = 0, ex = 0, dh = 0, ob = 0;
        for (var d : s) {
            cap += d.capacity(); ids += d.ids(); mb += d.mapBytes(); eb += d.embeddingBytes(); ev += d.evictions(); ex += d.expirations();
            dh += d.defaultHits(); ob += d.observations();
        }
        return String.format(java.util.Locale.ROOT, "%d features, %,d ids own rows of %,d; id maps %s beside %s of rows; %,d evicted (LFU), %,d expired (TTL); "
                        + "%.2f%% of training occurrences on the default row", s.size(), ids, cap, dev.sparsetrain.models.sparsenn.DynamicStats.bytes(mb),
                dev.sparsetrain.models.sparsenn.DynamicStats.bytes(eb), ev, ex, ob == 0 ? 0 : 100.0 * dh / ob);
    }

    /** The model of checkpoint {@code ckpt} (its header), refused in one line when of other data or another model than this run's. */
    static SparseNN resumedModel(java.nio.file.Path resume, dev.sparsetrain.core.io.ModelFile.Header ckpt, String data, ModelConfig mc, int[] tableRows, long seed) {
        SparseNN m = SparseNN.fromHeader(resume, ckpt, seed);
        String was = ckpt.metadata().get("data");
        if (!data.equals(was)) {
            throw new dev.sparsetrain.core.BadInputException("--resume " + resume + ": checkpoint of other data (" + was + "); this run: " + data);
        }
        if (!sameArchitecture(m.config(), mc) || !java.util.Arrays.equals(m.tableRows(), tableRows)) {
            throw new dev.sparsetrain.core.BadInputException("--resume " + resume + ": checkpoint of another model (" + describe(m.config(), m.tableRows())
                    + "); this run: " + describe(mc, tableRows) + " (resume with the options of the checkpointed run)");
        }
        return m;
    }

    /** Writes the checkpoint after pass {@code state.epoch()} into {@code dir} (streaming, no copy) and returns its path. */
    static java.nio.file.Path writeCheckpoint(java.nio.file.Path dir, SparseNN m, String data, TrainConfig tc, dev.sparsetrain.data.ctr.EncoderState encoder,
                                              dev.sparsetrain.models.train.Trainable trainable, dev.sparsetrain.models.train.Trainer.State state) {
        java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
        meta.put("data", data);
        meta.put("train", tc.toString());
        if (encoder != null) encoder.addTo(meta);
        java.nio.file.Path f = dir.resolve(String.format(java.util.Locale.ROOT, "ctr-pass-%03d.ckpt", state.epoch()));
        // dynamic tables: their whole state beside the model, so that --resume continues them exactly
        java.util.List<dev.sparsetrain.core.io.ModelFile.Stream> dyn = dev.sparsetrain.models.sparsenn.DynamicCheckpoint.streams(m, meta);
        dev.sparsetrain.models.train.Checkpoint.write(f, m.contents(meta, encoder != null ? encoder.idMaps() : java.util.Map.of()), dyn, trainable, state);
        return f;
    }

    private static String describe(ModelConfig c, int[] rows) {
        return c.type() + " dim " + c.embeddingDim() + ", bottom " + java.util.Arrays.toString(c.bottomHidden()) + ", top "
                + java.util.Arrays.toString(c.topHidden()) + ", " + c.interaction() + ", table rows " + java.util.Arrays.toString(rows);
    }

    private static boolean sameArchitecture(ModelConfig a, ModelConfig b) {
        return a.type() == b.type() && a.embeddingDim() == b.embeddingDim() && java.util.Arrays.equals(a.bottomHidden(), b.bottomHidden())
                && java.util.Arrays.equals(a.topHidden(), b.topHidden()) && a.interaction() == b.interaction()
                && a.embeddingInitStd() == b.embeddingInitStd();
    }
}
