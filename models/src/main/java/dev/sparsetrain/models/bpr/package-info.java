/**
 * BPR-MF: Bayesian Personalized Ranking with matrix factorisation and an item bias (Rendle et al.,
 * UAI 2009), trained per sample with lock-free threads by
 * the training spine ({@link dev.sparsetrain.models.train.Trainer}, per-sample {@link dev.sparsetrain.models.train.Hogwild} mode); defaults tuned on MovieLens
 * ({@link dev.sparsetrain.models.bpr.BprConfig#defaults()}).
 */
package dev.sparsetrain.models.bpr;
