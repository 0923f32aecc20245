package dev.sparsetrain.cli;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.io.ModelFile;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.FeatureReader;
import dev.sparsetrain.data.features.ItemFeatures;
import dev.sparsetrain.models.bpr.BprFiles;
import dev.sparsetrain.models.vbpr.VbprFiles;
import dev.sparsetrain.models.vbpr.VbprModel;
import dev.sparsetrain.options.ImplicitDataOptions;
import dev.sparsetrain.options.VbprDataOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * Shared steps of the commands that read a saved model (evaluate, recommend). The model kind
 * comes from the file's header: {@code bpr} (BPR-MF, {@link BprFiles}) or {@code vbpr} (VBPR,
 * visual-only or BPR-MF of the VBPR package, {@link VbprFiles}, served from the item projections
 * stored in the file, so no feature file is needed).
 */
public final class SavedModelOptions {
    private SavedModelOptions() {}

    /** The VBPR-file options of evaluate and recommend. */
    public static final class Vbpr {
        @picocli.CommandLine.Option(names = "--features", paramLabel = "FILE",
                description = "vbpr/visual only: raw item features to recompute the item projections from (with the preprocessing saved in the model). "
                        + "Needed only for files written before the projections were stored. Default: none, the stored projections are used.")
        public Path features;

        @picocli.CommandLine.Option(names = "--synthetic-dim", paramLabel = "F",
                description = "vbpr/visual only: feature dimension of synthetic data. Default: as recorded in the model file.")
        public Integer syntheticDim;
    }

    /** Model metadata keys that are data/split options (applied when not given on the command line). */
    public static final java.util.Set<String> DATA_KEYS = java.util.Set.of("data", "data-root", "delimiter", "columns", "header", "charset", "time-column",
            "threshold", "skip-malformed", "split", "test-fraction", "split-seed", "synthetic-users", "synthetic-items", "synthetic-seed");

    /** Options that only apply to BPR-MF files (their data and split); refused for VBPR files, whose split is fixed. */
    static final List<String> BPR_ONLY = List.of("--data-root", "--delimiter", "--columns", "--header", "--charset", "--time-column", "--threshold",
            "--skip-malformed", "--split", "--test-fraction", "--split-seed");

    /** Options that only apply to VBPR / visual-only files. */
    static final List<String> VBPR_ONLY = List.of("--features", "--synthetic-dim");

    /**
     * Rewrites the help of evaluate's and recommend's data and split options ({@link #DATA_KEYS}):
     * their defaults are what the model file recorded, not train's defaults that the shared
     * options class shows. Options are re-added in their order; parsing is unchanged.
     */
    static void helpShowsRecordedDefaults(picocli.CommandLine.Model.CommandSpec spec) {
        List<picocli.CommandLine.Model.OptionSpec> all = new java.util.ArrayList<>(spec.options());
        all.removeIf(o -> o.group() != null);   // options of an argument group stay as they are (picocli cannot remove them)
        for (picocli.CommandLine.Model.OptionSpec o : all) spec.remove(o);
        for (picocli.CommandLine.Model.OptionSpec o : all) {
            if (DATA_KEYS.contains(o.longestName().replaceFirst("^--", ""))) {
                String text = String.join(" ", o.description());
                int at = text.lastIndexOf("Default:");
                o = picocli.CommandLine.Model.OptionSpec.builder(o)
                        .description((at >= 0 ? text.substring(0, at) : text + " ") + "Default: as recorded in the model file.").build();
            }
            spec.addOption(o);
        }
    }

    /**
     * A model's header (type, configuration, metadata, id maps) with no tables: a single file's
     * header only (its tables are read later straight into the model, {@link #load}), a directory
     * of part files (the sharded Spark trainers') read whole for BPR-MF, and for VBPR its header
     * file only ({@code VbprFiles.read} assembles the parts into the model later).
     */
    public static ModelFile.Contents header(Path model) {
        if (dev.sparsetrain.models.sparsenn.ShardedModelFiles.isSharded(model)) {
            if (!VbprFiles.TYPE.equals(dev.sparsetrain.models.sparsenn.ShardedModelFiles.modelType(model))) {
                return dev.sparsetrain.models.sparsenn.ShardedModelFiles.read(model);
            }
            model = model.resolve(dev.sparsetrain.models.sparsenn.ShardedModelFiles.DENSE);
        }
        ModelFile.Header h = ModelFile.readHeader(model);
        return new ModelFile.Contents(h.modelType(), h.configJson(), h.metadata(), h.idMaps(), List.of());
    }

    /** The model's {@link #header}, checked to be a recommender these commands serve. */
    public static ModelFile.Contents read(Path model) {
        ModelFile.Contents c = header(model);
        if (!c.modelType().equals(BprFiles.TYPE) && !c.modelType().equals(VbprFiles.TYPE)) {
            throw new BadInputException(model + ": a '" + c.modelType() + "' model; evaluate and recommend serve bpr, vbpr and visual models");
        }
        return c;
    }

    public static boolean isVbpr(ModelFile.Contents c) {
        return c.modelType().equals(VbprFiles.TYPE);
    }

    /** Refuses options given on the command line that do not apply to this kind of model file. */
    public static void refuseForeignOptions(CommandLine.Model.CommandSpec spec, Path model, ModelFile.Contents c) {
        var pr = spec.commandLine().getParseResult();
        boolean vbpr = isVbpr(c);
        for (String o : vbpr ? BPR_ONLY : VBPR_ONLY) {
            if (pr.hasMatchedOption(o)) {
                throw new BadInputException(o + ": does not apply to " + model + ", a " + kindLabel(c) + " model file"
                        + (vbpr ? " (its data is the fixed train/val/test split recorded in the file; give --data FOLDER to point elsewhere)"
                                : " (BPR-MF scores without item features; " + String.join(", ", VBPR_ONLY) + " are for vbpr/visual models)"));
            }
        }
    }

    public static String kindLabel(ModelFile.Contents c) {
        if (!isVbpr(c)) return "BPR-MF";
        String v = "vbpr";
        try {
            v = new com.fasterxml.jackson.databind.ObjectMapper().readTree(c.configJson()).path("variant").asText("vbpr");
        } catch (java.io.IOException e) {
            // the loader reports a damaged configuration in its own words
        }
        return label(v);
    }

    public static String label(String variant) {
        return switch (variant) {
            case "visual" -> "visual-only";
            case "bpr" -> "BPR-MF (VBPR package)";
            default -> "VBPR";
        };
    }

    public static BprFiles.Loaded load(Path model, CommandLine.Model.CommandSpec spec) {
        return load(model, header(model), spec);
    }

    public static BprFiles.Loaded load(Path model, ModelFile.Contents c, CommandLine.Model.CommandSpec spec) {
        BprFiles.Loaded l = c.tables().isEmpty() ? BprFiles.load(model) : BprFiles.load(model, c);   // a single file: read into the model, no copy
        Map<String, String> dataMeta = new java.util.LinkedHashMap<>();
        for (var e : l.metadata().entrySet()) if (DATA_KEYS.contains(e.getKey())) dataMeta.put(e.getKey(), e.getValue());
        ConfigFile.apply(spec, dataMeta, model + " (metadata)", true);
        return l;
    }

    /** The data's split, re-indexed onto the model's ids. */
    public static Split split(ImplicitDataOptions data, ImplicitDataOptions.Loaded rd, BprFiles.Loaded l) {
        Split s = data.split(rd.all());
        return ImplicitDataOptions.remap(s, l.users(), l.items());
    }

    public static Interactions check(Interactions in, String what) {
        if (in.size() == 0) throw new BadInputException(what + ": no interactions match the model's users and items (was it trained on this data?)");
        return in;
    }

    /** A VBPR model file with its split re-read (no item features needed unless the file lacks its projections). */
    public record VbprServing(VbprFiles.Loaded loaded, String dataName, Interactions train, Interactions validation, Interactions test) {
        public VbprModel model() { return loaded.model(); }

        public String describe(Path file) {
            VbprModel m = model();
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s: train %d, val %d, test %d pairs; model %s (%s: %d users x %d items",
                    dataName, train.size(), validation.size(), test.size(), file, label(m.variant().cliName()), m.users(), m.items()));
            if (m.factors() > 0) sb.append(String.format(Locale.ROOT, ", K=%d", m.factors()));
            if (m.visualFactors() > 0) {
                sb.append(String.format(Locale.ROOT, ", K'=%d, %d-d features, preprocessing %s, %s", m.visualFactors(), m.featureDim(),
                        m.transform() == null ? "none" : m.transform().kind().cliName(),
                        m.servingOnly() ? "served from the stored item projections" : "item projections recomputed from --features"));
            }
            String e = loaded.metadata().get("bestEpoch");
            if (e != null) sb.append(", best epoch ").append(e);
            return sb.append(')').toString();
        }
    }

    /**
     * Loads a VBPR file and its data: {@code --data}, {@code --synthetic-users/-items/-dim/-seed}
     * when given on the command line, else as recorded in the model's metadata; {@code --features}
     * recomputes the item projections from raw features (needed only for files without them).
     */
    public static VbprServing vbpr(Path model, ModelFile.Contents c, CommandLine.Model.CommandSpec spec, ImplicitDataOptions data,
                            Path features, Integer syntheticDim) {
        var pr = spec.commandLine().getParseResult();
        Map<String, String> meta = c.metadata();
        String where = model + " (metadata)";
        String d = pr.hasMatchedOption("--data") ? data.data() : meta.get("data");
        if (d == null) {
            throw new BadInputException(model + ": the file does not record its data (trained before it did); give --data FOLDER (train.tsv, val.tsv, test.tsv)");
        }
        if (!(d.equals("synthetic") || d.startsWith("synthetic-"))) {
            for (String o : new String[] {"--synthetic-users", "--synthetic-items", "--synthetic-seed", "--synthetic-dim"}) {
                if (pr.hasMatchedOption(o)) throw new BadInputException(o + ": applies to synthetic data only; " + model + " was trained on " + d);
            }
        }
        ItemFeatures raw = null;
        if (features != null) {
            if (!Files.exists(features)) throw new BadInputException("--features " + features + ": no such file");
            int items = intOf(c, "items", model);
            raw = FeatureReader.Format.of(features) == FeatureReader.Format.TEXT
                    ? FeatureReader.readText(features).alignTo(VbprFiles.indexIds(items))
                    : FeatureReader.read(features, FeatureReader.Format.of(features) == FeatureReader.Format.RAW_F32 ? items : 0);
        }
        FeatureDataset.Pairs train, val, test;
        String name;
        if (d.equals("synthetic") || d.startsWith("synthetic-")) {
            int su = pr.hasMatchedOption("--synthetic-users") ? data.syntheticUsers() : metaInt(meta, "synthetic-users", 3000, where);
            int si = pr.hasMatchedOption("--synthetic-items") ? data.syntheticItems() : metaInt(meta, "synthetic-items", 2000, where);
            int sd = syntheticDim != null ? syntheticDim : metaInt(meta, "synthetic-dim", 4096, where);
            long seed = pr.hasMatchedOption("--synthetic-seed") ? data.syntheticSeed() : metaLong(meta, "synthetic-seed", 42, where);
            VbprDataOptions o = new VbprDataOptions(d);
            o.syntheticSize.set(su, si);
            o.syntheticDim = sd;
            FeatureDataset fd = o.load(seed, null, null);   // the set the model was trained on
            train = fd.train();
            val = fd.validation();
            test = fd.test();
            name = fd.name();
        } else {
            Path dir = Path.of(d);
            if (!Files.isDirectory(dir)) dir = VbprDataOptions.locateShared(d);
            if (dir == null) throw new BadInputException("--data '" + d + "': not a folder and not a dataset under ../shared/data");
            FeatureDataset.Pairs[] splits = VbprDataOptions.readSplits(dir);
            train = splits[0];
            val = splits[1];
            test = splits[2];
            name = dir.getFileName().toString();
        }
        // served from the stored projections: the tables stream into the model; with raw features
        // (files without projections) the file is read whole and the projections recomputed
        VbprFiles.Loaded l = raw == null ? VbprFiles.read(model)
                : VbprFiles.read(model, c.tables().isEmpty() ? dev.sparsetrain.models.sparsenn.ShardedModelFiles.readAny(model) : c, raw);
        int users = l.model().users(), items = l.model().items();
        for (FeatureDataset.Pairs p : new FeatureDataset.Pairs[] {train, val, test}) {
            for (int k = 0; k < p.size(); k++) {
                if (p.users()[k] >= users || p.items()[k] >= items) {
                    throw new BadInputException("--data " + d + ": pair (" + p.users()[k] + ", " + p.items()[k] + ") outside the model's "
                            + users + " users x " + items + " items (was it trained on this data?)");
                }
            }
        }
        return new VbprServing(l, name, train.toInteractions(users, items), val.toInteractions(users, items),
                test.toInteractions(users, items));
    }

    private static int intOf(ModelFile.Contents c, String key, Path model) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(c.configJson()).path(key).asInt(0);
        } catch (java.io.IOException e) {
            throw new BadInputException(model + ": damaged configuration (" + e.getMessage() + ")");
        }
    }

    private static int metaInt(Map<String, String> meta, String key, int dflt, String where) {
        return Math.toIntExact(metaLong(meta, key, dflt, where));
    }

    private static long metaLong(Map<String, String> meta, String key, long dflt, String where) {
        String v = meta.get(key);
        if (v == null) return dflt;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new BadInputException(where + ": " + key + " '" + v + "' is not a whole number");
        }
    }
}
