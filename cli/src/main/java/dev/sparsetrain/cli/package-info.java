/**
 * The {@code sparsetrain} command line (picocli): {@link dev.sparsetrain.cli.Main} (the entry point and
 * its error handling), {@link dev.sparsetrain.cli.ExitCodes}, and the option groups shared by several
 * sub-packages (--config files, the VBPR and click-model option groups, reading a saved model). One
 * class per subcommand, grouped by what the commands are for: {@code cli.train} (train, evaluate,
 * recommend, ctr-train, ctr-predict, diagnose, lr-find, replay-optimizer), {@code cli.serve},
 * {@code cli.experiments} and {@code cli.bench}.
 */
package dev.sparsetrain.cli;
