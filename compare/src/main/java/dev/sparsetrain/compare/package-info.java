/**
 * Measured, rerunnable head-to-heads of sparsetrain's BPR-MF against other tools on MovieLens:
 * one leave-one-out split for both sides, matched update rule and hyperparameters, training time
 * measured the same way, and every model scored by this project's full-ranking evaluator
 * ({@link dev.sparsetrain.metrics.ranking.RankingEvaluator}), so the metrics are identical by
 * construction.
 * <ul>
 *   <li>LibRec 2.0.0's {@code BPRRecommender}, in the same JVM:
 *       {@link dev.sparsetrain.compare.LibrecBprComparison}.</li>
 *   <li>implicit's CPU BPR (Cython + OpenMP), in a Python process:
 *       {@link dev.sparsetrain.compare.ImplicitBprComparison}. The training set goes out as CSR
 *       ({@link dev.sparsetrain.compare.TrainingExport}) and implicit's factors come back as
 *       .npy, scored as {@link dev.sparsetrain.compare.ExternalFactors}. implicit itself is not
 *       part of the build; its tests here need no Python.</li>
 *   <li>PyTorch (Debian's python3-torch), by the scripts in {@code compare/pytorch} (not part of
 *       the build): {@link dev.sparsetrain.compare.ExportedScoresCheck} scores the factors they
 *       export with this project's evaluator, so that the scripts' own AUC code is checked against
 *       it; {@link dev.sparsetrain.compare.EqualEpochs} prints sparsetrain's own per-epoch
 *       trajectories on tiktok-diffmm to set beside theirs.</li>
 * </ul>
 * Optional module (Maven profile {@code compare}); nothing depends on it, so LibRec never reaches
 * the command-line jar.
 */
package dev.sparsetrain.compare;
