package dev.sparsetrain.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Implicit feedback in compressed sparse row form: for every user {@code u} the items it interacted
 * with, sorted ascending without duplicates, at {@code items()[start(u) .. end(u))}, each with a
 * weight (a rating, a play count, or 1).
 *
 * <p>Users and items are dense indices {@code 0..numUsers()-1} and {@code 0..numItems()-1}; the
 * {@link IdMap}s translate them to and from the raw ids of the files. Several {@code Interactions}
 * (a training set, a test set, a validation set) share the same id maps and sizes, so an index
 * means the same user or item in all of them.
 *
 * <p>Optionally each pair carries a timestamp ({@link #times()}, a {@code long} per entry aligned
 * with {@link #itemIndices()}: epoch seconds for MovieLens, any integer for other files), read when
 * the data has a time column and used only by the temporal splits ({@link Splits#lastPerUser},
 * {@link Splits#timeRatio}); it is {@code null} when no time was read, and training never touches it.
 *
 * <p>Membership ({@link #contains(int, int)}) is a binary search over the user's sorted items:
 * about {@code log2(items of u)} steps, no allocation. Instances are immutable and safe to share
 * between threads.
 */
public final class Interactions {
    private final IdMap users;
    private final IdMap items;
    private final int numUsers;
    private final int numItems;
    private final int[] indptr;
    private final int[] indices;
    private final float[] weights;
    private final long[] times;
    private volatile int[] userOfEntry;
    private volatile int[] itemCounts;

    /**
     * Wraps CSR arrays (not copied). Each user's items must be sorted ascending, unique and in
     * range; this is checked.
     */
    public Interactions(IdMap users, IdMap items, int numUsers, int numItems, int[] indptr, int[] indices, float[] weights) {
        this(users, items, numUsers, numItems, indptr, indices, weights, null);
    }

    /**
     * Wraps CSR arrays (not copied) with a timestamp per entry ({@code times} parallel to
     * {@code indices}, or null for none).
     */
    public Interactions(IdMap users, IdMap items, int numUsers, int numItems, int[] indptr, int[] indices, float[] weights, long[] times) {
        if (times != null && times.length != indices.length) {
            throw new IllegalArgumentException("times has " + times.length + " entries, expected " + indices.length);
        }
        this.times = times;
        this.users = Objects.requireNonNull(users, "users");
        this.items = Objects.requireNonNull(items, "items");
        if (numUsers < 0 || numItems < 0) throw new IllegalArgumentException("negative size " + numUsers + " x " + numItems);
        if (indptr.length != numUsers + 1) throw new IllegalArgumentException("indptr has " + indptr.length + " entries, expected " + (numUsers + 1));
        if (indptr[0] != 0 || indptr[numUsers] != indices.length || weights.length != indices.length) {
            throw new IllegalArgumentException("inconsistent CSR arrays");
        }
        for (int u = 0; u < numUsers; u++) {
            int prev = -1;
            if (indptr[u + 1] < indptr[u]) throw new IllegalArgumentException("indptr decreases at user " + u);
            for (int p = indptr[u]; p < indptr[u + 1]; p++) {
                int i = indices[p];
                if (i <= prev || i >= numItems) {
                    throw new IllegalArgumentException("user " + u + ": items not sorted, unique and in [0, " + numItems + ")");
                }
                prev = i;
            }
        }
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.indptr = indptr;
        this.indices = indices;
        this.weights = weights;
    }

    /** Interactions from per-user item lists (weights 1), with sequential ids "1".."n"; for tests. */
    public static Interactions of(int numItems, int[]... userItems) {
        Builder b = new Builder(IdMap.sequential(userItems.length), IdMap.sequential(numItems));
        for (int u = 0; u < userItems.length; u++) {
            for (int i : userItems[u]) b.add(u, i, 1f);
        }
        return b.build();
    }

    public IdMap users() { return users; }
    public IdMap items() { return items; }
    public int numUsers() { return numUsers; }
    public int numItems() { return numItems; }
    /** Number of (user, item) pairs. */
    public int size() { return indices.length; }

    public int start(int u) { return indptr[u]; }
    public int end(int u) { return indptr[u + 1]; }
    public int count(int u) { return indptr[u + 1] - indptr[u]; }

    /** Row pointers, length numUsers+1 (shared, do not modify). */
    public int[] indptr() { return indptr; }
    /** All item indices, user after user (shared, do not modify). */
    public int[] itemIndices() { return indices; }
    /** Weights parallel to {@link #itemIndices()} (shared, do not modify). */
    public float[] weights() { return weights; }

    /**
     * Timestamps parallel to {@link #itemIndices()} (shared, do not modify), or null when the data
     * had no time column. A duplicated pair keeps its latest timestamp.
     */
    public long[] times() { return times; }

    /** Whether a timestamp was read for every pair. */
    public boolean hasTimes() { return times != null; }

    /** The items of user {@code u} (a copy). */
    public int[] itemsOf(int u) {
        return Arrays.copyOfRange(indices, indptr[u], indptr[u + 1]);
    }

    /** Whether user {@code u} interacted with item {@code i} (binary search). */
    public boolean contains(int u, int i) {
        return Arrays.binarySearch(indices, indptr[u], indptr[u + 1], i) >= 0;
    }

    /** The weight of (u, i), or NaN when absent. */
    public float weight(int u, int i) {
        int p = Arrays.binarySearch(indices, indptr[u], indptr[u + 1], i);
        return p >= 0 ? weights[p] : Float.NaN;
    }

    /** For every entry p, the user it belongs to (computed once, cached). */
    public int[] userOfEntry() {
        int[] r = userOfEntry;
        if (r == null) {
            r = new int[indices.length];
            for (int u = 0; u < numUsers; u++) Arrays.fill(r, indptr[u], indptr[u + 1], u);
            userOfEntry = r;
        }
        return r;
    }

    /** How many users interacted with each item (computed once, cached; do not modify). */
    public int[] itemCounts() {
        int[] c = itemCounts;
        if (c == null) {
            c = new int[numItems];
            for (int i : indices) c[i]++;
            itemCounts = c;
        }
        return c;
    }

    /** Number of users with at least one item. */
    public int activeUsers() {
        int n = 0;
        for (int u = 0; u < numUsers; u++) if (indptr[u + 1] > indptr[u]) n++;
        return n;
    }

    /** The same pairs, with the sizes grown to the current sizes of the id maps (after more ids were added). */
    public Interactions resizedToIdMaps() {
        if (users.size() == numUsers && items.size() == numItems) return this;
        int nu = users.size();
        int[] ptr = Arrays.copyOf(indptr, nu + 1);
        for (int u = numUsers + 1; u <= nu; u++) ptr[u] = indices.length;
        return new Interactions(users, items, nu, items.size(), ptr, indices, weights, times);
    }

    /**
     * The same pairs re-indexed onto other id maps, e.g. those of a saved model
     * ({@code BprFiles.Loaded.users()/items()}), so that data read again in another process lines up
     * with the model's rows. A pair whose raw user or item id is not in the maps is dropped; weights
     * and timestamps are kept. The result has the sizes of the given maps (they are not copied: later additions to
     * them are not seen). Returns {@code this} when the maps are already this instance's.
     */
    public Interactions remap(IdMap newUsers, IdMap newItems) {
        if (users == newUsers && items == newItems) return this;
        Builder b = new Builder(newUsers, newItems);
        for (int u = 0; u < numUsers; u++) {
            int nu = newUsers.indexOf(users.id(u));
            if (nu < 0) continue;
            for (int p = indptr[u]; p < indptr[u + 1]; p++) {
                int ni = newItems.indexOf(items.id(indices[p]));
                if (ni >= 0) {
                    if (times != null) b.add(nu, ni, weights[p], times[p]);
                    else b.add(nu, ni, weights[p]);
                }
            }
        }
        return b.build();
    }

    /** A fingerprint of the pairs (not the weights), for tests and logs. */
    public long pairHash() {
        long h = 1125899906842597L;
        for (int u = 0; u < numUsers; u++) {
            for (int p = indptr[u]; p < indptr[u + 1]; p++) h = 31 * h + ((long) u << 32 | indices[p]);
        }
        return h;
    }

    @Override
    public String toString() {
        return "Interactions[" + numUsers + " users x " + numItems + " items, " + indices.length + " pairs]";
    }

    /** What to do with a repeated (user, item) pair. */
    public enum DuplicatePolicy {
        /** Add the weights (play counts). */
        SUM,
        /** Keep the largest weight (ratings). */
        MAX,
        /** Keep the last weight seen. */
        LAST
    }

    /**
     * Accumulates (user, item, weight) triples in any order, duplicates allowed; {@link #build()}
     * sorts them into CSR form and merges duplicates by the policy (default {@link DuplicatePolicy#MAX}).
     *
     * <p>Timestamps: when any pair was added with a time ({@link #add(int, int, float, long)}),
     * the built interactions carry {@link Interactions#times()}; a duplicated pair keeps its
     * <b>latest</b> (largest) timestamp whatever the weight policy (so under {@code LAST} the weight
     * is the last one in file order, the time the latest one). Pairs added without a time while
     * others have one get {@link #NO_TIME}.
     */
    public static final class Builder {
        /** The time of a pair added without one, when other pairs have times (sorts before any real time). */
        public static final long NO_TIME = Long.MIN_VALUE;
        private final IdMap users;
        private final IdMap items;
        private DuplicatePolicy policy = DuplicatePolicy.MAX;
        private int size;
        private int[] us = new int[1024];
        private int[] is = new int[1024];
        private float[] ws = new float[1024];
        private long[] ts;
        private long duplicates;

        public Builder(IdMap users, IdMap items) {
            this.users = Objects.requireNonNull(users, "users");
            this.items = Objects.requireNonNull(items, "items");
        }

        public Builder() {
            this(new IdMap(), new IdMap());
        }

        public Builder duplicatePolicy(DuplicatePolicy p) {
            this.policy = Objects.requireNonNull(p);
            return this;
        }

        public IdMap users() { return users; }
        public IdMap items() { return items; }
        public int size() { return size; }

        /** Adds a pair by raw ids (mapped through the id maps, new ids appended). */
        public Builder add(String user, String item, float weight) {
            return add(users.add(user), items.add(item), weight);
        }

        /** Adds a pair with a timestamp by raw ids (mapped through the id maps, new ids appended). */
        public Builder add(String user, String item, float weight, long time) {
            return add(users.add(user), items.add(item), weight, time);
        }

        /** Adds a pair by dense indices (must already exist in the id maps when built). */
        public Builder add(int u, int i, float weight) {
            if (size == us.length) grow();
            us[size] = u;
            is[size] = i;
            ws[size] = weight;
            if (ts != null) ts[size] = NO_TIME;
            size++;
            return this;
        }

        /** Adds a pair with a timestamp by dense indices. */
        public Builder add(int u, int i, float weight, long time) {
            if (ts == null) {
                ts = new long[us.length];
                Arrays.fill(ts, 0, size, NO_TIME);
            }
            add(u, i, weight);
            ts[size - 1] = time;
            return this;
        }

        private void grow() {
            int cap = size * 2;
            us = Arrays.copyOf(us, cap);
            is = Arrays.copyOf(is, cap);
            ws = Arrays.copyOf(ws, cap);
            if (ts != null) ts = Arrays.copyOf(ts, cap);
        }

        /** Duplicate pairs merged by the last {@link #build()}. */
        public long duplicatesMerged() { return duplicates; }

        /** Sorts and merges; sizes are those of the id maps now. */
        public Interactions build() {
            int nu = users.size(), ni = items.size();
            int[] cnt = new int[nu + 1];
            for (int k = 0; k < size; k++) {
                if (us[k] < 0 || us[k] >= nu || is[k] < 0 || is[k] >= ni) {
                    throw new IllegalArgumentException("pair (" + us[k] + ", " + is[k] + ") outside " + nu + " x " + ni);
                }
                cnt[us[k] + 1]++;
            }
            for (int u = 0; u < nu; u++) cnt[u + 1] += cnt[u];
            // Counting sort by user; within a user, (item << 32 | arrival order) keeps LAST well defined.
            long[] keys = new long[size];
            int[] fill = Arrays.copyOf(cnt, nu);
            for (int k = 0; k < size; k++) keys[fill[us[k]]++] = ((long) is[k] << 32) | k;
            int[] ptr = new int[nu + 1];
            int[] outI = new int[size];
            float[] outW = new float[size];
            long[] outT = ts == null ? null : new long[size];
            int n = 0;
            long dup = 0;
            for (int u = 0; u < nu; u++) {
                Arrays.sort(keys, cnt[u], cnt[u + 1]);
                int last = -1;
                for (int p = cnt[u]; p < cnt[u + 1]; p++) {
                    int item = (int) (keys[p] >>> 32);
                    float w = ws[(int) keys[p]];
                    if (item == last) {
                        dup++;
                        float prev = outW[n - 1];
                        outW[n - 1] = switch (policy) {
                            case SUM -> prev + w;
                            case MAX -> Math.max(prev, w);
                            case LAST -> w;
                        };
                        if (outT != null) outT[n - 1] = Math.max(outT[n - 1], ts[(int) keys[p]]);
                    } else {
                        outI[n] = item;
                        outW[n] = w;
                        if (outT != null) outT[n] = ts[(int) keys[p]];
                        n++;
                        last = item;
                    }
                }
                ptr[u + 1] = n;
            }
            duplicates = dup;
            return new Interactions(users, items, nu, ni, ptr, Arrays.copyOf(outI, n), Arrays.copyOf(outW, n),
                    outT == null ? null : Arrays.copyOf(outT, n));
        }
    }
}
