/**
 * The optimizer runtime: {@link dev.sparsetrain.optim.ParamGroup}s (a name, tables, an optimizer
 * {@link dev.sparsetrain.optim.Chain}, {@link dev.sparsetrain.optim.SparseSemantics}, a frozen
 * flag) resolved by {@link dev.sparsetrain.optim.Optimizer#build} into fused row kernels with
 * per-row state, a Hogwild per-row path ({@link dev.sparsetrain.optim.RowUpdater}), a batch path
 * ({@code gradients(table)} + {@code step()}), learning-rate {@link dev.sparsetrain.optim.Schedule}s
 * and per-group diagnostics ({@link dev.sparsetrain.optim.GroupStats},
 * {@link dev.sparsetrain.optim.GroupDiagnostics}). {@link dev.sparsetrain.optim.Optimizers} has the
 * aliases with PyTorch's defaults.
 */
package dev.sparsetrain.optim;
