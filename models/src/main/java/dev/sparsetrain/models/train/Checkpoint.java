package dev.sparsetrain.models.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.optim.OptimizerState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one checkpoint format of every model: a {@link ModelFile} (versioned, checksummed, written
 * atomically) holding
 * <ul>
 *   <li>the model's own contents: its type, configuration JSON, id maps, metadata and parameter
 *       tables, exactly as its saved model has them (so a checkpoint is also a loadable model);</li>
 *   <li>the optimizer state ({@link OptimizerState}: {@code optim.*} metadata, {@code optim/...}
 *       tables);</li>
 *   <li>the spine's loop state ({@link Trainer.State}) under {@code loop.*} metadata: epoch, best
 *       epoch and figure, validations since the best, retries, samples, seconds, history and
 *       notes as JSON;</li>
 *   <li>the best epoch's snapshot when it is not the current parameters: its tables as
 *       {@code best/NAME} and its optimizer state under {@code best.optim.*} / {@code best/optim/...};</li>
 *   <li>optionally, state of the model beyond its parameters that the caller writes and reads
 *       beside them (a click model's dynamic tables: {@code dyn/...}, see
 *       {@code sparsenn.DynamicCheckpoint}); it is not part of the best snapshot.</li>
 * </ul>
 * {@link #write} streams the live parameters and optimizer state into the file, and
 * {@link #resume(Path, Trainable)} reads them back into a fresh model's own tables, both chunk by
 * chunk (never a second copy in memory), so a checkpoint of a model as large as the heap allows
 * works; a resumed run continues exactly (with {@code --threads 1}).
 */
public final class Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String LOOP = "loop.";
    public static final String BEST = "best/";
    static final String BEST_META = "best.";

    private Checkpoint() {}

    /**
     * The contents of a checkpoint: {@code model} (the model's saved form, parameters included)
     * plus the optimizer state of {@code trainable} and the loop state.
     */
    public static ModelFile.Contents contents(ModelFile.Contents model, Trainable trainable, Trainer.State state) {
        return contents(model, trainable.exportState(), state);
    }

    private static ModelFile.Contents contents(ModelFile.Contents model, OptimizerState st, Trainer.State state) {
        Map<String, String> meta = new LinkedHashMap<>(OptimizerState.withoutState(model.metadata()));
        List<Table> tables = new ArrayList<>();
        for (Table t : model.tables()) if (!OptimizerState.isStateTable(t) && !t.name().startsWith(BEST)) tables.add(t);
        meta.putAll(st.metadata());
        tables.addAll(st.tables());
        meta.putAll(loopMetadata(state));
        if (state.best() != null) {
            for (Table t : state.best().tables()) tables.add(renamed(t, BEST + t.name()));
            for (var e : state.best().optimizer().metadata().entrySet()) meta.put(BEST_META + e.getKey(), e.getValue());
            for (Table t : state.best().optimizer().tables()) tables.add(renamed(t, BEST + t.name()));
        }
        return new ModelFile.Contents(model.modelType(), model.configJson(), meta, model.idMaps(), tables);
    }

    /**
     * Writes {@link #contents} to {@code path} atomically, streaming: the parameters and the live
     * optimizer state ({@link Trainable#stateView()}) go to the file chunk by chunk, no second copy
     * of either is made. Call between epochs.
     */
    public static void write(Path path, ModelFile.Contents model, Trainable trainable, Trainer.State state) {
        write(path, model, List.of(), trainable, state);
    }

    /**
     * {@link #write(Path, ModelFile.Contents, Trainable, Trainer.State)} with {@code extra} written
     * after the optimizer state: state of the model beyond its parameters that an exact resume
     * needs (dynamic tables' id maps), read back through {@link #resume(Path, Trainable,
     * java.util.function.Function)}.
     */
    public static void write(Path path, ModelFile.Contents model, List<? extends ModelFile.Stream> extra, Trainable trainable, Trainer.State state) {
        OptimizerState view = trainable.stateView();
        List<ModelFile.Stream> streams = new ArrayList<>(view.streams());
        streams.addAll(extra);
        ModelFile.write(path, contents(model, view, state), streams);
    }

    /** Whether {@code c} is a checkpoint (has a loop state). */
    public static boolean isCheckpoint(ModelFile.Contents c) {
        return isCheckpoint(c.metadata());
    }

    /** Whether a model file's metadata holds a loop state (a checkpoint's). */
    public static boolean isCheckpoint(Map<String, String> metadata) {
        return metadata.containsKey(LOOP + "epoch");
    }

    /**
     * The model's own contents of a checkpoint: without loop state, optimizer state and best
     * snapshot (what the model's loader reads).
     */
    public static ModelFile.Contents modelContents(ModelFile.Contents c) {
        Map<String, String> meta = new LinkedHashMap<>();
        for (var e : OptimizerState.withoutState(c.metadata()).entrySet()) {
            if (!e.getKey().startsWith(LOOP) && !e.getKey().startsWith(BEST_META)) meta.put(e.getKey(), e.getValue());
        }
        List<Table> tables = new ArrayList<>();
        for (Table t : c.tables()) if (!OptimizerState.isStateTable(t) && !t.name().startsWith(BEST)) tables.add(t);
        return new ModelFile.Contents(c.modelType(), c.configJson(), meta, c.idMaps(), tables);
    }

    /**
     * Copies the checkpoint's parameters and optimizer state into {@code into} (a fresh model of
     * the same configuration) and returns the loop state to continue from. Without a loop state
     * (a saved model, not a checkpoint) the state says 0 epochs... unless {@code epochKey} names a
     * metadata entry holding the epochs trained. Mismatched tables are refused in one line
     * naming {@code where}.
     */
    public static Trainer.State resume(String where, ModelFile.Contents c, Trainable into) {
        copyTables(where, c.tables(), into.parameters());
        if (OptimizerState.present(c.metadata())) into.importState(where, OptimizerState.from(c.metadata(), c.tables()));
        into.parametersRestored();
        return loopState(where, c);
    }

    /**
     * {@link #resume(String, ModelFile.Contents, Trainable)} straight from the file: parameters and
     * optimizer state are read chunk by chunk into {@code into}'s own tables ({@link
     * Trainable#stateReader}; no second copy), the best snapshot (if any) into new tables.
     * Mismatches are refused in one line naming the file; after a refusal {@code into} may be
     * partly overwritten (discard it).
     */
    public static Trainer.State resume(Path path, Trainable into) {
        return resume(path, into, null);
    }

    /**
     * {@link #resume(Path, Trainable)}, with {@code extra} (given the file's header, before any
     * table is read; it may refuse the file there) placing the tables that are neither parameters
     * nor optimizer state: a model's own state beyond its parameters (see {@link #write(Path,
     * ModelFile.Contents, List, Trainable, Trainer.State)}). The file's checksum is checked only
     * after every table is read: use what {@code extra} received after this returns.
     */
    public static Trainer.State resume(Path path, Trainable into, java.util.function.Function<ModelFile.Header, ModelFile.Placement> extra) {
        String where = path.toString();
        Map<String, Table> params = new LinkedHashMap<>();
        for (Table t : into.parameters()) params.put(t.name(), t);
        java.util.Set<String> seen = new java.util.HashSet<>();
        OptimizerState.Reader[] reader = {null};
        ModelFile.Contents c = ModelFile.read(path, h -> {
            ModelFile.Placement more = extra == null ? null : extra.apply(h);
            if (OptimizerState.present(h.metadata())) reader[0] = into.stateReader(where, h.metadata());
            ModelFile.Placement base = OptimizerState.placement(where, params, seen, reader[0]);
            return more == null ? base : new ModelFile.Placement() {
                @Override public Table into(String name, Table.Kind kind, int rows, int dim) {
                    Table t = base.into(name, kind, rows, dim);
                    return t != null ? t : more.into(name, kind, rows, dim);
                }

                @Override public ModelFile.Sink sink(String name, Table.Kind kind, int rows, int dim) {
                    ModelFile.Sink s = base.sink(name, kind, rows, dim);
                    return s != null ? s : more.sink(name, kind, rows, dim);
                }
            };
        });
        for (String n : params.keySet()) if (!seen.contains(n)) throw new BadInputException(where + ": no table '" + n + "'");
        if (reader[0] != null) reader[0].finish();
        else if (OptimizerState.present(c.metadata())) into.importState(where, OptimizerState.from(c.metadata(), c.tables()));
        into.parametersRestored();
        return loopState(where, c);
    }

    /** The loop state a checkpoint holds ({@link Trainer.State#fresh()} when it holds none). */
    public static Trainer.State loopState(String where, ModelFile.Contents c) {
        Map<String, String> m = c.metadata();
        if (!m.containsKey(LOOP + "epoch")) return Trainer.State.fresh();
        try {
            int epoch = Integer.parseInt(m.get(LOOP + "epoch"));
            int bestEpoch = Integer.parseInt(m.get(LOOP + "best-epoch"));
            double best = Double.parseDouble(m.get(LOOP + "best-validation"));
            int since = Integer.parseInt(m.get(LOOP + "since-best"));
            boolean stopped = Boolean.parseBoolean(m.get(LOOP + "stopped"));
            int retries = Integer.parseInt(m.get(LOOP + "retries"));
            long samples = Long.parseLong(m.get(LOOP + "samples"));
            double secs = Double.parseDouble(m.get(LOOP + "train-seconds"));
            double cpu = Double.parseDouble(m.get(LOOP + "cpu-seconds"));
            List<Trainer.EpochRecord> history = Arrays.asList(JSON.readValue(m.get(LOOP + "history"), Trainer.EpochRecord[].class));
            List<String> notes = Arrays.asList(JSON.readValue(m.get(LOOP + "notes"), String[].class));
            Trainer.Snapshot best0 = null;
            List<Table> bestTables = new ArrayList<>(), bestState = new ArrayList<>();
            for (Table t : c.tables()) {
                if (!t.name().startsWith(BEST)) continue;
                Table r = renamed(t, t.name().substring(BEST.length()));
                (OptimizerState.isStateTable(r) ? bestState : bestTables).add(r);
            }
            if (!bestTables.isEmpty()) {
                Map<String, String> bm = new LinkedHashMap<>();
                for (var e : m.entrySet()) if (e.getKey().startsWith(BEST_META)) bm.put(e.getKey().substring(BEST_META.length()), e.getValue());
                best0 = new Trainer.Snapshot(List.copyOf(bestTables), OptimizerState.from(bm, bestState));
            }
            return new Trainer.State(epoch, bestEpoch, best, since, stopped, retries, samples, secs, cpu, history, notes, best0);
        } catch (RuntimeException | JsonProcessingException e) {
            throw new BadInputException(where + ": damaged training state in the checkpoint (" + e.getMessage() + ")");
        }
    }

    static Map<String, String> loopMetadata(Trainer.State s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(LOOP + "epoch", Integer.toString(s.epoch()));
        m.put(LOOP + "best-epoch", Integer.toString(s.bestEpoch()));
        m.put(LOOP + "best-validation", Double.toString(s.bestValidation()));
        m.put(LOOP + "since-best", Integer.toString(s.sinceBest()));
        m.put(LOOP + "stopped", Boolean.toString(s.stopped()));
        m.put(LOOP + "retries", Integer.toString(s.retries()));
        m.put(LOOP + "samples", Long.toString(s.samples()));
        m.put(LOOP + "train-seconds", Double.toString(s.trainSeconds()));
        m.put(LOOP + "cpu-seconds", Double.toString(s.cpuSeconds()));
        try {
            m.put(LOOP + "history", JSON.writeValueAsString(s.history()));
            m.put(LOOP + "notes", JSON.writeValueAsString(s.notes()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    /** Copies each table of {@code from} into the table of {@code into} with its name; missing or misshapen: one line. */
    static void copyTables(String where, List<Table> from, List<Table> into) {
        for (Table t : into) {
            Table src = null;
            for (Table f : from) if (f.name().equals(t.name())) { src = f; break; }
            if (src == null) throw new BadInputException(where + ": no table '" + t.name() + "'");
            if (src.rows() != t.rows() || src.dim() != t.dim()) {
                throw new BadInputException(where + ": table '" + t.name() + "' is " + src.rows() + " x " + src.dim()
                        + ", this data and configuration need " + t.rows() + " x " + t.dim());
            }
            if (src != t) t.copyFrom(src);   // chunk by chunk, any layouts
        }
    }

    /** {@code t} under another name, sharing its storage (no second copy of a big table). */
    static Table renamed(Table t, String name) {
        return t.renamed(name);
    }
}
