package dev.sparsetrain.studies.sparsenn;

import dev.sparsetrain.core.Progress;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.metrics.ctr.Strata;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.optim.GroupDiagnostics;
import java.util.ArrayList;
import java.util.List;

/**
 * The SparseNN multi-pass study (the CTR team's "Optimization in SparseNN"): train with
 * {@code num_passes} 1, 2, 3 under each regularizer and measure test NE and AUC per frequency
 * stratum of one id feature (rare, medium, frequent ads by training impressions).
 *
 * <p>One run of {@code maxPasses} passes per variant is evaluated after every pass: because no
 * setting depends on the total number of passes (constant learning rates, the same shuffle
 * sequence), the model after pass k of that run is exactly the model trained with
 * {@code num_passes = k}. Curves are sampled {@code evalsPerPass} times per pass.
 *
 * <p>The overfitting measure of a stratum is {@code NE(after maxPasses) - NE(after 1 pass)} on the
 * test rows: how much more passes hurt. NE in strata is normalized by the overall test click rate,
 * so strata share one scale.
 */
public final class PassesStudy {

    /** One regularizer setting. {@code buckets} > 0 folds every table to that many rows. */
    public record Variant(String name, String description, ModelConfig model, TrainConfig train, int buckets) {}

    /** Test metrics after one pass count: per stratum (rare, medium, frequent) and all (index 3). */
    public record PassResult(int passes, double trainRunningNe, CtrEvaluation[] strata) {}

    /** One curve point: fractional passes and overall test NE and AUC, plus rare-stratum NE. */
    public record CurvePoint(double passes, double testNe, double testAuc, double rareNe, double frequentNe, double trainNe) {}

    /**
     * Everything measured for one variant; {@code diagnostics} holds the per-group optimizer
     * figures of each pass ({@link CtrTrainer#passDiagnostics()}).
     */
    public record VariantResult(Variant variant, List<PassResult> passes, List<CurvePoint> curve, double samplesPerSecond,
                                List<List<GroupDiagnostics>> diagnostics) {
        /** NE(last pass) - NE(first pass) of stratum s (0 rare, 1 medium, 2 frequent, 3 all). */
        public double overfit(int s) {
            return passes.get(passes.size() - 1).strata()[s].ne() - passes.get(0).strata()[s].ne();
        }
    }

    /**
     * The default variants: no regularization, then each regularizer of the study alone, all on
     * top of {@code base} (whose own regularizers are switched off for the baseline).
     */
    public static List<Variant> defaultVariants(ModelConfig model, TrainConfig base, int tableRows) {
        TrainConfig none = base.toBuilder().embeddingL2(0).mlpL2(0).maxNorm(0).constantNorm(0).sparseDropout(0).mlpDropout(0)
                .embeddingEntropy(0).passLrDecay(1).clipValue(0).freezeEmbeddings(false).freezeMlp(false).freezeEmbeddingsAfter(0).build();
        List<Variant> v = new ArrayList<>();
        v.add(new Variant("none", "no regularization", model, none, 0));
        v.add(new Variant("mlp_l2", "L2 1e-3 on MLP weights (biases excluded)", model, none.toBuilder().mlpL2(1e-3).build(), 0));
        v.add(new Variant("emb_l2", "L2 1e-2 on embedding rows active in the batch", model, none.toBuilder().embeddingL2(1e-2).build(), 0));
        v.add(new Variant("max_norm", "embedding rows projected to norm <= 0.1", model, none.toBuilder().maxNorm(0.1).build(), 0));
        v.add(new Variant("const_norm", "embedding rows rescaled to norm 0.1", model, none.toBuilder().constantNorm(0.1).build(), 0));
        v.add(new Variant("sparse_dropout", "each sparse id dropped with p = 0.3", model, none.toBuilder().sparseDropout(0.3).build(), 0));
        v.add(new Variant("max_entropy", "entropy of active rows' energy over dimensions maximised, weight 1e-2", model,
                none.toBuilder().embeddingEntropy(1e-2).build(), 0));
        v.add(new Variant("mlp_dropout", "MLP hidden units dropped with p = 0.3", model, none.toBuilder().mlpDropout(0.3).build(), 0));
        v.add(new Variant("freeze_emb", "embeddings frozen after pass 1", model, none.toBuilder().freezeEmbeddingsAfter(1).build(), 0));
        v.add(new Variant("low_lr", "learning rates / 10", model,
                tenthRate(tenthRate(none.toBuilder(), none, TrainConfig.EMBEDDING_GROUPS), none, TrainConfig.MLP_GROUPS).build(), 0));
        v.add(new Variant("emb_low_lr", "embedding learning rate / 10 (MLP unchanged)", model,
                tenthRate(none.toBuilder(), none, TrainConfig.EMBEDDING_GROUPS).build(), 0));
        v.add(new Variant("mlp_low_lr", "MLP learning rate / 10 (embeddings unchanged)", model,
                tenthRate(none.toBuilder(), none, TrainConfig.MLP_GROUPS).build(), 0));
        v.add(new Variant("pass_lr_decay", "every learning rate x 0.1 per pass after the first", model,
                none.toBuilder().passLrDecay(0.1).build(), 0));
        v.add(new Variant("dim_4", "embedding dimension 4", model.withDim(Math.min(4, model.embeddingDim())), none, 0));
        v.add(new Variant("buckets_div10", "bucket count / 10", model, none, Math.max(1, tableRows / 10)));
        v.add(new Variant("buckets_div100", "bucket count / 100", model, none, Math.max(1, tableRows / 100)));
        v.add(new Variant("defaults", "the training options of the command line, regularizers kept (the defaults unless options are given)", model, base, 0));
        return v;
    }

    /** {@code b} with the learning rate of each of {@code groups} a tenth of its rate in {@code c}. */
    private static TrainConfig.Builder tenthRate(TrainConfig.Builder b, TrainConfig c, List<String> groups) {
        for (String g : groups) b.optimizer(g, c.optimizer(g).withLearningRate(c.optimizer(g).learningRate() / 10));
        return b;
    }

    private PassesStudy() {}

    /**
     * Runs one variant.
     *
     * @param strataFeature index of the sparse feature whose training impressions define the strata
     */
    public static VariantResult run(Variant v, CtrData train, CtrData test, int strataFeature, Strata strata, int maxPasses,
                                    int evalsPerPass, Progress progress) {
        CtrData tr = v.buckets() > 0 ? train.foldBuckets(v.buckets()) : train;
        CtrData te = v.buckets() > 0 ? test.foldBuckets(v.buckets()) : test;
        // stratum of a test row: training impressions of its (first) id of the strata feature, in the unfolded ids
        int[] imp = test.impressionsPerRow(strataFeature, train.impressions(strataFeature));
        double bg = test.clickRate();
        TrainConfig tc = v.train().toBuilder().numPasses(maxPasses).build();
        SparseNN model = new SparseNN(v.model(), tr.names(), tr.tableRows(), tr.numDense(), tc.seed());
        List<PassResult> passes = new ArrayList<>();
        List<CurvePoint> curve = new ArrayList<>();
        double rate;
        List<List<GroupDiagnostics>> diagnostics;
        try (CtrTrainer t = new CtrTrainer(model, tc)) {
            rate = t.train(tr, evalsPerPass, (p, seen, runningNe) -> {
                float[] pred = t.predict(te);
                CtrEvaluation[] s = strata.evaluate(te.labels(), pred, imp, bg);
                curve.add(new CurvePoint(p, s[3].ne(), s[3].auc(), s[0].ne(), s[2].ne(), runningNe));
                if (Math.abs(p - Math.rint(p)) < 1e-9) passes.add(new PassResult((int) Math.rint(p), runningNe, s));
            }, progress);
            diagnostics = t.passDiagnostics();
        }
        return new VariantResult(v, passes, curve, rate, diagnostics);
    }

    /** The study's table: one row per variant and pass count, NE and AUC per stratum. */
    public static String table(List<VariantResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-15s %6s | %-15s | %-15s | %-15s | %-15s | %s%n", "variant", "passes", "rare NE / AUC",
                "medium NE / AUC", "frequent NE / AUC", "all NE / AUC", "train NE"));
        for (VariantResult r : results) {
            for (PassResult p : r.passes()) {
                sb.append(String.format("%-15s %6d |", r.variant().name(), p.passes()));
                for (int s = 0; s < 4; s++) sb.append(String.format(" %6.4f / %6.4f |", p.strata()[s].ne(), p.strata()[s].auc()));
                sb.append(String.format(" %.4f%n", p.trainRunningNe()));
            }
        }
        sb.append(String.format("%n%-15s %12s %12s %12s %12s%n", "variant", "overfit rare", "medium", "frequent", "all"));
        for (VariantResult r : results) {
            sb.append(String.format("%-15s %+12.4f %+12.4f %+12.4f %+12.4f%n", r.variant().name(), r.overfit(0), r.overfit(1),
                    r.overfit(2), r.overfit(3)));
        }
        return sb.toString();
    }

    /** Counts of test rows per stratum, for the report header. */
    public static int[] stratumSizes(CtrData train, CtrData test, int feature, Strata strata) {
        int[] out = new int[3];
        for (int n : test.impressionsPerRow(feature, train.impressions(feature))) out[strata.of(n)]++;
        return out;
    }

    /** Overall NE of predictions (helper for callers). */
    public static double ne(CtrData d, float[] p) {
        return CtrMetrics.evaluate(d.labels(), p, Double.NaN).ne();
    }
}
