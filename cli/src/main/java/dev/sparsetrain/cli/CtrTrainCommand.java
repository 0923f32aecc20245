package dev.sparsetrain.cli;

import dev.sparsetrain.core.Progress;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.metrics.ctr.Strata;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
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

    @Mixin CtrOptions.Data data = new CtrOptions.Data();
    @Mixin CtrOptions.Model model = new CtrOptions.Model();
    @Mixin CtrOptions.Train train = new CtrOptions.Train();
    @Mixin CtrOptions.StrataOptions strata = new CtrOptions.StrataOptions();

    @Option(names = "--passes", defaultValue = "1", description = "num_passes over the training data. Default: ${DEFAULT-VALUE}.")
    void passes(int p) { train.passes = p; }

    @Option(names = "--collision-report", description = "Print distinct ids, rows used and ids sharing a row per feature.")
    boolean collisionReport;

    @Option(names = "--save", paramLabel = "FILE", description = "Write the trained model (ModelFile: parameters, architecture, the fitted feature encoder with format, dense statistics and hashing settings or vocabularies, metadata; atomic); score new rows with ctr-predict. Default: not saved.")
    java.nio.file.Path save;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (save != null) CtrOptions.checkWritable("--save", save);
        strata.strata(); // thresholds checked before any data is read
        ModelConfig mc = model.config();
        CtrOptions.refuseOptionsTheModelLacks(spec, mc);
        TrainConfig tc = train.config();
        CtrOptions.Split split = data.load(tc.seed());
        CtrData tr = split.train(), te = split.test();
        out.println("data: " + split.description());
        if (collisionReport && split.encoder() != null) out.print(split.encoder().collisionReport().format());
        CtrOptions.checkEmbeddingSize(tr.tableRows(), mc.type() == ModelConfig.Type.LOGISTIC ? 1 : mc.embeddingDim(), "--buckets " + data.buckets + ", --dim " + mc.embeddingDim());
        SparseNN m = new SparseNN(mc, tr.names(), tr.tableRows(), tr.numDense(), tc.seed());
        int feature = strata.featureIndex(tr);
        Strata st = strata.strata();
        int[] counts = tr.impressions(feature);
        int[] imp = new int[te.rows()];
        for (int i = 0; i < te.rows(); i++) {
            int b = te.begin(feature, i);
            imp[i] = b < te.end(feature, i) ? counts[te.ids()[feature][b]] : 0;
        }
        out.printf("model: %s dim %d, %,d parameters; %d threads, batch %d, %d pass(es); strata by training impressions of %s (rare < %d <= medium < %d <= frequent)%n",
                mc.type(), mc.embeddingDim(), m.parameterCount(), tc.threads(), tc.batchSize(), tc.numPasses(), tr.names()[feature],
                st.rareBelow(), st.frequentFrom());
        if (split.plantedTestProbability() != null) {
            out.println("planted model on test: " + CtrMetrics.evaluate(te.labels(), split.plantedTestProbability(), Double.NaN).format());
        }
        out.flush();
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            for (dev.sparsetrain.optim.ParamGroup g : t.parameterGroups()) {
                out.printf("group %-12s %s, %s, %d tables%s%n", g.name(), g.chain().describe(), g.semantics(), g.tables().size(),
                        g.isFrozen() ? ", frozen" : "");
            }
            Progress progress = quiet ? null : Progress.toStderr("ctr-train", (long) tr.rows() * tc.numPasses());
            double rate = t.train(tr, 1, (p, seen, ne) -> {
                float[] pred = t.predict(te);
                CtrEvaluation[] s = st.evaluate(te.labels(), pred, imp, te.clickRate());
                out.printf("pass %d: train running NE %.4f%n", Math.round(p), ne);
                CtrOptions.printStrata(out, "  test", s);
                out.flush();
            }, progress);
            out.printf("training: %,.0f samples/s%n", rate);
            if (save != null) {
                float[] pred = t.predict(te);
                java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
                meta.put("data", split.description());
                meta.put("train", tc.toString());
                meta.put("test", CtrMetrics.evaluate(te.labels(), pred, Double.NaN).format());
                // the whole fitted encoder (schema, dense statistics, hashing settings or vocabularies): ctr-predict re-applies it
                if (split.state() != null) split.state().addTo(meta);
                m.save(save, meta, split.state() != null ? split.state().idMaps() : java.util.Map.of());
                out.println("saved: " + save.toAbsolutePath());
            }
        }
        return ExitCodes.OK;
    }
}
