/**
 * Implicit-feedback data: {@link dev.sparsetrain.data.Interactions} (user to sorted items, CSR) with
 * {@link dev.sparsetrain.data.IdMap}s between raw ids and dense indices; readers for MovieLens,
 * Last.fm HetRec and generic delimited files ({@link dev.sparsetrain.data.InteractionReader});
 * train/test/validation {@link dev.sparsetrain.data.Splits}; negative samplers with a fast
 * membership test ({@link dev.sparsetrain.data.NegativeSampler}); and a seeded synthetic
 * generator with planted low-rank preferences ({@link dev.sparsetrain.data.SyntheticImplicit}).
 */
package dev.sparsetrain.data;
