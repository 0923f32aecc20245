package dev.sparsetrain.optim;

/**
 * Optimizer state held for one table: known when the optimizer is built, before training.
 *
 * @param group          the group's name
 * @param table          the table's name
 * @param parameters     rows x dim
 * @param stateBytes     bytes of optimizer state (per-row slots, row counters, catch-up stamps)
 * @param bytesPerParam  stateBytes / parameters (Adam: 8 + small; row-wise AdaGrad: 4/dim + small)
 * @param describe       what the state is, e.g. "2 x dim floats + 1 int per row"
 */
public record StateMemory(String group, String table, long parameters, long stateBytes, double bytesPerParam, String describe) {}
