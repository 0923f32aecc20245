package dev.sparsetrain.data.ctr;

/**
 * How dense (count) features are fed to the model. Missing values become 0 after the transform.
 */
public enum DenseTransform {
    /** As read. */
    NONE,
    /** {@code log(1 + max(x, 0))}: the usual choice for Criteo's heavy-tailed counts (DLRM's preprocessing). */
    LOG1P,
    /** {@code (x - mean) / std} with mean and std fitted on the training rows. */
    STANDARDIZE,
    /** log1p, then standardized with the training rows' mean and std. */
    LOG1P_STANDARDIZE
}
