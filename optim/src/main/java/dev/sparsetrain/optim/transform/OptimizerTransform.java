package dev.sparsetrain.optim.transform;

/**
 * The optimizer's own scaling of the gradient into an update: exactly one per chain. Declares the
 * per-row state it needs, so that memory is known before training starts.
 */
public sealed interface OptimizerTransform extends Transform
        permits Sgd, Adagrad, RowwiseAdagrad, RmsProp, AdaDelta, Adam, Adamax, NAdam, Ftrl,
                RAdam, Rprop, Asgd, Adafactor, Eve, Lamb, LarsSgd, PartialRowwiseAdam {

    /** The name used in case files and messages: "sgd", "adam", ... */
    String kind();

    /** Per-row state arrays of {@code dim} floats each. */
    int dimSlots();

    /** Per-row state of single floats. */
    default int rowSlots() { return 0; }

    /** True when the update reads a bias correction or step-dependent schedule (Adam family). */
    default boolean biasCorrected() { return false; }
}
