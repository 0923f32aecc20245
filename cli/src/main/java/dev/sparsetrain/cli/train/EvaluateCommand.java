package dev.sparsetrain.cli.train;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.cli.SavedModelOptions;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.metrics.ranking.ColdStart;
import dev.sparsetrain.metrics.ranking.PopularityScorer;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.metrics.ranking.Scorer;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.options.CutoffsOption;
import dev.sparsetrain.options.ImplicitDataOptions;
import dev.sparsetrain.options.ModelFileOption;
import dev.sparsetrain.options.ThreadsOption;
import dev.sparsetrain.options.VerboseOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Evaluates a saved recommender on held-out interactions. The model kind comes from the file:
 * BPR-MF (re-splits its data as recorded) or VBPR / visual-only (its fixed test split; adds the
 * cold-start AUC over test pairs whose item never occurs in training, scored from the item
 * projections stored in the file).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluates a saved model (bpr, vbpr or visual: the kind is read from the file) by full ranking on its held-out "
                + "interactions, beside the popularity baseline; vbpr/visual models also report the cold-start AUC.",
                "The data and split default to those recorded in the model file; flags override them."})
public final class EvaluateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin ModelFileOption modelFile = new ModelFileOption();

    @Mixin ImplicitDataOptions data = new ImplicitDataOptions();

    @Mixin SavedModelOptions.Vbpr vbprFiles = new SavedModelOptions.Vbpr();

    @Mixin CutoffsOption ks = new CutoffsOption();

    @Mixin ThreadsOption threads = new ThreadsOption();

    @Mixin VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        Path model = modelFile.file();
        ModelFile.Contents c = SavedModelOptions.read(model);
        SavedModelOptions.refuseForeignOptions(spec, model, c);
        RankingEvaluator.Options o = RankingEvaluator.Options.defaults().withKs(ks.ks());
        if (threads.given() != null) o = o.withThreads(threads.given());
        if (SavedModelOptions.isVbpr(c)) return vbpr(w, c, o);
        BprFiles.Loaded l = SavedModelOptions.load(model, c, spec);
        ImplicitDataOptions.Loaded rd = data.load();
        Split s = SavedModelOptions.split(data, rd, l);
        SavedModelOptions.check(s.test(), "--data " + data.data());
        w.printf(Locale.ROOT, "%s; model %s (%d users x %d items, %d factors, epoch %d); split %s seed %d%n", rd.summary(), model,
                l.users().size(), l.items().size(), l.model().config().factors(), l.epoch(), data.splitName(), data.splitSeed());
        RankingReport r = RankingEvaluator.evaluate(l.model(), s.test(), List.of(s.train()), o);
        RankingReport pop = RankingEvaluator.evaluate(new PopularityScorer(s.train()), s.test(), List.of(s.train()), o);
        w.print(RankingReport.table("BPR-MF", r, "popularity", pop));
        w.flush();
        return ExitCodes.OK;
    }

    /** VBPR / visual-only / BPR-MF of the VBPR package: the test split, training items excluded, as at the end of training. */
    private int vbpr(PrintWriter w, ModelFile.Contents c, RankingEvaluator.Options o) {
        Path model = modelFile.file();
        var v = SavedModelOptions.vbpr(model, c, spec, data, vbprFiles.features, vbprFiles.syntheticDim);
        SavedModelOptions.check(v.test(), "--data " + v.dataName() + " (test.tsv)");
        w.println(v.describe(model));
        Scorer scorer = v.model().scorer();
        Scorer popularity = new PopularityScorer(v.train());
        List<dev.sparsetrain.data.Interactions> exclude = List.of(v.train());
        RankingReport r = RankingEvaluator.evaluate(scorer, v.test(), exclude, o);
        RankingReport pop = RankingEvaluator.evaluate(popularity, v.test(), exclude, o);
        RankingReport cold = ColdStart.evaluate(scorer, v.test(), v.train(), exclude, o);
        RankingReport coldPop = ColdStart.evaluate(popularity, v.test(), v.train(), exclude, o);
        String name = SavedModelOptions.label(v.model().variant().cliName());
        w.print(RankingReport.table(name.startsWith("BPR") ? "BPR-MF" : name, r, "popularity", pop));
        if (cold.users() == 0) {
            w.println("cold-start AUC: n/a (no test pair has an item without training interactions)");
        } else {
            w.printf(Locale.ROOT, "cold-start AUC %.4f (popularity %.4f) over %d users with a test item never seen in training%n",
                    cold.auc(), coldPop.auc(), cold.users());
        }
        // The line train prints at its end (same figures, same format), at the cut-off 20 when evaluated, else the largest.
        int[] rk = r.ks();
        int at = 0;
        for (int t = 0; t < rk.length; t++) if (rk[t] == 20 || (rk[at] != 20 && rk[t] > rk[at])) at = t;
        var m = new dev.sparsetrain.metrics.ranking.ColdStart.Figures(r.auc(), cold.users() == 0 ? Double.NaN : cold.auc(), r.recall()[at], r.ndcg()[at], r.users(),
                cold.users(), rk[at]);
        w.println("test: " + m);
        w.flush();
        return ExitCodes.OK;
    }
}
