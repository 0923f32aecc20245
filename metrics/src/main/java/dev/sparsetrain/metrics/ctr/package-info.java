/**
 * Click-prediction metrics: normalized entropy (He et al. 2014), logloss, ROC AUC and
 * calibration ({@link dev.sparsetrain.metrics.ctr.CtrMetrics}), and the same per frequency stratum
 * of a chosen id feature ({@link dev.sparsetrain.metrics.ctr.Strata}), as in the SparseNN
 * multi-pass study where frequent, medium and rare ads overfit differently.
 */
package dev.sparsetrain.metrics.ctr;
