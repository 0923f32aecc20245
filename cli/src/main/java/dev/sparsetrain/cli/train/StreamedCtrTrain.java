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
 * (the same file; each pass's order depends only on the seed and the pass). Options that need
 * every row in memory (per-stratum figures, the bias re-fit, run records, {@code --split-by}) are
 * refused in one line.
 */
final class StreamedCtrTrain {
    private StreamedCtrTrain() {}

    static int run(CtrTrainCommand c, PrintWriter out, StreamOptions.Decision decision) {
        var pr = c.spec.commandLine().getParseResult();
        for (String o : new String[] {"--refit-bias", "--strata-feature", "--rare-below", "--frequent-from",
                "--history", "--report", "--split-by"}) {
            if (o.equals("--refit-bias") ? c.fit.refitBias() : pr.hasMatchedOption(o)) {   // --no-refit-bias asks for nothing
                throw new BadInputException(o + " is not available with a streamed click log (--stream" + (decision.note() != null
                        ? ", chosen automatically for this log's size" : "") + "); drop " + o + (decision.note() != null ? "" : " or --stream"));
            }
        }
        c.data.refuseDynamicIds("ctr-train --stream (its one-pass encoder fit does not carry raw ids yet)");
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
                : new SparseNN(mc, enc.names(), rows, enc.denseNames().length, tc.seed());
        out.printf("model: %s dim %d, %,d parameters; %d threads, batch %d, %d pass(es)%n", mc.type(), mc.embeddingDim(), m.parameterCount(),
                tc.threads(), tc.batchSize(), tc.numPasses());
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            StreamOrder order = t.order(split, buffer);
            out.printf(Locale.ROOT, "order: %s; buffer %.1f MB%n", order.describe(),
                    order.bufferBytes(enc.denseNames().length, enc.names().length) / 1048576.0);
            for (dev.sparsetrain.optim.ParamGroup g : t.parameterGroups()) {
                out.printf("group %-12s %s, %s, %d tables%s%n", g.name(), g.chain().describe(), g.semantics(), g.tables().size(),
                        g.isFrozen() ? ", frozen" : "");
            }
            dev.sparsetrain.models.train.Trainer.State from = ckpt == null ? dev.sparsetrain.models.train.Trainer.State.fresh() : t.resume(resume);
            if (ckpt != null && from.epoch() >= tc.numPasses()) {
                throw new BadInputException("--resume " + resume + ": the checkpoint already holds " + from.epoch() + " passes; give --passes above " + from.epoch());
            }
            if (ckpt != null) out.printf("resumed: %s after %d of %d passes%n", resume, from.epoch(), tc.numPasses());
            out.flush();
            Progress progress = c.run.quiet.quiet() ? null : Progress.toStderr("ctr-train (" + order.tag() + ")", split.trainRows() * (tc.numPasses() - from.epoch()));
            CtrEvaluation[] last = new CtrEvaluation[1];
            t.evaluateWithin(1, (p, seen, ne) -> {
                if (progress != null) progress.clearLine();
                long t0 = System.nanoTime();
                CtrEvaluation e = t.evaluate(split.test()).result(Double.NaN);
                last[0] = e;
                out.printf("pass %d: train running NE %.4f%n", Math.round(p), ne);
                out.printf(Locale.ROOT, "  test  all      %s (streamed, %.1f s)%n", e.format(), (System.nanoTime() - t0) / 1e9);
                out.flush();
            });
            dev.sparsetrain.models.train.Trainer.Checkpointer passDone = state -> {
                if (progress != null) progress.clearLine();
                if (c.diagnostics.on()) CtrTrainCommand.printDiagnostics(out, state.epoch(), t.passDiagnostics().getLast());
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
            out.println("memory: " + peakMemory());
            if (c.fit.save() != null) {
                java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
                meta.put("data", split.description());
                meta.put("train", tc.toString());
                if (last[0] != null) meta.put("test", last[0].format());
                split.state().addTo(meta);
                m.save(c.fit.save(), meta, split.state().idMaps());
                out.println("saved: " + c.fit.save().toAbsolutePath());
            }
        }
        return ExitCodes.OK;
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
