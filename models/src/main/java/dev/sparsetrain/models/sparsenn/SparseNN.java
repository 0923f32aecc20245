package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.RowBatch;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.ctr.CtrData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A click model's parameters and its forward and backward passes: SparseNN/DLRM, logistic
 * regression or a factorization machine ({@link ModelConfig}).
 *
 * <pre>
 *   e_f   = sum_{id in sample's ids of f, kept} s * E_f[id]          (s = 1/(1-q) under sparse-id dropout q)
 *   z_0   = relu(W_L ... relu(W_1 x + b_1) ... + b_L)                 bottom MLP, z_0 in R^dim
 *   DOT   : t = [z_0, &lt;z_i, z_j&gt; for 0 &lt;= i &lt; j &lt;= F]            CONCAT: t = [z_0, e_1, ..., e_F]
 *   logit = V_M relu(... relu(V_1 t + c_1) ...) + c_M                 top MLP
 *   p = sigmoid(logit),  loss = -(y log p + (1-y) log(1-p)),  dloss/dlogit = p - y
 * </pre>
 *
 * <p>Parameters are {@link Table}s: {@code emb.<feature>} (EMBEDDING, rows = buckets), {@code
 * lin.<feature>} (EMBEDDING, dim 1, for LOGISTIC and FM), and DENSE tensors {@code bottom.<l>.w}
 * ({@code out x in}), {@code bottom.<l>.b} ({@code 1 x out}), {@code top.<l>.w}, {@code top.<l>.b},
 * {@code dense.w}, {@code bias.b}, {@code fm.dense}. Every bias tensor's name ends in {@code .b}:
 * {@link #isBias(Table)} is how the trainer keeps biases out of the L2 group. The inputs of the
 * first bottom and first top layer are padded to a multiple of 16 floats with constant zeros
 * ({@link #pad16(int)}), so {@code bottom.0.w} is 64 x 16 for Criteo's 13 dense features and
 * {@code top.0.w} is 64 x 368 for its 367 interaction outputs; the padding weights never change the
 * output and never receive a gradient.
 *
 * <p>Compute: samples are processed in chunks of {@link Workspace#chunk()} rows; every dense layer
 * loops output unit outer and sample inner, so one weight row stays in L1 across the chunk
 * (Smile's {@code Layer} and DLRM's GEMMs do the same with BLAS). A {@link Workspace} per worker
 * thread holds every activation and gradient buffer, allocated once: the hot path allocates
 * nothing. Thread-safety: parameters are read concurrently by workers and written only by the
 * optimizer between batches.
 */
public final class SparseNN {
    /**
     * Whether the register-blocked Vector API kernels ({@link PanamaLayers}) are used: when the
     * {@code jdk.incubator.vector} module is present and {@code -Dsparsetrain.kernels=scalar} is not
     * set. Otherwise the loops below run on {@link Kernels}' row primitives.
     */
    static final boolean FAST = !"scalar".equals(System.getProperty("sparsetrain.kernels"))
            && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final int LANES = FAST ? PanamaLayers.LANES : 16;

    private final ModelConfig config;
    private final String[] names;
    private final int nd, ns, dim;
    final Table[] emb;      // null unless SPARSENN or FM
    final Table[] lin;      // null unless LOGISTIC or FM
    final Table[] bw, bb, tw, tb;
    final Table denseW, bias, fmDense;
    final int[] bIn, bOut, tIn, tOut;
    /** Width of the top MLP's input: the interaction's output padded to a multiple of 16 floats. */
    final int topInWidth;
    /** The interaction's output width (before padding). */
    final int topUsed;
    /** Stride of one sample's dense features in the workspace (padded to 16 floats for SparseNN). */
    final int xs;
    private final List<Table> denseTables = new ArrayList<>();
    private final List<Table> sparseTables = new ArrayList<>();
    private final int[] embIndex, linIndex; // feature -> sparse table index
    private final int[] bwI, bbI, twI, tbI;
    private final int denseWI, biasI, fmDenseI;

    /** Builds and initialises the parameters for data shaped like {@code data}. */
    public SparseNN(ModelConfig config, String[] sparseNames, int[] tableRows, int numDense, long seed) {
        this.config = config;
        this.names = sparseNames.clone();
        this.nd = numDense;
        this.ns = sparseNames.length;
        this.dim = config.embeddingDim();
        this.xs = config.type() == ModelConfig.Type.SPARSENN ? pad16(numDense) : numDense;
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean nn = config.type() == ModelConfig.Type.SPARSENN;
        boolean fm = config.type() == ModelConfig.Type.FM;
        boolean linear = config.type() != ModelConfig.Type.SPARSENN;
        embIndex = new int[ns];
        linIndex = new int[ns];
        if (nn || fm) {
            emb = new Table[ns];
            for (int f = 0; f < ns; f++) {
                emb[f] = Table.embedding("emb." + names[f], tableRows[f], dim).fillNormal(rnd.split(), config.embeddingInitStd());
                embIndex[f] = sparseTables.size();
                sparseTables.add(emb[f]);
            }
        } else {
            emb = null;
        }
        if (linear) {
            lin = new Table[ns];
            for (int f = 0; f < ns; f++) {
                lin[f] = Table.embedding("lin." + names[f], tableRows[f], 1);
                linIndex[f] = sparseTables.size();
                sparseTables.add(lin[f]);
            }
            denseW = Table.dense("dense.w", 1, Math.max(1, nd));
            denseWI = addDense(denseW);
            bias = Table.dense("bias.b", 1, 1);
            biasI = addDense(bias);
        } else {
            lin = null;
            denseW = null;
            bias = null;
            denseWI = biasI = -1;
        }
        if (fm) {
            fmDense = Table.dense("fm.dense", Math.max(1, nd), dim).fillNormal(rnd.split(), config.embeddingInitStd());
            fmDenseI = addDense(fmDense);
        } else {
            fmDense = null;
            fmDenseI = -1;
        }
        if (nn) {
            int lb = config.bottomHidden().length + 1;
            bIn = new int[lb];
            bOut = new int[lb];
            bw = new Table[lb];
            bb = new Table[lb];
            bwI = new int[lb];
            bbI = new int[lb];
            int in = xs;
            for (int l = 0; l < lb; l++) {
                int out = l < lb - 1 ? config.bottomHidden()[l] : dim;
                bIn[l] = in;
                bOut[l] = out;
                bw[l] = initLayer("bottom." + l + ".w", out, in, rnd.split());
                bb[l] = Table.dense("bottom." + l + ".b", 1, out).fillNormal(rnd.split(), Math.sqrt(1.0 / out));
                bwI[l] = addDense(bw[l]);
                bbI[l] = addDense(bb[l]);
                in = out;
            }
            int t = ns + 1;
            topUsed = config.interaction() == ModelConfig.Interaction.DOT ? dim + t * (t - 1) / 2 : t * dim;
            topInWidth = pad16(topUsed);
            int lt = config.topHidden().length + 1;
            tIn = new int[lt];
            tOut = new int[lt];
            tw = new Table[lt];
            tb = new Table[lt];
            twI = new int[lt];
            tbI = new int[lt];
            in = topInWidth;
            for (int l = 0; l < lt; l++) {
                int out = l < lt - 1 ? config.topHidden()[l] : 1;
                tIn[l] = in;
                tOut[l] = out;
                tw[l] = initLayer("top." + l + ".w", out, in, rnd.split());
                tb[l] = Table.dense("top." + l + ".b", 1, out).fillNormal(rnd.split(), Math.sqrt(1.0 / out));
                twI[l] = addDense(tw[l]);
                tbI[l] = addDense(tb[l]);
                in = out;
            }
        } else {
            bIn = bOut = tIn = tOut = new int[0];
            bw = bb = tw = tb = new Table[0];
            bwI = bbI = twI = tbI = new int[0];
            topInWidth = 0;
            topUsed = 0;
        }
    }

    /**
     * Rounds a layer input width up to a multiple of 16 floats (one AVX-512 vector): the padding
     * inputs are always 0, so their weights never receive a gradient and never affect the output,
     * and the SIMD dot and axpy kernels run without a scalar tail (367 = 22 x 16 + 15 would spend
     * 15 scalar multiply-adds per row, about 40% of the top layer's time).
     */
    static int pad16(int n) { return n == 0 ? 0 : (n + 15) & ~15; }

    /** DLRM's initialisation: N(0, 2/(fan_in + fan_out)) for weights (Glorot normal). */
    private static Table initLayer(String name, int out, int in, SplittableRandom rnd) {
        Table t = Table.dense(name, out, Math.max(1, in));
        if (in == 0) return t; // no dense input: the layer is its bias
        return t.fillNormal(rnd, Math.sqrt(2.0 / (in + out)));
    }

    private int addDense(Table t) {
        denseTables.add(t);
        return denseTables.size() - 1;
    }

    public ModelConfig config() { return config; }

    public int numSparse() { return ns; }

    public int numDense() { return nd; }

    /** Sparse feature names, in table order. */
    public String[] sparseNames() { return names.clone(); }

    /** Rows of each sparse feature's table (embedding, or linear for logistic regression). */
    public int[] tableRows() {
        int[] r = new int[ns];
        for (int f = 0; f < ns; f++) r[f] = sparseTables.get(f).rows();
        return r;
    }

    /** Every parameter table: sparse tables first, then dense tensors. */
    public List<Table> tables() {
        List<Table> all = new ArrayList<>(sparseTables);
        all.addAll(denseTables);
        return all;
    }

    public List<Table> sparseTables() { return List.copyOf(sparseTables); }

    public List<Table> denseTables() { return List.copyOf(denseTables); }

    /** Whether a dense tensor is a bias (excluded from L2 on MLP weights). */
    public static boolean isBias(Table t) { return t.name().endsWith(".b"); }

    /** Number of parameters. */
    public long parameterCount() {
        long s = 0;
        for (Table t : tables()) s += t.size();
        return s;
    }

    /** The model type name written into model files. */
    public static final String MODEL_TYPE = "sparsenn";

    /**
     * Saves the parameters and the architecture through {@link dev.sparsetrain.core.io.ModelFile}
     * (atomic write, checksummed). {@code metadata} is stored as given (e.g. the data set, the
     * encoder settings and the test figures).
     */
    public void save(java.nio.file.Path path, java.util.Map<String, String> metadata) {
        save(path, metadata, java.util.Map.of());
    }

    /**
     * Saves as {@link #save(java.nio.file.Path, java.util.Map)} plus named id maps (e.g. the
     * vocabularies of a {@link dev.sparsetrain.data.ctr.EncoderState}).
     */
    public void save(java.nio.file.Path path, java.util.Map<String, String> metadata, java.util.Map<String, java.util.List<String>> idMaps) {
        dev.sparsetrain.core.io.ModelFile.write(path, contents(metadata, idMaps));
    }

    /**
     * The model file contents {@link #save} writes (architecture JSON, {@code metadata}, id maps and
     * the parameter tables): also the model part of a training checkpoint
     * ({@link dev.sparsetrain.models.train.Checkpoint}); {@link #load} reads only the parameter tables.
     */
    public dev.sparsetrain.core.io.ModelFile.Contents contents(java.util.Map<String, String> metadata,
                                                               java.util.Map<String, java.util.List<String>> idMaps) {
        StringBuilder j = new StringBuilder("{");
        j.append("\"type\":\"").append(config.type()).append("\",");
        j.append("\"embeddingDim\":").append(dim).append(',');
        j.append("\"bottomHidden\":").append(java.util.Arrays.toString(config.bottomHidden())).append(',');
        j.append("\"topHidden\":").append(java.util.Arrays.toString(config.topHidden())).append(',');
        j.append("\"interaction\":\"").append(config.interaction()).append("\",");
        j.append("\"embeddingInitStd\":").append(config.embeddingInitStd()).append(',');
        j.append("\"numDense\":").append(nd).append(',');
        j.append("\"sparseNames\":[");
        for (int f = 0; f < ns; f++) {
            if (f > 0) j.append(',');
            j.append('"').append(names[f].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        j.append("],\"tableRows\":[");
        for (int f = 0; f < ns; f++) {
            if (f > 0) j.append(',');
            j.append(sparseTables.get(f).rows());
        }
        j.append("]}");
        return new dev.sparsetrain.core.io.ModelFile.Contents(MODEL_TYPE, j.toString(), metadata, idMaps, tables());
    }

    /** Loads a model written by {@link #save}; a file of another model type is refused in one line. */
    public static SparseNN load(java.nio.file.Path path) {
        return fromContents(path, dev.sparsetrain.core.io.ModelFile.read(path));
    }

    /**
     * Builds the model held by contents already read from {@code path} (for callers that also need
     * the file's metadata and id maps); a file of another model type is refused in one line.
     */
    public static SparseNN fromContents(java.nio.file.Path path, dev.sparsetrain.core.io.ModelFile.Contents c) {
        if (!c.modelType().equals(MODEL_TYPE)) {
            throw new dev.sparsetrain.core.BadInputException(path + ": a '" + c.modelType() + "' model, expected '" + MODEL_TYPE + "'");
        }
        try {
            com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(c.configJson());
            int[] bottom = ints(n.get("bottomHidden")), top = ints(n.get("topHidden"));
            ModelConfig mc = new ModelConfig(ModelConfig.Type.valueOf(n.get("type").asText()), n.get("embeddingDim").asInt(), bottom, top,
                    ModelConfig.Interaction.valueOf(n.get("interaction").asText()), n.get("embeddingInitStd").asDouble());
            String[] names = new String[n.get("sparseNames").size()];
            for (int f = 0; f < names.length; f++) names[f] = n.get("sparseNames").get(f).asText();
            SparseNN m = new SparseNN(mc, names, ints(n.get("tableRows")), n.get("numDense").asInt(), 0);
            for (Table t : m.tables()) {
                Table saved = c.table(t.name());
                if (saved.rows() != t.rows() || saved.dim() != t.dim()) {
                    throw new dev.sparsetrain.core.BadInputException(path + ": table '" + t.name() + "' is " + saved.rows() + " x "
                            + saved.dim() + ", the configuration implies " + t.rows() + " x " + t.dim());
                }
                t.load(saved.data());
            }
            return m;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            if (e instanceof dev.sparsetrain.core.BadInputException b) throw b;
            throw new dev.sparsetrain.core.BadInputException(path + ": damaged SparseNN configuration (" + e.getMessage() + ")");
        }
    }

    private static int[] ints(com.fasterxml.jackson.databind.JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    /** A fresh set of gradient buffers shaped like the parameters (one per worker). */
    public Gradients newGradients() { return new Gradients(); }

    /** A fresh workspace for chunks of up to {@code chunk} samples (one per worker). */
    public Workspace newWorkspace(int chunk) { return new Workspace(chunk); }

    /** Predicted click probabilities of every row of {@code data}, single-threaded. */
    public float[] predict(CtrData data) {
        float[] out = new float[data.rows()];
        Workspace ws = newWorkspace(32);
        int[] idx = new int[data.rows()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        for (int s = 0; s < data.rows(); s += ws.chunk) {
            int c = Math.min(ws.chunk, data.rows() - s);
            ws.forward(data, idx, s, c, null, 0f, 0f);
            System.arraycopy(ws.p, 0, out, s, c);
        }
        return out;
    }

    /** Per-worker gradient accumulators: one float[] per dense tensor, one RowBatch per sparse table. */
    public final class Gradients implements dev.sparsetrain.models.train.MiniBatch.Slot {
        final float[][] dense;
        final RowBatch[] sparse;
        double lossSum;
        long samples;
        long clicks;

        Gradients() {
            dense = new float[denseTables.size()][];
            for (int i = 0; i < dense.length; i++) dense[i] = new float[denseTables.get(i).data().length];
            sparse = new RowBatch[sparseTables.size()];
            for (int i = 0; i < sparse.length; i++) sparse[i] = new RowBatch(sparseTables.get(i).dim(), 256);
        }

        /** Zeroes everything. */
        public void clear() {
            for (float[] d : dense) java.util.Arrays.fill(d, 0f);
            for (RowBatch b : sparse) b.clear();
            lossSum = 0;
            samples = 0;
            clicks = 0;
        }

        @Override
        public float[] dense(int i) { return dense[i]; }

        public RowBatch sparse(int i) { return sparse[i]; }

        public double lossSum() { return lossSum; }

        public long samples() { return samples; }

        public long clicks() { return clicks; }

        @Override
        public long positives() { return clicks; }
    }

    /** Activations and gradients of one chunk of samples; one per worker thread, reused. */
    public final class Workspace {
        final int chunk;
        final float[] x;
        final float[][] bAct, dbAct, tAct, dtAct;
        final float[] z, dz, tin, dtin, p, dl, fmSum;
        int[] keptSample = new int[64], keptFeature = new int[64], keptRow = new int[64];
        float[] keptScale = new float[64];
        int kept;
        int count;
        final int nv; // vectors meeting in the interaction (SparseNN: F+1, FM: F + nd)
        final int tp; // nv rounded up to the SIMD lane count
        final float[] gram, zt;
        final int[] nzIdx;
        final float[] nzVal;
        final float[] laneScratch = new float[LANES];

        Workspace(int chunk) {
            this.chunk = chunk;
            x = new float[chunk * Math.max(1, xs)];
            bAct = new float[bOut.length][];
            dbAct = new float[bOut.length][];
            for (int l = 0; l < bOut.length; l++) {
                bAct[l] = new float[chunk * bOut[l]];
                dbAct[l] = new float[chunk * bOut[l]];
            }
            tAct = new float[tOut.length][];
            dtAct = new float[tOut.length][];
            for (int l = 0; l < tOut.length; l++) {
                tAct[l] = new float[chunk * tOut[l]];
                dtAct[l] = new float[chunk * tOut[l]];
            }
            nv = config.type() == ModelConfig.Type.SPARSENN ? ns + 1 : ns + nd;
            tp = (nv + LANES - 1) / LANES * LANES;
            gram = new float[nv * tp];
            zt = new float[dim * tp];
            nzIdx = new int[chunk];
            nzVal = new float[chunk];
            z = new float[chunk * nv * dim];
            dz = new float[chunk * nv * dim];
            tin = new float[chunk * Math.max(1, topInWidth)];
            dtin = new float[chunk * Math.max(1, topInWidth)];
            p = new float[chunk];
            dl = new float[chunk];
            fmSum = new float[chunk * dim];
        }

        public int chunk() { return chunk; }

        /** Predicted probabilities of the last forward pass, {@code [0, count)}. */
        public float[] probabilities() { return p; }

        private void keep(int b, int f, int row, float scale) {
            if (kept == keptRow.length) {
                int n = kept * 2;
                keptSample = java.util.Arrays.copyOf(keptSample, n);
                keptFeature = java.util.Arrays.copyOf(keptFeature, n);
                keptRow = java.util.Arrays.copyOf(keptRow, n);
                keptScale = java.util.Arrays.copyOf(keptScale, n);
            }
            keptSample[kept] = b;
            keptFeature[kept] = f;
            keptRow[kept] = row;
            keptScale[kept] = scale;
            kept++;
        }

        /**
         * Forward pass of samples {@code order[from .. from+count)}.
         *
         * @param rnd null for inference (no dropout); else the worker's generator
         * @param sparseDropout probability of dropping each sparse id (training only)
         * @param mlpDropout probability of dropping each hidden MLP unit (training only)
         */
        public void forward(CtrData data, int[] order, int from, int count, SplittableRandom rnd, float sparseDropout,
                            float mlpDropout) {
            this.count = count;
            kept = 0;
            boolean train = rnd != null;
            float sKeep = train && sparseDropout > 0 ? 1f / (1f - sparseDropout) : 1f;
            float mKeep = train && mlpDropout > 0 ? 1f / (1f - mlpDropout) : 1f;
            float[] dense = data.dense();
            for (int b = 0; b < count; b++) {
                int i = order[from + b];
                if (nd > 0) System.arraycopy(dense, i * nd, x, b * xs, nd);
                for (int f = 0; f < ns; f++) {
                    int e = data.end(f, i);
                    int[] ids = data.ids()[f];
                    for (int k = data.begin(f, i); k < e; k++) {
                        if (train && sparseDropout > 0 && rnd.nextFloat() < sparseDropout) continue;
                        keep(b, f, ids[k], sKeep);
                    }
                }
            }
            switch (config.type()) {
                case SPARSENN -> forwardNN(count, train ? rnd : null, mlpDropout, mKeep);
                case LOGISTIC -> forwardLinear(count, false);
                case FM -> forwardLinear(count, true);
            }
            for (int b = 0; b < count; b++) p[b] = sigmoid(dl[b]); // dl holds logits until backward
        }

        private void forwardLayer(float[] w, float[] bias, float[] in, int inW, float[] out, int outW, int count, boolean relu) {
            if (FAST && inW > 0) PanamaLayers.layerForward(w, bias, in, inW, out, outW, count, relu, laneScratch);
            else layerForward(w, bias, in, inW, out, outW, count, relu);
        }

        private void backwardLayer(float[] w, float[] in, int inW, float[] dOut, int outW, int count, float[] dW, float[] dB,
                                   float[] dIn) {
            if (FAST && inW > 0) PanamaLayers.layerBackward(w, in, inW, dOut, outW, count, dW, dB, dIn, nzIdx, nzVal);
            else layerBackward(w, in, inW, dOut, outW, count, dW, dB, dIn);
        }

        /** Sink of {@link #touch()}: a field, so the JIT cannot drop the loads. */
        float touched;

        /**
         * Loads one float of every kept embedding row in a tight loop of independent loads, so the
         * cache misses of a chunk's rows (26 random rows of a 166 MB table set per Criteo sample)
         * overlap instead of stalling the pooling loop one by one; Java has no prefetch instruction.
         */
        private void touch() {
            float s = 0;
            for (int k = 0; k < kept; k++) {
                Table t = emb[keptFeature[k]];
                int r = keptRow[k];
                s += t.block(r)[t.offset(r)];
            }
            touched = s;
        }

        private void pool(int count) {
            touch();
            java.util.Arrays.fill(z, 0, count * nv * dim, 0f);
            int base = config.type() == ModelConfig.Type.SPARSENN ? 1 : 0;
            for (int k = 0; k < kept; k++) {
                int f = keptFeature[k], r = keptRow[k];
                Table t = emb[f];
                Kernels.axpy(keptScale[k], t.block(r), t.offset(r), z, (keptSample[k] * nv + base + f) * dim, dim);
            }
        }

        private void forwardNN(int count, SplittableRandom rnd, float mlpDropout, float mKeep) {
            // bottom MLP
            float[] in = x;
            for (int l = 0; l < bOut.length; l++) {
                forwardLayer(bw[l].data(), bb[l].data(), in, bIn[l], bAct[l], bOut[l], count, true);
                if (rnd != null && mlpDropout > 0 && l < bOut.length - 1) dropout(bAct[l], count * bOut[l], rnd, mlpDropout, mKeep);
                in = bAct[l];
            }
            pool(count);
            float[] z0 = bAct[bOut.length - 1];
            int t = nv;
            for (int b = 0; b < count; b++) System.arraycopy(z0, b * dim, z, b * t * dim, dim);
            if (config.interaction() == ModelConfig.Interaction.DOT) {
                for (int b = 0; b < count; b++) {
                    int zo = b * t * dim, to = b * topInWidth;
                    System.arraycopy(z, zo, tin, to, dim);
                    int k = to + dim;
                    if (FAST) {
                        PanamaLayers.gram(z, zo, t, dim, zt, tp, gram);
                        for (int i = 0; i < t; i++) {
                            int gi = i * tp;
                            for (int j = i + 1; j < t; j++) tin[k++] = gram[gi + j];
                        }
                        continue;
                    }
                    for (int i = 0; i < t; i++) {
                        for (int j = i + 1; j < t; j++) tin[k++] = dot16(z, zo + i * dim, z, zo + j * dim, dim);
                    }
                }
            } else {
                for (int b = 0; b < count; b++) System.arraycopy(z, b * t * dim, tin, b * topInWidth, t * dim);
            }
            in = tin;
            int last = tOut.length - 1;
            for (int l = 0; l <= last; l++) {
                forwardLayer(tw[l].data(), tb[l].data(), in, tIn[l], tAct[l], tOut[l], count, l < last);
                if (rnd != null && mlpDropout > 0 && l < last) dropout(tAct[l], count * tOut[l], rnd, mlpDropout, mKeep);
                in = tAct[l];
            }
            System.arraycopy(tAct[last], 0, dl, 0, count);
        }

        private void forwardLinear(int count, boolean fm) {
            float b0 = bias.data()[0];
            float[] w = denseW.data();
            for (int b = 0; b < count; b++) dl[b] = b0 + (nd > 0 ? Kernels.dot(w, 0, x, b * xs, nd) : 0f);
            for (int k = 0; k < kept; k++) {
                Table t = lin[keptFeature[k]];
                int r = keptRow[k];
                dl[keptSample[k]] += keptScale[k] * t.block(r)[t.offset(r)];
            }
            if (!fm) return;
            pool(count);
            float[] v = fmDense.data();
            for (int b = 0; b < count; b++) {
                int zo = b * nv * dim;
                for (int j = 0; j < nd; j++) {
                    float xj = x[b * xs + j];
                    int o = zo + (ns + j) * dim;
                    for (int d = 0; d < dim; d++) z[o + d] = xj * v[j * dim + d];
                }
                int so = b * dim;
                java.util.Arrays.fill(fmSum, so, so + dim, 0f);
                float self = 0;
                for (int i = 0; i < nv; i++) {
                    Kernels.axpy(1f, z, zo + i * dim, fmSum, so, dim);
                    self += Kernels.squaredNorm(z, zo + i * dim, dim);
                }
                dl[b] += 0.5f * (Kernels.squaredNorm(fmSum, so, dim) - self);
            }
        }

        /**
         * Backward pass of the last forward: accumulates {@code scale * dloss/dparam} (scale is
         * typically 1/batch size) into {@code g}, and the loss into its running sums.
         */
        public void backward(CtrData data, int[] order, int from, Gradients g, float scale, float mlpDropout) {
            byte[] labels = data.labels();
            for (int b = 0; b < count; b++) {
                int y = labels[order[from + b]];
                float pb = p[b];
                g.lossSum -= Math.log(Math.max(1e-7, y == 1 ? pb : 1 - pb));
                g.clicks += y;
                dl[b] = (pb - y) * scale;
            }
            g.samples += count;
            switch (config.type()) {
                case SPARSENN -> backwardNN(g, mlpDropout);
                case LOGISTIC -> backwardLinear(g, false);
                case FM -> backwardLinear(g, true);
            }
        }

        private void backwardNN(Gradients g, float mlpDropout) {
            float mKeep = mlpDropout > 0 ? 1f / (1f - mlpDropout) : 1f;
            int last = tOut.length - 1;
            for (int l = last; l >= 0; l--) {
                float[] dOut = l == last ? dl : dtAct[l];
                float[] in = l == 0 ? tin : tAct[l - 1];
                float[] dIn = l == 0 ? dtin : dtAct[l - 1];
                java.util.Arrays.fill(dIn, 0, count * tIn[l], 0f);
                backwardLayer(tw[l].data(), in, tIn[l], dOut, tOut[l], count, g.dense[twI[l]], g.dense[tbI[l]], dIn);
                if (l > 0) reluMask(tAct[l - 1], dIn, count * tIn[l], mKeep);
            }
            int t = nv;
            if (config.interaction() == ModelConfig.Interaction.DOT) {
                java.util.Arrays.fill(dz, 0, count * t * dim, 0f);
                for (int b = 0; b < count; b++) {
                    int zo = b * t * dim, to = b * topInWidth;
                    System.arraycopy(dtin, to, dz, zo, dim);
                    int k = to + dim;
                    if (FAST) {
                        for (int i = 0; i < t; i++) {
                            gram[i * tp + i] = 0f;
                            for (int j = i + 1; j < t; j++) {
                                float gij = dtin[k++];
                                gram[i * tp + j] = gij;
                                gram[j * tp + i] = gij;
                            }
                        }
                        PanamaLayers.gramBackward(gram, tp, z, zo, t, dim, dz);
                        continue;
                    }
                    for (int i = 0; i < t; i++) {
                        int zi = zo + i * dim;
                        for (int j = i + 1; j < t; j++) {
                            float gij = dtin[k++];
                            if (gij == 0f) continue;
                            int zj = zo + j * dim;
                            axpy16(gij, z, zj, dz, zi, dim);
                            axpy16(gij, z, zi, dz, zj, dim);
                        }
                    }
                }
            } else {
                for (int b = 0; b < count; b++) System.arraycopy(dtin, b * topInWidth, dz, b * t * dim, t * dim);
            }
            embeddingGradients(g, 1);
            // bottom MLP: dz_0 through the ReLU of the projection
            int lb = bOut.length - 1;
            float[] d0 = dbAct[lb];
            for (int b = 0; b < count; b++) System.arraycopy(dz, b * t * dim, d0, b * dim, dim);
            reluMask(bAct[lb], d0, count * dim, 1f);
            for (int l = lb; l >= 0; l--) {
                float[] in = l == 0 ? x : bAct[l - 1];
                float[] dIn = l == 0 ? null : dbAct[l - 1];
                if (dIn != null) java.util.Arrays.fill(dIn, 0, count * bIn[l], 0f);
                backwardLayer(bw[l].data(), in, bIn[l], dbAct[l], bOut[l], count, g.dense[bwI[l]], g.dense[bbI[l]], dIn);
                if (dIn != null) reluMask(bAct[l - 1], dIn, count * bIn[l], mKeep);
            }
        }

        private void embeddingGradients(Gradients g, int base) {
            for (int k = 0; k < kept; k++) {
                int f = keptFeature[k];
                RowBatch rb = g.sparse[embIndex[f]];
                int off = rb.add(keptRow[k]);
                Kernels.axpy(keptScale[k], dz, (keptSample[k] * nv + base + f) * dim, rb.grads(), off, dim);
            }
        }

        private void backwardLinear(Gradients g, boolean fm) {
            float[] gb = g.dense[biasI], gw = g.dense[denseWI];
            for (int b = 0; b < count; b++) {
                gb[0] += dl[b];
                if (nd > 0) Kernels.axpy(dl[b], x, b * xs, gw, 0, nd);
            }
            for (int k = 0; k < kept; k++) {
                RowBatch rb = g.sparse[linIndex[keptFeature[k]]];
                int off = rb.add(keptRow[k]);
                rb.grads()[off] += keptScale[k] * dl[keptSample[k]];
            }
            if (!fm) return;
            // d/dv_i of 0.5(|S|^2 - sum |v|^2) = S - v_i
            float[] gv = g.dense[fmDenseI];
            for (int b = 0; b < count; b++) {
                int zo = b * nv * dim, so = b * dim;
                float d = dl[b];
                for (int i = 0; i < nv; i++) {
                    int o = zo + i * dim;
                    for (int c = 0; c < dim; c++) dz[o + c] = d * (fmSum[so + c] - z[o + c]);
                }
                for (int j = 0; j < nd; j++) {
                    float xj = x[b * xs + j];
                    if (xj != 0f) Kernels.axpy(xj, dz, zo + (ns + j) * dim, gv, j * dim, dim);
                }
            }
            embeddingGradients(g, 0);
        }
    }

    static float sigmoid(float v) {
        return (float) (1.0 / (1.0 + Math.exp(-v)));
    }

    private static void dropout(float[] a, int n, SplittableRandom rnd, float q, float keepScale) {
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() < q ? 0f : a[i] * keepScale;
    }

    /** Gradient through ReLU (and inverted dropout): zero where the activation is 0, else times keepScale. */
    private static void reluMask(float[] act, float[] grad, int n, float keepScale) {
        for (int i = 0; i < n; i++) grad[i] = act[i] > 0f ? grad[i] * keepScale : 0f;
    }

    /** {@code out[b, o] = bias[o] + W[o, :] . in[b, :]}, optionally ReLU; o outer so W's row stays in cache. */
    static void layerForward(float[] w, float[] bias, float[] in, int inW, float[] out, int outW, int count, boolean relu) {
        for (int o = 0; o < outW; o++) {
            int wo = o * Math.max(1, inW);
            float bo = bias[o];
            for (int b = 0; b < count; b++) {
                float v = bo + (inW > 0 ? Kernels.dot(w, wo, in, b * inW, inW) : 0f);
                out[b * outW + o] = relu && v < 0f ? 0f : v;
            }
        }
    }

    /** Accumulates dW += dOut^T in, dB += sum dOut, dIn += dOut W (dIn may be null). */
    static void layerBackward(float[] w, float[] in, int inW, float[] dOut, int outW, int count, float[] dW, float[] dB,
                              float[] dIn) {
        int stride = Math.max(1, inW);
        for (int o = 0; o < outW; o++) {
            int wo = o * stride;
            for (int b = 0; b < count; b++) {
                float gr = dOut[b * outW + o];
                if (gr == 0f) continue;
                dB[o] += gr;
                if (inW == 0) continue;
                Kernels.axpy(gr, in, b * inW, dW, wo, inW);
                if (dIn != null) Kernels.axpy(gr, w, wo, dIn, b * inW, inW);
            }
        }
    }

    /** A dot product for short vectors (the interaction's dim is usually 4 to 64): plain loop, JIT-unrolled. */
    private static float dot16(float[] a, int ao, float[] b, int bo, int n) {
        if (n >= 16) return Kernels.dot(a, ao, b, bo, n);
        float s = 0;
        for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    private static void axpy16(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        if (n >= 16) {
            Kernels.axpy(alpha, x, xo, y, yo, n);
            return;
        }
        for (int i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }
}
