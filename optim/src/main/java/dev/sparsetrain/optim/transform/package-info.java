/**
 * The transforms an optimizer chain is made of: gradient clipping, coupled and decoupled weight
 * decay, row-norm projections, and one optimizer scaling per chain (SGD, AdaGrad, row-wise
 * AdaGrad, RMSProp, AdaDelta, Adam/AMSGrad/SparseAdam, Adamax, NAdam, FTRL-Proximal). Each is an
 * immutable record that declares its per-row state; the runtime in {@code dev.sparsetrain.optim}
 * fuses them into row kernels ({@code dev.sparsetrain.optim.kernel}).
 */
package dev.sparsetrain.optim.transform;
