package dev.sparsetrain.optim;

import dev.sparsetrain.optim.transform.OptimizerTransform;
import dev.sparsetrain.optim.transform.Transform;
import java.util.ArrayList;
import java.util.List;

/**
 * One group resolved at build time: its transforms copied into final primitive fields, the
 * learning-rate schedule, the runtime multiplier and the batch step counter.
 */
final class GroupRuntime {
    final String name;
    final int index;
    final ParamGroup group;
    final SparseSemantics semantics;
    final boolean frozen;
    final OptimizerTransform optimizer;
    final double baseLr;
    final Schedule schedule;
    final boolean constantSchedule;
    /** Clipping in the order given: kinds 0 = value, 1 = row norm. */
    final int[] clipKinds;
    final float[] clipValues;
    final boolean hasClip;
    final double globalClip; // 0 = none
    final float l2;
    final float decoupled;
    final float maxNorm, constantNorm; // 0 = none
    final List<TableRuntime> tables = new ArrayList<>();
    /** Eve's objective feedback, one per group and shared by its tables' kernels; null for other optimizers. */
    final dev.sparsetrain.optim.kernel.EveFeedback feedback;

    volatile float multiplier = 1f;
    /** Starts with a NaN multiplier, which no lookup matches (a placeholder of 0 would answer multiplier 0 with NaN). */
    private volatile LrAt lrCache = new LrAt(-1, Float.NaN, Float.NaN);

    /** Batch step counter (the per-row path's caller supplies steps). */
    long step;
    /**
     * The largest step seen by the per-row path, as far as reported stats and flush(step) tell
     * (never written on the hot path, so Hogwild threads share no written cache line here).
     */
    long observedStep;
    long epochObservedStart;
    double lastClipNorm = Double.NaN;

    private record LrAt(long t, float multiplier, float lr) {}

    GroupRuntime(ParamGroup g, int index) {
        this.name = g.name();
        this.index = index;
        this.group = g;
        this.semantics = g.semantics();
        this.frozen = g.isFrozen();
        Chain c = g.chain();
        this.optimizer = c.optimizer();
        this.feedback = optimizer instanceof dev.sparsetrain.optim.transform.Eve e ? new dev.sparsetrain.optim.kernel.EveFeedback(e) : null;
        this.baseLr = c.learningRate();
        this.schedule = c.schedule();
        this.constantSchedule = schedule.isConstant();
        List<Integer> kinds = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        double gc = 0, l2s = 0, wd = 0, mx = 0, cn = 0;
        for (Transform t : c.transforms()) {
            switch (t) {
                case Transform.ClipByValue v -> { kinds.add(0); values.add((float) v.maxValue()); }
                case Transform.ClipByRowNorm r -> { kinds.add(1); values.add((float) r.maxNorm()); }
                case Transform.ClipByGlobalNorm n -> gc = n.maxNorm();
                case Transform.AddWeightDecay d -> l2s += d.l2();
                case Transform.DecayWeights d -> wd += d.weightDecay();
                case Transform.MaxNorm m -> mx = m.maxNorm();
                case Transform.ConstantNorm k -> cn = k.norm();
                case OptimizerTransform o -> { }
            }
        }
        clipKinds = kinds.stream().mapToInt(Integer::intValue).toArray();
        clipValues = new float[values.size()];
        for (int i = 0; i < clipValues.length; i++) clipValues[i] = values.get(i);
        hasClip = clipKinds.length > 0;
        globalClip = gc;
        l2 = (float) l2s;
        decoupled = (float) wd;
        maxNorm = (float) mx;
        constantNorm = (float) cn;
    }

    /** lr_t = base * schedule(t) * multiplier; cached per (t, multiplier), allocation once per step. */
    float lr(long t) {
        float mult = multiplier;
        if (constantSchedule) {
            LrAt c = lrCache;
            if (c.multiplier == mult && c.t == 0) return c.lr;
            c = new LrAt(0, mult, (float) (baseLr * mult));
            lrCache = c;
            return c.lr;
        }
        LrAt c = lrCache;
        if (c.t == t && c.multiplier == mult) return c.lr;
        c = new LrAt(t, mult, (float) (baseLr * schedule.factor(t) * mult));
        lrCache = c;
        return c.lr;
    }

    boolean hasDecay() { return l2 != 0 || decoupled != 0; }

    long totalRows() {
        long n = 0;
        for (TableRuntime t : tables) n += t.table.rows();
        return n;
    }
}
