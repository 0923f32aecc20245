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
        for (int u = 0; u < users; u++) Arrays.sort(items, start[u], start[u + 1]);
    }

    public int users() { return start.length - 1; }
    public int from(int u) { return start[u]; }
    public int to(int u) { return start[u + 1]; }
    public int size(int u) { return start[u + 1] - start[u]; }
    public int item(int k) { return items[k]; }

    public boolean contains(int u, int item) {
        return Arrays.binarySearch(items, start[u], start[u + 1], item) >= 0;
    }
}
