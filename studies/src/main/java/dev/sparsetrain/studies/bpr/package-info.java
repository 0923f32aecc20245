/**
 * Studies of BPR-MF: the optimizer tour ({@link dev.sparsetrain.studies.bpr.OptimizerTour}), each
 * optimizer of the runtime on the factor group, measured per item row against how often the row is
 * updated, and its HTML report ({@link dev.sparsetrain.studies.bpr.OptimizerTourReport}). Backs the
 * {@code experiment optimizer-tour} command and docs/optimizers.md.
 */
package dev.sparsetrain.studies.bpr;
