package dev.sparsetrain.optim;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.optim.transform.OptimizerTransform;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The optimizer runtime: parameter groups resolved against tables into fused row kernels with
 * their state allocated once.
 *
 * <h2>Lifecycle</h2>
 * <ol>
 *   <li>{@link #build(List, List)} validates (every table in exactly one group, every value in
 *       range, semantics that make sense) and allocates state; {@link #stateMemory()} reports it.</li>
 *   <li>Per-sample (Hogwild) training: {@link #updater(Table)} gives a {@link RowUpdater} per
 *       table; threads call {@code update(row, grad, off, step, stats)} with their own
 *       {@link GroupStats} ({@link #newStats()}) and hand them to {@link #report(GroupStats...)}.</li>
 *   <li>Mini-batch training, dense tensors, golden replays: add gradients to {@link #gradients(Table)}
 *       (duplicates allowed) and call {@link #step()}: per group it coalesces duplicates, skips and
 *       counts non-finite rows, clips by the global norm, updates every touched row (every row under
 *       DENSE) once, and clears the batches. Figures of that step: {@link #lastStep()}.</li>
 *   <li>Eve groups read the loss: {@link #setObjective(double)} once per step, before the step's
 *       updates (ignored by every other optimizer).</li>
 *   <li>{@link #flush()} brings rows of CATCH_UP groups up to date (before evaluating or saving).</li>
 *   <li>{@link #diagnostics()} / {@link #endEpoch()} give per-group figures for the epoch.</li>
 *   <li>Checkpoints: {@link #stateView()} streams the whole state into a file (no copy),
 *       {@link #stateReader} reads one back into the live arrays, {@link #exportState()} copies it
 *       (snapshots), {@link #importState} restores a copy or a view; all into an optimizer built with the same groups on
 *       tables of the same shapes, after which training continues bit for bit as if it had not stopped.</li>
 * </ol>
 *
 * <p>Thread-safety: {@link RowUpdater#update} is Hogwild-safe; {@link #step()}, {@link #flush()},
 * {@link #report}, {@link #diagnostics()} and {@link #endEpoch()} are for one thread between
 * parallel phases. {@link #setLearningRateMultiplier} may be called at any time (a volatile write).
 * Under Hogwild the step a caller passes is its own (relaxed) count; with one thread everything is
 * exact and deterministic.
 */
public final class Optimizer {
    /** Rows above which DENSE semantics on an embedding table is logged as expensive. */
    static final int DENSE_WARN_ROWS = 1_000_000;

    private final List<GroupRuntime> groups;
    private final Map<String, GroupRuntime> byName = new LinkedHashMap<>();
    private final Map<String, TableRuntime> byTable = new LinkedHashMap<>();
    private final GroupStats stepStats;
    private final GroupStats epochStats;
    private final long[] epochSteps;
    private List<GroupDiagnostics> last = List.of();

    private Optimizer(List<GroupRuntime> groups) {
        this.groups = groups;
        for (GroupRuntime g : groups) {
            byName.put(g.name, g);
            for (TableRuntime t : g.tables) byTable.put(t.table.name(), t);
        }
        stepStats = new GroupStats(groups.size());
        epochStats = new GroupStats(groups.size());
        epochSteps = new long[groups.size()];
    }

    /**
     * Validates the groups against the tables and builds the runtime.
     *
     * @throws BadInputException naming the group or table, the value and what is allowed
     */
    public static Optimizer build(List<ParamGroup> groups, List<Table> tables) {
        if (groups == null || groups.isEmpty()) throw new BadInputException("optimizer: no parameter group given, define at least one");
        Map<String, Table> tablesByName = new LinkedHashMap<>();
        for (Table t : tables) {
            if (tablesByName.put(t.name(), t) != null) throw new BadInputException("optimizer: two tables are named '" + t.name() + "', names must be unique");
        }
        Map<String, String> owner = new LinkedHashMap<>();
        TreeSet<String> groupNames = new TreeSet<>();
        for (ParamGroup g : groups) {
            if (!groupNames.add(g.name())) throw new BadInputException("group '" + g.name() + "': defined twice, group names must be unique");
            g.chain().validate(g.name());
            for (String tn : g.tables()) {
                if (!tablesByName.containsKey(tn)) {
                    throw new BadInputException("group '" + g.name() + "': names table '" + tn + "', which does not exist; tables: "
                            + String.join(", ", tablesByName.keySet()));
                }
                String prev = owner.put(tn, g.name());
                if (prev != null) {
                    throw new BadInputException("table '" + tn + "': in group '" + prev + "' and in group '" + g.name()
                            + "', a table must be in exactly one group");
                }
            }
            checkSemantics(g, tablesByName);
        }
        for (String tn : tablesByName.keySet()) {
            if (!owner.containsKey(tn)) {
                throw new BadInputException("table '" + tn + "': in no parameter group, add it to one of " + groupNames
                        + " (or to a frozen group)");
            }
        }
        List<GroupRuntime> rts = new ArrayList<>();
        for (ParamGroup g : groups) {
            GroupRuntime gr = new GroupRuntime(g, rts.size());
            for (String tn : g.tables()) gr.tables.add(new TableRuntime(gr, tablesByName.get(tn)));
            rts.add(gr);
        }
        return new Optimizer(rts);
    }

    private static void checkSemantics(ParamGroup g, Map<String, Table> tables) {
        OptimizerTransform o = g.chain().optimizer();
        if (g.semantics() == SparseSemantics.LAZY_ROWWISE_BIAS && !o.biasCorrected()) {
            throw new BadInputException("group '" + g.name() + "': semantics LAZY_ROWWISE_BIAS with " + o.kind()
                    + ", which has no bias correction; allowed only for adam, amsgrad, adamw, adamax, nadam, sparse_adam, radam, adafactor, eve, lamb,"
                    + " partial_rowwise_adam (use LAZY)");
        }
        if (g.semantics() == SparseSemantics.CATCH_UP && o instanceof dev.sparsetrain.optim.transform.Eve) {
            throw new BadInputException("group '" + g.name() + "': semantics CATCH_UP with eve, not supported: idle steps would need"
                    + " the objective feedback d of past steps; allowed: LAZY, LAZY_ROWWISE_BIAS, DENSE");
        }
        if (g.semantics() == SparseSemantics.DENSE) {
            for (String tn : g.tables()) {
                Table t = tables.get(tn);
                if (t.kind() == Table.Kind.EMBEDDING && t.rows() > DENSE_WARN_ROWS) {
                    System.getLogger(Optimizer.class.getName()).log(Level.WARNING, "group '" + g.name() + "': DENSE semantics on embedding table '"
                            + tn + "' with " + t.rows() + " rows updates every row every step; CATCH_UP gives the same result touching only used rows");
                }
            }
        }
    }

    /** The per-row updater of {@code table}. */
    public RowUpdater updater(Table table) {
        TableRuntime t = runtime(table);
        if (t.g.globalClip != 0) {
            throw new BadInputException("group '" + t.g.name + "': clipByGlobalNorm=" + t.g.globalClip
                    + " needs the whole step's gradient; use the batch path (gradients(table) + step()) or clipByRowNorm for per-row updates");
        }
        return t;
    }

    /** The gradient batch of {@code table} for the next {@link #step()}. */
    public RowBatch gradients(Table table) { return runtime(table).batch; }

    private TableRuntime runtime(Table table) {
        TableRuntime t = byTable.get(table.name());
        if (t == null) throw new BadInputException("table '" + table.name() + "': not known to this optimizer; tables: " + String.join(", ", byTable.keySet()));
        if (t.table != table) throw new IllegalArgumentException("table '" + table.name() + "' is a different object than the one the optimizer was built with");
        return t;
    }

    /**
     * One optimizer step of every group from the gradient batches: coalesce duplicates, count and
     * skip non-finite rows, clip by global norm (torch {@code clip_grad_norm_}), update, clear.
     * A LAZY group whose batches are all empty takes no step (PyTorch skips a parameter without
     * gradient); DENSE and CATCH_UP groups always step. Single-threaded.
     */
    public void step() {
        step(false);
    }

    /**
     * Like {@link #step()}, but every non-frozen group takes a step even when its batches are
     * empty: PyTorch's behaviour when every parameter has a gradient tensor, possibly with no
     * rows (an empty sparse gradient still advances SparseAdam's step). Golden replays use it.
     */
    public void stepAll() {
        step(true);
    }

    private void step(boolean all) {
        stepStats.clear();
        for (GroupRuntime g : groups) {
            // DENSE and CATCH_UP are the dense optimizer: a step with no gradient is a zero-gradient step
            boolean any = all || g.semantics == SparseSemantics.DENSE || g.semantics == SparseSemantics.CATCH_UP;
            for (TableRuntime t : g.tables) {
                t.batch.coalesce(t.table.rows());
                if (t.batch.size() > 0) any = true;
            }
            if (g.frozen || !any) {
                for (TableRuntime t : g.tables) t.batch.clear();
                continue;
            }
            long step = ++g.step;
            double total = 0;
            for (TableRuntime t : g.tables) {
                RowBatch b = t.batch;
                if (t.normScratch.length < b.size()) t.normScratch = new double[Math.max(b.size(), 2 * t.normScratch.length)];
                for (int i = 0; i < b.size(); i++) {
                    double n2 = Kernels.squaredNorm(b.grads(), b.gradOffset(i), t.dim); // as the per-row path
                    if (!Double.isFinite(n2)) n2 = TableRuntime.squaredNormChecked(b.grads(), b.gradOffset(i), t.dim);
                    t.normScratch[i] = n2;
                    if (!Double.isNaN(n2)) total += n2;
                }
            }
            float scale = 1f;
            if (g.globalClip != 0) {
                double norm = Math.sqrt(total);
                g.lastClipNorm = norm;
                double coef = g.globalClip / (norm + 1e-6);
                if (coef < 1) scale = (float) coef;
            }
            for (TableRuntime t : g.tables) {
                RowBatch b = t.batch;
                boolean dense = g.semantics == SparseSemantics.DENSE;
                if (dense) Arrays.fill(t.touched, false);
                for (int i = 0; i < b.size(); i++) {
                    int row = b.row(i);
                    double n2 = t.normScratch[i];
                    if (Double.isNaN(n2)) {
                        // dropped from the step as if it had no gradient (DENSE then gives it a zero one)
                        stepStats.nonFinite[GroupStats.PAD + g.index]++;
                        continue;
                    }
                    if (dense) t.touched[row] = true;
                    t.apply(row, b.grads(), b.gradOffset(i), step, n2, scale, stepStats);
                }
                if (dense) {
                    float[] z = t.zeroRow;
                    for (int r = 0; r < t.table.rows(); r++) {
                        if (t.touched[r]) continue;
                        Arrays.fill(z, 0f);
                        t.apply(r, z, 0, step, 0.0, 1f, stepStats);
                    }
                }
                b.clear();
            }
            epochSteps[g.index]++;
        }
        last = figures(stepStats, true);
        epochStats.merge(stepStats);
    }

    /** Brings every row of every CATCH_UP group up to the group's current step. */
    public void flush() {
        for (GroupRuntime g : groups) {
            if (g.semantics != SparseSemantics.CATCH_UP || g.frozen) continue;
            // the group's step: the batch counter, or (per-row path) the latest step any row has seen
            long s = Math.max(g.step, g.observedStep);
            for (TableRuntime t : g.tables) s = Math.max(s, t.latestStamp());
            for (TableRuntime t : g.tables) t.flush(s);
        }
    }

    /**
     * Reports the objective (the loss) at the current parameters to every group whose optimizer
     * reads it (Eve), before the step that applies this loss's gradients: once per step, before
     * {@link #step()} or the step's per-row updates. Each call advances the feedback by one step.
     * Groups of other optimizers ignore it, so a training loop may always call it.
     *
     * @throws BadInputException naming the group when the value is refused (Eve: not finite, or not above f_star)
     */
    public void setObjective(double f) {
        for (GroupRuntime g : groups) if (g.feedback != null && !g.frozen) g.feedback.observe("group '" + g.name + "'", f);
    }

    /** {@link #setObjective(double)} for one group (its own loss, e.g. with its regularizer); ignored unless it reads it. */
    public void setObjective(String group, double f) {
        GroupRuntime g = group(group);
        if (g.feedback != null && !g.frozen) g.feedback.observe("group '" + g.name + "'", f);
    }

    /** Eve's current feedback coefficient d of a group (1 for every other optimizer). */
    public double objectiveFeedback(String group) {
        GroupRuntime g = group(group);
        return g.feedback == null ? 1.0 : g.feedback.d();
    }

    /** Sets the runtime learning-rate multiplier of a group (lr_t = lr * schedule(t) * m). */
    public void setLearningRateMultiplier(String group, double m) {
        GroupRuntime g = byName.get(group);
        if (g == null) throw new BadInputException("group '" + group + "': not defined; groups: " + String.join(", ", byName.keySet()));
        if (!(m >= 0) || Double.isInfinite(m)) throw new BadInputException("group '" + group + "': learning-rate multiplier=" + m + ", must be >= 0 and finite");
        g.multiplier = (float) m;
    }

    public double learningRateMultiplier(String group) { return group(group).multiplier; }

    /** The learning rate group {@code group} uses at step {@code t} (schedule and multiplier applied). */
    public double learningRate(String group, long t) { return group(group).lr(t); }

    /** The number of batch steps group {@code group} has taken. */
    public long stepCount(String group) { return group(group).step; }

    private GroupRuntime group(String name) {
        GroupRuntime g = byName.get(name);
        if (g == null) throw new BadInputException("group '" + name + "': not defined; groups: " + String.join(", ", byName.keySet()));
        return g;
    }

    /** The group names, in build order (the index of a group in {@link GroupStats}). */
    public List<String> groupNames() { return List.copyOf(byName.keySet()); }

    /** A fresh per-thread stats accumulator. */
    public GroupStats newStats() { return new GroupStats(groups.size()); }

    /** Merges per-thread stats into the epoch figures and clears them. */
    public void report(GroupStats... stats) {
        for (GroupStats s : stats) {
            if (s.groups() != groups.size()) throw new IllegalArgumentException("stats from another optimizer");
            for (GroupRuntime g : groups) g.observedStep = Math.max(g.observedStep, s.maxStep(g.index));
            epochStats.merge(s);
            s.clear();
        }
    }

    /**
     * Brings every row of CATCH_UP groups up to {@code step} (per-row path: the step the caller
     * has reached, when no stats were reported).
     */
    public void flush(long step) {
        for (GroupRuntime g : groups) {
            if (g.semantics != SparseSemantics.CATCH_UP || g.frozen) continue;
            g.observedStep = Math.max(g.observedStep, step);
        }
        flush();
    }

    /** The figures of the last {@link #step()}, one per group. */
    public List<GroupDiagnostics> lastStep() { return last; }

    /** The figures since the last {@link #endEpoch()} (batch steps and reported stats). */
    public List<GroupDiagnostics> diagnostics() { return figures(epochStats, false); }

    /** Returns {@link #diagnostics()} and starts a new epoch. */
    public List<GroupDiagnostics> endEpoch() {
        List<GroupDiagnostics> d = diagnostics();
        epochStats.clear();
        Arrays.fill(epochSteps, 0);
        for (GroupRuntime g : groups) {
            g.epochObservedStart = g.observedStep;
            for (TableRuntime t : g.tables) System.arraycopy(t.rowCount, 0, t.epochStart, 0, t.rowCount.length);
        }
        return d;
    }

    private List<GroupDiagnostics> figures(GroupStats s, boolean oneStep) {
        List<GroupDiagnostics> out = new ArrayList<>();
        for (GroupRuntime g : groups) {
            int i = GroupStats.PAD + g.index;
            long rows = s.rows[i];
            long total = g.totalRows();
            double touched;
            long steps;
            if (oneStep) {
                touched = (double) rows / total;
                steps = rows > 0 || s.nonFinite[i] > 0 ? 1 : 0;
            } else {
                long distinct = 0;
                for (TableRuntime t : g.tables) distinct += t.distinctTouchedSinceEpoch();
                touched = (double) distinct / total;
                // batch path: the steps taken since endEpoch(); per-row path: the spread of the step numbers seen
                // (the stats' maxStep holds absolute step numbers, so it must not count for batch steps)
                steps = epochSteps[g.index] > 0 ? epochSteps[g.index] : Math.max(g.observedStep, s.maxStep[i]) - g.epochObservedStart;
            }
            double un = Math.sqrt(s.updateSq[i]), wn = Math.sqrt(s.weightSq[i]);
            out.add(new GroupDiagnostics(g.name, steps, rows, Math.sqrt(s.gradSq[i]), un, wn > 0 ? un / wn : 0,
                    rows > 0 ? s.effLrSum[i] / rows : 0, touched, s.nonFinite[i], g.lastClipNorm));
        }
        return Collections.unmodifiableList(out);
    }

    /** Optimizer state per table, known at build time. */
    public List<StateMemory> stateMemory() {
        List<StateMemory> out = new ArrayList<>();
        for (GroupRuntime g : groups) {
            for (TableRuntime t : g.tables) {
                long bytes = t.stateBytes();
                String d = t.kernel == null ? "frozen: none"
                        : t.kernel.describeState() + " + row counter (int)" + (t.last != null ? " + catch-up stamp (long)" : "") + " per row";
                out.add(new StateMemory(g.name, t.table.name(), t.table.size(), bytes, (double) bytes / t.table.size(), d));
            }
        }
        return out;
    }

    /** Total bytes of optimizer state. */
    public long stateBytes() {
        long n = 0;
        for (StateMemory m : stateMemory()) n += m.stateBytes();
        return n;
    }

    /** A multi-line report: group, chain, semantics, tables and state memory. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (GroupRuntime g : groups) {
            b.append("group '").append(g.name).append("': ").append(g.frozen ? "frozen" : g.group.chain().describe())
                    .append(", ").append(g.semantics).append('\n');
            for (TableRuntime t : g.tables) {
                b.append(String.format(java.util.Locale.ROOT, "  %s %d x %d: state %.1f MiB (%.2f bytes/param)%n", t.table.name(),
                        t.table.rows(), t.dim, t.stateBytes() / 1048576.0, (double) t.stateBytes() / t.table.size()));
            }
        }
        b.append("kernels: ").append(Kernels.impl().name()).append(", optimizer math: ")
                .append(dev.sparsetrain.optim.kernel.OptimMath.get().name()).append('\n');
        return b.toString();
    }

    /** What must be equal between a saved state and the optimizer that loads it. */
    private static String signature(GroupRuntime g) {
        Chain c = g.group.chain();
        return c.describe() + "; schedule " + c.schedule() + "; " + g.semantics + (g.frozen ? "; frozen" : "");
    }

    /**
     * A copy of the whole optimizer state (see {@link OptimizerState} for the layout): kernel
     * state, row update counts and catch-up stamps of every table, and each group's step
     * counters and learning-rate multiplier. Call between training phases (not during Hogwild
     * updates); CATCH_UP rows are saved as they are, with their stamps, so that resuming
     * continues exactly (no {@link #flush()} needed or wanted). For snapshots that must outlive
     * further training; a checkpoint writes {@link #stateView()} instead.
     */
    public OptimizerState exportState() {
        List<Table> out = new ArrayList<>();
        for (ModelFile.Stream x : stateView().streams()) {
            Table t = new Table(x.name(), x.rows(), x.dim(), x.kind());
            long p = 0;
            for (int c = 0; c < t.chunkCount(); c++) {   // chunks hold whole rows, in order
                float[] d = t.chunk(c);
                x.get(p, d, d.length);
                p += d.length;
            }
            out.add(t);
        }
        return new OptimizerState(stateMetadata(), out);
    }

    /**
     * The whole optimizer state as {@link #exportState()} lays it out, but as a live view: every
     * array is a {@link ModelFile.Stream} reading this optimizer's own arrays while a file is
     * written (no copy; the integer arrays are encoded a buffer at a time). Valid until the next
     * update: write it at once, between steps.
     */
    public OptimizerState stateView() {
        List<ModelFile.Stream> out = new ArrayList<>();
        forEachArray((name, t, a) -> {
            if (a != null) {
                // DENSE while it fits one array, past that EMBEDDING (the kinds of the format so far)
                out.add(OptimizerState.stream(name, a.size() <= Table.MAX_FLAT ? Table.Kind.DENSE : Table.Kind.EMBEDDING, a));
            } else if (name.endsWith("/rowCount")) {
                out.add(OptimizerState.intStream(name, t.rowCount));
            } else {
                out.add(OptimizerState.longStream(name, t.last));
            }
        });
        return OptimizerState.view(stateMetadata(), out);
    }

    /** A state array: its name in the file, its table's runtime, and the kernel's live table (null for the row counts and stamps). */
    private interface ArrayVisitor {
        void visit(String name, TableRuntime t, Table kernelArray);
    }

    /** Every state array in file order: each table's kernel arrays, then {@code rowCount} and {@code last} where kept. */
    private void forEachArray(ArrayVisitor v) {
        for (GroupRuntime g : groups) {
            for (TableRuntime t : g.tables) {
                String tp = OptimizerState.TABLE_PREFIX + g.name + "/" + t.table.name() + "/";
                if (t.kernel != null) for (var e : t.kernel.stateArrays().entrySet()) v.visit(tp + e.getKey(), t, e.getValue());
                if (t.rowCount.length > 0) v.visit(tp + "rowCount", t, null);
                if (t.last != null) v.visit(tp + "last", t, null);
            }
        }
    }

    private Map<String, String> stateMetadata() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(OptimizerState.FORMAT_KEY, "1");
        meta.put("optim.groups", String.join(",", byName.keySet()));
        for (GroupRuntime g : groups) {
            String p = "optim." + g.name + ".";
            meta.put(p + "chain", signature(g));
            meta.put(p + "step", Long.toString(g.step));
            meta.put(p + "observedStep", Long.toString(g.observedStep));
            meta.put(p + "multiplier", Float.toString(g.multiplier));
            meta.put(p + "lastClipNorm", Double.toString(g.lastClipNorm));
            if (g.feedback != null) meta.put(p + "eve", g.feedback.export());
        }
        return meta;
    }

    /**
     * Replaces this optimizer's state by {@code s} (from {@link #exportState()} or
     * {@link #stateView()}, possibly through a model file). The groups, each group's optimizer
     * kind, hyperparameters, schedule, semantics and frozen flag, and the name and shape of every
     * state array are checked before anything is changed; a damaged row count or catch-up stamp is
     * refused as its array is read ({@link #stateReader}), when earlier arrays may already be
     * overwritten: discard the optimizer then.
     *
     * @param where the checkpoint file (or other source) named in error messages
     * @throws BadInputException one line naming {@code where} and the mismatch
     */
    public void importState(String where, OptimizerState s) {
        stateReader(where, s.metadata()).readAll(s);
    }

    /**
     * Reads a saved state straight into this optimizer's own arrays (a checkpoint read chunk by
     * chunk: no second copy). The metadata is checked at once (groups, each group's optimizer
     * kind, hyperparameters, schedule, semantics, frozen flag, counters); each array's name and
     * shape as it comes ({@link OptimizerState.Reader#into}/{@link OptimizerState.Reader#sink});
     * {@link OptimizerState.Reader#finish} checks that none is missing and sets the counters. A
     * refusal (one line naming {@code where}) can leave arrays read so far overwritten: discard
     * the optimizer then.
     */
    public OptimizerState.Reader stateReader(String where, Map<String, String> meta) {
        if (!"1".equals(meta.get(OptimizerState.FORMAT_KEY))) {
            throw new BadInputException(where + ": optimizer state format " + meta.get(OptimizerState.FORMAT_KEY) + ", this build reads format 1");
        }
        String groupsHere = String.join(",", byName.keySet());
        if (!groupsHere.equals(meta.get("optim.groups"))) {
            throw new BadInputException(where + ": optimizer state for groups [" + meta.get("optim.groups") + "], this model has groups [" + groupsHere + "]");
        }
        long[][] scalars = new long[groups.size()][];
        for (GroupRuntime g : groups) {
            String p = "optim." + g.name + ".";
            String saved = meta.get(p + "chain"), here = signature(g);
            if (!here.equals(saved)) {
                throw new BadInputException(where + ": optimizer state of group '" + g.name + "' was saved for [" + saved + "], this run uses [" + here + "]");
            }
            scalars[g.index] = new long[] {parseLong(where, meta, p + "step"), parseLong(where, meta, p + "observedStep")};
            parseFloat(where, meta, p + "multiplier");
            if (g.feedback != null) dev.sparsetrain.optim.kernel.EveFeedback.check(where, meta.get(p + "eve"));
        }
        // every array this optimizer has, by its name in the file: a live table, or an integer array's decoder
        Map<String, Table> live = new LinkedHashMap<>();
        Map<String, OptimizerState.Decoder> ints = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        forEachArray((name, t, a) -> {
            int rows = t.table.rows();
            if (a != null) {
                live.put(name, a);
                shapes.put(name, new int[] {rows, a.dim()});
            } else if (name.endsWith("/rowCount")) {
                ints.put(name, OptimizerState.intDecoder(where, name, t.rowCount, t.epochStart));
                shapes.put(name, new int[] {rows, 2});
            } else {
                ints.put(name, OptimizerState.longDecoder(where, name, t.last));
                shapes.put(name, new int[] {rows, 4});
            }
        });
        return new OptimizerState.Reader(where, live, ints, shapes, () -> {
            for (GroupRuntime g : groups) {
                String p = "optim." + g.name + ".";
                g.step = scalars[g.index][0];
                g.observedStep = scalars[g.index][1];
                g.epochObservedStart = g.observedStep;
                g.multiplier = parseFloat(where, meta, p + "multiplier");
                String clip = meta.get(p + "lastClipNorm");
                g.lastClipNorm = clip == null ? Double.NaN : Double.parseDouble(clip);
                if (g.feedback != null) g.feedback.restore(where, meta.get(p + "eve"));
            }
            // diagnostics gathered so far are kept; rows touched count from here
        });
    }

    private static long parseLong(String where, Map<String, String> meta, String key) {
        String v = meta.get(key);
        try {
            long x = Long.parseLong(v);
            if (x < 0) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException e) {
            throw new BadInputException(where + ": optimizer state '" + key + "' = " + v + ", must be a count >= 0");
        }
    }

    private static float parseFloat(String where, Map<String, String> meta, String key) {
        String v = meta.get(key);
        try {
            float x = Float.parseFloat(v);
            if (!(x >= 0) || Float.isInfinite(x)) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException | NullPointerException e) {
            throw new BadInputException(where + ": optimizer state '" + key + "' = " + v + ", must be a finite number >= 0");
        }
    }

    /** A kernel's state value, for tests: slot (e.g. 0 = m, 1 = v for Adam), row, column. */
    public float state(Table table, int slot, int row, int col) { return runtime(table).kernel.state(slot, row, col); }

    /** How many updates row {@code row} of {@code table} has received. */
    public int rowUpdateCount(Table table, int row) { return runtime(table).rowCount[row]; }

    /** Whether {@code table} is one of this optimizer's tables (a sharded trainer asks each shard). */
    public boolean holds(Table table) {
        TableRuntime t = byTable.get(table.name());
        return t != null && t.table == table;
    }

    /**
     * Resets row {@code row} of {@code table} to a new row's optimizer state (every per-row state
     * array to its initial value, update count 0; see {@code TableRuntime#resetRow}): what a
     * dynamic embedding table does to the optimizer when it reuses an evicted row for a new id.
     * Weights are the caller's to reinitialise. Single-threaded, between steps.
     */
    public void resetRow(Table table, int row) {
        if (row < 0 || row >= table.rows()) throw new IllegalArgumentException("table '" + table.name() + "': row " + row + " outside [0, " + table.rows() + ")");
        runtime(table).resetRow(row);
    }
}
