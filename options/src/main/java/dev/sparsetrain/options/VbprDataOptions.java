package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.FeatureReader;
import dev.sparsetrain.data.features.FeatureScale;
import dev.sparsetrain.data.features.ItemFeatures;
import dev.sparsetrain.data.features.Preprocessing;
import dev.sparsetrain.data.features.SyntheticVisual;
import dev.sparsetrain.data.features.TiktokDiffmm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * VBPR's data options, declared once for the VBPR commands of the command line and for
 * {@code SparkVbprMain} (which reads the data on the driver): {@code --data} (a folder, a data set
 * under ../shared/data or 'synthetic'; the default is the command's), {@code --features} and the
 * synthetic set's size and dimension. Not thread-safe (filled by picocli).
 */
public final class VbprDataOptions {
    // No defaultValue: picocli keeps the field's initial value when the option is absent and shows it as ${DEFAULT-VALUE}.
    @Option(names = "--data", description = "A folder with train.tsv, val.tsv, test.tsv ('user<TAB>item', 0-based) and item features; "
            + "a dataset name under ../shared/data (tiktok-diffmm); or 'synthetic' (4,096-d CNN-like features). Default: ${DEFAULT-VALUE}.")
    public String data;

    @Option(names = "--features", description = "Item features: .npy (float16/float32/float64, little-endian, C order, 2-d), raw little-endian float32 (.bin/.f32/.raw, row count = items) or text 'id v1 v2 ...'. Default: image_feat.npy in --data.")
    public Path features;

    @Mixin public SyntheticSizeOptions syntheticSize = new SyntheticSizeOptions(3000, 2000);

    @Option(names = "--synthetic-dim", description = "Feature dimension of the synthetic set (default ${DEFAULT-VALUE}).")
    public int syntheticDim = 4096;

    /** The options with the command's default {@code --data}. */
    public VbprDataOptions(String defaultData) {
        this.data = defaultData;
    }

    /** Whether {@code --data} names the generated set. */
    public boolean synthetic() { return data.equals("synthetic") || data.startsWith("synthetic-"); }

    /**
     * Loads the data set named by --data/--features, the synthetic one for {@code seed}. With
     * {@code typed} (the command's parse result, or null), a --synthetic-* option typed for real
     * data is refused; with {@code scale} (the features' preprocessing, or null for none), seed
     * 003's warning is printed on standard error for each feature column that spans orders of
     * magnitude under it ({@link FeatureScale}).
     */
    public FeatureDataset load(long seed, ParseResult typed, Preprocessing scale) {
        boolean synthetic = synthetic();
        if (synthetic && features != null) {
            throw new BadInputException("--features " + features + ": --data " + data + " generates its own item features; give --data FOLDER to use a feature file");
        }
        for (String o : new String[] {"--synthetic-users", "--synthetic-items", "--synthetic-dim"}) {
            if (!synthetic && typed != null && typed.hasMatchedOption(o)) {
                throw new BadInputException(o + ": applies to --data synthetic only; the data is " + data);
            }
        }
        if (synthetic) {
            SyntheticVisual.Config d = SyntheticVisual.Config.defaults(seed);
            try {
                return SyntheticVisual.generate(new SyntheticVisual.Config(syntheticSize.users(), syntheticSize.items(), syntheticDim, d.styles(), d.latent(),
                        d.magnitude(), d.collaborativeWeight(), d.visualWeight(), d.coldFraction(), d.seed()));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--synthetic-users/--synthetic-items/--synthetic-dim: " + e.getMessage());
            }
        }
        Path dir = Path.of(data);
        if (!Files.isDirectory(dir)) {
            Path shared = locateShared(data);
            if (shared == null) throw new BadInputException("--data '" + data + "': not a folder, not a dataset under ../shared/data, not 'synthetic'");
            dir = shared;
        }
        requireSplits(dir);
        if (features == null) {
            if (Files.exists(dir.resolve("image_feat.npy")) || Files.exists(dir.resolve("image_feat_f32le.bin"))) {
                FeatureDataset ds = TiktokDiffmm.load(dir);
                warnScale(dir.toString(), ds.features(), scale);
                return ds;
            }
            throw new BadInputException("--data " + dir + ": no image_feat.npy; give the item features with --features FILE");
        }
        if (!Files.exists(features)) throw new BadInputException("--features " + features + ": no such file");
        FeatureDataset.Pairs[] splits = readSplits(dir);
        FeatureDataset.Pairs train = splits[0], val = splits[1], test = splits[2];
        int users = 0, items = 0;
        for (FeatureDataset.Pairs p : new FeatureDataset.Pairs[] {train, val, test}) {
            for (int u : p.users()) users = Math.max(users, u + 1);
            for (int i : p.items()) items = Math.max(items, i + 1);
        }
        ItemFeatures f;
        if (FeatureReader.Format.of(features) == FeatureReader.Format.TEXT) {
            FeatureReader.Text t = FeatureReader.readText(features);
            int n = Math.max(items, t.features().rows());
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) ids.add(Integer.toString(i));
            f = t.alignTo(ids);
        } else {
            f = FeatureReader.read(features, FeatureReader.Format.of(features) == FeatureReader.Format.RAW_F32 ? items : 0);
            if (f.rows() < items) f.requireRows(items);
        }
        warnScale(features.toString(), f, scale);
        return new FeatureDataset(dir.getFileName().toString(), users, f.rows(), train, val, test, f);
    }

    /** Refuses a data folder without its three split files, in one line. */
    public static void requireSplits(Path dir) {
        for (String f : new String[] {"train.tsv", "val.tsv", "test.tsv"}) {
            if (!Files.exists(dir.resolve(f))) throw new BadInputException("--data " + dir + ": missing " + f + " (needs train.tsv, val.tsv, test.tsv)");
        }
    }

    /** The folder's train, validation and test pairs ({@link #requireSplits} first). */
    public static FeatureDataset.Pairs[] readSplits(Path dir) {
        requireSplits(dir);
        return new FeatureDataset.Pairs[] {TiktokDiffmm.readPairs(dir.resolve("train.tsv")), TiktokDiffmm.readPairs(dir.resolve("val.tsv")),
                TiktokDiffmm.readPairs(dir.resolve("test.tsv"))};
    }

    private static void warnScale(String source, ItemFeatures f, Preprocessing scale) {
        if (scale != null) for (String line : FeatureScale.warnings(source, f, scale)) System.err.println(line);
    }

    /**
     * Where the data came from, for the model file's metadata (folders made absolute), so that
     * evaluate and recommend can re-read the same split: data, features, synthetic-users,
     * synthetic-items, synthetic-dim, synthetic-seed.
     */
    public Map<String, String> metadata(long seed) {
        Map<String, String> m = new LinkedHashMap<>();
        Path dir = Path.of(data);
        m.put("data", Files.isDirectory(dir) ? dir.toAbsolutePath().normalize().toString() : data);
        if (features != null) m.put("features", features.toAbsolutePath().normalize().toString());
        if (synthetic()) {
            m.put("synthetic-users", Integer.toString(syntheticSize.users()));
            m.put("synthetic-items", Integer.toString(syntheticSize.items()));
            m.put("synthetic-dim", Integer.toString(syntheticDim));
            m.put("synthetic-seed", Long.toString(seed));
        }
        return m;
    }

    /** The folder of data set {@code name} under a shared/data folder above the working directory (or -Dsparsetrain.data), or null. */
    public static Path locateShared(String name) {
        Path d = Path.of("").toAbsolutePath();
        for (int i = 0; i < 6 && d != null; i++, d = d.getParent()) {
            for (Path c : new Path[] {d.resolve("shared/data").resolve(name), d.resolveSibling("shared").resolve("data").resolve(name)}) {
                if (Files.isDirectory(c)) return c;
            }
        }
        String p = System.getProperty("sparsetrain.data");
        if (p != null && Files.isDirectory(Path.of(p, name))) return Path.of(p, name);
        return null;
    }
}
