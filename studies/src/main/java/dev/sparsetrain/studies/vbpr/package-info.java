/**
 * Studies of VBPR: the ablation that reproduces the single-rate failure and its cure
 * ({@link dev.sparsetrain.studies.vbpr.VbprAblation}, {@code experiment vbpr-ablation}), and the
 * files of the per-group learning-rate range test ({@link dev.sparsetrain.studies.vbpr.LrFinderReport};
 * the test itself is {@code dev.sparsetrain.models.vbpr.LrFinder}, {@code lr-find}).
 */
package dev.sparsetrain.studies.vbpr;
