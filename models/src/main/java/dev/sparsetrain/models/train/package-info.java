/**
 * The training spine: one epoch loop for every model ({@link dev.sparsetrain.models.train.Trainer}:
 * validation, early stopping with restore of the best parameters, the divergence guard, resumable
 * loop state), one checkpoint format ({@link dev.sparsetrain.models.train.Checkpoint}) and two
 * ways to run an epoch of a {@link dev.sparsetrain.models.train.Trainable}: per-sample lock-free
 * Hogwild for pairwise (u, i, j) recommenders ({@link dev.sparsetrain.models.train.Hogwild} over a
 * {@link dev.sparsetrain.models.train.PairwiseModel}: BPR-MF, VBPR) and mini-batch data-parallel
 * training for the click models ({@link dev.sparsetrain.models.train.MiniBatch}: chunk gradient
 * slots reduced in a fixed order, the step split over {@code OptimizerShards}, a
 * {@link dev.sparsetrain.models.train.Workers} team sharing both phases; results independent of
 * the thread count).
 */
package dev.sparsetrain.models.train;
