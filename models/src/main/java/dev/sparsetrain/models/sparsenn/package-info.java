/**
 * Click prediction on sparse and dense features: SparseNN/DLRM
 * ({@link dev.sparsetrain.models.sparsenn.SparseNN}: per-feature embedding tables, a bottom MLP over
 * dense features, pairwise dot-product interactions or concatenation, a top MLP, sigmoid and
 * logistic loss; Naumov et al. 2019), with logistic regression and a factorization machine
 * (Rendle 2010) on the same features as baselines; multi-pass training on the spine's mini-batch
 * data-parallel mode with one optimizer group per parameter kind
 * ({@link dev.sparsetrain.models.sparsenn.CtrTrainer}) and the
 * regularizers of the SparseNN multi-pass study, each its own switch
 * ({@link dev.sparsetrain.models.sparsenn.TrainConfig}). A log that stays on disk trains with the
 * same trainer, model and spine ({@code CtrTrainer.trainable(CtrStreamSplit, int)}), each pass read
 * again through a bounded shuffle buffer ({@link dev.sparsetrain.models.sparsenn.StreamOrder}) and
 * evaluated streaming ({@link dev.sparsetrain.models.sparsenn.StreamingCtrMetrics}).
 */
package dev.sparsetrain.models.sparsenn;
