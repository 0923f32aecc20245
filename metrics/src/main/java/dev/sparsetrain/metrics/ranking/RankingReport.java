package dev.sparsetrain.metrics.ranking;

import dev.sparsetrain.core.BadInputException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Figures of one full-ranking evaluation, averaged over the users that have at least one relevant
 * held-out item ({@code users}); AUC over those that also have at least one negative
 * ({@code aucUsers}). Coverage is over the whole catalogue.
 *
 * @param users     users evaluated
 * @param aucUsers  users in the AUC average
 * @param auc       mean per-user AUC
 * @param mrr       mean reciprocal rank of the best-ranked held-out item (full ranking)
 * @param ks        the cut-offs
 * @param recall    Recall@K: hits in the top K / held-out items of the user
 * @param ndcg      NDCG@K with binary relevance, ideal DCG over min(K, held-out) hits
 * @param precision Precision@K: hits / K
 * @param map       MAP@K: sum of precision at each hit rank / min(K, held-out)
 * @param coverage  distinct items recommended in anyone's top K / catalogue size
 * @param seconds   wall time of the evaluation
 */
public record RankingReport(int users, int aucUsers, double auc, double mrr, int[] ks, double[] recall, double[] ndcg,
                            double[] precision, double[] map, double[] coverage, double seconds) {

    /** A figure by name: "auc", "mrr", "recall@10", "ndcg@10", "precision@10", "map@10", "coverage@10". */
    public double value(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("auc")) return auc;
        if (n.equals("mrr")) return mrr;
        int at = n.indexOf('@');
        if (at > 0) {
            int k;
            try {
                k = Integer.parseInt(n.substring(at + 1));
            } catch (NumberFormatException e) {
                throw new BadInputException("metric '" + name + "': K must be a number");
            }
            int idx = -1;
            for (int t = 0; t < ks.length; t++) if (ks[t] == k) idx = t;
            if (idx < 0) throw new BadInputException("metric '" + name + "': K=" + k + " not evaluated, have " + Arrays.toString(ks));
            switch (n.substring(0, at)) {
                case "recall": return recall[idx];
                case "ndcg": return ndcg[idx];
                case "precision": return precision[idx];
                case "map": return map[idx];
                case "coverage": return coverage[idx];
                default: break;
            }
        }
        throw new BadInputException("metric '" + name + "': unknown, use auc, mrr, recall@K, ndcg@K, precision@K, map@K or coverage@K");
    }

    /** Every figure by name, in a stable order (for JSON and CSV output). */
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("auc", auc);
        m.put("mrr", mrr);
        for (int t = 0; t < ks.length; t++) {
            m.put("recall@" + ks[t], recall[t]);
            m.put("ndcg@" + ks[t], ndcg[t]);
            m.put("precision@" + ks[t], precision[t]);
            m.put("map@" + ks[t], map[t]);
            m.put("coverage@" + ks[t], coverage[t]);
        }
        return m;
    }

    /** One line: "AUC 0.9312  MRR 0.0912  R@10 0.1234  N@10 0.0612 ...". */
    public String oneLine() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "AUC %.4f  MRR %.4f", auc, mrr));
        for (int t = 0; t < ks.length; t++) {
            sb.append(String.format(Locale.ROOT, "  Recall@%d %.4f  NDCG@%d %.4f", ks[t], recall[t], ks[t], ndcg[t]));
        }
        return sb.toString();
    }

    /** A small table of this report beside a baseline (either may be null). */
    public static String table(String nameA, RankingReport a, String nameB, RankingReport b) {
        RankingReport ref = a != null ? a : b;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-14s %10s %10s%n", "metric", nameA, nameB == null ? "" : nameB));
        for (var e : ref.toMap().entrySet()) {
            String k = e.getKey();
            sb.append(String.format(Locale.ROOT, "%-14s %10s %10s%n", k,
                    a == null ? "" : String.format(Locale.ROOT, "%.4f", a.value(k)),
                    b == null ? "" : String.format(Locale.ROOT, "%.4f", b.value(k))));
        }
        sb.append(String.format(Locale.ROOT, "(%d users, full ranking over %s, %.2f s)%n", ref.users, "all items outside each user's known items", ref.seconds));
        return sb.toString();
    }
}
