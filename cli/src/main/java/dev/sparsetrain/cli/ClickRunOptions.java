package dev.sparsetrain.cli;

import dev.sparsetrain.models.sparsenn.TrainConfig;
import dev.sparsetrain.options.ClickModelOptions;
import dev.sparsetrain.options.ClickTrainOptions;
import dev.sparsetrain.options.QuietOption;
import dev.sparsetrain.options.ThreadsOption;
import dev.sparsetrain.options.VerboseOption;
import picocli.CommandLine.Mixin;

/**
 * The options every click-model training command shares (ctr-train, experiment sparsenn-passes,
 * experiment dynamic-tables), declared once: {@code --config}, the architecture
 * ({@link ClickModelOptions}), the training options ({@link ClickTrainOptions}), {@code --threads},
 * {@code --quiet} and {@code --verbose}. A picocli mixin of mixins; not thread-safe (filled by picocli).
 */
public final class ClickRunOptions {
    @Mixin public ConfigOption configFile = new ConfigOption();
    @Mixin public ClickModelOptions model = new ClickModelOptions();
    @Mixin public ClickTrainOptions train = new ClickTrainOptions();
    @Mixin public ThreadsOption threads = new ThreadsOption();
    @Mixin public QuietOption quiet = new QuietOption();
    @Mixin public VerboseOption verbose = new VerboseOption();

    /** The training options with {@code passes} passes and {@code --threads}, checked. */
    public TrainConfig trainConfig(int passes) { return train.config(passes, threads.checked()); }
}
