package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.data.features.FeatureDataset;
import java.util.Arrays;

/**
 * Per-user sorted item lists (CSR) of one split, for O(log n) membership tests when sampling
 * negatives and excluding training items at evaluation. Immutable; thread-safe.
 */
public final class UserItems {
    private final int[] start, items;

    public UserItems(int users, FeatureDataset.Pairs pairs) {
        start = new int[users + 1];
        for (int u : pairs.users()) start[u + 1]++;
        for (int u = 0; u < users; u++) start[u + 1] += start[u];
        items = new int[pairs.size()];
        int[] fill = Arrays.copyOf(start, users);
        for (int k = 0; k < pairs.size(); k++) items[fill[pairs.users()[k]]++] = pairs.items()[k];
        for (int u = 0; u < users; u++) {
            Arrays.sort(items, start[u], start[u + 1]);
            for (int k = start[u] + 1; k < start[u + 1]; k++) {
                if (items[k] == items[k - 1]) {
                    throw new dev.sparsetrain.core.BadInputException("duplicate pair (user " + u + ", item " + items[k] + ") in one split");
                }
            }
        }
    }

    public int users() { return start.length - 1; }
    public int from(int u) { return start[u]; }
    public int to(int u) { return start[u + 1]; }
    public int size(int u) { return start[u + 1] - start[u]; }
    public int item(int k) { return items[k]; }

    /** The same pairs as the project's {@link dev.sparsetrain.data.Interactions} (sequential ids, weights 1). */
    public dev.sparsetrain.data.Interactions toInteractions(int numItems) {
        float[] w = new float[items.length];
        java.util.Arrays.fill(w, 1f);
        return new dev.sparsetrain.data.Interactions(dev.sparsetrain.data.IdMap.sequential(users()), dev.sparsetrain.data.IdMap.sequential(numItems),
                users(), numItems, start.clone(), items.clone(), w);
    }

    public boolean contains(int u, int item) {
        return Arrays.binarySearch(items, start[u], start[u + 1], item) >= 0;
    }
}
