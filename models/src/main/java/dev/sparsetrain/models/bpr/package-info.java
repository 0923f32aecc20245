/**
 * BPR-MF: Bayesian Personalized Ranking with matrix factorisation and an item bias (Rendle et al.,
 * UAI 2009), trained per sample with lock-free threads by
 * {@link dev.sparsetrain.models.train.PairwiseTrainer}; defaults tuned on MovieLens
 * ({@link dev.sparsetrain.models.bpr.BprConfig#defaults()}).
 */
package dev.sparsetrain.models.bpr;
