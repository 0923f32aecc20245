package dev.sparsetrain.optim.kernel;

import dev.sparsetrain.core.Table;

import dev.sparsetrain.optim.GroupStats;
import dev.sparsetrain.optim.transform.AdaDelta;
import dev.sparsetrain.optim.transform.Adafactor;
import dev.sparsetrain.optim.transform.Asgd;
import dev.sparsetrain.optim.transform.Eve;
import dev.sparsetrain.optim.transform.Lamb;
import dev.sparsetrain.optim.transform.LarsSgd;
import dev.sparsetrain.optim.transform.PartialRowwiseAdam;
import dev.sparsetrain.optim.transform.RAdam;
import dev.sparsetrain.optim.transform.Rprop;
import dev.sparsetrain.optim.transform.Adagrad;
import dev.sparsetrain.optim.transform.Adam;
import dev.sparsetrain.optim.transform.Adamax;
import dev.sparsetrain.optim.transform.Ftrl;
import dev.sparsetrain.optim.transform.NAdam;
import dev.sparsetrain.optim.transform.OptimizerTransform;
import dev.sparsetrain.optim.transform.RmsProp;
import dev.sparsetrain.optim.transform.RowwiseAdagrad;
import dev.sparsetrain.optim.transform.Sgd;

/**
 * The optimizer part of a fused row update for one table: final primitive hyperparameters and the
 * table's state tables (row {@code r}'s state at {@code offset(r)} in {@code block(r)}, chunked like
 * the parameter table past one array; one-per-row state in one flat array at {@code r}) in final fields, one
 * straight-line loop per call. The runtime applies clipping, weight decay and projections around
 * it; nothing here is called per element.
 *
 * <p>Lifecycle: created once per (group, table) by {@link #create}; state is allocated there and
 * never reallocated. Thread-safety: Hogwild; no locks, no allocation on the hot path (the Adam
 * family caches step-dependent scalars in an immutable holder that is replaced once per step).
 */
public abstract class RowKernel {
    protected final int dim;
    protected final int rows;
    /** The state tables by exported name, in the order the kernel made them; and the same as a list (slot numbers). */
    private final java.util.Map<String, Table> state = new java.util.LinkedHashMap<>();
    private final java.util.List<Table> slotTables = new java.util.ArrayList<>();

    protected RowKernel(int rows, int dim) {
        this.rows = rows;
        this.dim = dim;
    }

    /**
     * Applies the optimizer's update to one row.
     *
     * @param row   row id (state at {@code row * dim})
     * @param w     the array holding the row's weights, from {@code wo}
     * @param g     the transformed, finite gradient from {@code go} (may be overwritten)
     * @param gSq   its squared norm when the caller knows it (no transform changed it), else NaN
     * @param t     the step used for bias correction and lr decay (group step, or the row's own count)
     * @param first whether this is the row's first step (momentum buffers start as the gradient)
     * @param lr    the learning rate of this step (schedule and multiplier applied)
     * @param stats per-thread stats or null; {@code gi} is the group's slot
     */
    public abstract void apply(int row, float[] w, int wo, float[] g, int go, double gSq, long t, boolean first, float lr,
                               GroupStats stats, int gi);

    /**
     * True when an update with a zero gradient (and no weight decay) leaves this row's weights
     * unchanged, so that idle steps only decay state ({@link #decayIdle}).
     */
    public abstract boolean quiescent(int row);

    /** Applies {@code k} zero-gradient steps to a quiescent row's state, in closed form. */
    public void decayIdle(int row, long k) {}

    /**
     * Applies {@code k} zero-gradient steps starting at step {@code t0} in closed form, when one
     * exists for this optimizer; returns false otherwise (the caller then loops).
     * {@code constantLr} tells whether every idle step has learning rate {@code lrFirst} (and no
     * projection acts); {@code lrLast} is the learning rate of the last idle step; {@code l2} and
     * {@code wd} are the coupled and decoupled weight decay of the group (each idle step then has
     * the gradient {@code l2 * w} and scales {@code w} by {@code 1 - lr * wd} first).
     */
    public boolean idleClosedForm(int row, float[] w, int wo, long t0, long k, boolean constantLr, float lrFirst, float lrLast,
                                  float l2, float wd) {
        return false;
    }

    /**
     * The kernel's state tables by name (PyTorch's state names where they exist, e.g. "m", "v" for
     * Adam), live: {@code rows x dim}, or {@code rows x 1} for one-per-row state such as row-wise
     * AdaGrad. Empty for stateless kernels. Used to save and restore optimizer state;
     * every other value a kernel holds is a cache derived from its hyperparameters and the step.
     */
    public java.util.Map<String, Table> stateArrays() {
        return new java.util.LinkedHashMap<>(state);
    }

    /** Bytes of state per row: a float per column of each state table. */
    public long stateBytesPerRow() {
        long b = 0;
        for (Table t : state.values()) b += 4L * t.dim();
        return b;
    }

    /** What the state is, for the memory report. */
    public abstract String describeState();

    /**
     * Reads state slot {@code slot} (the state tables in {@link #stateArrays} order) of element
     * {@code c} of {@code row} (tests compare it with references).
     */
    public float state(int slot, int row, int c) { return slotTables.get(slot).get(row, c); }

    /** A per-element state table ({@link #slots}) that {@link #stateArrays} exports as {@code name}. */
    protected final Table stateTable(String name, float init) { return stateTable(name, slots(rows, dim, init)); }

    /** {@code t}, exported by {@link #stateArrays} as {@code name} (after the tables registered before it). */
    protected final Table stateTable(String name, Table t) {
        state.put(name, t);
        slotTables.add(t);
        return t;
    }

    /** Builds the kernel for an optimizer transform and a table of {@code rows x dim}. */
    public static RowKernel create(OptimizerTransform o, int rows, int dim) {
        return create(o, rows, dim, false);
    }

    /**
     * Builds the kernel; {@code rowwiseBias} tells that bias corrections will see each row's own
     * count (LAZY_ROWWISE_BIAS), so per-step caching of step-dependent scalars would not hit.
     */
    public static RowKernel create(OptimizerTransform o, int rows, int dim, boolean rowwiseBias) {
        return create(o, rows, dim, rowwiseBias, null);
    }

    /**
     * Builds the kernel; {@code feedback} is the group's Eve feedback (shared by the group's
     * tables), or null for a kernel of its own whose {@code d} stays 1.
     */
    public static RowKernel create(OptimizerTransform o, int rows, int dim, boolean rowwiseBias, EveFeedback feedback) {
        return switch (o) {
            case Sgd s -> s.momentum() == 0 ? new SgdKernel(rows, dim) : new MomentumKernel(rows, dim, s);
            case Adagrad a -> new AdagradKernel(rows, dim, a);
            case RowwiseAdagrad a -> new RowwiseAdagradKernel(rows, dim, a);
            case RmsProp r -> new RmsPropKernel(rows, dim, r);
            case AdaDelta a -> new AdaDeltaKernel(rows, dim, a);
            case Adam a -> new AdamKernel(rows, dim, a, rowwiseBias);
            case Adamax a -> new AdamaxKernel(rows, dim, a);
            case NAdam n -> new NAdamKernel(rows, dim, n);
            case Ftrl f -> new FtrlKernel(rows, dim, f);
            case RAdam r -> new RAdamKernel(rows, dim, r);
            case Rprop r -> new RpropKernel(rows, dim, r);
            case Asgd a -> new AsgdKernel(rows, dim, a);
            case Adafactor a -> new AdafactorKernel(rows, dim, a);
            case Eve e -> new EveKernel(rows, dim, e, feedback != null ? feedback : new EveFeedback(e));
            case Lamb l -> new LambKernel(rows, dim, l);
            case LarsSgd l -> new LarsSgdKernel(rows, dim, l);
            case PartialRowwiseAdam p -> new PartialRowwiseAdamKernel(rows, dim, p);
        };
    }

    /**
     * Floats of state per row that {@link #create} will allocate for {@code o} on a table of width
     * {@code dim} (the same count {@link #stateBytesPerRow} reports afterwards), so that a table
     * whose state would not fit the heap is refused before anything is allocated.
     */
    public static long stateFloatsPerRow(OptimizerTransform o, int dim) {
        long d = dim;
        return switch (o) {
            case Sgd s -> s.momentum() == 0 ? 0 : d;
            case Adagrad a -> d;
            case RowwiseAdagrad a -> 1;
            case RmsProp r -> d * (1 + (r.centered() ? 1 : 0) + (r.momentum() != 0 ? 1 : 0));
            case AdaDelta a -> 2 * d;
            case Adam a -> d * (a.amsgrad() ? 3 : 2);
            case Adamax a -> 2 * d;
            case NAdam n -> 2 * d;
            case Ftrl f -> 2 * d;
            case RAdam r -> 2 * d;
            case Rprop r -> 2 * d;
            case Asgd a -> d;
            case Adafactor a -> d;
            case Eve e -> 2 * d;
            case Lamb l -> 2 * d;
            case LarsSgd l -> d;
            case PartialRowwiseAdam p -> d + 1;
        };
    }

    static boolean allZero(float[] a, int off, int n) {
        for (int i = 0; i < n; i++) if (a[off + i] != 0f) return false;
        return true;
    }

    /**
     * A per-element state table of {@code rows x dim}, in the layout the parameter table of that
     * size gets ({@link Table.Layout#AUTO}: chunked past one array, or as
     * {@value Table#LAYOUT_PROPERTY} says), so that Adam's {@code 2 x rows x dim} floats need
     * no single array either. Kernels look the chunk up once per row ({@code block(row)},
     * {@code offset(row)}) and then run their flat loops on it.
     */
    static Table slots(int rows, int dim, float init) {
        Table a = new Table("state", rows, dim, Table.Kind.EMBEDDING);
        if (init != 0f) a.fill(init);
        return a;
    }
}
