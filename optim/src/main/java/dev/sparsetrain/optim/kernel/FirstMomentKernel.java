package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

/**
 * The shared part of the Adam-family row kernels: the betas and eps (as given and as floats) and
 * the first moment {@code m} per element, whose all-zero row means the row is quiescent. The
 * second moment differs: per element ({@link MomentKernel}: NAdam, RAdam, Eve, LAMB), an infinity
 * norm ({@link AdamaxKernel}) or one float per row ({@link PartialRowwiseAdamKernel}).
 */
abstract class FirstMomentKernel extends RowKernel {
    protected final double b1d, b2d;
    protected final float b1, b2, eps;
    /** First moments, {@code rows x dim}, exported as {@code mName}. */
    protected final Table m;

    protected FirstMomentKernel(int rows, int dim, double beta1, double beta2, double eps, String mName) {
        super(rows, dim);
        this.b1d = beta1;
        this.b2d = beta2;
        this.b1 = (float) beta1;
        this.b2 = (float) beta2;
        this.eps = (float) eps;
        this.m = stateTable(mName, 0f);
    }

    @Override public boolean quiescent(int row) { return allZero(m.block(row), m.offset(row), dim); }
}
