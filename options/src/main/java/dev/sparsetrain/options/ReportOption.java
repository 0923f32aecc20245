package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.metrics.report.HtmlReport;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --report}: the HTML report an experiment writes, with the experiment's own default file;
 * checked before any work ({@link #check()}, {@link OutputPaths}) and written with a one-line
 * refusal naming the option ({@link #write}). Not thread-safe (filled by picocli).
 */
public final class ReportOption {
    // No defaultValue: picocli keeps the field's initial value when the option is absent and shows it as ${DEFAULT-VALUE}.
    @Option(names = "--report", description = "HTML report to write. Default: ${DEFAULT-VALUE}.")
    private Path report;

    /** The option with the experiment's default file. */
    public ReportOption(String defaultFile) { this.report = Path.of(defaultFile); }

    /** The report file. */
    public Path path() { return report; }

    /** Refuses a report file that cannot be written (a missing or unwritable folder) before any work. */
    public void check() { OutputPaths.requireFile("--report", report); }

    /** Writes {@code h} to the report file; a failure is one line naming the option. */
    public void write(HtmlReport h) {
        try {
            h.write(report);
        } catch (IOException e) {
            throw new BadInputException("--report " + report + ": cannot write (" + e.getMessage() + ")");
        }
    }
}
