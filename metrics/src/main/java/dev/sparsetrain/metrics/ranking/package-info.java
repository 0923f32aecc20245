/**
 * Full-ranking evaluation of recommenders on implicit feedback: per-user AUC of held-out items
 * against every item outside the user's known items (the VBPR paper's protocol), Recall, NDCG,
 * Precision and MAP at K, MRR and catalogue coverage, multi-threaded, with top-K by a bounded heap
 * ({@link dev.sparsetrain.metrics.ranking.RankingEvaluator}); and the popularity baseline reported
 * beside every model ({@link dev.sparsetrain.metrics.ranking.PopularityScorer}).
 */
package dev.sparsetrain.metrics.ranking;
