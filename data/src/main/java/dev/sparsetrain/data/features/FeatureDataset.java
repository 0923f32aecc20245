package dev.sparsetrain.data.features;

import dev.sparsetrain.core.BadInputException;
import java.util.Objects;

/**
 * Implicit feedback with a fixed train/validation/test split and one dense feature row per item:
 * what VBPR trains on. Users and items are dense indices {@code [0, users)} and {@code [0, items)};
 * feature row {@code i} belongs to item {@code i}.
 *
 * @param name     a short label ("tiktok-diffmm", "synthetic-4096")
 * @param features already checked to have {@code items} rows
 */
public record FeatureDataset(String name, int users, int items, Pairs train, Pairs validation, Pairs test,
                             ItemFeatures features) {

    /** (user, item) pairs of one split, parallel arrays. */
    public record Pairs(int[] users, int[] items) {
        public Pairs {
            if (users.length != items.length) throw new IllegalArgumentException("users/items length differ");
        }

        public int size() { return users.length; }

        /**
         * Reads {@code user<TAB>item} lines of 0-based indices (any whitespace or comma separator;
         * blank lines and {@code #} comments skipped); a malformed line is one
         * {@link BadInputException} naming file and line.
         */
        public static Pairs read(java.nio.file.Path file) {
            return TiktokDiffmm.readPairs(file);
        }

        /**
         * Every (user, item) pair of {@code in}, by its dense indices, in user order: how data
         * read with string ids ({@code InteractionReader}, {@code Splits}) becomes VBPR's splits.
         * Index the item features the same way, e.g.
         * {@code FeatureReader.readText(file).alignTo(in.items().ids())}.
         */
        public static Pairs of(dev.sparsetrain.data.Interactions in) {
            int[] us = in.userOfEntry();
            return new Pairs(us.clone(), in.itemIndices().clone());
        }

        /**
         * These pairs as the project's {@link dev.sparsetrain.data.Interactions} over
         * {@code users x items} (sequential ids, weights 1, each user's items sorted): what
         * training (positives, {@code NegativeSampler}) and evaluation ({@code RankingEvaluator})
         * read. A pair given twice is refused in one line.
         */
        public dev.sparsetrain.data.Interactions toInteractions(int users, int items) {
            int[] start = new int[users + 1];
            for (int u : this.users) start[u + 1]++;
            for (int u = 0; u < users; u++) start[u + 1] += start[u];
            int[] its = new int[size()];
            int[] fill = java.util.Arrays.copyOf(start, users);
            for (int k = 0; k < size(); k++) its[fill[this.users[k]]++] = this.items[k];
            for (int u = 0; u < users; u++) {
                java.util.Arrays.sort(its, start[u], start[u + 1]);
                for (int k = start[u] + 1; k < start[u + 1]; k++) {
                    if (its[k] == its[k - 1]) throw new BadInputException("duplicate pair (user " + u + ", item " + its[k] + ") in one split");
                }
            }
            float[] w = new float[its.length];
            java.util.Arrays.fill(w, 1f);
            return new dev.sparsetrain.data.Interactions(dev.sparsetrain.data.IdMap.sequential(users), dev.sparsetrain.data.IdMap.sequential(items),
                    users, items, start, its, w);
        }
    }

    /**
     * A data set from its three splits and the raw item features: the item count is the
     * features' row count and the user count is one more than the largest user index in any
     * split. A pair whose item has no feature row is refused in one line.
     */
    public static FeatureDataset of(String name, Pairs train, Pairs validation, Pairs test, ItemFeatures features) {
        int users = 0;
        for (Pairs p : new Pairs[] {train, validation, test}) for (int u : p.users()) users = Math.max(users, u + 1);
        return new FeatureDataset(name, users, features.rows(), train, validation, test, features);
    }

    public FeatureDataset {
        Objects.requireNonNull(name);
        features.requireRows(items);
        for (Pairs p : new Pairs[] {train, validation, test}) {
            for (int k = 0; k < p.size(); k++) {
                if (p.users()[k] < 0 || p.users()[k] >= users || p.items()[k] < 0 || p.items()[k] >= items) {
                    throw new BadInputException(name + ": pair (" + p.users()[k] + ", " + p.items()[k] + ") outside "
                            + users + " users x " + items + " items");
                }
            }
        }
    }

    /** Items that appear in validation or test but never in train (cold-start items). */
    public boolean[] coldItems() {
        boolean[] inTrain = new boolean[items];
        for (int i : train.items()) inTrain[i] = true;
        boolean[] cold = new boolean[items];
        for (Pairs p : new Pairs[] {validation, test}) for (int i : p.items()) if (!inTrain[i]) cold[i] = true;
        return cold;
    }

    /** A split of this data set as {@link dev.sparsetrain.data.Interactions} over its users and items ({@link Pairs#toInteractions}). */
    public dev.sparsetrain.data.Interactions interactions(Pairs split) {
        return split.toInteractions(users, items);
    }

    /** The same data with other features (e.g. after preprocessing). */
    public FeatureDataset withFeatures(ItemFeatures f) {
        return new FeatureDataset(name, users, items, train, validation, test, f);
    }

    @Override
    public String toString() {
        int cold = 0;
        for (boolean c : coldItems()) if (c) cold++;
        return String.format(java.util.Locale.ROOT, "%s: %d users, %d items (%d cold-start), train %d, val %d, test %d, features %d-d",
                name, users, items, cold, train.size(), validation.size(), test.size(), features.dim());
    }
}
