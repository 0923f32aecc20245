package dev.sparsetrain.compare;

import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.TiktokDiffmm;
import dev.sparsetrain.models.vbpr.Variant;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.models.vbpr.VbprTrainer;
import dev.sparsetrain.studies.vbpr.VbprAblation;
import java.nio.file.Path;
import java.util.Locale;

/**
 * sparsetrain's BPR-MF and VBPR on tiktok-diffmm for a fixed number of epochs, without early
 * stopping, printing the validation AUC and cold-start AUC of every epoch. These are the
 * trajectories to set beside {@code compare/pytorch/vbpr_torch.py --also-val} at equal epochs.
 * The set-ups are those of {@code experiment vbpr-ablation}: BPR-MF ({@link VbprAblation#fitBpr}), VBPR with
 * per-group rates on raw features ({@link VbprAblation#perGroup}), VBPR with the defaults.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector \
 *       -cp "compare/target/sparsetrain-compare-0.1.0-SNAPSHOT.jar:$(cat compare/target/classpath.txt)" \
 *       dev.sparsetrain.compare.EqualEpochs [EPOCHS (160)] [DATA_DIR (../shared/data/tiktok-diffmm)] [THREADS (2)]
 * </pre>
 *
 * "Patience" is set above the epoch count, so every epoch runs; the model returned (and scored on
 * the test split at the end) is still the best validation epoch's.
 */
public final class EqualEpochs {
    private EqualEpochs() {}

    public static void main(String[] args) {
        int epochs, threads;
        FeatureDataset d;
        try {
            epochs = args.length > 0 ? MatchedRunOptions.positive("EPOCHS", args[0]) : 160;
            threads = args.length > 2 ? MatchedRunOptions.positive("THREADS", args[2]) : 2;
            d = TiktokDiffmm.load(Path.of(args.length > 1 ? args[1] : "../shared/data/tiktok-diffmm"));
        } catch (IllegalArgumentException | dev.sparsetrain.core.BadInputException e) {
            System.err.println("EqualEpochs: " + e.getMessage() + " (usage: EqualEpochs [EPOCHS [TIKTOK_FOLDER [THREADS]]])");
            System.exit(2);
            return;
        }
        VbprConfig base = VbprConfig.defaults(Variant.VBPR).withEpochs(epochs, epochs + 1).withThreads(threads);
        String[] names = {"BPR-MF (BprModel, the VBPR defaults' row settings)", "VBPR per-group, raw features", "VBPR (defaults)"};
        VbprConfig[] cfgs = {base, VbprAblation.perGroup(base), base};
        for (int s = 0; s < cfgs.length; s++) {
            VbprAblation.Run r = s == 0 ? VbprAblation.trainBpr(d, base, x -> { }) : VbprAblation.train(names[s], "", d, cfgs[s], x -> { });
            System.out.printf(Locale.ROOT, "# %s, %d epochs, %d threads, seed %d%n", names[s], epochs, threads, cfgs[s].seed());
            System.out.println("epoch  loss     valAUC  valCold");
            for (VbprTrainer.Epoch e : r.result().history()) {
                System.out.printf(Locale.ROOT, "%5d  %.5f  %.4f  %.4f%n", e.epoch(), e.loss(), e.validationAuc(), e.validationColdAuc());
            }
            System.out.printf(Locale.ROOT, "# best validation epoch %d (AUC %.4f); test %s%n", r.result().bestEpoch(), r.result().bestValidationAuc(), r.test());
            System.out.flush();
        }
    }
}
