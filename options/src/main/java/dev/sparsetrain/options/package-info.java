/**
 * Command-line options declared once: picocli mixins for the implicit-feedback data and its split
 * ({@link dev.sparsetrain.options.ImplicitDataOptions}), BPR-MF hyperparameters
 * ({@link dev.sparsetrain.options.BprOptions}), click-log data
 * ({@link dev.sparsetrain.options.ClickDataOptions}), click-model architecture
 * ({@link dev.sparsetrain.options.ClickModelOptions}) and click-model training
 * ({@link dev.sparsetrain.options.ClickTrainOptions}); and the options nearly every command has:
 * {@link dev.sparsetrain.options.VerboseOption} ({@code --verbose}),
 * {@link dev.sparsetrain.options.SeedOption} ({@code --seed}, with the command's own default) and
 * {@link dev.sparsetrain.options.ThreadsOption} ({@code --threads}, absent = the available processors); and those several
 * recommender commands share: {@link dev.sparsetrain.options.EpochsOption}, {@link dev.sparsetrain.options.FactorsOption},
 * {@link dev.sparsetrain.options.CutoffsOption}, {@link dev.sparsetrain.options.ValidationUsersOption},
 * {@link dev.sparsetrain.options.CheckpointOptions}, {@link dev.sparsetrain.options.DataRootOption} and
 * {@link dev.sparsetrain.options.ReportOption} (an experiment's HTML report); and one class for each other option that two or
 * more commands take with the same meaning (e.g. {@link dev.sparsetrain.options.ModelFileOption} for a saved model to read,
 * {@link dev.sparsetrain.options.ModelOutOption}, {@link dev.sparsetrain.options.ResumeOption},
 * {@link dev.sparsetrain.options.ClickFitOptions}), a differing default given to its constructor. Options that share a name
 * but not a meaning (ctr-predict's {@code --format} only checks the saved one) stay with their command. The command line ({@code sparsetrain train},
 * {@code ctr-train}, ...) and the Spark entry points ({@code SparkBprMain}, {@code SparkCtrMain})
 * mix them in with {@code @Mixin}, so an option has one name, default, help text and check
 * everywhere. Each mixin turns its values into the project's config records and refuses bad
 * values with a one-line {@link dev.sparsetrain.core.BadInputException} naming the option.
 * Mixins are plain mutable holders filled by picocli on one thread; they are not thread-safe.
 */
package dev.sparsetrain.options;
