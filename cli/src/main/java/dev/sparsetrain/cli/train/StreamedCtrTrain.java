package dev.sparsetrain.cli.train;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.data.ctr.CtrStreamSplit;
import dev.sparsetrain.data.ctr.FeatureEncoder;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.StreamOrder;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.options.StreamOptions;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code ctr-train --stream}: the run of {@link CtrTrainCommand} over a click log that stays on
 * disk ({@link CtrTrainer#trainable(CtrStreamSplit, int)}). Prints what the in-memory run prints (data, model, groups, per
 * pass the training NE and the test NE, log loss, AUC and calibration, samples/s) plus the pass
 * order ({@link StreamOrder#describe()}) and the peak resident memory. The model is saved only
 * after the last pass and its test evaluation, so a run that fails mid-way writes nothing.
 * Checkpoints ({@code --checkpoint-dir}, after each pass) and {@code --resume} work as in memory
 * (the same file; each pass's order depends only on the seed and the pass), dynamic tables
 * ({@code --ids dynamic}) included: their maps are filled in batch order as in memory. The run
 * record ({@code --history}, {@code --report}) holds the same per-pass figures as in memory.
 * Per-stratum figures are measured when a strata option is given ({@link StreamedStrata}: one
 * more streamed read of the training and of the test rows before training). {@code --refit-bias} costs one
 * more streamed pass over the training rows after the last pass. A time split ({@code --split-by})
 * streams its training periods and the following one.
 */
final class StreamedCtrTrain {
    private StreamedCtrTrain() {}

    static int run(CtrTrainCommand c, PrintWriter out, StreamOptions.Decision decision) {
        var pr = c.spec.commandLine().getParseResult();
        c.record.check();
        c.strata.check();   // thresholds checked before any data is read
        if (decision.note() != null) out.println(decision.note());
        if (c.checkpointDir != null) dev.sparsetrain.core.io.OutputPaths.requireFolder("--checkpoint-dir", c.checkpointDir);
        // the checkpoint's header before the data (a foreign file fails fast); its tables go straight into the model below
        java.nio.file.Path resume = c.resumeFrom.checkpoint();
        dev.sparsetrain.core.io.ModelFile.Header ckpt = resume == null ? null : dev.sparsetrain.core.io.ModelFile.readHeader(resume);
        ModelConfig mc = c.run.model.config();
        TrainConfig tc = c.run.trainConfig(c.fit.passes());
        int buffer = c.streamOptions.shuffleBuffer();
        long fit0 = System.nanoTime();
        CtrStreamSplit split = c.data.stream(c.collisionReport);
        FeatureEncoder enc = split.encoder();
        out.println("data: " + split.description());
        out.printf(Locale.ROOT, "encoder: fitted in one streaming pass over the %,d training rows, %.1f s (with the line count when a row count was not given)%n",
                split.trainRows(), (System.nanoTime() - fit0) / 1e9);
        if (c.collisionReport) {
            out.print(enc.collisionReport() != null ? enc.collisionReport().format() : "collision report: not available\n");
        }
        int[] rows = enc.tableRows();
        dev.sparsetrain.cli.CtrOptions.checkEmbeddingSize(rows, mc.type() == ModelConfig.Type.LOGISTIC ? 1 : mc.embeddingDim(), "--buckets " + c.data.buckets() + ", --dim " + mc.embeddingDim());
        SparseNN m = ckpt != null ? CtrTrainCommand.resumedModel(resume, ckpt, split.description(), mc, rows, tc.seed())
                : new SparseNN(mc, enc.names(), rows, enc.denseNames().length, tc.seed(), enc.dynamicTables());
        out.printf("model: %s dim %d, %,d parameters; %d threads, batch %d, %d pass(es)%n", mc.type(), mc.embeddingDim(), m.parameterCount(),
                tc.threads(), tc.batchSize(), tc.numPasses());
        StreamedStrata strata = null;
        if (c.strata.given()) {
            long s0 = System.nanoTime();
            strata = StreamedStrata.fit(c.strata, split);
            out.println(c.strata.describe(strata.name, strata.strata, strata.sizes));
            out.printf(Locale.ROOT, "strata: training impressions counted and test rows tallied in one streamed read of each, %.1f s%n",
                    (System.nanoTime() - s0) / 1e9);
        }
        StreamedStrata st = strata;
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            StreamOrder order = t.order(split, buffer);
            int dynamicFeatures = 0;
            for (boolean d : enc.dynamicFeatures()) if (d) dynamicFeatures++;
            boolean multi = false;
            for (boolean v : split.multiValued()) multi |= v;
            out.printf(Locale.ROOT, "order: %s; buffer %.1f MB%s%n", order.describe(),
                    order.bufferBytes(enc.denseNames().length, enc.names().length, dynamicFeatures) / 1048576.0,
                    multi ? " plus the multi-valued features' ids (an array per buffered row: about 16 bytes and 4 an id)" : "");
            for (dev.sparsetrain.optim.ParamGroup g : t.parameterGroups()) {
                out.printf("group %-12s %s, %s, %d tables%s%n", g.name(), g.chain().describe(), g.semantics(), g.tables().size(),
                        g.isFrozen() ? ", frozen" : "");
            }
            dev.sparsetrain.models.train.Trainer.State from = ckpt == null ? dev.sparsetrain.models.train.Trainer.State.fresh() : t.resume(resume);
            if (ckpt != null && from.epoch() >= tc.numPasses()) {
                throw new BadInputException("--resume " + resume + ": the checkpoint already holds " + from.epoch() + " passes; give --passes above " + from.epoch());
            }
            if (ckpt != null) out.printf("resumed: %s after %d of %d passes%n", resume, from.epoch(), tc.numPasses());
            CtrTrainCommand.DynamicDiagnostics dyn = new CtrTrainCommand.DynamicDiagnostics(m, ckpt != null);
            out.flush();
            Progress progress = c.run.quiet.quiet() ? null : Progress.toStderr("ctr-train (" + order.tag() + ")", split.trainRows() * (tc.numPasses() - from.epoch()));
            CtrEvaluation[] last = new CtrEvaluation[1];
            java.util.List<RunRecord.Pass> passes = new java.util.ArrayList<>();
            t.evaluateWithin(1, (p, seen, ne) -> {
                if (progress != null) progress.clearLine();
                long t0 = System.nanoTime();
                CtrEvaluation[] s = st != null ? st.evaluate(t, split.test())
                        : new CtrEvaluation[] {null, null, null, t.evaluate(split.test()).result(Double.NaN)};
                CtrEvaluation e = s[3];
                last[0] = e;
                passes.add(new RunRecord.Pass((int) Math.round(p), ne, s));
                out.printf("pass %d: train running NE %.4f%n", Math.round(p), ne);
                String[] names = {"rare", "medium", "frequent"};
                for (int k = 0; k < 3; k++) if (s[k] != null) out.printf("  test  %-8s %s%n", names[k], s[k].format());
                out.printf(Locale.ROOT, "  test  all      %s (streamed, %.1f s)%n", e.format(), (System.nanoTime() - t0) / 1e9);
                out.flush();
            });
            dev.sparsetrain.models.train.Trainer.Checkpointer passDone = state -> {
                if (progress != null) progress.clearLine();
                if (c.diagnostics.on()) CtrTrainCommand.printDiagnostics(out, state.epoch(), t.passDiagnostics().getLast());
                if (c.diagnostics.on()) dyn.print(out, state.epoch());
                if (c.checkpointDir != null) {
                    out.println("checkpoint: " + CtrTrainCommand.writeCheckpoint(c.checkpointDir, m, split.description(), tc, split.state(), t.trainable(), state));
                }
                out.flush();
            };
            long train0 = System.nanoTime();
            var result = new dev.sparsetrain.models.train.Trainer(t.loop()).withCheckpointer(passDone)
                    .withProgress(progress == null ? null : (label, total) -> progress).fit(t.trainable(split, buffer), from);
            out.printf(Locale.ROOT, "training: %,.0f samples/s (reading, parsing and encoding overlapped with training; %.1f s of training steps, "
                    + "%.1f s wall with the evaluations)%n", result.samplesPerSecond(), result.trainSeconds(), (System.nanoTime() - train0) / 1e9);
            if (m.hasDynamicIds()) out.println("dynamic tables: " + CtrTrainCommand.dynamicSummary(dev.sparsetrain.models.sparsenn.DynamicStats.of(m)));
            RunRecord.ctr(c.record, mc.type() + " on " + split.description(), "sparsetrain " + String.join(" ", pr.originalArgs()), passes,
                    t.passDiagnostics());
            double delta = c.fit.refitBias() ? refitBias(t, m, split, st, last, out) : Double.NaN;
            out.println("memory: " + peakMemory());
            if (c.fit.save() != null) {
                java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
                meta.put("data", split.description());
                meta.put("train", tc.toString());
                if (!Double.isNaN(delta)) meta.put("bias-refit-shift", String.format(Locale.ROOT, "%.6g", delta));
                if (last[0] != null) meta.put("test", last[0].format());
                split.state().addTo(meta);
                m.save(c.fit.save(), meta, split.state().idMaps());
                out.println("saved: " + c.fit.save().toAbsolutePath());
            }
        }
        return ExitCodes.OK;
    }

    /**
     * {@code --refit-bias} over a streamed log: one more streamed pass predicts the training rows
     * in file order into the logit histogram ({@link dev.sparsetrain.models.sparsenn.BiasRefit.Accumulator},
     * the in-memory run's histogram bit for bit), the shift is applied and the test rows are
     * evaluated again (into {@code last[0]}). Returns the shift, NaN when skipped.
     */
    private static double refitBias(CtrTrainer t, SparseNN m, CtrStreamSplit split, StreamedStrata st, CtrEvaluation[] last, PrintWriter out) {
        long r0 = System.nanoTime();
        var acc = new dev.sparsetrain.models.sparsenn.BiasRefit.Accumulator();
        try (var reader = split.train()) {
            dev.sparsetrain.data.ctr.CtrData b;
            while ((b = reader.next()) != null) acc.add(t.predict(b), b.labels(), b.rows());
        }
        var h = acc.histogram();
        double delta = h.shift();
        if (Double.isNaN(delta)) {
            out.println("bias re-fit: skipped (" + h.whyNoShift() + ")");
            return delta;
        }
        dev.sparsetrain.models.sparsenn.BiasRefit.apply(m, delta);
        out.printf(Locale.ROOT, "bias re-fit: every logit shifted by %+.4f (mean training prediction = training click rate %.4f; one streamed pass over the training rows, %.1f s)%n",
                delta, (double) h.clicks() / h.rows(), (System.nanoTime() - r0) / 1e9);
        CtrEvaluation[] s = st != null ? st.evaluate(t, split.test())
                : new CtrEvaluation[] {null, null, null, t.evaluate(split.test()).result(Double.NaN)};
        printTest(out, s);
        last[0] = s[3];
        return delta;
    }

    /** The test lines: each measured stratum, then all rows. */
    private static void printTest(PrintWriter out, CtrEvaluation[] s) {
        String[] names = {"rare", "medium", "frequent", "all"};
        for (int k = 0; k < 4; k++) if (s[k] != null) out.printf("  test  %-8s %s%n", names[k], s[k].format());
    }

    /** Peak resident set (VmHWM of /proc/self/status) and the heap's maximum. */
    static String peakMemory() {
        String rss = "n/a";
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) rss = line.substring(6).trim();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return String.format(Locale.ROOT, "peak resident %s (VmHWM, whole JVM); heap max %.1f GiB", rss,
                Runtime.getRuntime().maxMemory() / 1073741824.0);
    }
}
