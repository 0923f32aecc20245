package dev.sparsetrain.options;

import dev.sparsetrain.models.vbpr.GroupSpec;
import dev.sparsetrain.models.vbpr.Variant;
import dev.sparsetrain.models.vbpr.VbprConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * VBPR's {@code --optimizer GROUP=SPEC[:L2]}, declared once for the VBPR commands of the command
 * line ({@code train --model vbpr|visual}, {@code diagnose}, {@code lr-find}, the benchmark, the
 * ablation) and for {@code SparkVbprMain}; read by {@link GroupOptimizers}. A group given without
 * an L2 trains without one (L2 0), as {@link GroupSpec#parse} reads the text.
 */
public final class VbprOptimizerOption {
    /** The parser of VBPR's groups. */
    private static final GroupOptimizers PARSER = new GroupOptimizers("--optimizer", List.of(VbprConfig.tableNames(Variant.VBPR)), true,
            "visual_projection=adam:0.001,beta2=0.99 or all=sgd:0.05:0.001", "; a bare optimizer name is BPR-MF's form (train --model bpr)");

    @Option(names = "--optimizer", paramLabel = "GROUP=SPEC[:L2]", completionCandidates = GroupOptimizers.Names.class, description = "GROUP=SPEC[:L2] for one group (repeatable); groups: item_bias, user_factors, item_factors, user_visual, visual_projection, visual_bias, or 'all' (the groups not named on their own); "
            + "SPEC is NAME[:LR][,KEY=VALUE]... as PyTorch names them (e.g. adam:0.001,beta2=0.99; ftrl: LR is alpha), NAME one of ${COMPLETION-CANDIDATES}; unset values keep PyTorch's defaults; no L2 given: none. "
            + "Sparse rows update lazily (Adam family: per-row bias correction), E and beta' densely. "
            + "Defaults: item_bias, user_factors, item_factors, user_visual=sgd:0.05:0.001; visual_projection, visual_bias=adam:0.001.")
    private List<String> values = new ArrayList<>();

    /** {@code groups} (a configuration's) with each group these values set replaced (no clip: {@code --clip} comes after). */
    public Map<String, GroupSpec> apply(Map<String, GroupSpec> groups) {
        Map<String, GroupSpec> g = new LinkedHashMap<>(groups);
        PARSER.parse(values).forEach((name, c) -> g.put(name, new GroupSpec(c.spec(), c.l2(), GroupSpec.Clip.NONE)));
        return g;
    }
}
