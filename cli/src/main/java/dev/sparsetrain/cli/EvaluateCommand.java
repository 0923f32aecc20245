package dev.sparsetrain.cli;

import dev.sparsetrain.data.Split;
import dev.sparsetrain.metrics.ranking.PopularityScorer;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.models.bpr.BprFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Evaluates a saved recommender model on held-out interactions. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluates a saved model by full ranking on its held-out interactions, beside the popularity baseline.",
                "The data and split default to those recorded in the model file; flags override them."})
public final class EvaluateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file written by train.")
    Path model;

    @Mixin RecOptions.Data data = new RecOptions.Data();

    @Option(names = {"-k", "--k"}, split = ",", defaultValue = "5,10,20", description = "Cut-offs of the ranking metrics. Default: ${DEFAULT-VALUE}.")
    int[] ks;

    @Option(names = "--threads", description = "Evaluation threads. Default: the available cores.")
    Integer threads;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        BprFiles.Loaded l = SavedModelOptions.load(model, spec);
        RecOptions.RecData rd = data.load();
        Split s = SavedModelOptions.split(data, rd, l);
        SavedModelOptions.check(s.test(), "--data " + data.data);
        w.printf(Locale.ROOT, "%s; model %s (%d users x %d items, %d factors, epoch %d); split %s seed %d%n", rd.summary(), model,
                l.users().size(), l.items().size(), l.model().config().factors(), l.epoch(), data.split, data.splitSeed);
        RankingEvaluator.Options o = RankingEvaluator.Options.defaults().withKs(ks);
        if (threads != null) o = o.withThreads(threads);
        RankingReport r = RankingEvaluator.evaluate(l.model(), s.test(), List.of(s.train()), o);
        RankingReport pop = RankingEvaluator.evaluate(new PopularityScorer(s.train()), s.test(), List.of(s.train()), o);
        w.print(RankingReport.table("BPR-MF", r, "popularity", pop));
        w.flush();
        return ExitCodes.OK;
    }
}
