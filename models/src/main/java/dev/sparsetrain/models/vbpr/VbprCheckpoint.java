package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.features.Preprocessing;
import dev.sparsetrain.optim.OptimizerState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A resumable VBPR (or visual-only) training checkpoint: everything {@link VbprTrainer#fit} needs
 * to continue a run as if it had not stopped. With {@code threads = 1} and a seed, training N
 * epochs straight equals training k, checkpointing and resuming N - k, bit for bit.
 *
 * <p>What it holds (a {@link ModelFile} of type "vbpr", so {@code evaluate} and {@code recommend}
 * also read it as the model of its epoch):
 * <pre>
 *   tables    the parameter tables of the current model (as a saved model, with item projections)
 *             best/&lt;table&gt;                 early stopping's best model so far
 *             optim/...                     the optimizer runtime's state (OptimizerState): dense
 *                                           Adam moments of E and beta', per-row state and counts,
 *                                           step counters
 *   metadata  vbpr.checkpoint = 1, vbpr.ck.epoch, .seed, .rngSplits (position of the epoch RNG),
 *             .stepBase (per-sample step), .multipliers and .baseMultipliers (auto-balance's and
 *             the divergence guard's learning-rate multipliers: resuming does not re-probe),
 *             .bestAuc, .bestEpoch, .since, .recoveries, .stopped, .trainSeconds, .samples,
 *             .history, .notes, .schedule, and the exact configuration (vbpr.cfg.*)
 * </pre>
 * Written atomically ({@link ModelFile#write}); a damaged file, a model file that is not a
 * checkpoint, or one of another configuration or data shape is refused in one line naming it.
 */
public final class VbprCheckpoint {
    private VbprCheckpoint() {}

    /** Metadata key that marks a checkpoint. */
    public static final String MARK = "vbpr.checkpoint";
    static final String BEST = "best/";

    /**
     * The state at the end of an epoch.
     *
     * @param where           the file it came from (for messages), or "" for a fresh snapshot
     * @param config          the run's configuration
     * @param epoch           epochs done
     * @param tables          the current parameters (copies)
     * @param best            the best model's parameters so far (copies)
     * @param optimizer       the optimizer runtime's state
     * @param multipliers     each group's current learning-rate multiplier
     * @param baseMultipliers the multipliers an epoch schedule scales
     * @param stepBase        the per-sample step count handed to the runtime
     * @param rngSplits       how many epoch streams the master RNG has handed out
     * @param schedule        the epoch schedule (Schedule.toString()); must match on resume
     */
    public record State(String where, VbprConfig config, int epoch, List<Table> tables, List<Table> best, OptimizerState optimizer,
                        double[] multipliers, double[] baseMultipliers, long stepBase, long rngSplits, long seed, double bestAuc,
                        int bestEpoch, int since, int recoveries, boolean stopped, double trainSeconds, long samples,
                        List<VbprTrainer.Epoch> history, List<String> notes, List<String> runNotes, String schedule) {}

    /** Writes {@code s} (atomically) with {@code metadata} (data provenance etc.) beside the checkpoint's own keys. */
    public static void save(Path path, State s, VbprModel current, Map<String, String> metadata) {
        Map<String, String> m = new LinkedHashMap<>(metadata == null ? Map.of() : OptimizerState.withoutState(metadata));
        m.put(MARK, "1");
        putConfig(m, s.config());
        String p = "vbpr.ck.";
        m.put(p + "epoch", Integer.toString(s.epoch()));
        m.put(p + "seed", Long.toString(s.seed()));
        m.put(p + "rngSplits", Long.toString(s.rngSplits()));
        m.put(p + "stepBase", Long.toString(s.stepBase()));
        m.put(p + "multipliers", doubles(s.multipliers()));
        m.put(p + "baseMultipliers", doubles(s.baseMultipliers()));
        m.put(p + "bestAuc", Double.toString(s.bestAuc()));
        m.put(p + "bestEpoch", Integer.toString(s.bestEpoch()));
        m.put(p + "since", Integer.toString(s.since()));
        m.put(p + "recoveries", Integer.toString(s.recoveries()));
        m.put(p + "stopped", Boolean.toString(s.stopped()));
        m.put(p + "trainSeconds", Double.toString(s.trainSeconds()));
        m.put(p + "samples", Long.toString(s.samples()));
        StringBuilder h = new StringBuilder();
        for (VbprTrainer.Epoch e : s.history()) {
            if (!h.isEmpty()) h.append(';');
            h.append(e.epoch()).append(',').append(e.loss()).append(',').append(e.validationAuc()).append(',')
                    .append(e.validationColdAuc()).append(',').append(e.seconds()).append(',').append(e.samplesPerSecond());
        }
        m.put(p + "history", h.toString());
        m.put(p + "notes", String.join("\n", s.notes()));
        m.put(p + "runNotes", String.join("\n", s.runNotes()));
        m.put(p + "schedule", s.schedule());
        m.putAll(s.optimizer().metadata());
        List<Table> extra = new ArrayList<>();
        for (Table t : s.best()) extra.add(renamed(BEST + t.name(), t));
        extra.addAll(s.optimizer().tables());
        VbprFiles.save(path, current, s.config(), m, extra);
    }

    /** Reads a checkpoint; anything that is not one, or is damaged, is one line naming the file. */
    public static State load(Path path) {
        ModelFile.Contents c = ModelFile.read(path);
        String where = path.toString();
        if (!c.modelType().equals(VbprFiles.TYPE)) {
            throw new BadInputException(where + ": a '" + c.modelType() + "' model file, not a VBPR checkpoint");
        }
        Map<String, String> m = c.metadata();
        if (!"1".equals(m.get(MARK))) {
            throw new BadInputException(where + ": a VBPR model without training state, not a checkpoint (write them with --checkpoint-every N)");
        }
        if (!OptimizerState.present(m)) throw new BadInputException(where + ": damaged VBPR checkpoint (no optimizer state)");
        try {
            VbprConfig cfg = config(m, where);
            String p = "vbpr.ck.";
            List<Table> cur = new ArrayList<>(), best = new ArrayList<>();
            for (String name : VbprConfig.tableNames(cfg.variant())) {
                cur.add(c.table(name));
                best.add(renamed(name, c.table(BEST + name)));
            }
            List<VbprTrainer.Epoch> hist = new ArrayList<>();
            String hs = req(m, p + "history", where);
            if (!hs.isEmpty()) {
                for (String e : hs.split(";")) {
                    String[] f = e.split(",");
                    if (f.length != 6) throw new NumberFormatException("history entry '" + e + "'");
                    hist.add(new VbprTrainer.Epoch(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                            Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), new VbprTrainer.GroupFigures[0]));
                }
            }
            double[] mult = parseDoubles(req(m, p + "multipliers", where)), base = parseDoubles(req(m, p + "baseMultipliers", where));
            int groups = VbprConfig.tableNames(cfg.variant()).length;
            if (mult.length != groups || base.length != groups) {
                throw new BadInputException(where + ": damaged VBPR checkpoint (" + mult.length + " learning-rate multipliers for " + groups + " groups)");
            }
            return new State(where, cfg, Integer.parseInt(req(m, p + "epoch", where)), cur, best,
                    OptimizerState.from(m, c.tables()), mult, base, Long.parseLong(req(m, p + "stepBase", where)),
                    Long.parseLong(req(m, p + "rngSplits", where)), Long.parseLong(req(m, p + "seed", where)),
                    Double.parseDouble(req(m, p + "bestAuc", where)), Integer.parseInt(req(m, p + "bestEpoch", where)),
                    Integer.parseInt(req(m, p + "since", where)), Integer.parseInt(req(m, p + "recoveries", where)),
                    Boolean.parseBoolean(req(m, p + "stopped", where)), Double.parseDouble(req(m, p + "trainSeconds", where)),
                    Long.parseLong(req(m, p + "samples", where)), hist, lines(req(m, p + "notes", where)),
                    lines(req(m, p + "runNotes", where)), req(m, p + "schedule", where));
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
        for (var e : ModelFile.read(path).metadata().entrySet()) {
            String k = e.getKey();
            if (!k.startsWith("vbpr.") && !k.startsWith("optim.")) out.put(k, e.getValue());
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

    private static Table renamed(String name, Table t) {
        return new Table(name, t.rows(), t.dim(), t.kind()).load(t.data());
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
        c.groups().forEach((k, v) -> g.append(g.isEmpty() ? "" : ";").append(k).append('=').append(v.rule()).append(':')
                .append(v.learningRate()).append(':').append(v.l2())
                .append(v.clip().kind() == GroupSpec.ClipKind.NONE ? "" : ":" + v.clip().kind().cliName() + ":" + v.clip().max()));
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
            int eq = e.indexOf('=');
            String[] f = e.substring(eq + 1).split(":");
            if (eq <= 0 || (f.length != 3 && f.length != 5)) throw new BadInputException(where + ": damaged VBPR checkpoint (group '" + e + "')");
            GroupSpec.Clip clip = f.length == 5 ? new GroupSpec.Clip(GroupSpec.ClipKind.parse(f[3]), Double.parseDouble(f[4])) : GroupSpec.Clip.NONE;
            groups.put(e.substring(0, eq), new GroupSpec(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), clip));
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
