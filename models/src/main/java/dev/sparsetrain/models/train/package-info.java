/**
 * The training spine: one epoch loop and one call shape for every model,
 * {@code new Trainer(loop).withValidator(v).withCheckpointer(c).withProgress(p).fit(trainable)}
 * ({@link dev.sparsetrain.models.train.Trainer}: validation, early stopping with restore of the
 * best parameters, the divergence guard, resumable loop state, each part optional), one
 * checkpoint format ({@link dev.sparsetrain.models.train.Checkpoint}) and two ways to run an epoch
 * of a {@link dev.sparsetrain.models.train.Trainable}, each made by the model's own factory:
 * per-sample lock-free Hogwild for pairwise (u, i, j) recommenders
 * ({@link dev.sparsetrain.models.train.Hogwild#of} over a
 * {@link dev.sparsetrain.models.train.PairwiseModel}: BPR-MF, and VBPR through
 * {@code VbprTrainer.trainable()}) and mini-batch data-parallel training for the click models
 * ({@link dev.sparsetrain.models.train.MiniBatch}, made by {@code CtrTrainer.trainable(data)}:
 * chunk gradient slots reduced in a fixed order, the step split over {@code OptimizerShards}, a
 * {@link dev.sparsetrain.models.train.Workers} team sharing both phases; results independent of
 * the thread count). The loop settings are a {@link dev.sparsetrain.models.train.TrainerConfig};
 * VBPR and the click models derive theirs from their own configs ({@code loop()}).
 */
package dev.sparsetrain.models.train;
