package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.ctr.CtrData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * <p>Composed as torchrec's {@code DLRM} (torchrec/models/dlrm.py) of small parts: the sparse arch
 * ({@link SparseArch}: embedding tables, pooling, regularizer hook), the dense arch (bottom
 * {@link Mlp}), the interaction ({@link Interaction}: dot or concat), the over arch (top
 * {@link Mlp}); LR and FM use {@link LinearArch} for the logit. The model file is
 * {@link SparseNNFile}'s. Compute: samples are processed in chunks of {@link Workspace#chunk()}
 * rows; every dense layer loops output unit outer and sample inner, so one weight row stays in L1
 * across the chunk (Smile's {@code Layer} and DLRM's GEMMs do the same with BLAS). A
 * {@link Workspace} per worker thread holds every activation and gradient buffer, allocated once:
 * the hot path allocates nothing. Thread-safety: parameters are read concurrently by workers and
 * written only by the optimizer between batches.
 */
public final class SparseNN {
    /**
     * Whether the register-blocked Vector API kernels ({@link PanamaLayers}) are used, as
     * {@link dev.sparsetrain.core.Simd#enabled()} decides for every kernel family. Otherwise the
     * loops run on {@link dev.sparsetrain.core.Kernels}' row primitives.
     */
    static final boolean FAST = dev.sparsetrain.core.Simd.enabled();
    static final int LANES = FAST ? PanamaLayers.LANES : 16;

    /** The model type name written into model files. */
    public static final String MODEL_TYPE = "sparsenn";

    private final ModelConfig config;
    private final String[] names;
    private final int nd, ns;
    /** Stride of one sample's dense features in the workspace (padded to 16 floats for SparseNN). */
    final int xs;
    final SparseArch sparseArch;
    /** The bottom MLP (SparseNN only, else null). */
    final Mlp denseArch;
    /** SparseNN only, else null. */
    final Interaction interaction;
    /** The top MLP (SparseNN only, else null). */
    final Mlp overArch;
    /** LR and FM only, else null. */
    final LinearArch linearArch;
    private final List<Table> denseTables = new ArrayList<>();
    private final List<Table> sparseTables = new ArrayList<>();

    /** Builds and initialises the parameters for data shaped like {@code data}. */
    public SparseNN(ModelConfig config, String[] sparseNames, int[] tableRows, int numDense, long seed) {
        this(config, sparseNames, tableRows, numDense, seed, null);
    }

    /**
     * As {@link #SparseNN(ModelConfig, String[], int[], int, long)}, with feature f a dynamic
     * table ({@link dev.sparsetrain.data.ctr.DynamicIdMap}) when {@code dynamic[f]} is not null
     * (its capacity must equal {@code tableRows[f]}); {@code dynamic} may be null.
     */
    public SparseNN(ModelConfig config, String[] sparseNames, int[] tableRows, int numDense, long seed,
                    dev.sparsetrain.data.ctr.DynamicIdConfig[] dynamic) {
        this.config = config;
        this.names = sparseNames.clone();
        this.nd = numDense;
        this.ns = sparseNames.length;
        int dim = config.embeddingDim();
        boolean nn = config.type() == ModelConfig.Type.SPARSENN;
        boolean fm = config.type() == ModelConfig.Type.FM;
        this.xs = nn ? pad16(numDense) : numDense;
        // the generator is split in table order: embeddings, FM factors, bottom then top layers
        SplittableRandom rnd = new SplittableRandom(seed);
        sparseArch = new SparseArch(names, tableRows, dim, nn || fm, !nn, config.embeddingInitStd(), rnd, sparseTables, dynamic, seed);
        linearArch = nn ? null : new LinearArch(nd, ns, dim, fm, config.embeddingInitStd(), rnd, denseTables);
        if (nn) {
            denseArch = new Mlp("bottom", xs, config.bottomHidden(), dim, true, rnd, denseTables);
            interaction = new Interaction(config.interaction(), ns + 1, dim);
            overArch = new Mlp("top", interaction.width, config.topHidden(), 1, false, rnd, denseTables);
        } else {
            denseArch = overArch = null;
            interaction = null;
        }
    }

    /**
     * Rounds a layer input width up to a multiple of 16 floats (one AVX-512 vector): the padding
     * inputs are always 0, so their weights never receive a gradient and never affect the output,
     * and the SIMD dot and axpy kernels run without a scalar tail (367 = 22 x 16 + 15 would spend
     * 15 scalar multiply-adds per row, about 40% of the top layer's time).
     */
    static int pad16(int n) { return n == 0 ? 0 : (n + 15) & ~15; }

    public ModelConfig config() { return config; }

    /** Whether some feature is a dynamic table. */
    public boolean hasDynamicIds() { return sparseArch.dyn != null; }

    /** Feature f's dynamic id map, or null when its ids are hashed or from a vocabulary. Live: read it between batches. */
    public dev.sparsetrain.data.ctr.DynamicIdMap dynamicIds(int f) { return sparseArch.dyn == null ? null : sparseArch.dyn[f]; }

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

    /**
     * Saves the parameters and the architecture ({@link SparseNNFile}; atomic write, checksummed).
     * {@code metadata} is stored as given (e.g. the data set, the encoder settings and the test figures).
     */
    public void save(Path path, Map<String, String> metadata) {
        save(path, metadata, Map.of());
    }

    /** Saves as {@link #save(Path, Map)} plus named id maps (e.g. the vocabularies of a {@link dev.sparsetrain.data.ctr.EncoderState}). */
    public void save(Path path, Map<String, String> metadata, Map<String, List<String>> idMaps) {
        ModelFile.write(path, contents(metadata, idMaps));
    }

    /**
     * The model file contents {@link #save} writes: also the model part of a training checkpoint
     * ({@link dev.sparsetrain.models.train.Checkpoint}); {@link #load} reads only the parameter tables.
     */
    public ModelFile.Contents contents(Map<String, String> metadata, Map<String, List<String>> idMaps) {
        return SparseNNFile.contents(this, metadata, idMaps);
    }

    /** Loads a model written by {@link #save}; a file of another model type is refused in one line. */
    public static SparseNN load(Path path) {
        return SparseNNFile.read(path).model();   // each table read into the model's own, chunk by chunk
    }

    /**
     * The model a file's header ({@link ModelFile#readHeader}) describes, tables freshly
     * initialised: e.g. to resume a checkpoint into ({@link CtrTrainer#resume(Path)}) without a
     * second copy of its tables.
     */
    public static SparseNN fromHeader(Path path, ModelFile.Header header) {
        return SparseNNFile.fromHeader(path, header);
    }

    /**
     * {@link #fromHeader(Path, ModelFile.Header)} for the run of seed {@code seed}: a resumed run
     * with dynamic tables reinitialises evicted rows from the run's seed, as the run that never
     * stopped does.
     */
    public static SparseNN fromHeader(Path path, ModelFile.Header header, long seed) {
        return SparseNNFile.fromHeader(path, header, seed);
    }

    /**
     * Builds the model held by contents already read from {@code path} (for callers that also need
     * the file's metadata and id maps); a file of another model type is refused in one line.
     */
    public static SparseNN fromContents(Path path, ModelFile.Contents c) {
        return SparseNNFile.fromContents(path, c);
    }

    /** A fresh set of gradient buffers shaped like the parameters (one per chunk slot). */
    public Gradients newGradients() { return new Gradients(denseTables, sparseTables); }

    /** A fresh workspace for chunks of up to {@code chunk} samples (one per worker). */
    public Workspace newWorkspace(int chunk) { return new Workspace(this, chunk); }

    /** Predicted click probabilities of every row of {@code data}, single-threaded. */
    public float[] predict(CtrData data) {
        sparseArch.checkData(data);
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

    static float sigmoid(float v) {
        return (float) (1.0 / (1.0 + Math.exp(-v)));
    }
}
