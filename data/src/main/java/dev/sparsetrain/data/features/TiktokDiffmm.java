package dev.sparsetrain.data.features;

import dev.sparsetrain.core.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reader for the tiktok-diffmm folder (see its SOURCE.md): {@code train.tsv}, {@code val.tsv},
 * {@code test.tsv} ({@code user \t item}, 0-based indices) and the 128-d visual features
 * {@code image_feat.npy} (float16; {@code image_feat_f32le.bin} is used when the .npy is absent).
 * The user count is the largest user index + 1 over all splits (9,308), the item count the
 * feature row count (6,710); 465 items occur only in val/test (cold-start).
 */
public final class TiktokDiffmm {
    private TiktokDiffmm() {}

    /** Loads the folder (the features raw, without preprocessing). */
    public static FeatureDataset load(Path dir) {
        Path npy = dir.resolve("image_feat.npy");
        Path f32 = dir.resolve("image_feat_f32le.bin");
        FeatureDataset.Pairs train = readPairs(dir.resolve("train.tsv"));
        FeatureDataset.Pairs val = readPairs(dir.resolve("val.tsv"));
        FeatureDataset.Pairs test = readPairs(dir.resolve("test.tsv"));
        int users = 0, maxItem = -1;
        for (FeatureDataset.Pairs p : new FeatureDataset.Pairs[] {train, val, test}) {
            for (int u : p.users()) users = Math.max(users, u + 1);
            for (int i : p.items()) maxItem = Math.max(maxItem, i);
        }
        ItemFeatures features;
        if (Files.exists(npy)) {
            features = FeatureReader.readNpy(npy);
        } else {
            features = FeatureReader.readRawF32(f32, maxItem + 1);
        }
        if (features.rows() <= maxItem) {
            throw new BadInputException(features.source() + ": " + features.rows() + " feature rows but the interactions use item "
                    + maxItem + "; the file needs one row per item");
        }
        return new FeatureDataset("tiktok-diffmm", users, features.rows(), train, val, test, features);
    }

    /** Reads {@code user<TAB>item} lines (any whitespace or comma separator). */
    public static FeatureDataset.Pairs readPairs(Path file) {
        int[] us = new int[1024], is = new int[1024];
        int n = 0;
        long lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1); // UTF-8 byte order mark
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) continue;
                String[] t = s.split("[\\t, ]+");
                if (t.length < 2) throw BadInputException.at(file.toString(), lineNo, "expected 'user<TAB>item', got '" + s + "'");
                int u, i;
                try {
                    u = Integer.parseInt(t[0]);
                    i = Integer.parseInt(t[1]);
                } catch (NumberFormatException e) {
                    throw BadInputException.at(file.toString(), lineNo, "user and item must be 0-based integer indices, got '" + s + "'");
                }
                if (u < 0 || i < 0) throw BadInputException.at(file.toString(), lineNo, "negative index in '" + s + "'");
                if (u == Integer.MAX_VALUE || i == Integer.MAX_VALUE) {
                    throw BadInputException.at(file.toString(), lineNo, "index " + Integer.MAX_VALUE + " in '" + s + "' is too large (allowed 0.."
                            + (Integer.MAX_VALUE - 1) + ", dense 0-based indices)");
                }
                if (n == us.length) {
                    us = Arrays.copyOf(us, n * 2);
                    is = Arrays.copyOf(is, n * 2);
                }
                us[n] = u;
                is[n] = i;
                n++;
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return new FeatureDataset.Pairs(Arrays.copyOf(us, n), Arrays.copyOf(is, n));
    }
}
