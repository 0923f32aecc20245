/**
 * Slow double-precision references for tests: every optimizer, transform and sparse semantic of
 * {@code dev.sparsetrain.optim}, written element by element from the papers' and PyTorch 1.13's
 * formulas, independent of the code under test.
 */
package dev.sparsetrain.testkit.reference;
