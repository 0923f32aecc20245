package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.features.Preprocessing;
import dev.sparsetrain.models.vbpr.GroupSpec;
import dev.sparsetrain.models.vbpr.Variant;
import dev.sparsetrain.models.vbpr.VbprConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * VBPR's model options, declared once for the VBPR commands of the command line ({@code train
 * --model vbpr|visual}, {@code diagnose}, {@code lr-find}, the benchmark, the ablation) and for
 * {@code SparkVbprMain}: {@code --model}, {@code --factors}, {@code --visual-factors},
 * {@code --feature-preprocessing}, {@code --dense-batch} and each group's {@code --optimizer
 * GROUP=SPEC[:L2]} (read by {@link GroupOptimizers}; a group given without an L2 trains without
 * one, as {@link GroupSpec#parse} reads the text). Unset options keep {@link VbprConfig#defaults}.
 * Not thread-safe (filled by picocli).
 */
public final class VbprModelOptions {
    /** The reader of VBPR's groups. */
    private static final GroupOptimizers OPTIMIZER = new GroupOptimizers("--optimizer", List.of(VbprConfig.tableNames(Variant.VBPR)), true,
            "visual_projection=adam:0.001,beta2=0.99 or all=sgd:0.05:0.001", "; a bare optimizer name is BPR-MF's form (train --model bpr)");

    @Option(names = "--model", defaultValue = "vbpr", description = "vbpr or visual (BPR-MF: train --model bpr). Default: ${DEFAULT-VALUE}.")
    private String model;

    @Option(names = "--factors", description = "K, user/item factors (default 32).")
    private Integer factors;

    @Option(names = "--visual-factors", description = "K', visual factors (default 32).")
    private Integer visualFactors;

    @Option(names = "--feature-preprocessing", description = "none, log1p, standardize, l2-row, max-abs (default l2-row).")
    private String preprocessing;

    @Option(names = "--optimizer", paramLabel = "GROUP=SPEC[:L2]", completionCandidates = GroupOptimizers.Names.class, description = "GROUP=SPEC[:L2] for one group (repeatable); groups: item_bias, user_factors, item_factors, user_visual, visual_projection, visual_bias, or 'all' (the groups not named on their own); "
            + "SPEC is NAME[:LR][,KEY=VALUE]... as PyTorch names them (e.g. adam:0.001,beta2=0.99; ftrl: LR is alpha), NAME one of ${COMPLETION-CANDIDATES}; unset values keep PyTorch's defaults; no L2 given: none. "
            + "Sparse rows update lazily (Adam family: per-row bias correction), E and beta' densely. "
            + "Defaults: item_bias, user_factors, item_factors, user_visual=sgd:0.05:0.001; visual_projection, visual_bias=adam:0.001.")
    private List<String> optimizers = new ArrayList<>();

    @Option(names = "--dense-batch", description = "Samples between dense updates of E and beta' (default 8192).")
    private Integer denseBatch;

    /** {@code --model} as typed. */
    public String name() { return model; }

    /** The variant {@code --model} names; BPR-MF is refused with a pointer to its own command. */
    public Variant variant() {
        if (model != null && Variant.namesBprMf(model)) {
            throw new BadInputException("--model '" + model + "': BPR-MF is its own model, trained by 'train --model bpr'; VBPR's commands take vbpr or visual");
        }
        return Variant.parse(model);
    }

    /** The feature preprocessing for variant {@code v}: {@code --feature-preprocessing}, or the variant's default. */
    public Preprocessing preprocessing(Variant v) {
        return preprocessing != null ? Preprocessing.parse(preprocessing) : VbprConfig.defaults(v).preprocessing();
    }

    /** {@code c} (its variant {@link #variant()}'s) with the options given; applied after the thread count, which the dense batch must reach. */
    public VbprConfig apply(VbprConfig c) {
        if (!c.variant().collaborative() && factors != null) {
            throw new BadInputException("--factors " + factors + ": --model " + model + " has no ID factors (items are scored by their features); use --visual-factors");
        }
        if (factors != null || visualFactors != null) {
            c = c.withFactors(factors == null ? c.factors() : factors, visualFactors == null ? c.visualFactors() : visualFactors);
        }
        if (preprocessing != null) c = c.withPreprocessing(Preprocessing.parse(preprocessing));
        if (denseBatch != null) c = c.withDenseBatch(denseBatch);
        Map<String, GroupSpec> g = new LinkedHashMap<>(c.groups());
        OPTIMIZER.parse(optimizers).forEach((name, o) -> g.put(name, new GroupSpec(o.spec(), o.l2(), GroupSpec.Clip.NONE)));
        return c.withGroups(g);
    }
}
