package dev.sparsetrain.models.sparsenn;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.CtrRawData;
import dev.sparsetrain.data.ctr.CtrReader;
import dev.sparsetrain.data.ctr.CtrSchema;
import dev.sparsetrain.data.ctr.EncoderState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A saved click model ready to serve: the trained {@link SparseNN} (SparseNN, logistic regression
 * or FM) with the feature encoder it was trained with (schema, hashing settings or vocabularies,
 * fitted dense statistics), so raw log lines are encoded exactly as in training.
 *
 * <pre>
 *   ClickModel m = ClickModel.load(Path.of("ctr.model"));   // written by ctr-train --save
 *   float[] p = m.score(Path.of("new-clicks.txt"));          // a log in the training format, with or without the label column
 *   float q = m.scoreLine(line);                              // one request: a line without the label column
 * </pre>
 *
 * Scoring is read-only: one instance may serve several threads at once ({@link SparseNN#predict}
 * uses per-call workspaces). A file whose encoder and model disagree, or a model saved without
 * its encoder (trained on synthetic data), is refused in one line.
 */
public final class ClickModel {
    private final Path file;
    private final SparseNN model;
    private final EncoderState encoder;

    private ClickModel(Path file, SparseNN model, EncoderState encoder) {
        this.file = file;
        this.model = model;
        this.encoder = encoder;
    }

    /**
     * Reads a model file written by {@code ctr-train --save} or a {@code ctr-train} checkpoint, or a
     * directory of id-partitioned part files ({@link ShardedModelFiles}, the sharded Spark trainer's).
     */
    public static ClickModel load(Path file) {
        // tables straight into the model's own (a part-file set's sharded tables assembled in them)
        SparseNNFile.Loaded l = ShardedModelFiles.isSharded(file) ? SparseNNFile.readParts(file) : SparseNNFile.read(file);
        ModelFile.Contents c = l.contents();
        SparseNN m = l.model();
        EncoderState st = EncoderState.restore(file.toString(), c.metadata(), c.idMaps());
        if (st == null) {
            throw new BadInputException(file + ": saved without a feature encoder (trained on synthetic data or by an older build);"
                    + " train it again on a data file and save it");
        }
        if (!Arrays.equals(m.sparseNames(), st.encoder().names()) || !Arrays.equals(m.tableRows(), st.encoder().tableRows())
                || m.numDense() != st.encoder().denseNames().length) {
            throw new BadInputException(file + ": damaged model file (the encoder's features " + Arrays.toString(st.encoder().tableRows())
                    + " rows, " + st.encoder().denseNames().length + " dense, do not match the model's " + Arrays.toString(m.tableRows())
                    + " rows, " + m.numDense() + " dense)");
        }
        return new ClickModel(file, m, st);
    }

    public SparseNN model() { return model; }

    public EncoderState encoder() { return encoder; }

    /** Encodes raw rows with the saved encoder (unknown ids go where training sent them: their hash bucket or the out-of-vocabulary row). */
    public CtrData encode(CtrRawData raw) {
        return encoder.encoder().encode(raw);
    }

    /** Click probabilities of raw rows. */
    public float[] score(CtrRawData raw) {
        return model.predict(encode(raw));
    }

    /**
     * Click probabilities of every row of a log file in the training format. A file whose first
     * line has one field fewer than the schema has no label column (rows to score).
     */
    public float[] score(Path log) {
        return score(read(log, false));
    }

    /**
     * Reads a log file in the training format (labels 0 when it has no label column); bad rows
     * are refused in one line naming file and line, or skipped with {@code skipBad}.
     */
    public CtrRawData read(Path log, boolean skipBad) {
        return CtrReader.read(log, encoder.schema(), skipBad, Integer.MAX_VALUE, hasLabels(log));
    }

    /** Whether a log file in the training format has the label column: its first data line does not have one field fewer than the schema. */
    public boolean hasLabels(Path log) {
        return CtrReader.firstLineFields(log, encoder.schema()) != encoder.schema().columns() - 1;
    }

    /**
     * Click probabilities of lines in the training format without the label column (no header
     * line, even when the training log had one). A bad line is refused in one line naming
     * {@code request:N}, N its 1-based position in {@code lines}.
     */
    public float[] scoreLines(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < lines.size(); n++) {
            String l = lines.get(n);
            // one request is one row: the reader would skip a blank line or split one holding a line break
            if (l.endsWith("\n")) l = l.substring(0, l.length() - 1);
            if (l.endsWith("\r")) l = l.substring(0, l.length() - 1);
            if (l.isBlank()) throw new BadInputException("request:" + (n + 1) + ": blank line, expected one row without the label column");
            int br = Math.max(l.indexOf('\n'), l.indexOf('\r'));
            if (br >= 0) throw new BadInputException("request:" + (n + 1) + ": line break inside the line, one request is one line");
            sb.append(l).append('\n');
        }
        CtrSchema s = encoder.schema();
        CtrSchema noHeader = new CtrSchema(s.roles(), s.delimiter(), false, s.multiSeparator(), s.names());   // line N is request N
        CtrRawData raw;
        try {
            raw = CtrReader.read(new BufferedReader(new StringReader(sb.toString())), "request", noHeader, false, Integer.MAX_VALUE, false);
        } catch (IOException e) {
            throw new IllegalStateException(e);   // a StringReader does not fail
        }
        return score(raw);
    }

    /** The click probability of one line in the training format without the label column. */
    public float scoreLine(String line) {
        return scoreLines(List.of(line))[0];
    }

    @Override
    public String toString() {
        return "ClickModel(" + file + ": " + model.config().type() + ", " + encoder.format() + " format)";
    }
}
