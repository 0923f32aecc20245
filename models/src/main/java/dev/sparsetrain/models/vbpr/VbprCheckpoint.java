package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.features.Preprocessing;
import dev.sparsetrain.models.train.Checkpoint;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.optim.OptimizerState;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A resumable VBPR (or visual-only, BPR-MF) training checkpoint: the spine's one format
 * ({@link Checkpoint}: the model's saved contents from {@link VbprFiles}, the optimizer state
 * with the learning-rate multipliers, the loop state and the best epoch's snapshot) plus what
 * only VBPR has:
 * <pre>
 *   vbpr.checkpoint = 1      the mark
 *   vbpr.cfg.*               the exact configuration (the model JSON rounds the group rates for display)
 *   vbpr.ck.seed             the run's seed (of its restart)
 *   vbpr.ck.baseMultipliers  the multipliers an epoch schedule scales
 *   vbpr.ck.notes            the notes before the run (auto-balance's choice: resuming does not re-probe)
 *   vbpr.ck.schedule         the epoch schedule; must match on resume
 * </pre>
 * With {@code threads = 1} and a seed, training N epochs straight equals training k,
 * checkpointing and resuming N - k, bit for bit. A checkpoint is also a model file of its epoch
 * ({@code evaluate}, {@code recommend}). A damaged file, a model file that is not a checkpoint,
 * or one of another configuration or data shape is refused in one line naming it.
 */
public final class VbprCheckpoint {
    private VbprCheckpoint() {}

    /** Metadata key that marks a checkpoint. */
    public static final String MARK = "vbpr.checkpoint";
    static final String P = "vbpr.ck.";

    /**
     * A checkpoint in memory.
     *
     * @param where    the file it came from (for messages), or "" before it is written
     * @param config   the run's configuration
     * @param loop     the spine's loop state
     * @param contents the whole file (model contents, optimizer and loop state, VBPR keys)
     */
    public record State(String where, VbprConfig config, Trainer.State loop, ModelFile.Contents contents) {
        public int epoch() { return loop.epoch(); }
        public boolean stopped() { return loop.stopped(); }
        public int bestEpoch() { return loop.bestEpoch(); }
        public double bestAuc() { return loop.bestValidation(); }
        public long seed() { return Long.parseLong(req(contents.metadata(), P + "seed", where)); }
        public String schedule() { return req(contents.metadata(), P + "schedule", where); }
        public List<String> notes() { return lines(req(contents.metadata(), P + "notes", where)); }
        public double[] baseMultipliers() { return parseDoubles(req(contents.metadata(), P + "baseMultipliers", where)); }

        /** Each group's learning-rate multiplier at the checkpoint (from the optimizer state). */
        public double[] multipliers() {
            String[] names = VbprConfig.tableNames(config.variant());
            double[] m = new double[names.length];
            for (int g = 0; g < names.length; g++) m[g] = Double.parseDouble(req(contents.metadata(), "optim." + names[g] + ".multiplier", where));
            return m;
        }
    }

    /** The checkpoint of a run at the end of an epoch ({@link VbprTrainer}'s checkpointer builds it). */
    static State of(VbprConfig cfg, VbprSteps steps, Trainer.State loop, long seed, List<String> notes, String schedule,
                    dev.sparsetrain.models.train.Trainable run) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MARK, "1");
        putConfig(m, cfg);
        m.put(P + "seed", Long.toString(seed));
        m.put(P + "baseMultipliers", doubles(steps.base));
        m.put(P + "notes", String.join("\n", notes));
        m.put(P + "schedule", schedule);
        ModelFile.Contents model = VbprFiles.contents(steps.model, cfg, m, List.of());
        return new State("", cfg, loop, Checkpoint.contents(model, run, loop));
    }

    /** Writes {@code s} (atomically) with {@code metadata} (data provenance etc.) beside the checkpoint's own keys. */
    public static void save(Path path, State s, Map<String, String> metadata) {
        ModelFile.Contents c = s.contents();
        Map<String, String> m = new LinkedHashMap<>(metadata == null ? Map.of() : OptimizerState.withoutState(metadata));
        m.putAll(c.metadata());
        ModelFile.write(path, new ModelFile.Contents(c.modelType(), c.configJson(), m, c.idMaps(), c.tables()));
    }

    /**
     * Checks a checkpoint and reads what comes before its tables (configuration, loop state,
     * multipliers): the whole file is read once to verify its checksum, without keeping a table,
     * and the tables are read again later straight into the resumed trainer's model and live
     * optimizer ({@link VbprTrainer#resumeFrom}; no second copy). The state's
     * {@link State#contents()} therefore holds no tables. Anything that is not a checkpoint, or is
     * damaged, is one line naming the file.
     */
    public static State load(Path path) {
        ModelFile.Contents c = ModelFile.read(path, h -> new ModelFile.Placement() {
            @Override public Table into(String name, Table.Kind kind, int rows, int dim) { return null; }
            @Override public ModelFile.Sink sink(String name, Table.Kind kind, int rows, int dim) { return (from, src, n) -> { }; }
        });
        String where = path.toString();
        if (!c.modelType().equals(VbprFiles.TYPE)) {
            throw new BadInputException(where + ": a '" + c.modelType() + "' model file, not a VBPR checkpoint");
        }
        Map<String, String> m = c.metadata();
        if (!"1".equals(m.get(MARK)) || !Checkpoint.isCheckpoint(c)) {
            throw new BadInputException(where + ": a VBPR model without training state, not a checkpoint (write them with " + Settings.name("checkpointEvery") + " N)");
        }
        if (!OptimizerState.present(m)) throw new BadInputException(where + ": damaged VBPR checkpoint (no optimizer state)");
        try {
            VbprConfig cfg = config(m, where);
            State s = new State(where, cfg, Checkpoint.loopState(where, c), c);
            s.seed();
            s.notes();
            s.schedule();
            if (s.baseMultipliers().length != VbprConfig.tableNames(cfg.variant()).length || s.multipliers().length == 0) {
                throw new BadInputException(where + ": damaged VBPR checkpoint (" + s.baseMultipliers().length + " learning-rate multipliers)");
            }
            return s;
        } catch (NumberFormatException e) {
            throw new BadInputException(where + ": damaged VBPR checkpoint (" + e.getMessage() + ")");
        } catch (BadInputException e) {
            String msg = e.getMessage();
            throw msg.startsWith(where) ? e : new BadInputException(where + ": damaged VBPR checkpoint (" + msg + ")");
        }
    }

    /** The metadata of a checkpoint file that is not training state (data provenance, written by the caller). */
    public static Map<String, String> userMetadata(Path path) {
        Map<String, String> out = new LinkedHashMap<>();
        ModelFile.Header h = ModelFile.readHeader(path);   // metadata only: no table is read
        for (var e : Checkpoint.modelContents(new ModelFile.Contents(h.modelType(), h.configJson(), h.metadata(), h.idMaps(), List.of()))
                .metadata().entrySet()) {
            if (!e.getKey().startsWith("vbpr.")) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static List<String> lines(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }

    private static String req(Map<String, String> m, String key, String where) {
        String v = m.get(key);
        if (v == null) throw new BadInputException(where + ": damaged VBPR checkpoint (no '" + key + "')");
        return v;
    }

    private static String doubles(double[] d) {
        StringBuilder b = new StringBuilder();
        for (int q = 0; q < d.length; q++) b.append(q == 0 ? "" : ",").append(d[q]);
        return b.toString();
    }

    private static double[] parseDoubles(String s) {
        if (s.isEmpty()) return new double[0];
        String[] p = s.split(",");
        double[] d = new double[p.length];
        for (int q = 0; q < p.length; q++) d[q] = Double.parseDouble(p[q]);
        return d;
    }

    /** The exact configuration as metadata (the model file's JSON rounds the group rates for display). */
    static void putConfig(Map<String, String> m, VbprConfig c) {
        String p = "vbpr.cfg.";
        m.put(p + "variant", c.variant().cliName());
        m.put(p + "factors", Integer.toString(c.factors()));
        m.put(p + "visualFactors", Integer.toString(c.visualFactors()));
        m.put(p + "preprocessing", c.preprocessing().cliName());
        StringBuilder g = new StringBuilder();
        // GROUP=SPEC:L2[@CLIP] joined by ';' (OptimizerSpec's text keeps every hyperparameter)
        c.groups().forEach((k, v) -> g.append(g.isEmpty() ? "" : ";").append(k).append('=').append(v.optimizer()).append(':')
                .append(v.l2()).append(v.clip().kind() == GroupSpec.ClipKind.NONE ? "" : "@" + v.clip()));
        m.put(p + "groups", g.toString());
        m.put(p + "threads", Integer.toString(c.threads()));
        m.put(p + "maxEpochs", Integer.toString(c.maxEpochs()));
        m.put(p + "patience", Integer.toString(c.patience()));
        m.put(p + "denseBatch", Integer.toString(c.denseBatch()));
        m.put(p + "seed", Long.toString(c.seed()));
        m.put(p + "initStd", Double.toString(c.initStd()));
        m.put(p + "autoBalance", Boolean.toString(c.autoBalance()));
        m.put(p + "balanceTarget", Double.toString(c.balanceTarget()));
        m.put(p + "restarts", Integer.toString(c.restarts()));
        m.put(p + "recordStats", Boolean.toString(c.recordStats()));
        m.put(p + "itemIdDropout", Double.toString(c.itemIdDropout()));
    }

    static VbprConfig config(Map<String, String> m, String where) {
        String p = "vbpr.cfg.";
        Map<String, GroupSpec> groups = new LinkedHashMap<>();
        for (String e : req(m, p + "groups", where).split(";")) {
            int eq = e.indexOf('='), at = e.indexOf('@');
            if (eq <= 0) throw new BadInputException(where + ": damaged VBPR checkpoint (group '" + e + "')");
            GroupSpec spec;
            try {
                spec = GroupSpec.parse(e.substring(eq + 1, at < 0 ? e.length() : at));
                if (at >= 0) {
                    int colon = e.indexOf(':', at);
                    spec = spec.withClip(new GroupSpec.Clip(GroupSpec.ClipKind.parse(e.substring(at + 1, colon)), Double.parseDouble(e.substring(colon + 1))));
                }
            } catch (BadInputException | NumberFormatException | StringIndexOutOfBoundsException x) {
                throw new BadInputException(where + ": damaged VBPR checkpoint (group '" + e + "')");
            }
            groups.put(e.substring(0, eq), spec);
        }
        return new VbprConfig(Variant.parse(req(m, p + "variant", where)), Integer.parseInt(req(m, p + "factors", where)),
                Integer.parseInt(req(m, p + "visualFactors", where)), Preprocessing.parse(req(m, p + "preprocessing", where)), groups,
                Integer.parseInt(req(m, p + "threads", where)), Integer.parseInt(req(m, p + "maxEpochs", where)),
                Integer.parseInt(req(m, p + "patience", where)), Integer.parseInt(req(m, p + "denseBatch", where)),
                Long.parseLong(req(m, p + "seed", where)), Double.parseDouble(req(m, p + "initStd", where)),
                Boolean.parseBoolean(req(m, p + "autoBalance", where)), Double.parseDouble(req(m, p + "balanceTarget", where)),
                Integer.parseInt(req(m, p + "restarts", where)), Boolean.parseBoolean(req(m, p + "recordStats", where)),
                Double.parseDouble(req(m, p + "itemIdDropout", where)));
    }

    /** A file name for the checkpoint of {@code epoch}. */
    public static String fileName(VbprConfig c, String dataName, int epoch) {
        return String.format(Locale.ROOT, "%s-%s-epoch-%03d.ckpt", c.variant().cliName(), dataName.replaceAll("[^A-Za-z0-9._-]", "_"), epoch);
    }
}
