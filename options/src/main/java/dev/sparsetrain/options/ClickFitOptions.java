package dev.sparsetrain.options;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What a click-model training run does around its passes: {@code --passes}, {@code --refit-bias}
 * after the last one, and {@code --save} at the end. Mixed into {@code sparsetrain ctr-train} and
 * {@code SparkCtrMain}, which differ only in whether the bias is refitted by default (on for Spark,
 * whose model averaging moves the intercept about 1/P as far per pass). Not thread-safe (filled by
 * picocli).
 */
public final class ClickFitOptions {
    @Option(names = "--passes", defaultValue = "1", description = "num_passes over the training data. Default: ${DEFAULT-VALUE}.")
    private int passes = 1;

    // No defaultValue: the field's initial value is the command's default; fallbackValue makes --refit-bias mean on either way.
    @Option(names = "--refit-bias", negatable = true, fallbackValue = "true",
            description = "After the last pass, shift the output bias so that the mean prediction on the training rows equals their click rate "
                    + "(calibration in the large; BiasRefit; ctr-train then prints the test figures again). Measured on the Criteo head, 1 pass, 5 seeds: "
                    + "SparseNN NE 0.8912 -> 0.8859, LR 0.8979 -> 0.8941; it hurts a model that has memorised its training rows (several passes). "
                    + "Default: ${DEFAULT-VALUE} (true on Spark, whose model averaging moves the intercept about 1/P as far per pass).")
    private boolean refitBias;

    @Option(names = "--save", paramLabel = "FILE", description = "Write the trained model (ModelFile: parameters, architecture, the fitted feature "
            + "encoder with format, dense statistics and hashing settings or vocabularies, metadata; atomic; sharded Spark embeddings: a directory "
            + "of part files); score new rows with ctr-predict. Default: not saved.")
    private Path save;

    /** The options with the command's default for {@code --refit-bias}. */
    public ClickFitOptions(boolean refitBiasByDefault) { this.refitBias = refitBiasByDefault; }

    /** {@code --passes}: passes over the training rows (checked by the training configuration). */
    public int passes() { return passes; }

    /** {@code --refit-bias}: refit the output bias after the last pass. */
    public boolean refitBias() { return refitBias; }

    /** {@code --save}: where to write the model, null when not saved. */
    public Path save() { return save; }
}
