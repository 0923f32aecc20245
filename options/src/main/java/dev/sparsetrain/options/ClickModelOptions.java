package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Click-model architecture: {@code --model} (sparsenn/dlrm, logistic/lr, fm), {@code --dim},
 * {@code --bottom}, {@code --top}, {@code --interaction} (dot, concat), {@code --init-std}.
 * {@link #config()} builds the {@link ModelConfig} and refuses, by option name, options the chosen
 * model does not have (they would be silently ignored). Mixed into {@code sparsetrain ctr-train},
 * {@code experiment sparsenn-passes} and {@code SparkCtrMain}. Not thread-safe (filled by picocli).
 */
public final class ClickModelOptions {
    @Option(names = "--model", defaultValue = "sparsenn", description = "sparsenn, logistic or fm. Default: ${DEFAULT-VALUE}.")
    private String type;

    @picocli.CommandLine.Mixin
    private DimOption dim = new DimOption();

    @Option(names = "--bottom", defaultValue = "64", description = "Bottom MLP hidden widths, comma-separated (a projection to --dim follows). Default: ${DEFAULT-VALUE}.")
    private String bottom;

    @Option(names = "--top", defaultValue = "64", description = "Top MLP hidden widths, comma-separated (a layer to 1 logit follows). Default: ${DEFAULT-VALUE}.")
    private String top;

    @Option(names = "--interaction", defaultValue = "dot", description = "dot (pairwise dot products) or concat. Default: ${DEFAULT-VALUE}.")
    private String interaction;

    @picocli.CommandLine.Mixin
    private InitStdOption initStd = new InitStdOption(0.05);

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    /** The architecture; an unknown model or interaction, a bad width list or an option the model lacks is refused in one line. */
    public ModelConfig config() {
        ModelConfig.Type t = switch (type.toLowerCase(Locale.ROOT)) {
            case "sparsenn", "dlrm" -> ModelConfig.Type.SPARSENN;
            case "logistic", "lr" -> ModelConfig.Type.LOGISTIC;
            case "fm" -> ModelConfig.Type.FM;
            default -> throw new BadInputException("--model '" + type + "', allowed: sparsenn, logistic, fm");
        };
        ModelConfig.Interaction i = switch (interaction.toLowerCase(Locale.ROOT)) {
            case "dot" -> ModelConfig.Interaction.DOT;
            case "concat", "cat" -> ModelConfig.Interaction.CONCAT;
            default -> throw new BadInputException("--interaction '" + interaction + "', allowed: dot, concat");
        };
        ModelConfig mc = new ModelConfig(t, dim.dim(), widths("--bottom", bottom), widths("--top", top), i, initStd.initStd());
        refuseOptionsTheModelLacks(mc);
        return mc;
    }

    /** A comma-separated list of layer widths ({@code option} names it in the message); blank is none. */
    static int[] widths(String option, String s) {
        if (s.isBlank()) return new int[0];
        String[] p = s.split(",");
        int[] w = new int[p.length];
        for (int k = 0; k < p.length; k++) {
            try {
                w[k] = Integer.parseInt(p[k].trim());
            } catch (NumberFormatException e) {
                throw new BadInputException(option + " '" + s + "': '" + p[k] + "' is not a width, expected e.g. 64,32");
            }
            if (w[k] < 1) throw new BadInputException(option + " '" + s + "': width " + w[k] + ", each must be >= 1");
        }
        return w;
    }

    /**
     * Refuses options that the chosen model does not have (they would be silently ignored): the MLP
     * and interaction options for logistic regression and the factorization machine, and the
     * embedding dimension and row constraints for logistic regression (one weight per id). Options
     * the command does not declare are never matched.
     */
    private void refuseOptionsTheModelLacks(ModelConfig mc) {
        if (mc.type() == ModelConfig.Type.SPARSENN || mixee == null || mixee.commandLine() == null) return;
        var pr = mixee.commandLine().getParseResult();
        if (pr == null) return;
        List<String> lacking = new ArrayList<>(List.of("--interaction", "--bottom", "--top", "--mlp-dropout"));
        if (mc.type() == ModelConfig.Type.LOGISTIC) lacking.addAll(List.of("--dim", "--max-norm", "--constant-norm", "--emb-entropy"));
        for (String o : lacking) {
            if (pr.hasMatchedOption(o)) {
                throw new BadInputException(o + " does not apply to --model " + mc.type().name().toLowerCase(Locale.ROOT)
                        + (mc.type() == ModelConfig.Type.LOGISTIC ? " (one weight per id, a linear dense part)" : " (no MLP)")
                        + (List.of("--dim", "--max-norm", "--constant-norm", "--emb-entropy").contains(o)
                                ? "; it applies to --model sparsenn and fm (embedding rows)" : "; it applies to --model sparsenn"));
            }
        }
    }
}
