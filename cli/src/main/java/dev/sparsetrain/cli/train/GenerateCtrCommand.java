package dev.sparsetrain.cli.train;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Progress;
import dev.sparsetrain.core.io.AtomicFile;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.data.ctr.SyntheticCtr;
import dev.sparsetrain.options.SeedOption;
import dev.sparsetrain.options.VerboseOption;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes a Criteo-shaped synthetic click log to disk in the Criteo TSV format
 * ({@link SyntheticCtr#writeCriteo}: 13 integer counts, 26 power-law ids as 8 hex digits, labels
 * from a planted factorization machine), one row at a time, so a log of any size (e.g. 50M rows,
 * about 13 GB) can be written for {@code ctr-train --stream}. The file is written atomically
 * ({@link AtomicFile}): a run that fails or is stopped leaves no partial file under its name.
 */
@Command(name = "generate-ctr", mixinStandardHelpOptions = true,
        description = "Writes a Criteo-shaped synthetic click log (Criteo TSV: label, 13 counts, 26 hashed ids; planted FM click model) of N rows to a file, streaming, for ctr-train --stream and the benchmarks.")
public final class GenerateCtrCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--rows", required = true, paramLabel = "N", description = "Rows to write (e.g. 50000000). Required.")
    long rows;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The TSV file to write (replaced atomically). Required.")
    Path out;

    @Option(names = "--cardinality", defaultValue = "100000", paramLabel = "IDS",
            description = "Distinct ids per sparse feature (power law, Zipf 1.05). Default: ${DEFAULT-VALUE}.")
    int cardinality;

    @Mixin SeedOption seed = new SeedOption(42);

    @Mixin dev.sparsetrain.options.QuietOption quiet = new dev.sparsetrain.options.QuietOption();

    @Mixin VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        if (rows < 1) throw new BadInputException("--rows " + rows + ", must be >= 1");
        if (cardinality < 1) throw new BadInputException("--cardinality " + cardinality + ", must be >= 1");
        OutputPaths.requireFile("--out", out);
        SyntheticCtr gen = new SyntheticCtr(SyntheticCtr.Config.criteoShaped(cardinality, seed.seed()));
        Progress progress = quiet.quiet() ? Progress.silent() : Progress.toStderr("generate-ctr", rows);
        long t0 = System.nanoTime();
        long[] clicks = new long[1];
        try {
            AtomicFile.write(out, false, os -> clicks[0] = gen.writeCriteo(os, rows, seed.seed() + 1, done -> progress.update(done, "")));
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot write (" + e.getMessage() + ")");
        } finally {
            progress.clearLine();
            progress.close();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long bytes;
        try {
            bytes = Files.size(out);
        } catch (IOException e) {
            bytes = -1;
        }
        w.printf(Locale.ROOT, "wrote %s: %,d rows (Criteo TSV: label, 13 counts, 26 ids of %,d each), %,d clicks (%.4f), %.2f GB, %.1f s (%s rows/s); seed %d%n",
                out, rows, cardinality, clicks[0], (double) clicks[0] / rows, bytes / 1e9, s, Progress.human(rows / s), seed.seed());
        w.flush();
        return ExitCodes.OK;
    }
}
