/** The {@code sparsetrain} command line: one class per subcommand (picocli). */
package dev.sparsetrain.cli;
