/**
 * Optimizers on small two-parameter problems, where a path can be drawn: the spreadsheet's line
 * fit (one learning rate for two gradients orders of magnitude apart), Rosenbrock's valley
 * (momentum) and Rastrigin's many wells (random restarts and warm restarts against a single
 * start). {@link dev.sparsetrain.studies.landscape.Surface} holds the functions with their exact
 * gradients and known minima; {@link dev.sparsetrain.studies.landscape.OptimizerLandscape} runs the
 * optimizer runtime of {@code dev.sparsetrain.optim} on them (a dense table of one row of 2
 * parameters) and measures paths, losses and how often the global minimum is found. Backs the
 * {@code experiment optimizer-landscape} command and docs/optimizers.md.
 */
package dev.sparsetrain.studies.landscape;
