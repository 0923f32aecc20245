/**
 * Golden optimizer cases (PyTorch trajectories, ../shared/golden) as data, replayed through the
 * public optimizer API; used by {@code replay-optimizer} and the golden tests.
 */
package dev.sparsetrain.optim.replay;
