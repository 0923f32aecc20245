package dev.sparsetrain.optim.transform;

import dev.sparsetrain.core.BadInputException;

/**
 * Stochastic gradient descent with optional (heavy-ball or Nesterov) momentum and dampening,
 * exactly PyTorch 1.13's {@code torch.optim.SGD}.
 *
 * <pre>
 *   g  = grad (+ weight_decay * w, via AddWeightDecay)
 *   if momentum != 0:
 *       b = g                                  on the row's first step
 *       b = momentum * b + (1 - dampening) * g  afterwards
 *       g = nesterov ? g + momentum * b : b
 *   w -= lr * g
 * </pre>
 *
 * <p>Paper: Robbins &amp; Monro 1951; momentum Polyak 1964; Nesterov as in Sutskever et al. 2013.
 * Defaults: momentum 0, dampening 0, nesterov false (PyTorch's; PyTorch has no default lr, nor
 * does {@code Optimizers.sgd(lr)}). Nesterov needs momentum &gt; 0 and dampening 0 (PyTorch's rule).
 *
 * <p>Per-row state: none without momentum, one buffer of {@code dim} floats with it. "First step"
 * is the group's step 1 under dense and catch-up semantics, the row's first update under lazy ones.
 * Thread-safety: the record is immutable; its kernel is Hogwild-safe (racy, lock-free writes).
 */
public record Sgd(double momentum, double dampening, boolean nesterov) implements OptimizerTransform {
    @Override public String kind() { return "sgd"; }
    @Override public int dimSlots() { return momentum != 0 ? 1 : 0; }
    @Override public void validate(String where) {
        Transform.requireUnit(where, "sgd momentum", momentum);
        if (!(dampening >= 0 && dampening <= 1)) throw new BadInputException(where + ": sgd dampening=" + dampening + ", must be in [0, 1]");
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new BadInputException(where + ": sgd nesterov=true with momentum=" + momentum + " and dampening=" + dampening
                    + ", Nesterov momentum requires momentum > 0 and dampening = 0");
        }
    }
    @Override public String describe() {
        return momentum == 0 ? "sgd" : "sgd(momentum=" + momentum + ", dampening=" + dampening + ", nesterov=" + nesterov + ")";
    }
}
