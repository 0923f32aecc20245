package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.Preprocessing;
import dev.sparsetrain.models.vbpr.GroupSpec;
import dev.sparsetrain.models.vbpr.Variant;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.options.SeedOption;
import dev.sparsetrain.options.ThreadsOption;
import dev.sparsetrain.options.VbprDataOptions;
import dev.sparsetrain.options.VbprModelOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options shared by the VBPR commands (diagnose, lr-find, experiment vbpr-ablation, benchmark
 * vbpr): where the data is and how the model is configured. Unset options keep
 * {@link VbprConfig#defaults}.
 */
public final class VbprOptions {
    @Mixin public VbprDataOptions data = new VbprDataOptions("tiktok-diffmm");

    @Mixin public VbprModelOptions model = new VbprModelOptions();

    @Option(names = "--clip", paramLabel = "GROUP=KIND:MAX", description = "Gradient clipping for one group (repeatable; GROUP may be 'all'), "
            + "applied to the raw gradient before L2 and the optimizer: value:MAX (each element into [-MAX, MAX]), row-norm:MAX (each "
            + "touched row's gradient to norm <= MAX; any group), global-norm:MAX (the whole step's gradient; visual_projection and "
            + "visual_bias only, which take one step per dense batch). Default: none.")
    List<String> clips = new ArrayList<>();

    @Option(names = "--lr-multiplier", description = "GROUP=M: scales one group's learning rate (repeatable).")
    List<String> multipliers = new ArrayList<>();

    @Option(names = "--auto-balance", negatable = true, description = "Set per-group learning-rate multipliers from a probe so every group's update/weight ratio meets the target (default on).")
    Boolean autoBalance;

    @Option(names = "--balance-target", description = "Target update/weight ratio for --auto-balance (default: the median of the groups).")
    Double balanceTarget;

    @Mixin public ThreadsOption threads = new ThreadsOption();

    @Option(names = "--epochs", description = "Maximum epochs (default 100; early stopping on validation AUC).")
    public Integer epochs;

    @Option(names = "--patience", description = "Epochs without validation improvement before stopping (default 10).")
    public Integer patience;

    @Option(names = "--restarts", description = "Train from N seeds, keep the best on validation (default 1).")
    Integer restarts;

    @Option(names = "--cosine-restarts", paramLabel = "T0[,TMULT[,MIN]]", split = ",",
            description = "Cosine learning-rate schedule with warm restarts over epochs (SGDR): first period T0 epochs, each next TMULT times longer (default 1), down to MIN x the rate (default 0.01). Default: constant rates.")
    double[] cosineRestarts;

    @Option(names = "--item-id-dropout", paramLabel = "P",
            description = "VBPR only: per item occurrence in a training sample, with probability P leave the item's ID parameters (beta_i, gamma_i) out of its score and update, "
                    + "so the visual term learns to rank items alone, as it must for cold-start items (DropoutNet, Volkovs et al. 2017). In [0, 1); default " + VbprConfig.DEFAULT_ITEM_ID_DROPOUT + ".")
    Double itemIdDropout;

    @Mixin public SeedOption seed = new SeedOption(42);

    /** The command this is mixed into: tells which options were typed. */
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    /** Loads the data set named by --data/--features, with the scale warnings for the --feature-preprocessing of --model. */
    public FeatureDataset load() {
        Preprocessing scale;
        try {
            scale = model.preprocessing(model.variant());
        } catch (BadInputException e) {
            scale = null;   // config() names the bad --model
        }
        return data.load(seed.seed(), mixee != null && mixee.commandLine() != null ? mixee.commandLine().getParseResult() : null, scale);
    }

    /** Where the data came from, for the model file's metadata ({@link VbprDataOptions#metadata}). */
    public Map<String, String> dataMetadata() { return data.metadata(seed.seed()); }

    /** The configuration: defaults overridden by the options given. */
    public VbprConfig config() {
        Variant v = model.variant();
        if (v != Variant.VBPR && itemIdDropout != null && itemIdDropout != 0) {
            throw new BadInputException("--item-id-dropout " + itemIdDropout + ": applies to --model vbpr only (it drops the item ID part and keeps the visual part)");
        }
        if (balanceTarget != null && !(balanceTarget > 0 && balanceTarget < Double.POSITIVE_INFINITY)) {
            // NaN is the configuration's "median of the groups": typed, it would silently mean the default
            throw new BadInputException("--balance-target " + balanceTarget + ": must be a finite number > 0 (omit it for the median of the groups)");
        }
        VbprConfig c = VbprConfig.defaults(v);
        if (threads.given() != null) c = c.withThreads(threads.given());
        if (epochs != null || patience != null) c = c.withEpochs(epochs == null ? c.maxEpochs() : epochs, patience == null ? c.patience() : patience);
        if (restarts != null) c = c.withRestarts(restarts);
        c = c.withSeed(seed.seed());
        if (itemIdDropout != null) c = c.withItemIdDropout(itemIdDropout);
        if (autoBalance != null || balanceTarget != null) {
            c = c.withAutoBalance(autoBalance == null ? c.autoBalance() : autoBalance, balanceTarget == null ? c.balanceTarget() : balanceTarget);
        }
        c = model.apply(c);
        Map<String, GroupSpec> g = new LinkedHashMap<>(c.groups());
        for (String o : clips) {
            int eq = o.indexOf('='), colon = o.indexOf(':', eq + 1);
            if (eq <= 0 || colon < 0) throw new BadInputException("--clip '" + o + "': expected GROUP=KIND:MAX, e.g. visual_bias=global-norm:1 or all=row-norm:5");
            String group = o.substring(0, eq);
            GroupSpec.Clip clip;
            try {
                clip = new GroupSpec.Clip(GroupSpec.ClipKind.parse(o.substring(eq + 1, colon)), Double.parseDouble(o.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new BadInputException("--clip '" + o + "': the threshold must be a number");
            } catch (BadInputException e) {
                throw new BadInputException("--clip '" + o + "': " + e.getMessage());
            }
            if (clip.kind() == GroupSpec.ClipKind.NONE) throw new BadInputException("--clip '" + o + "': allowed kinds value, row-norm, global-norm");
            List<String> targets = group.equals("all") ? List.of(VbprConfig.tableNames(Variant.VBPR)) : List.of(group);
            for (String t : targets) {
                if (!List.of(VbprConfig.tableNames(Variant.VBPR)).contains(t)) {
                    throw new BadInputException("--clip '" + o + "': unknown group '" + t + "'; groups: "
                            + String.join(", ", VbprConfig.tableNames(Variant.VBPR)) + ", all");
                }
                boolean dense = dev.sparsetrain.models.vbpr.VbprModel.isDense(t);
                if (clip.kind() == GroupSpec.ClipKind.GLOBAL_NORM && !dense) {
                    if (group.equals("all")) continue;   // 'all' with global-norm: the dense groups only
                    throw new BadInputException("--clip '" + o + "': group '" + t + "' is updated per sample, one row at a time; global-norm needs the "
                            + "whole step's gradient (visual_projection, visual_bias): use row-norm or value");
                }
                g.put(t, g.get(t).withClip(clip));
            }
        }
        return c.withGroups(g);
    }

    /**
     * Refuses options given on the command line that {@code command} does not use (they would be
     * silently ignored): "OPTION: does not apply to COMMAND (WHY)".
     */
    public static void refuseUnused(picocli.CommandLine.Model.CommandSpec spec, String command, String why, String... options) {
        var pr = spec.commandLine().getParseResult();
        for (String o : options) {
            if (pr.hasMatchedOption(o)) throw new BadInputException(o + ": does not apply to " + command + " (" + why + ")");
        }
    }

    /** Applies --lr-multiplier GROUP=M and --cosine-restarts to a trainer. */
    public void applyMultipliers(dev.sparsetrain.models.vbpr.VbprTrainer t) {
        if (cosineRestarts != null) {
            double[] c = cosineRestarts;
            if (c.length < 1 || c.length > 3 || !(c[0] >= 1) || c[0] != Math.rint(c[0])) {
                throw new BadInputException("--cosine-restarts " + java.util.Arrays.toString(c) + ": expected T0[,TMULT[,MIN]] with T0 a whole number of epochs >= 1");
            }
            t.withSchedule(dev.sparsetrain.optim.Schedule.cosineWarmRestarts((long) c[0], c.length > 1 ? c[1] : 1, c.length > 2 ? c[2] : 0.01));
        }
        for (String m : multipliers) {
            int eq = m.indexOf('=');
            double v;
            try {
                v = Double.parseDouble(m.substring(eq + 1));
            } catch (RuntimeException e) {
                throw new BadInputException("--lr-multiplier '" + m + "': expected GROUP=M with M a number > 0");
            }
            if (eq <= 0 || !(v > 0)) throw new BadInputException("--lr-multiplier '" + m + "': expected GROUP=M with M a number > 0");
            t.setMultiplier(m.substring(0, eq), v);
        }
    }
}
