/**
 * VBPR (He and McAuley, AAAI 2016) and its two parts, BPR-MF and visual-only, trained with BPR on
 * all cores: sparse rows (item bias, user/item factors, user visual factors) per sample under
 * Hogwild, the dense projection E and visual bias beta' per dense batch from gradients accumulated
 * per thread ({@link dev.sparsetrain.models.vbpr.VbprTrainer}). Every parameter family is its own
 * group with its own optimizer (any of the runtime's) and L2 ({@link dev.sparsetrain.models.vbpr.GroupSpec}); the
 * imbalance between groups that defeats one global learning rate is measured by
 * {@link dev.sparsetrain.models.vbpr.Diagnosis}, corrected by
 * {@link dev.sparsetrain.models.vbpr.AutoBalance}, and explored per group by
 * {@link dev.sparsetrain.models.vbpr.LrFinder}; the ablation that reproduces the single-rate
 * failure and its cure is a study ({@code dev.sparsetrain.studies.vbpr.VbprAblation}, module studies). Evaluation (full-ranking AUC, cold-start AUC,
 * Recall/NDCG@K) is {@link dev.sparsetrain.metrics.ranking.ColdStart#figures} over {@link dev.sparsetrain.models.vbpr.VbprModel#scorer()}. Runs resume exactly from
 * a {@link dev.sparsetrain.models.vbpr.VbprCheckpoint} (parameters, optimizer state, balanced
 * multipliers, early-stopping state, RNG position).
 */
package dev.sparsetrain.models.vbpr;
