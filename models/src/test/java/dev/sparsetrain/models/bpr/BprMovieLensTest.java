package dev.sparsetrain.models.bpr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.data.KnownDatasets;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.data.ReadOptions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.Splits;
import dev.sparsetrain.metrics.ranking.PopularityScorer;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.testkit.Datasets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The figures on real data: leave-one-out with seed 42, every rating a positive, defaults
 * only (BprConfig.defaults(), TrainerConfig.defaults(): 20 epochs, all cores). Printed for the CI log.
 */
class BprMovieLensTest {

    private static void run(String name, double minAuc) {
        var d = KnownDatasets.load(name, Datasets.dataRoot(), ReadOptions.defaults());
        Split s = Splits.leaveOneOut(d.interactions(), 42);
        TrainerConfig tc = TrainerConfig.defaults();
        BprModel m = new BprModel(s.train().numUsers(), s.train().numItems(), BprConfig.defaults(), tc.seed());
        var res = new Trainer(tc).fit(Hogwild.of(m, s.train(), NegativeSampler.uniform(s.train())));
        RankingReport r = RankingEvaluator.evaluate(m, s.test(), List.of(s.train()));
        RankingReport pop = RankingEvaluator.evaluate(new PopularityScorer(s.train()), s.test(), List.of(s.train()));
        System.out.printf("%s leave-one-out seed 42, BPR-MF defaults (%d factors, %d epochs, %d threads, kernel %s): "
                        + "training %.2f s (%.2fM samples/s, machine shared), evaluation %.2f s%n%s",
                name, m.config().factors(), tc.epochs(), tc.threads(), BprModel.kernelName(), res.trainSeconds(),
                res.samplesPerSecond() / 1e6, r.seconds(), RankingReport.table("BPR-MF", r, "popularity", pop));
        assertTrue(r.auc() >= minAuc, name + " AUC " + r.auc() + " < " + minAuc);
        assertTrue(r.value("recall@10") > pop.value("recall@10"), "recall@10 above popularity");
        assertTrue(r.value("ndcg@10") > pop.value("ndcg@10"), "ndcg@10 above popularity");
    }

    @Test
    void movieLens100k() {
        Datasets.require("movielens-100k");
        run("ml-100k", 0.93);
    }

    @Test
    void movieLens1m() {
        Datasets.require("movielens-1m");
        run("ml-1m", 0.935);
    }
}
