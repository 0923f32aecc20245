/**
 * Studies of SparseNN: the multi-pass study ({@link dev.sparsetrain.studies.sparsenn.PassesStudy},
 * num_passes 1..N under each regularizer, test NE and AUC per id-frequency stratum) and its HTML
 * report ({@link dev.sparsetrain.studies.sparsenn.PassesStudyReport}). Backs the
 * {@code experiment sparsenn-passes} command.
 */
package dev.sparsetrain.studies.sparsenn;
