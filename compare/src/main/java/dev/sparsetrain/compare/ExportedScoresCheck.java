package dev.sparsetrain.compare;

import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.TiktokDiffmm;
import dev.sparsetrain.metrics.ranking.ColdStart;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Scores a tiktok-diffmm model trained elsewhere (the PyTorch script
 * {@code compare/pytorch/vbpr_torch.py --save-factors DIR}) with this project's evaluator, so that
 * the script's own AUC code can be checked against it on the same trained model:
 *
 * <pre>
 *   user_factors.npy  [gamma_u | theta_u | 1]            (users x (K + K' + 1))
 *   item_factors.npy  [gamma_i | E f_i | beta_i + beta'.f_i]   (items x (K + K' + 1))
 *   x_ui = user row . item row         (scored as {@link ExternalFactors})
 *   AUC and cold-start AUC: {@link RankingEvaluator} and {@link ColdStart} called as
 *   {@code ColdStart.figures} calls them (held-out split against train; cold = never in train)
 * </pre>
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector \
 *       -cp "compare/target/sparsetrain-compare-0.1.0-SNAPSHOT.jar:$(cat compare/target/classpath.txt)" \
 *       dev.sparsetrain.compare.ExportedScoresCheck DIR [DATA_DIR (../shared/data/tiktok-diffmm)] [test|val]
 * </pre>
 */
public final class ExportedScoresCheck {
    private ExportedScoresCheck() {}

    /** Whether the third argument asks for the validation split: "val"; "test" or none is the test split; anything else is refused. */
    static boolean validation(String[] args) {
        if (args.length < 3 || args[2].equals("test")) return false;
        if (args[2].equals("val")) return true;
        throw new IllegalArgumentException("held-out set '" + args[2] + "': test or val");
    }

    public static void main(String[] args) {
        if (args.length < 1 || args[0].equals("--help")) {
            System.out.println("usage: ExportedScoresCheck FACTOR_DIR [DATA_DIR (../shared/data/tiktok-diffmm)] [test|val]");
            return;
        }
        boolean val;
        try {
            val = validation(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ExportedScoresCheck: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path dir = Path.of(args[0]);
        FeatureDataset d = TiktokDiffmm.load(Path.of(args.length > 1 ? args[1] : "../shared/data/tiktok-diffmm"));
        ExternalFactors s = ExternalFactors.readNpy(dir.resolve("user_factors.npy"), dir.resolve("item_factors.npy"), d.users(), d.items());
        Interactions train = d.interactions(d.train());
        Interactions held = d.interactions(val ? d.validation() : d.test());
        RankingEvaluator.Options opt = RankingEvaluator.Options.defaults().withKs(20).withThreads(2);
        RankingReport all = RankingEvaluator.evaluate(s, held, List.of(train), opt);
        RankingReport cold = ColdStart.evaluate(s, held, train, List.of(train), opt);
        System.out.printf(Locale.ROOT, "sparsetrain evaluator on %s (%s): AUC %.6f over %d users, cold-start AUC %.6f over %d users, Recall@20 %.4f, NDCG@20 %.4f%n",
                dir, val ? "val" : "test", all.auc(), all.users(), cold.auc(), cold.users(), all.recall()[0], all.ndcg()[0]);
    }
}
