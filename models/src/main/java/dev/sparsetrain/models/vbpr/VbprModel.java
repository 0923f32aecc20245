package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.features.FeatureTransform;
import dev.sparsetrain.data.features.ItemFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * VBPR (He and McAuley, "VBPR: Visual Bayesian Personalized Ranking from Implicit Feedback",
 * AAAI 2016) and its visual part alone (BPR-MF, the collaborative part alone, is {@code models.bpr.BprModel}). The preference of user u for item i with features f_i (F-d):
 *
 * <pre>
 *   x_ui = beta_i + gamma_u . gamma_i + theta_u . (E f_i) + beta' . f_i
 *
 *   table (group)       shape        kind
 *   item_bias           items x 1    embedding   beta_i
 *   user_factors        users x K    embedding   gamma_u
 *   item_factors        items x K    embedding   gamma_i
 *   user_visual         users x K'   embedding   theta_u
 *   visual_projection   K' x F       dense       E
 *   visual_bias         1 x F        dense       beta'
 * </pre>
 *
 * BPR loss per sample (u, i, j) with i a positive and j a sampled negative:
 * {@code L = -ln sigma(x_uij)}, {@code x_uij = x_ui - x_uj}; with {@code g = sigma(-x_uij)}
 * ({@code = -dL/dx_uij}) the hand-written gradients are
 *
 * <pre>
 *   dL/d beta_i  = -g            dL/d beta_j  = +g
 *   dL/d gamma_u = -g (gamma_i - gamma_j)
 *   dL/d gamma_i = -g gamma_u    dL/d gamma_j = +g gamma_u
 *   dL/d theta_u = -g E (f_i - f_j)
 *   dL/d E       = -g theta_u (f_i - f_j)^T
 *   dL/d beta'   = -g (f_i - f_j)
 * </pre>
 *
 * Item projections {@code p_i = E f_i} and visual biases {@code b'_i = beta' . f_i} are cached in
 * {@link #projections()} / {@link #visualBiases()} and refreshed by {@link #project(int, int)}
 * whenever E or beta' change (once per dense step during training): a sample then costs O(K + K')
 * instead of O(K' F). The features are stored after preprocessing; {@link #transform()} is the
 * fitted preprocessing, saved with the model.
 *
 * <p>Thread-safety: tables are written Hogwild by the trainer; {@link #score} reads without locks.
 */
public final class VbprModel {
    public static final String ITEM_BIAS = "item_bias", USER_FACTORS = "user_factors", ITEM_FACTORS = "item_factors",
            USER_VISUAL = "user_visual", PROJECTION = "visual_projection", VISUAL_BIAS = "visual_bias";

    /**
     * Whether a group (= table) is one of the dense tensors E and beta', which take one optimizer
     * step per dense batch, rather than sparse rows updated per sample.
     */
    public static boolean isDense(String group) {
        return PROJECTION.equals(group) || VISUAL_BIAS.equals(group);
    }

    private final Variant variant;
    private final int users, items, k, kv, featureDim;
    private final ItemFeatures features;
    private FeatureTransform transform;   // set once more only by VbprFiles' streaming read (it follows the tables)
    final Table itemBias, userFactors, itemFactors, userVisual, projection, visualBias;
    private final float[] proj, vbias;

    /**
     * @param features preprocessed features (one row per item)
     */
    public VbprModel(Variant variant, int users, int items, int k, int kv, ItemFeatures features, FeatureTransform transform) {
        this(variant, users, items, k, kv, features, transform, features != null ? features.dim() : 0, false);
    }

    /**
     * A model for serving only: no item features; the per-item projections {@code E f_i} and
     * visual biases {@code beta' . f_i} are fixed and filled by the caller through
     * {@link #projections()} / {@link #visualBiases()} (as stored in the model file), so cold-start
     * items stay scorable without the feature file. {@link #project} and {@link #initialize}
     * are refused on such a model.
     */
    public static VbprModel forServing(Variant variant, int users, int items, int k, int kv, int featureDim, FeatureTransform transform) {
        return new VbprModel(variant, users, items, k, kv, null, transform, featureDim, true);
    }

    private VbprModel(Variant variant, int users, int items, int k, int kv, ItemFeatures features, FeatureTransform transform,
                      int servingFeatureDim, boolean serving) {
        this.variant = variant;
        this.users = users;
        this.items = items;
        this.k = variant.collaborative() ? k : 0;
        this.kv = kv;
        if (variant.collaborative() && k <= 0) throw new IllegalArgumentException("K=" + k + ", must be > 0");
        if (kv <= 0 || (features == null && !serving)) throw new IllegalArgumentException("a VBPR model needs K' > 0 and features");
        this.features = features != null ? features.requireRows(items) : null;
        this.transform = transform;
        this.featureDim = features != null ? features.dim() : servingFeatureDim;
        if (variant.collaborative()) {
            itemBias = Table.embedding(ITEM_BIAS, items, 1);
            userFactors = Table.embedding(USER_FACTORS, users, k);
            itemFactors = Table.embedding(ITEM_FACTORS, items, k);
        } else {
            itemBias = userFactors = itemFactors = null;
        }
        userVisual = Table.embedding(USER_VISUAL, users, kv);
        projection = Table.dense(PROJECTION, kv, featureDim);
        visualBias = Table.dense(VISUAL_BIAS, 1, featureDim);
        proj = new float[items * kv];
        vbias = new float[items];
    }

    /**
     * Random initialisation: factors N(0, std^2); E N(0, (std / sqrt(mean |f|^2 per row))^2) so that
     * {@code E f_i} starts at the same scale as the factors whatever the feature magnitude; biases 0.
     */
    public VbprModel initialize(SplittableRandom rnd, double std) {
        if (variant.collaborative()) {
            itemBias.fill(0f);
            userFactors.fillNormal(rnd, std);
            itemFactors.fillNormal(rnd, std);
        }
        requireFeatures();
        userVisual.fillNormal(rnd, std);
        double n2 = Kernels.squaredNorm(features.values(), 0, features.values().length) / items;
        projection.fillNormal(rnd, 1.0 / Math.sqrt(Math.max(n2, 1e-12)));
        visualBias.fill(0f);
        project(0, items);
        return this;
    }

    public Variant variant() { return variant; }
    public int users() { return users; }
    public int items() { return items; }
    public int factors() { return k; }
    public int visualFactors() { return kv; }
    public int featureDim() { return featureDim; }
    public ItemFeatures features() { return features; }
    public FeatureTransform transform() { return transform; }

    /** The serving model's saved preprocessing, read after its tables ({@link VbprFiles#read(java.nio.file.Path)}). */
    void transform(FeatureTransform t) {
        if (!servingOnly()) throw new IllegalStateException("the preprocessing of a training model is fixed");
        this.transform = t;
    }
    public float[] projections() { return proj; }
    public float[] visualBiases() { return vbias; }

    /** The parameter tables in group order (only those of the variant). */
    public List<Table> tables() {
        List<Table> t = new ArrayList<>();
        for (Table x : new Table[] {itemBias, userFactors, itemFactors, userVisual, projection, visualBias}) if (x != null) t.add(x);
        return t;
    }

    public Table table(String name) {
        for (Table t : tables()) if (t.name().equals(name)) return t;
        throw new IllegalArgumentException("no table '" + name + "' in a " + variant + " model");
    }

    /** Recomputes {@code p_i = E f_i} and {@code b'_i = beta' . f_i} for items in [from, to). */
    public void project(int from, int to) {
        requireFeatures();
        final float[] e = projection.data(), bv = visualBias.data(), f = features.values();
        final int fd = featureDim;
        DenseKernels.INSTANCE.project(e, kv, f, fd, proj, from, to);
        for (int i = from; i < to; i++) vbias[i] = Kernels.dot(bv, 0, f, i * fd, fd);
    }

    /** Whether this is a serving model ({@link #forServing}): fixed item projections, no features. */
    public boolean servingOnly() {
        return features == null;
    }

    private void requireFeatures() {
        if (features == null) throw new IllegalStateException("a serving-only " + variant + " model has fixed item projections and no features");
    }

    /** The score x_ui from the cached projections. */
    public float score(int u, int i) {
        float s = 0;
        if (k > 0) {
            s += itemBias.get(i, 0) + Kernels.dot(userFactors.block(u), userFactors.offset(u), itemFactors.block(i), itemFactors.offset(i), k);
        }
        return s + vbias[i] + Kernels.dot(userVisual.block(u), userVisual.offset(u), proj, i * kv, kv);
    }

    /**
     * The model as a {@link dev.sparsetrain.metrics.ranking.Scorer} for evaluation and
     * recommendation: the item side packed once as {@code [gamma_i, p_i]} with offset
     * {@code beta_i + b'_i}, so scoring a user is one dot per item. A snapshot: take a new one
     * after training changes the model. Safe for concurrent calls.
     */
    public dev.sparsetrain.metrics.ranking.Scorer scorer() {
        final int w = k + kv;
        final float[] itemMat = new float[items * w], itemOff = new float[items];
        for (int i = 0; i < items; i++) {
            if (k > 0) {
                System.arraycopy(itemFactors.block(i), itemFactors.offset(i), itemMat, i * w, k);
                itemOff[i] += itemBias.get(i, 0);
            }
            System.arraycopy(proj, i * kv, itemMat, i * w + k, kv);
            itemOff[i] += vbias[i];
        }
        final Table uf = k > 0 ? userFactors : null, uv = userVisual;
        return new dev.sparsetrain.metrics.ranking.Scorer() {
            @Override
            public int numItems() { return items; }

            @Override
            public void scoreAll(int u, float[] out) {
                float[] uvec = new float[w];
                if (k > 0) System.arraycopy(uf.block(u), uf.offset(u), uvec, 0, k);
                System.arraycopy(uv.block(u), uv.offset(u), uvec, k, kv);
                for (int i = 0; i < items; i++) out[i] = itemOff[i] + Kernels.dot(uvec, 0, itemMat, i * w, w);
            }
        };
    }

    /**
     * Test figures of this model on a held-out split of {@code data} (see
     * {@link dev.sparsetrain.metrics.ranking.ColdStart#figures}): AUC, cold-start AUC,
     * Recall@20 and NDCG@20 against every item outside the user's training set.
     */
    public dev.sparsetrain.metrics.ranking.ColdStart.Figures evaluate(dev.sparsetrain.data.features.FeatureDataset data,
                                                                      dev.sparsetrain.data.features.FeatureDataset.Pairs split, int threads) {
        return dev.sparsetrain.metrics.ranking.ColdStart.figures(scorer(), data.interactions(split), data.interactions(data.train()), 20, threads);
    }

    /** Deep copy of the parameters (same features and transform). */
    public VbprModel copy() {
        VbprModel m = new VbprModel(variant, users, items, Math.max(k, 1), kv, features, transform, featureDim, features == null);
        for (Table t : tables()) m.table(t.name()).copyFrom(t);
        if (servingOnly()) {
            System.arraycopy(proj, 0, m.proj, 0, proj.length);
            System.arraycopy(vbias, 0, m.vbias, 0, vbias.length);
        } else {
            m.project(0, items);
        }
        return m;
    }

    /** Copies parameters from a model of the same shape. */
    public void copyFrom(VbprModel o) {
        for (Table t : tables()) t.copyFrom(o.table(t.name()));
        project(0, items);
    }

    /**
     * The per-sample kernel shared by training and the gradient check: computes {@code x_uij} from
     * the cached projections and writes the loss gradients of the sparse rows into {@code s}
     * (layout {@link Scratch}); returns {@code g = sigma(-x_uij)}. Reads pre-update values only.
     */
    public float sampleGradients(int u, int i, int j, Scratch s) {
        return sampleGradients(u, i, j, false, false, s);
    }

    /**
     * As {@link #sampleGradients(int, int, int, Scratch)} with item-ID dropout (DropoutNet,
     * Volkovs et al. 2017): when {@code dropI} ({@code dropJ}) the positive (negative) item's ID
     * parameters beta and gamma are left out of its score, as if they were zero, so the item is
     * scored by its visual term alone; their gradients are then zero (the caller skips their
     * update), and so is gamma_u's when both are dropped.
     */
    public float sampleGradients(int u, int i, int j, boolean dropI, boolean dropJ, Scratch s) {
        float x = 0;
        final int k = this.k, kv = this.kv;
        final float[] gb = s.buf;
        if (k > 0) {
            float[] uf = userFactors.block(u), iti = itemFactors.block(i), itj = itemFactors.block(j);
            int uo = userFactors.offset(u), io = itemFactors.offset(i), jo = itemFactors.offset(j);
            if (!dropI && !dropJ) {
                Kernels.sub(iti, io, itj, jo, gb, Scratch.U, k);     // gamma_i - gamma_j
            } else if (dropJ && !dropI) {
                System.arraycopy(iti, io, gb, Scratch.U, k);             // gamma_i - 0
            } else if (dropI && !dropJ) {
                System.arraycopy(itj, jo, gb, Scratch.U, k);
                Kernels.scale(gb, Scratch.U, k, -1f);                       // 0 - gamma_j
            } else {
                java.util.Arrays.fill(gb, Scratch.U, Scratch.U + k, 0f);
            }
            System.arraycopy(uf, uo, gb, s.gi, k);                    // gamma_u
            x += (dropI ? 0f : itemBias.get(i, 0)) - (dropJ ? 0f : itemBias.get(j, 0)) + Kernels.dot(uf, uo, gb, Scratch.U, k);
        }
        float[] th = userVisual.block(u);
        int to = userVisual.offset(u);
        Kernels.sub(proj, i * kv, proj, j * kv, gb, s.th, kv);         // p_i - p_j
        System.arraycopy(th, to, gb, s.thOld, kv);                    // theta_u before its update
        x += Kernels.dot(th, to, gb, s.th, kv) + vbias[i] - vbias[j];
        float g = (float) (1.0 / (1.0 + Math.exp(x)));
        if (k > 0) {
            Kernels.scale(gb, Scratch.U, k, -g);                      // dL/d gamma_u = -g (gamma_i - gamma_j)
            System.arraycopy(gb, s.gi, gb, s.gj, k);
            Kernels.scale(gb, s.gi, k, dropI ? 0f : -g);              // dL/d gamma_i = -g gamma_u
            Kernels.scale(gb, s.gj, k, dropJ ? 0f : g);               // dL/d gamma_j = +g gamma_u
            gb[s.bi] = dropI ? 0f : -g;
            gb[s.bj] = dropJ ? 0f : g;
        }
        Kernels.scale(gb, s.th, kv, -g);                              // dL/d theta_u = -g (p_i - p_j)
        return g;
    }

    /** BPR loss {@code -ln sigma(x)} in a numerically stable form. */
    public static double bprLoss(double x) {
        return x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
    }

    /** Per-thread gradient scratch for {@link #sampleGradients}: one slab, fixed offsets. */
    public static final class Scratch {
        static final int U = 0;
        final int gi, gj, th, thOld, bi, bj;
        final float[] buf;

        public Scratch(int k, int kv) {
            gi = k;
            gj = 2 * k;
            th = 3 * k;
            thOld = 3 * k + kv;
            bi = 3 * k + 2 * kv;
            bj = bi + 1;
            buf = new float[bj + 1];
        }

        public float[] buffer() { return buf; }
        public int userOffset() { return U; }
        public int itemOffset() { return gi; }
        public int negativeOffset() { return gj; }
        public int visualOffset() { return th; }
        /** theta_u before the update (for the E gradient). */
        public int visualOldOffset() { return thOld; }
        public int itemBiasOffset() { return bi; }
        public int negativeBiasOffset() { return bj; }
    }
}
