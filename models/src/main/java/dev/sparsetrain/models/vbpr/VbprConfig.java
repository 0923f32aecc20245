package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.features.Preprocessing;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that defines a VBPR training run; immutable, validated in the constructor.
 *
 * <p>The defaults ({@link #defaults(Variant)}) were chosen from measurements on tiktok-diffmm (raw
 * features of magnitude ~3, row norms ~33) and on the 4,096-d synthetic set (magnitude ~100, row
 * norms in the thousands); see {@link VbprTrainer} and the README for the figures:
 * <ul>
 *   <li>features: {@link Preprocessing#L2_ROW} (rows of unit norm: the gradient of E no longer
 *       scales with the feature magnitude, whatever the data);</li>
 *   <li>per-group optimizers: SGD on the sparse rows, Adam on the dense E and beta'
 *       ({@link #defaultGroups});</li>
 *   <li>{@link AutoBalance} on: a probe sets per-group learning-rate multipliers so that every
 *       group's update-to-weight ratio meets the median (it raised E's rate about 57x on
 *       tiktok-diffmm: E takes one step per dense batch, the rows one per sample);</li>
 *   <li>initial factors N(0, 0.01^2) (cold items keep their initial factors: small is better);</li>
 *   <li>early stopping on validation AUC with patience 10, at most 100 epochs.</li>
 * </ul>
 *
 * Measured alternatives (tiktok-diffmm test AUC / cold-start AUC, VBPR, everything else default):
 * <pre>
 *   defaults (l2-row, auto-balance to the median ratio)        0.804 / 0.44
 *   features none / standardize / max-abs                      0.801 / 0.42   0.795 / 0.42   0.801 / 0.43
 *   no auto-balance (E at Adam 1e-3 learns too slowly; measured with N(0, 0.1^2) factors) 0.795 / 0.37
 *   balance target 0.01 / 0.1 instead of the median           0.791 / 0.44   0.771 / 0.19
 *   E initial scale x0.1 / x3 (default: E f_i ~ N(0, 1))       0.811 / 0.39   0.800 / 0.42
 *   dense batch 4096 / 16384 (default 8192)                    0.801 / 0.43   0.806 / 0.43
 *   user_visual with adam 1e-3 / adagrad 0.05                  0.791 / 0.42   0.802 / 0.37
 *   K' = 64                                                    0.801 / 0.43
 * </pre>
 * On the 4,096-d synthetic set (raw row norms ~3,700) the same defaults give 0.82 / 0.73 while
 * the hand-tuned per-group rates on raw features diverge; single-rate SGD diverges at every rate
 * from 1e-8 up and reaches 0.60 at 1e-10.
 *
 * <p><b>Item-ID dropout</b> ({@link #itemIdDropout}, off by default): DropoutNet (Volkovs et al.,
 * NeurIPS 2017) applied to VBPR's ID parameters: in each sample, independently for the positive
 * and the negative item with probability p, beta and gamma of that item are left out of its score
 * (the visual term alone scores it) and get no update. Measured on tiktok-diffmm (VBPR, everything
 * else default, seed 42, 2 threads; chosen on validation, test shown for the record; BPR-MF with
 * defaults: val 0.787 / 0.205, test 0.789 / 0.216):
 * <pre>
 *   p       val AUC / cold-start     test AUC / cold-start
 *   0       0.802 / 0.43-0.44        0.804 / 0.437-0.441
 *   0.05    0.800 / 0.438            0.802 / 0.432
 *   0.1     0.799 / 0.449            0.800 / 0.437
 *   0.15    0.796 / 0.454            0.797 / 0.441
 *   0.2     0.794 / 0.466            0.795 / 0.452   (seed 7: 0.791 / 0.448, 0.792 / 0.437)
 *   0.3     0.787 / 0.424            0.786 / 0.410
 *   0.5     0.768 / 0.488            0.765 / 0.472
 *   positive item only  p 0.1   0.797 / 0.444            0.799 / 0.439
 *   positive item only  p 0.3   0.781 / 0.446            0.781 / 0.439
 *   negative item only  p 0.2   0.801 / 0.401            0.805 / 0.405
 *   item bias only      p 0.2   0.796 / 0.455            0.797 / 0.444
 *   item bias only      p 0.5   0.770 / 0.449            0.765 / 0.435
 *   item bias only      p 0.8   0.668 / 0.594            0.666 / 0.560
 *   no dropout, L2 on item_bias 0.01 / 0.1 / 1 (default 1e-3)
 *                               0.799 / 0.411            0.802 / 0.415
 *                               0.788 / 0.370            0.791 / 0.380
 *                               0.745 / 0.429            0.741 / 0.413
 *   no dropout, L2 on item_factors 0.01 / 0.03
 *                               0.801 / 0.428            0.803 / 0.433
 *                               0.800 / 0.404            0.801 / 0.411
 * </pre>
 * Measured in session 2 (test AUC / cold-start AUC; validation trajectories from the per-epoch
 * {@code validationColdAuc}):
 * <pre>
 *   trajectory, 160 epochs without early stopping (validation AUC / cold-start):
 *     VBPR    ep 5 0.753 / 0.21, ep 54 0.802 / 0.44, ep 100 0.799 / 0.46, ep 160 0.796 / 0.47
 *     BPR-MF  ep 5 0.730 / 0.09, ep 15 0.761 / 0.06, ep 74 0.787 / 0.21, ep 155 0.780 / 0.25
 *     (BPR-MF passes through the PyTorch reference's 0.04-0.06 early; the gap at equal epochs stays 0.21-0.25)
 *   learning rates halved after 3 epochs without improvement   VBPR 0.804 / 0.418   BPR-MF 0.788 / 0.196
 *   dense batch 1024 / 256                                      0.790 / 0.444        0.776 / 0.456
 *   E initial scale x0.1, item-ID dropout 0 / 0.2 / 0.35 / 0.5  0.811 / 0.390   0.807 / 0.383   0.801 / 0.388   0.784 / 0.415
 *   L2 on item_bias 0 / 1e-4 (BPR-MF 0.789 / 0.211 with 0)      0.804 / 0.436        0.804 / 0.437
 * </pre>
 * A smaller initial E is the one lever that raises overall AUC (0.811) but it lowers cold-start
 * AUC; the defaults keep the scale at which both must-show margins are closest.
 *
 * <p>Also measured in session 2 (seed 42 unless noted; test AUC / cold-start AUC; BPR-MF always with the
 * same ID-group settings as VBPR). Which term ranks cold items low: the cold-start AUC of each term
 * of the default model's score alone (a cold test item against all items outside train(u)):
 * <pre>
 *   VBPR    beta_i 0.053  gamma_u.gamma_i 0.616  theta_u.E f_i 0.648  beta'.f_i 0.497  ID part 0.087  visual part 0.648  sum 0.436
 *           mean beta_i: cold items -0.87, warm +0.04; mean |gamma_i|: cold 0.46, warm 1.20;
 *           beta'.f_i is almost constant over items (0.083 cold, 0.084 warm: all-positive l2-row features)
 *   BPR-MF  beta_i 0.037  gamma_u.gamma_i 0.585  sum 0.216;  mean beta_i: cold -1.12, warm +0.04
 *   visual term rescaled at inference, score = ID + a * visual (diagnostic only, not a method):
 *     a 0.5 / 1 / 1.5 / 2 / 3 / 5   0.805/0.341  0.804/0.436  0.794/0.486  0.783/0.517  0.762/0.554  0.729/0.588
 *     (another run of the defaults, 0.804/0.442 at a 1: a 1.1 / 1.2 / 1.3 / 1.4   0.802/0.454  0.800/0.465  0.798/0.475  0.796/0.483)
 *   dense weight decay of item rows once per dense phase (a Gaussian prior on every row, not per occurrence;
 *   experimental code, not kept), both models:
 *     item_bias x(1-d), d 0.002 / 0.01 / 0.05   VBPR 0.802/0.437  0.798/0.407  0.780/0.436   BPR-MF 0.791/0.234  0.791/0.300  0.768/0.240
 *     item_bias and item_factors, d 0.01         VBPR 0.797/0.413                              BPR-MF 0.792/0.281
 *   K = 16 / 64 / 128 (both models, K' 32)     VBPR 0.805/0.417  0.801/0.437  0.800/0.413   BPR-MF 0.788/0.215  0.789/0.198  0.789/0.209
 *     seed 7: K 32 / 64                         VBPR 0.802/0.413  0.801/0.418                BPR-MF 0.787/0.208  0.789/0.196
 *   visual groups at fixed rates (auto-balance off, the other groups at the rates it picks):
 *     user_visual SGD 0.0094 (balanced) / 0.03 / 0.1        0.804/0.436  0.798/0.427  0.788/0.428
 *     E Adam 0.02 / 0.075 (balanced) / 0.2, beta' Adam 0.01  0.811/0.395  0.805/0.439  0.799/0.433
 *     beta' Adam 0.1                                          0.806/0.428
 *   L2 on user_visual 0 / 0.01; on visual_bias 0.1           0.804/0.440  0.803/0.438; 0.804/0.441
 *   visual-only: defaults 0.605/0.612; features none / standardize / max-abs 0.643/0.599  0.637/0.599  0.612/0.606;
 *     user_visual Adam 1e-3 / AdaGrad 0.05 0.607/0.633  0.606/0.625; dense batch 256 0.647/0.614
 *   no training, content only: score = sum of the user's training items' features . f_i (features
 *     standardized, rows of unit norm)                     0.598/0.642
 *     (the learned visual term's 0.648 is about what this simple content profile reaches)
 *   session 3, nonlinear content scorers (a NumPy script, same split and negatives; the profile, nearest-item and ridge
 *   rows are reproduced by {@code ContentCeilingTest}: 0.642, 0.642, 0.449):
 *     user-to-item cosine kNN over the user's training items, mean / max / soft-max (temperature 0.05, 0.1):
 *       rows of unit norm      0.566 / 0.571 / 0.571 / 0.570
 *       standardized, unit     0.642 / 0.642 / 0.644 / 0.646
 *     popularity predicted from the features (log1p of training count; kNN regression k 10/50/200, ridge),
 *       ranking items by it alone: 0.44-0.47, below chance
 * </pre>
 * So these 128-d features rank cold items at about 0.65, whether combined linearly or
 * by similarity, and they do not predict an item's popularity. A nonlinear visual encoder or a
 * nonlinear visual bias has little to add here (evidence, not proof). The cold items' ID penalty decides the margin.
 * The item bias decides it: items never seen in training are drawn only as negatives, so their
 * beta_i goes to about -0.9 in VBPR and -1.1 in BPR-MF, while the visual term alone ranks cold
 * items at 0.65. VBPR's cold-start AUC is how far the visual term outweighs that penalty shared
 * with BPR-MF: every setting measured trades overall AUC for cold-start AUC along about one
 * frontier (a +0.25 gap over BPR-MF's 0.216 needs the visual term at about 1.25x, where the AUC margin
 * over BPR-MF's 0.789 is down to 0.01; a weight picked for the cold-start figure is not a default),
 * and a prior that shrinks item rows uniformly lifts BPR-MF's cold-start AUC more than VBPR's.
 * The issue's own PyTorch reference, rerun here (README, "PyTorch, measured on this machine";
 * {@code compare/pytorch/vbpr_torch.py}), has the same gap where early stopping stops: +0.222 to
 * +0.227 at each model's best validation epoch, against +0.30 to +0.34 after a fixed 20-40 epochs,
 * while its BPR-MF is in an early cold-start dip (0.037 at epochs 13-16, 0.21 by epoch 160).
 *
 * <p>(The positive-only, negative-only and bias-only rows were measured with experimental code that
 * is not kept; the option drops both items' beta and gamma.) Dropout trades overall AUC for a little cold-start AUC (validation peaks earlier and lower), and
 * no setting reaches both the must-shows' AUC margin (0.01 above BPR-MF) and a cold-start margin
 * of 0.25 over BPR-MF, so it stays off. Why: items without training interactions are drawn only
 * as negatives, so their beta and gamma are pushed down all run long; scoring them with those
 * rows at zero (DropoutNet's inference for cold items) lifts VBPR's validation cold-start AUC from
 * 0.43 to 0.66 (0.78 with positive-only dropout p 0.3) but lifts BPR-MF's even more (0.21 to
 * 0.59; the gap then shrinks to +0.07 / +0.19): a property of the split shared by both models, not knowledge from the features, so it
 * is not used.
 *
 * @param itemIdDropout probability of dropping an item's ID parameters per occurrence in a sample (VBPR only)
 * @param groups       per-group optimizer, keyed by table name (absent tables of the variant ignored)
 * @param denseBatch   samples (over all threads) between two dense updates of E and beta'
 * @param balanceTarget update-to-weight ratio that auto-balance aims for; NaN = the median of the groups
 */
public record VbprConfig(Variant variant, int factors, int visualFactors, Preprocessing preprocessing,
                         Map<String, GroupSpec> groups, int threads, int maxEpochs, int patience, int denseBatch,
                         long seed, double initStd, boolean autoBalance, double balanceTarget, int restarts,
                         boolean recordStats, double itemIdDropout) implements java.io.Serializable {

    public VbprConfig {
        if (variant == null) throw new BadInputException(Settings.name("model") + " must be given (vbpr, visual)");
        if (factors <= 0 || factors > 4096) throw new BadInputException(Settings.name("factors") + " " + factors + ": must be in [1, 4096]");
        if (visualFactors <= 0 || visualFactors > 4096) throw new BadInputException(Settings.name("visualFactors") + " " + visualFactors + ": must be in [1, 4096]");
        if (threads <= 0 || threads > 256) throw new BadInputException(Settings.name("threads") + " " + threads + ": must be in [1, 256]");
        if (maxEpochs <= 0) throw new BadInputException(Settings.name("epochs") + " " + maxEpochs + ": must be > 0");
        if (patience <= 0) throw new BadInputException(Settings.name("patience") + " " + patience + ": must be > 0");
        if (denseBatch < threads) throw new BadInputException(Settings.name("denseBatch") + " " + denseBatch + ": must be >= " + Settings.name("threads") + " (" + threads + ")");
        if (!(initStd > 0)) throw new BadInputException(Settings.name("initStd") + " " + initStd + ": must be > 0");
        if (restarts <= 0 || restarts > 1000) throw new BadInputException(Settings.name("restarts") + " " + restarts + ": must be in [1, 1000]");
        if (!(itemIdDropout >= 0 && itemIdDropout < 1)) throw new BadInputException(Settings.name("itemIdDropout") + " " + itemIdDropout + ": must be in [0, 1)");
        if (!Double.isNaN(balanceTarget) && !(balanceTarget > 0)) throw new BadInputException(Settings.name("balanceTarget") + " " + balanceTarget + ": must be > 0");
        groups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        for (String t : tableNames(variant)) {
            if (!groups.containsKey(t)) throw new BadInputException("group '" + t + "': no optimizer given");
        }
    }

    /** The table (= group) names of a variant, in order. */
    public static String[] tableNames(Variant v) {
        return switch (v) {
            case VBPR -> new String[] {VbprModel.ITEM_BIAS, VbprModel.USER_FACTORS, VbprModel.ITEM_FACTORS,
                    VbprModel.USER_VISUAL, VbprModel.PROJECTION, VbprModel.VISUAL_BIAS};
            case VISUAL -> new String[] {VbprModel.USER_VISUAL, VbprModel.PROJECTION, VbprModel.VISUAL_BIAS};
        };
    }

    /**
     * The measured defaults: plain SGD (lr 0.05, L2 1e-3) on the sparse rows, Adam (lr 1e-3) on E
     * and beta'. Sparse rows are touched a few times per epoch, so per-row adaptive state (AdaGrad,
     * Adam) barely accumulates history and measured worse on tiktok-diffmm (BPR-MF test AUC: SGD
     * 0.787, Adam 0.765, AdaGrad 0.727); E and beta' get a gradient every dense step, and Adam's
     * per-element normalisation makes their step independent of the feature magnitude.
     */
    public static Map<String, GroupSpec> defaultGroups() {
        Map<String, GroupSpec> g = new LinkedHashMap<>();
        g.put(VbprModel.ITEM_BIAS, GroupSpec.sgd(0.05, 1e-3));
        g.put(VbprModel.USER_FACTORS, GroupSpec.sgd(0.05, 1e-3));
        g.put(VbprModel.ITEM_FACTORS, GroupSpec.sgd(0.05, 1e-3));
        g.put(VbprModel.USER_VISUAL, GroupSpec.sgd(0.05, 1e-3));
        g.put(VbprModel.PROJECTION, GroupSpec.adam(1e-3, 0));
        g.put(VbprModel.VISUAL_BIAS, GroupSpec.adam(1e-3, 0));
        return g;
    }

    /** One rule for every group (the single-rate set-up). */
    public static Map<String, GroupSpec> uniform(GroupSpec spec) {
        Map<String, GroupSpec> g = new LinkedHashMap<>();
        for (String t : tableNames(Variant.VBPR)) g.put(t, spec);
        return g;
    }

    /** Default of {@link #itemIdDropout()} (0 = off). */
    public static final double DEFAULT_ITEM_ID_DROPOUT = 0;

    public static VbprConfig defaults(Variant v) {
        return new VbprConfig(v, 32, 32, Preprocessing.L2_ROW, defaultGroups(), 2, 100, 10, 8192, 42L, 0.01, true,
                Double.NaN, 1, true, DEFAULT_ITEM_ID_DROPOUT);
    }

    public VbprConfig withGroups(Map<String, GroupSpec> g) {
        return new VbprConfig(variant, factors, visualFactors, preprocessing, g, threads, maxEpochs, patience, denseBatch, seed, initStd, autoBalance, balanceTarget, restarts, recordStats, itemIdDropout);
    }

    public VbprConfig withGroup(String table, GroupSpec spec) {
        Map<String, GroupSpec> g = new LinkedHashMap<>(groups);
        g.put(table, spec);
        return withGroups(g);
    }

    public VbprConfig withVariant(Variant v) {
        return new VbprConfig(v, factors, visualFactors, preprocessing, groups, threads, maxEpochs, patience, denseBatch, seed, initStd, autoBalance, balanceTarget, restarts, recordStats, itemIdDropout);
    }

    public VbprConfig withPreprocessing(Preprocessing p) {
        return new VbprConfig(variant, factors, visualFactors, p, groups, threads, maxEpochs, patience, denseBatch, seed, initStd, autoBalance, balanceTarget, restarts, recordStats, itemIdDropout);
    }

    public VbprConfig withEpochs(int maxEpochs, int patience) {
        return new VbprConfig(variant, factors, visualFactors, preprocessing, groups, threads, maxEpochs, patience, denseBatch, seed, initStd, autoBalance, balanceTarget, restarts, recordStats, itemIdDropout);
    }

    public VbprConfig withThreads(int t) {
        return new VbprConfig(variant, factors, visualFactors, preprocessing, groups, t, maxEpochs, patience, denseBatch, seed, initStd, autoBalance, balanceTarget, restarts, recordStats, itemIdDropout);
    }

    public VbprConfig withSeed(long s) {
        return new VbprConfig(variant, factors, visualFactors, preprocessing, groups, threads, maxEpochs, patience, denseBatch, s, initStd, autoBalance, balanceTarget, restarts, recordStats, itemIdDropout);
    }

    public VbprConfig withDenseBatch(int b) {
        return new VbprConfig(variant, factors, visualFactors, preprocessing, groups, threads, maxEpochs, patience, b, seed, initStd, autoBalance, balanceTarget, restarts, recordStats, itemIdDropout);
    }

    public VbprConfig withAutoBalance(boolean on, double target) {
        return new VbprConfig(variant, factors, visualFactors, preprocessing, groups, threads, maxEpochs, patience, denseBatch, seed, initStd, on, target, restarts, recordStats, itemIdDropout);
    }

    public VbprConfig withRestarts(int n) {
        return new VbprConfig(variant, factors, visualFactors, preprocessing, groups, threads, maxEpochs, patience, denseBatch, seed, initStd, autoBalance, balanceTarget, n, recordStats, itemIdDropout);
    }

    public VbprConfig withFactors(int k, int kv) {
        return new VbprConfig(variant, k, kv, preprocessing, groups, threads, maxEpochs, patience, denseBatch, seed, initStd, autoBalance, balanceTarget, restarts, recordStats, itemIdDropout);
    }

    public VbprConfig withInitStd(double s) {
        return new VbprConfig(variant, factors, visualFactors, preprocessing, groups, threads, maxEpochs, patience, denseBatch, seed, s, autoBalance, balanceTarget, restarts, recordStats, itemIdDropout);
    }

    public VbprConfig withRecordStats(boolean on) {
        return new VbprConfig(variant, factors, visualFactors, preprocessing, groups, threads, maxEpochs, patience, denseBatch, seed, initStd, autoBalance, balanceTarget, restarts, on, itemIdDropout);
    }

    public VbprConfig withItemIdDropout(double p) {
        return new VbprConfig(variant, factors, visualFactors, preprocessing, groups, threads, maxEpochs, patience, denseBatch, seed, initStd, autoBalance, balanceTarget, restarts, recordStats, p);
    }
}
