package dev.sparsetrain.cli.train;

import dev.sparsetrain.cli.ExitCodes;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.AtomicFile;
import dev.sparsetrain.core.io.OutputPaths;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrRawData;
import dev.sparsetrain.data.ctr.EncoderState;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.sparsenn.ClickModel;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.options.ModelFileOption;
import dev.sparsetrain.options.SkipBadOption;
import dev.sparsetrain.options.VerboseOption;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scores a click log with a model saved by {@code ctr-train --save}: reads the rows with the saved
 * format, encodes them with the saved encoder (dense transform with its fitted statistics, hashing
 * settings or vocabularies; see {@link EncoderState}), predicts click probabilities and writes
 * them as CSV ({@code row,probability,label}; no label column for a file without one, detected by
 * its first data row having one field fewer than the schema); when the rows carry labels it prints NE, logloss,
 * AUC and calibration ({@link CtrMetrics}), computed exactly as ctr-train computes its test figures.
 *
 * <p>Options that would contradict the saved model ({@code --format}, {@code --buckets},
 * {@code --min-count}, {@code --dense}, {@code --dim}) are only checked: a value other than the
 * saved one is refused in one line. The CSV is written to a temporary file in the target folder
 * and renamed, so an error never leaves a partial file.
 */
@Command(name = "ctr-predict", mixinStandardHelpOptions = true,
        description = "Scores a click log with a model saved by ctr-train --save (re-encoding rows exactly as in training), writes "
                + "row,probability,label as CSV and prints NE, logloss, AUC and calibration.")
public final class CtrPredictCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin ModelFileOption modelFile = new ModelFileOption();

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Click log to score, in the saved model's format; every "
            + "row is scored. With the label column (0 or 1) NE, logloss, AUC and calibration are printed; a file whose first row has one "
            + "field fewer (no label column, e.g. Criteo's test set) is scored without metrics. Required.")
    Path data;

    @Option(names = "--out", defaultValue = "predictions.csv", paramLabel = "FILE",
            description = "CSV of row (1-based data row, skipped rows not counted), probability and label (when present); written atomically. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Mixin SkipBadOption skipBad = new SkipBadOption();

    @Option(names = "--format", description = "Only checked: must equal the saved format (criteo, avazu or schema). Default: the saved one.")
    String format;

    @Option(names = "--buckets", description = "Only checked: must equal the saved bucket count (or vocabulary cap). Default: the saved one.")
    Integer buckets;

    @Option(names = "--min-count", description = "Only checked: must equal the saved vocabulary minimum count (0 = hashing). Default: the saved one.")
    Integer minCount;

    @Option(names = "--dense", description = "Only checked: must equal the saved dense transform. Default: the saved one.")
    String dense;

    @Option(names = "--dim", description = "Only checked: must equal the saved embedding dimension. Default: the saved one.")
    Integer dim;

    @Mixin VerboseOption verbose = new VerboseOption();

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        OutputPaths.requireFile("--out", out);
        Path model = modelFile.file();
        ClickModel cm = ClickModel.load(model);
        SparseNN m = cm.model();
        EncoderState st = cm.encoder();
        checkOptions(m, st);
        // a file whose first data line has one field fewer than the schema lacks the label column (rows to score)
        boolean labelled = cm.hasLabels(data);
        CtrRawData raw = cm.read(data, skipBad.on());
        if (raw.rows() == 0) {
            throw new BadInputException(data + ": 0 data rows" + (raw.skipped() > 0 ? " (" + raw.skipped() + " bad rows skipped)" : "")
                    + ", nothing to score");
        }
        CtrData d = cm.encode(raw);
        float[] p = m.predict(d);
        writeCsv(out, p, labelled ? d.labels() : null);
        var cfg = st.encoder().config();
        o.printf("model: %s, %s dim %d; %s format, %s, dense %s%n", model, m.config().type(), m.config().embeddingDim(), st.format(),
                cfg.describeIds(),
                cfg.dense().name().toLowerCase(Locale.ROOT));
        o.printf("data: %s: %d rows scored%s%s%n", data, raw.rows(), labelled ? "" : " (no label column)",
                raw.skipped() > 0 ? " (" + raw.skipped() + " bad rows skipped, first: " + raw.firstSkipped() + ")" : "");
        if (labelled) o.println("metrics: " + CtrMetrics.evaluate(d.labels(), p, Double.NaN).format());
        o.println("predictions: " + out.toAbsolutePath());
        o.flush();
        return ExitCodes.OK;
    }

    private void checkOptions(SparseNN m, EncoderState st) {
        var cfg = st.encoder().config();
        if (format != null && !format.toLowerCase(Locale.ROOT).equals(st.format())) refuse("--format " + format, "--format " + st.format());
        if (buckets != null && buckets != cfg.buckets()) refuse("--buckets " + buckets, "--buckets " + cfg.buckets());
        if (minCount != null && minCount != cfg.minCount()) refuse("--min-count " + minCount, "--min-count " + cfg.minCount());
        if (dense != null && !dense.equalsIgnoreCase(cfg.dense().name())) {
            refuse("--dense " + dense, "--dense " + cfg.dense().name().toLowerCase(Locale.ROOT));
        }
        if (dim != null) {
            int saved = m.config().type() == ModelConfig.Type.LOGISTIC ? 1 : m.config().embeddingDim();
            if (dim != saved) refuse("--dim " + dim, "--dim " + saved);
        }
    }

    private void refuse(String given, String saved) {
        throw new BadInputException(given + " contradicts the model " + modelFile.file() + ", which was trained with " + saved
                + "; omit the option (the saved value is used)");
    }

    /** Writes the CSV to a temporary file in the target folder, then renames it: no partial file under the final name. */
    static void writeCsv(Path file, float[] p, byte[] labelsOrNull) {
        byte[] labels = labelsOrNull;
        try {
            AtomicFile.write(file, true, out -> {
                BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                w.write(labels != null ? "row,probability,label\n" : "row,probability\n");
                StringBuilder sb = new StringBuilder(64);
                for (int i = 0; i < p.length; i++) {
                    sb.setLength(0);
                    sb.append(i + 1).append(',').append(p[i]);
                    if (labels != null) sb.append(',').append(labels[i]);
                    sb.append('\n');
                    w.append(sb);
                }
                w.flush();
            });
        } catch (IOException e) {
            throw new BadInputException("--out " + file + ": cannot write (" + e.getMessage() + ")");
        }
    }
}
