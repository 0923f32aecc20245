package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.optim.Chain;
import dev.sparsetrain.optim.GroupDiagnostics;
import dev.sparsetrain.optim.Optimizer;
import dev.sparsetrain.optim.OptimizerState;
import dev.sparsetrain.optim.Optimizers;
import dev.sparsetrain.optim.ParamGroup;
import dev.sparsetrain.optim.SparseSemantics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Mini-batch, data-parallel training of a {@link SparseNN} (or LR/FM) with one optimizer group per
 * parameter kind.
 *
 * <p>One step: the batch is cut into chunks of 32 samples, and the worker team
 * ({@link TrainConfig#threads()}, all cores by default; see {@link Workers}) shares them: whichever
 * worker claims chunk c runs forward and backward over it with its own {@link SparseNN.Workspace}
 * and writes {@code (1/B) dloss/dparam} into gradient slot c (dense tensors: a flat buffer;
 * embeddings: a {@link RowBatch} of touched rows). Then the update, also shared: the tables are
 * sharded over up to {@code threads} independent {@link Optimizer}s built from the same groups
 * (shard 0 owns every dense tensor, embedding tables go to the least loaded shard by estimated step
 * cost); whoever claims shard k sums its tables' gradients over the slots in chunk order into
 * {@code optimizer.gradients(table)} and calls its {@code step()}, which coalesces duplicate ids,
 * applies each group's chain (L2, the optimizer, the row constraint) and clears the batches. Every
 * table is updated by exactly one optimizer and the groups' step counts advance once per batch, so
 * sharding changes nothing numerically; a single-threaded step was 30% of the time. No thread
 * writes a parameter while another reads it.
 *
 * <p>Determinism: chunks, slots and their reduction order are fixed, and dropout masks are drawn
 * from a generator seeded by (seed, batch, chunk), so the result depends on the seed only, not on
 * the thread count or on which worker ran what, bit for bit (every Vector API reduction sums its
 * lanes in one fixed order, see {@code PanamaKernels.sumLanes}).
 *
 * <p>Not thread-safe; {@link #close()} stops the worker team.
 */
public final class CtrTrainer implements AutoCloseable {
    /** Samples per chunk inside a worker: the unit of the cache-blocked dense layers. */
    static final int CHUNK = 32;

    /**
     * Called at evaluation points; {@code passes} is the (fractional) number of passes done and
     * {@code runningTrainNe} the training NE (loss before each step) over the samples since the
     * previous call, so over the whole pass when there is one evaluation per pass.
     */
    public interface EvalHook {
        void evaluate(double passes, long samplesSeen, double runningTrainNe);
    }

    private final SparseNN model;
    private final TrainConfig config;
    private final Optimizer[] shards;
    private final int[] denseShard, sparseShard;
    private final Workers workers;
    private final SparseNN.Workspace[] ws;
    /** One gradient slot per chunk of a batch, reduced in chunk order: results do not depend on threads. */
    private final SparseNN.Gradients[] grads;
    private final int chunksPerBatch;
    private final int[][] predictIndex;
    private final SplittableRandom noDropout = new SplittableRandom(0); // a non-null generator: "training", never drawn from
    private long batchCounter;
    /** Summed training loss (before each step) and samples of the last {@link #train} call. */
    private double lastLossSum;
    private long lastSamples;
    private int chunksThisBatch;
    private final List<Table> denseTables, sparseTables;
    private final RowBatch[] denseBatches, sparseBatches;
    private final List<ParamGroup> groups;
    /** Per-group optimizer figures of every pass trained so far (this object's passes only). */
    private final List<List<GroupDiagnostics>> passDiagnostics = new ArrayList<>();
    // current phase
    private CtrData data, predictData;
    private int[] order;
    private int batchFrom, batchSize;
    private float[] predictOut;
    private final Workers.Unit trainTask = this::trainChunk;
    private final Workers.Unit predictTask = this::predictChunk;
    private final Workers.Unit stepTask = this::stepShard;

    public CtrTrainer(SparseNN model, TrainConfig config) {
        this.model = model;
        this.config = config;
        this.groups = groups(model, config);
        int t = config.threads();
        List<Table> dense0 = model.denseTables(), sparse0 = model.sparseTables();
        int nShards = Math.max(1, Math.min(t, sparse0.size() + (dense0.isEmpty() ? 0 : 1)));
        denseShard = new int[dense0.size()];
        sparseShard = new int[sparse0.size()];
        // Longest-processing-time assignment by estimated step cost: a dense tensor costs about 3
        // units per element (Adam: two moments, a square root and a division each), an embedding
        // table about one unit per element of the rows a batch can touch.
        double[] load = new double[nShards];
        long denseElems = 0;
        for (Table d : dense0) denseElems += d.size();
        load[0] = 3.0 * denseElems;
        for (int i = 0; i < sparse0.size(); i++) {
            int best = 0;
            for (int k = 1; k < nShards; k++) if (load[k] < load[best]) best = k;
            sparseShard[i] = best;
            Table e = sparse0.get(i);
            load[best] += (double) Math.min(e.rows(), config.batchSize()) * e.dim();
        }
        shards = new Optimizer[nShards];
        for (int k = 0; k < nShards; k++) {
            List<Table> own = shardTables(k, dense0, sparse0);
            shards[k] = Optimizer.build(restrict(groups, own), own);
        }
        workers = new Workers(t, "ctr-worker");
        ws = new SparseNN.Workspace[t];
        predictIndex = new int[t][CHUNK];
        for (int w = 0; w < t; w++) ws[w] = model.newWorkspace(CHUNK);
        chunksPerBatch = (config.batchSize() + CHUNK - 1) / CHUNK;
        grads = new SparseNN.Gradients[chunksPerBatch];
        for (int c = 0; c < chunksPerBatch; c++) grads[c] = model.newGradients();
        denseTables = model.denseTables();
        sparseTables = model.sparseTables();
        denseBatches = new RowBatch[denseTables.size()];
        for (int i = 0; i < denseBatches.length; i++) denseBatches[i] = shards[denseShard[i]].gradients(denseTables.get(i));
        sparseBatches = new RowBatch[sparseTables.size()];
        for (int i = 0; i < sparseBatches.length; i++) sparseBatches[i] = shards[sparseShard[i]].gradients(sparseTables.get(i));
    }

    /** The parameter groups: embeddings, linear, mlp_weights, mlp_biases (those that own a table). */
    public static List<ParamGroup> groups(SparseNN model, TrainConfig c) {
        List<String> emb = new ArrayList<>(), lin = new ArrayList<>(), w = new ArrayList<>(), b = new ArrayList<>();
        for (Table t : model.sparseTables()) (t.name().startsWith("lin.") ? lin : emb).add(t.name());
        for (Table t : model.denseTables()) (SparseNN.isBias(t) ? b : w).add(t.name());
        List<ParamGroup> out = new ArrayList<>();
        Chain ec = clipRows(chain("embeddings", c.embeddingOptimizer(), c.embeddingLr()), c).withWeightDecay(c.embeddingL2());
        if (c.maxNorm() > 0) ec = ec.withMaxNorm(c.maxNorm());
        if (c.constantNorm() > 0) ec = ec.withConstantNorm(c.constantNorm());
        if (!emb.isEmpty()) {
            out.add(new ParamGroup("embeddings", ec, emb, SparseSemantics.LAZY, c.freezeEmbeddings()));
        }
        if (!lin.isEmpty()) {
            Chain lc = clipRows(chain("linear", c.embeddingOptimizer(), c.embeddingLr()), c).withWeightDecay(c.embeddingL2());
            out.add(new ParamGroup("linear", lc, lin, SparseSemantics.LAZY, c.freezeEmbeddings()));
        }
        if (!w.isEmpty()) {
            Chain wc = clipGlobal(chain("mlp_weights", c.mlpOptimizer(), c.mlpLr()), c).withWeightDecay(c.mlpL2());
            out.add(new ParamGroup("mlp_weights", wc, w, SparseSemantics.DENSE, c.freezeMlp()));
        }
        if (!b.isEmpty()) {
            out.add(new ParamGroup("mlp_biases", clipGlobal(chain("mlp_biases", c.mlpOptimizer(), c.mlpLr()), c), b, SparseSemantics.DENSE,
                    c.freezeMlp()));
        }
        return out;
    }

    private static Chain clipRows(Chain ch, TrainConfig c) {
        return c.embeddingClipNorm() > 0 ? ch.withClipByRowNorm(c.embeddingClipNorm()) : ch;
    }

    private static Chain clipGlobal(Chain ch, TrainConfig c) {
        return c.mlpClipNorm() > 0 ? ch.withClipByGlobalNorm(c.mlpClipNorm()) : ch;
    }

    /** The groups restricted to the given tables (groups left without a table are dropped). */
    private static List<ParamGroup> restrict(List<ParamGroup> groups, List<Table> own) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Table t : own) names.add(t.name());
        List<ParamGroup> out = new ArrayList<>();
        for (ParamGroup g : groups) {
            List<String> keep = new ArrayList<>();
            for (String n : g.tables()) if (names.contains(n)) keep.add(n);
            if (!keep.isEmpty()) out.add(new ParamGroup(g.name(), g.chain(), keep, g.semantics(), g.isFrozen()));
        }
        return out;
    }

    private static Chain chain(String group, String name, double lr) {
        if (name.equals("ftrl")) return Optimizers.fromPyTorch("group '" + group + "'", name, Map.of("alpha", lr));
        return Optimizers.fromPyTorch("group '" + group + "'", name, Map.of("lr", lr));
    }

    /**
     * The optimizer shards: shard 0 owns the dense tensors and some embedding tables; together they
     * own every table once (see the class comment).
     */
    public List<Optimizer> optimizers() { return List.of(shards); }

    public List<ParamGroup> parameterGroups() { return groups; }

    public SparseNN model() { return model; }

    /**
     * Trains for {@code config.numPasses()} passes over {@code train}, calling {@code hook} after
     * every {@code 1/evalsPerPass} of a pass (0 = never).
     *
     * @return samples per second of the whole run (training steps only, evaluation time excluded)
     */
    public double train(CtrData train, int evalsPerPass, EvalHook hook, Progress progress) {
        return train(train, 0, evalsPerPass, hook, progress, null);
    }

    /** Called after every complete pass (e.g. to write a checkpoint with {@link #exportState}). */
    public interface PassHook {
        void passDone(int passesDone);
    }

    /**
     * As {@link #train(CtrData, int, EvalHook, Progress)}, starting after {@code startPass}
     * complete passes (0 for a fresh run; a checkpoint's {@link #importState} result to resume)
     * and calling {@code passHook} (may be null) after each pass. The shuffles of the skipped
     * passes are replayed from the seed, so a resumed run sees the same sample order, dropout
     * masks and optimizer steps as one that never stopped.
     */
    public double train(CtrData train, int startPass, int evalsPerPass, EvalHook hook, Progress progress, PassHook passHook) {
        if (startPass < 0 || startPass > config.numPasses()) {
            throw new BadInputException("start pass " + startPass + ", must be in [0, " + config.numPasses() + "] (num_passes)");
        }
        int n = train.rows();
        if (n == 0) throw new BadInputException("training data has no rows");
        lastLossSum = 0;
        lastSamples = 0;
        int[] perm = new int[n];
        order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom shuffleRnd = new SplittableRandom(config.seed());
        int bs = config.batchSize();
        int batchesPerPass = (n + bs - 1) / bs;
        long seen = 0;
        long trainNanos = 0;
        double winLoss = 0;
        long winSamples = 0, winClicks = 0;
        double lastNe = Double.NaN;
        // a second window for the hook: the samples since its previous call, so that every curve point
        // has its own training NE (the 20,000-sample window above may span several points or none)
        double evalLoss = 0;
        long evalSamples = 0, evalClicks = 0;
        long total = (long) n * (config.numPasses() - startPass);
        for (int pass = 0; pass < startPass; pass++) shuffle(perm, config.shuffle(), config.partitions(), shuffleRnd);
        for (int pass = startPass; pass < config.numPasses(); pass++) {
            shuffle(perm, config.shuffle(), config.partitions(), shuffleRnd);
            // Lay the pass out in its shuffled order (one copy per pass, ~160 bytes a Criteo row):
            // workers then read samples sequentially instead of missing the cache once per feature.
            this.data = config.shuffle() == TrainConfig.Shuffle.NONE ? train : train.select(perm);
            if (config.freezeEmbeddingsAfter() > 0 && pass == config.freezeEmbeddingsAfter()) {
                for (ParamGroup g : groups) {
                    if (!g.name().equals("embeddings") && !g.name().equals("linear")) continue;
                    for (Optimizer o : shards) if (o.groupNames().contains(g.name())) o.setLearningRateMultiplier(g.name(), 0);
                }
            }
            int nextEval = 1;
            for (int bi = 0; bi < batchesPerPass; bi++) {
                long t0 = System.nanoTime();
                batchFrom = bi * bs;
                batchSize = Math.min(bs, n - batchFrom);
                chunksThisBatch = (batchSize + CHUNK - 1) / CHUNK;
                batchCounter++;
                workers.run(trainTask, chunksThisBatch);
                workers.run(stepTask, shards.length);
                trainNanos += System.nanoTime() - t0;
                seen += batchSize;
                for (int c = 0; c < chunksThisBatch; c++) {
                    SparseNN.Gradients g = grads[c];
                    winLoss += g.lossSum;
                    lastLossSum += g.lossSum;
                    lastSamples += g.samples;
                    winSamples += g.samples;
                    winClicks += g.clicks;
                    evalLoss += g.lossSum;
                    evalSamples += g.samples;
                    evalClicks += g.clicks;
                }
                if (winSamples >= 20_000 || bi == batchesPerPass - 1) {
                    lastNe = runningNe(winLoss, winSamples, winClicks);
                    winLoss = 0;
                    winSamples = winClicks = 0;
                }
                if (progress != null) {
                    progress.update(seen, String.format("pass %d/%d  NE %.4f  %s samples/s", pass + 1, config.numPasses(),
                            lastNe, Progress.human(seen / Math.max(1e-9, trainNanos / 1e9))));
                }
                if (hook != null && evalsPerPass > 0 && (bi + 1) >= (long) nextEval * batchesPerPass / evalsPerPass) {
                    while (nextEval <= evalsPerPass && (bi + 1) >= (long) nextEval * batchesPerPass / evalsPerPass) nextEval++;
                    double evalNe = runningNe(evalLoss, evalSamples, evalClicks);
                    evalLoss = 0;
                    evalSamples = evalClicks = 0;
                    hook.evaluate(pass + (double) (bi + 1) / batchesPerPass, seen, evalNe);
                }
            }
            passDiagnostics.add(endPassDiagnostics());
            if (passHook != null) passHook.passDone(pass + 1);
        }
        double rate = seen / Math.max(1e-9, trainNanos / 1e9);
        if (progress != null) progress.finish(total, String.format("NE %.4f  %s samples/s", lastNe, Progress.human(rate)));
        return rate;
    }

    /**
     * The training loss (log loss of each sample before its step, summed) over the samples of the
     * last {@link #train} call, and {@link #lastTrainSamples} their count: the raw sums behind the
     * running NE, defined also when those samples hold no click (where NE is not).
     */
    public double lastTrainLossSum() { return lastLossSum; }

    /** The samples behind {@link #lastTrainLossSum}. */
    public long lastTrainSamples() { return lastSamples; }

    /** Metadata key prefix of the trainer's own checkpoint state. */
    static final String STATE_PREFIX = "ctr.";

    /**
     * The trainer's state after {@code passesDone} complete passes, for a checkpoint next to the
     * model's tables: every optimizer shard's {@link Optimizer#exportState} (metadata keys and
     * table names prefixed {@code ctr.shard<k>/}), the batch counter (it seeds the dropout masks)
     * and a signature of the training configuration (everything but the pass count and the
     * thread count, which do not change the arithmetic). Tables are copies.
     */
    public OptimizerState exportState(int passesDone) {
        java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
        List<Table> tables = new ArrayList<>();
        meta.put(STATE_PREFIX + "passesDone", Integer.toString(passesDone));
        meta.put(STATE_PREFIX + "batchCounter", Long.toString(batchCounter));
        meta.put(STATE_PREFIX + "shards", Integer.toString(shards.length));
        meta.put(STATE_PREFIX + "train", signature(config));
        for (int k = 0; k < shards.length; k++) {
            String p = STATE_PREFIX + "shard" + k + "/";
            OptimizerState st = shards[k].exportState();
            for (var e : st.metadata().entrySet()) meta.put(p + e.getKey(), e.getValue());
            for (Table t : st.tables()) tables.add(new Table(p + t.name(), t.rows(), t.dim(), t.kind()).load(t.data()));
        }
        return new OptimizerState(meta, tables);
    }

    /**
     * Restores a state written by {@link #exportState} (metadata and tables as read back from a
     * checkpoint file; other keys and tables are ignored) into this trainer, whose model must
     * already hold the checkpoint's parameters. Everything is checked first; a mismatch (another
     * training configuration, shard layout or optimizer) is refused in one line naming
     * {@code where}.
     *
     * @return the number of complete passes the checkpoint holds: {@code startPass} for
     *         {@link #train(CtrData, int, int, EvalHook, Progress, PassHook)}
     */
    public int importState(String where, java.util.Map<String, String> meta, List<Table> tables) {
        String passes = meta.get(STATE_PREFIX + "passesDone");
        if (passes == null) throw new BadInputException(where + ": not a ctr-train checkpoint (no trainer state; a model saved with --save cannot be resumed)");
        String want = signature(config), have = meta.get(STATE_PREFIX + "train");
        if (!want.equals(have)) {
            throw new BadInputException(where + ": checkpoint of another training configuration: " + have + "; this run: " + want
                    + " (only --passes and --threads may change on --resume)");
        }
        int done, savedShards;
        long batches;
        try {
            done = Integer.parseInt(passes);
            batches = Long.parseLong(meta.get(STATE_PREFIX + "batchCounter"));
            savedShards = Integer.parseInt(meta.get(STATE_PREFIX + "shards"));
        } catch (NumberFormatException | NullPointerException e) {
            throw new BadInputException(where + ": damaged trainer state (" + e.getMessage() + ")");
        }
        if (done < 0 || done > config.numPasses()) {
            throw new BadInputException(where + ": checkpoint after " + done + " passes, --passes is " + config.numPasses() + " (must be >= the passes done)");
        }
        // The saved shards may split the tables differently (another --threads): every state table
        // belongs to one parameter table, and a group's scalars (step, multiplier) advance alike in
        // every shard, so each shard of this run takes its own tables' state and its groups' scalars
        // from the first saved shard that holds the group.
        java.util.Map<String, String> groupKeys = new java.util.LinkedHashMap<>();
        java.util.Map<String, Table> stateByTable = new java.util.LinkedHashMap<>();
        for (int k = 0; k < savedShards; k++) {
            String p = STATE_PREFIX + "shard" + k + "/";
            for (var e : meta.entrySet()) {
                if (!e.getKey().startsWith(p)) continue;
                String key = e.getKey().substring(p.length());
                if (!key.equals(OptimizerState.FORMAT_KEY) && !key.equals("optim.groups")) groupKeys.putIfAbsent(key, e.getValue());
            }
            for (Table t : tables) {
                if (t.name().startsWith(p)) stateByTable.put(t.name().substring(p.length()), t);
            }
        }
        OptimizerState[] states = new OptimizerState[shards.length];
        for (int k = 0; k < shards.length; k++) {
            java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
            m.put(OptimizerState.FORMAT_KEY, "1");
            List<String> gs = shards[k].groupNames();
            m.put("optim.groups", String.join(",", gs));
            for (String g : gs) {
                for (var e : groupKeys.entrySet()) if (e.getKey().startsWith("optim." + g + ".")) m.put(e.getKey(), e.getValue());
            }
            java.util.Set<String> own = new java.util.HashSet<>();
            for (ParamGroup g : restrict(groups, shardTables(k))) own.addAll(g.tables());
            List<Table> ts = new ArrayList<>();
            for (var e : stateByTable.entrySet()) {
                String[] parts = e.getKey().split("/");
                if (parts.length >= 3 && gs.contains(parts[1]) && own.contains(parts[2])) {
                    Table t = e.getValue();
                    ts.add(new Table(e.getKey(), t.rows(), t.dim(), t.kind()).load(t.data()));
                }
            }
            states[k] = new OptimizerState(m, ts);
        }
        // each shard checks its whole state before changing anything; the shard layout follows from
        // the (already compared) configuration and model, so a later shard's mismatch means a damaged file
        for (int k = 0; k < shards.length; k++) shards[k].importState(where, states[k]);
        batchCounter = batches;
        return done;
    }

    /**
     * Per-group optimizer figures (gradient and update norms, update-to-weight ratio, effective
     * learning rate, rows touched) of each pass this trainer ran, in pass order: one list per
     * pass with one entry per parameter group, the group's shards combined
     * ({@link GroupDiagnostics#combine}). The batch path collects them at no extra cost.
     */
    public List<List<GroupDiagnostics>> passDiagnostics() {
        return List.copyOf(passDiagnostics);
    }

    /** Ends the optimizers' epoch and combines each group's figures over the shards that hold its tables. */
    private List<GroupDiagnostics> endPassDiagnostics() {
        List<List<GroupDiagnostics>> perShard = new ArrayList<>();
        for (Optimizer o : shards) perShard.add(o.endEpoch());
        List<GroupDiagnostics> out = new ArrayList<>();
        for (ParamGroup g : groups) {
            List<GroupDiagnostics> parts = new ArrayList<>();
            List<Long> rows = new ArrayList<>();
            for (int k = 0; k < shards.length; k++) {
                for (GroupDiagnostics d : perShard.get(k)) {
                    if (!d.group().equals(g.name())) continue;
                    long r = 0;
                    for (Table t : shardTables(k)) if (g.tables().contains(t.name())) r += t.rows();
                    parts.add(d);
                    rows.add(r);
                }
            }
            if (parts.isEmpty()) continue;
            long[] pr = new long[rows.size()];
            for (int i = 0; i < pr.length; i++) pr[i] = rows.get(i);
            out.add(GroupDiagnostics.combine(parts, pr));
        }
        return List.copyOf(out);
    }

    /** The tables shard {@code k} owns: every dense tensor for shard 0, and its embedding tables. */
    private List<Table> shardTables(int k, List<Table> dense0, List<Table> sparse0) {
        List<Table> own = new ArrayList<>();
        if (k == 0) own.addAll(dense0);
        for (int i = 0; i < sparse0.size(); i++) if (sparseShard[i] == k) own.add(sparse0.get(i));
        return own;
    }

    private List<Table> shardTables(int k) { return shardTables(k, model.denseTables(), model.sparseTables()); }

    /** The training configuration without the fields that do not change the arithmetic. */
    static String signature(TrainConfig c) {
        return c.toBuilder().numPasses(1).threads(1).build().toString();
    }

    private static double runningNe(double loss, long samples, long clicks) {
        if (samples == 0) return Double.NaN;
        double h = CtrMetrics.entropy((double) clicks / samples);
        return h > 0 ? loss / samples / h : Double.NaN;
    }

    /**
     * The order of one pass: what {@link #train} draws from its generator (seeded with the
     * configuration's seed, one call per pass); public so that a distributed trainer can lay out
     * a pass as one machine would.
     */
    public static void shuffle(int[] order, TrainConfig.Shuffle mode, int partitions, SplittableRandom rnd) {
        int n = order.length;
        switch (mode) {
            case NONE -> {
                for (int i = 0; i < n; i++) order[i] = i;
            }
            case ALL -> {
                for (int i = 0; i < n; i++) order[i] = i;
                shuffleRange(order, 0, n, rnd);
            }
            case WITHIN_PARTITION -> {
                for (int i = 0; i < n; i++) order[i] = i;
                int p = Math.min(partitions, n);
                for (int k = 0; k < p; k++) shuffleRange(order, (int) ((long) n * k / p), (int) ((long) n * (k + 1) / p), rnd);
            }
        }
    }

    private static void shuffleRange(int[] a, int from, int to, SplittableRandom rnd) {
        for (int i = to - 1; i > from; i--) {
            int j = from + rnd.nextInt(i - from + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Chunk c of the current batch on worker w: forward and backward into gradient slot c. */
    private void trainChunk(int w, int c) {
        int from = batchFrom + c * CHUNK;
        int cnt = Math.min(CHUNK, batchFrom + batchSize - from);
        SparseNN.Gradients g = grads[c];
        g.clear();
        float sd = (float) config.sparseDropout(), md = (float) config.mlpDropout();
        // Dropout masks depend on (seed, batch, chunk) only, never on the worker that runs the chunk.
        SplittableRandom rnd = sd > 0 || md > 0
                ? new SplittableRandom(dev.sparsetrain.data.ctr.CtrRawData.mix64(config.seed() * 0x9E3779B97F4A7C15L + batchCounter) + c)
                : noDropout;
        SparseNN.Workspace s = ws[w];
        s.forward(data, order, from, cnt, rnd, sd, md);
        s.backward(data, order, from, g, 1f / batchSize, md);
    }

    /** Shard k: sums its tables' gradients over the batch's chunk slots, in chunk order, and steps. */
    private void stepShard(int w, int k) {
        int t = chunksThisBatch;
        for (int i = 0; i < denseBatches.length; i++) {
            if (denseShard[i] != k) continue;
            Table table = denseTables.get(i);
            RowBatch rb = denseBatches[i];
            int dim = table.dim();
            for (int r = 0; r < table.rows(); r++) {
                int off = rb.add(r);
                float[] dst = rb.grads();
                for (int c = 0; c < t; c++) dev.sparsetrain.core.Kernels.axpy(1f, grads[c].dense[i], r * dim, dst, off, dim);
            }
        }
        float entropy = (float) config.embeddingEntropy();
        for (int i = 0; i < sparseBatches.length; i++) {
            if (sparseShard[i] != k) continue;
            RowBatch rb = sparseBatches[i];
            for (int c = 0; c < t; c++) {
                RowBatch src = grads[c].sparse[i];
                float[] g = src.grads();
                for (int e = 0; e < src.size(); e++) rb.add(src.row(e), g, src.gradOffset(e));
            }
            Table table = sparseTables.get(i);
            if (entropy > 0 && !table.name().startsWith("lin.")) {
                rb.coalesce(table.rows());   // once per active row, as L2 on active rows
                float[] g = rb.grads();
                for (int e = 0; e < rb.size(); e++) {
                    int row = rb.row(e);
                    EmbeddingEntropy.addGradient(table.block(row), table.offset(row), g, rb.gradOffset(e), table.dim(), entropy);
                }
            }
        }
        shards[k].step();
    }

    /** Predicted probabilities of every row of {@code d}, using all workers. */
    public float[] predict(CtrData d) {
        this.predictData = d;
        predictOut = new float[d.rows()];
        workers.run(predictTask, (d.rows() + CHUNK - 1) / CHUNK);
        predictData = null;
        float[] out = predictOut;
        predictOut = null;
        return out;
    }

    private void predictChunk(int w, int c) {
        CtrData d = predictData;
        int from = c * CHUNK, cnt = Math.min(CHUNK, d.rows() - from);
        SparseNN.Workspace s = ws[w];
        int[] idx = predictIndex[w];
        for (int k = 0; k < cnt; k++) idx[k] = from + k;
        s.forward(d, idx, 0, cnt, null, 0f, 0f);
        System.arraycopy(s.probabilities(), 0, predictOut, from, cnt);
    }

    @Override
    public void close() {
        workers.close();
    }
}
