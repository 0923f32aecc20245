/**
 * A reusable training loop for pairwise (u, i, j) recommenders: per-sample lock-free
 * multi-threaded SGD (Hogwild), seeded per-thread random streams, epochs, rounds with a barrier
 * (for dense parameters updated between rounds), early stopping on a validation figure with
 * restore of the best parameters, and periodic checkpoints from which training resumes bit for bit
 * under one thread. BPR-MF ({@code models.bpr}) and VBPR plug in through
 * {@link dev.sparsetrain.models.train.PairwiseModel}.
 */
package dev.sparsetrain.models.train;
