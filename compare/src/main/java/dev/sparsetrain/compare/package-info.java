/**
 * A measured, rerunnable head-to-head of sparsetrain's BPR-MF against LibRec 2.0.0's
 * {@code BPRRecommender} on MovieLens: one leave-one-out split for both, matched update rule and
 * hyperparameters, training time measured the same way, and both models scored by this project's
 * full-ranking evaluator ({@link dev.sparsetrain.metrics.ranking.RankingEvaluator}), so the
 * metrics are identical by construction. Entry point: {@link dev.sparsetrain.compare.LibrecBprComparison}.
 * {@link dev.sparsetrain.compare.ExportedScoresCheck} scores a model trained elsewhere (the PyTorch
 * scripts in {@code compare/pytorch}, exported as {@code .npy} factors) with the same evaluator, so
 * that the scripts' own AUC code can be checked against this project's.
 * Optional module (Maven profile {@code compare}); nothing depends on it, so LibRec never reaches
 * the command-line jar.
 */
package dev.sparsetrain.compare;
