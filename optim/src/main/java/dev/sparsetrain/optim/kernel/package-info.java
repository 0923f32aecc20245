/**
 * Fused row kernels: one final class per optimizer holding its hyperparameters as final
 * primitives and its per-row state as flat arrays, with straight-line element loops; the Adam
 * loop has a Vector API version ({@link dev.sparsetrain.optim.kernel.OptimMath}) with a scalar
 * fallback chosen once. Internal to the optimizer runtime; public only so that tests and
 * benchmarks can reach them.
 */
package dev.sparsetrain.optim.kernel;
