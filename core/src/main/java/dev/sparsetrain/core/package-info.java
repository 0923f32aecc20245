/**
 * Parameters and kernels: {@link dev.sparsetrain.core.Table} (a named rows x dim block of floats,
 * row r at r*dim), {@link dev.sparsetrain.core.RowBatch} (row ids plus a gradient slab), and
 * {@link dev.sparsetrain.core.Kernels}, the allocation-free vector kernels every model and
 * optimizer uses (a Vector API implementation with a scalar fallback, chosen once at start-up).
 */
package dev.sparsetrain.core;
