package dev.sparsetrain.data.ctr;

/**
 * A collisionless id -&gt; row table for one sparse feature (Monolith, Liu et al. 2022, "Monolith:
 * real time recommendation system with collisionless embedding table", section 2.1; DeepRec's
 * {@code EmbeddingVariable}): every admitted id owns one embedding row, row 0 is the feature's
 * shared default row, and the table never holds more than {@code capacity} rows.
 *
 * <pre>
 *   observe(id, t):                                   (training, batch order, one thread)
 *     id has a row r            -&gt; touch r: c_r = c_r * 2^(-(t - t_r)/H) + 1, t_r = t; return r
 *     admitAfter &gt; 1 and sketch.increment(id) &lt; admitAfter
 *                               -&gt; return 0 (default row; a default-row hit)
 *     a row is free (never used, or expired under TTL) -&gt; give it to id
 *     LFU: the row v with the lowest decayed count c_v 2^(-(t - t_v)/H) among the rows whose id
 *          did not occur in this step -&gt; evict v's id, give v to id (v is reported by
 *          {@link #reassigned} so the caller reinitialises its weights and optimizer state before use)
 *     otherwise                 -&gt; return 0
 *   beginStep(t), TTL only:     free every row whose id last occurred before t - ttl
 *   rowFor(id):                 the id's row or 0 (prediction; read-only, no admission)
 * </pre>
 *
 * <p>The victim is found with an indexed binary min-heap over the occupied rows. Under LFU the
 * key is {@code ln c_r + t_r ln 2 / H}: for two rows at the same time t, comparing decayed counts
 * {@code c_a 2^(-(t-t_a)/H)} and {@code c_b 2^(-(t-t_b)/H)} is comparing these keys, which do not
 * change while a row is idle, so the heap stays valid without touching idle rows. Under TTL the
 * key is {@code t_r} (least recently seen first). Not-yet-admitted ids are counted by an
 * {@link AdmissionSketch} (bounded memory, never below the true count since its last halving).
 *
 * <p>The id map is a {@link LongIntMap} keyed by the raw 64-bit id (no boxing) that grows with
 * the admitted ids; per-row arrays grow with the rows handed out; both stop at {@code capacity}.
 * {@link #bytes()} is the whole structure's memory, reported next to the embedding rows it
 * indexes. Thread-safety: {@link #observe} and {@link #beginStep} from one thread between
 * forward passes; {@link #rowFor} from any number of threads while no one observes.
 */
public final class DynamicIdMap {
    private final DynamicIdConfig config;
    private final int capacity;
    private final double lambda;     // ln 2 / half-life
    private final boolean lfu;
    private final LongIntMap idToRow;
    private final AdmissionSketch sketch;
    // per row, grown up to capacity: the id, decayed count at the last occurrence, last step, heap position (-1 = free)
    private long[] idOfRow = new long[16];
    private double[] count = new double[16];
    private long[] last = new long[16];
    private int[] pos = new int[16];
    private int[] heap = new int[16];
    private int heapSize;
    private int nextRow = 1;
    private int[] free = new int[16];
    private int freeSize;
    private int[] reassigned = new int[16];
    private int[] pinned = new int[16];
    private int reassignedSize;
    private long admissions, evictions, expirations, defaultHits, observations;

    public DynamicIdMap(DynamicIdConfig config) {
        this(config, 16);
    }

    /** A map whose id table starts with room for {@code expected} ids (a restored map: the saved table's size). */
    private DynamicIdMap(DynamicIdConfig config, int expected) {
        this.idToRow = new LongIntMap(expected);
        this.config = config;
        this.capacity = config.capacity();
        this.lambda = Math.log(2) / config.halfLifeSteps();
        this.lfu = config.eviction() == DynamicIdConfig.Eviction.LFU;
        this.sketch = config.admitAfter() > 1 ? new AdmissionSketch(Math.min(1 << 22, 2 * capacity)) : null;
        java.util.Arrays.fill(pos, -1);
    }

    public DynamicIdConfig config() { return config; }

    /** Rows of the embedding table this map indexes (default row included). */
    public int capacity() { return capacity; }

    /** Ids that own a row now. */
    public int size() { return heapSize; }

    /** Ids given a row so far (re-admissions after eviction count again). */
    public long admissions() { return admissions; }

    /** Rows taken from one id for another (LFU). */
    public long evictions() { return evictions; }

    /** Rows freed because their id did not occur for the time-to-live (TTL). */
    public long expirations() { return expirations; }

    /** Training occurrences mapped to the default row (not yet admitted, or no row to give). */
    public long defaultHits() { return defaultHits; }

    /** Training occurrences seen by {@link #observe}. */
    public long observations() { return observations; }

    /** Memory of the map, the per-row bookkeeping and the admission sketch, in bytes. */
    public long bytes() {
        long b = 13L * idToRow.slots() + 8L * idOfRow.length + 8L * count.length + 8L * last.length + 4L * pos.length
                + 4L * heap.length + 4L * free.length + 4L * reassigned.length + 4L * pinned.length;
        return sketch == null ? b : b + sketch.bytes();
    }

    /** The row of {@code id}, or 0 (the default row) when it has none. Read-only. */
    public int rowFor(long id) {
        int r = idToRow.get(id);
        return r < 0 ? 0 : r;
    }

    /** Whether row {@code r} belongs to an id now. */
    public boolean occupied(int r) { return r > 0 && r < nextRow && pos[r] >= 0; }

    /** The id owning row {@code r} (only meaningful when {@link #occupied}). */
    public long idOf(int r) { return idOfRow[r]; }

    /** Rows handed to a new id after another id used them, since {@link #clearReassigned}: reinitialise them before use. */
    public int reassignedCount() { return reassignedSize; }

    public int reassigned(int i) { return reassigned[i]; }

    public void clearReassigned() { reassignedSize = 0; }

    /** Starts step {@code t}: under TTL frees the rows whose id last occurred before {@code t - ttl}. */
    public void beginStep(long t) {
        if (lfu) return;
        long ttl = config.ttlSteps();
        while (heapSize > 0 && t - last[heap[0]] > ttl) {
            int r = heap[0];
            removeAt(0);
            idToRow.remove(idOfRow[r]);
            pushFree(r);
            expirations++;
        }
    }

    /** One training occurrence of {@code id} at step {@code t}; returns its row (0: the default row). */
    public int observe(long id, long t) {
        observations++;
        int r = idToRow.get(id);
        if (r >= 0) {
            touch(r, t);
            return r;
        }
        double c0 = 1;
        if (sketch != null) {
            int c = sketch.increment(id);
            if (c < config.admitAfter()) {
                defaultHits++;
                return 0;
            }
            c0 = c;
        }
        r = allocate(t);
        if (r <= 0) {
            defaultHits++;
            return 0;
        }
        idToRow.put(id, r);
        idOfRow[r] = id;
        count[r] = c0;
        last[r] = t;
        insert(r);
        admissions++;
        return r;
    }

    private void touch(int r, long t) {
        if (lfu) count[r] = count[r] * Math.exp(-lambda * (t - last[r])) + 1;
        last[r] = t;
        siftDown(pos[r]);   // the key only grows
    }

    private int allocate(long t) {
        if (freeSize > 0) {
            int r = free[--freeSize];
            addReassigned(r);
            return r;
        }
        if (nextRow < capacity) {
            int r = nextRow++;
            ensureRows(nextRow);
            return r;
        }
        if (!lfu || heapSize == 0) return 0;
        // the weakest row whose id did not occur in this step (rows of this step are in use by its batch):
        // rows of this step on top of the heap are set aside and put back
        int aside = 0;
        while (heapSize > 0 && last[heap[0]] == t) {
            if (aside == pinned.length) pinned = java.util.Arrays.copyOf(pinned, pinned.length * 2);
            pinned[aside++] = heap[0];
            removeAt(0);
        }
        int v = heapSize > 0 ? heap[0] : 0;
        if (v > 0) removeAt(0);
        for (int i = 0; i < aside; i++) insert(pinned[i]);
        if (v == 0) return 0;   // every row is in use by this step's batch
        idToRow.remove(idOfRow[v]);
        evictions++;
        addReassigned(v);
        return v;
    }

    /** The heap key: LFU ln(count) + t * ln2/H (order of decayed counts), TTL the last step. */
    private double key(int r) {
        return lfu ? Math.log(count[r]) + lambda * last[r] : last[r];
    }

    private boolean less(int a, int b) {
        double ka = key(a), kb = key(b);
        return ka < kb || (ka == kb && a < b);   // ties by row: deterministic
    }

    private void insert(int r) {
        if (heapSize == heap.length) heap = java.util.Arrays.copyOf(heap, Math.min(capacity, heap.length * 2));
        heap[heapSize] = r;
        pos[r] = heapSize;
        heapSize++;
        siftUp(heapSize - 1);
    }

    private void removeAt(int i) {
        int r = heap[i];
        pos[r] = -1;
        heapSize--;
        if (i == heapSize) return;
        int moved = heap[heapSize];
        heap[i] = moved;
        pos[moved] = i;
        siftDown(i);
        siftUp(pos[moved]);
    }

    private void siftUp(int i) {
        int r = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            int q = heap[p];
            if (!less(r, q)) break;
            heap[i] = q;
            pos[q] = i;
            i = p;
        }
        heap[i] = r;
        pos[r] = i;
    }

    private void siftDown(int i) {
        int r = heap[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= heapSize) break;
            if (c + 1 < heapSize && less(heap[c + 1], heap[c])) c++;
            int q = heap[c];
            if (!less(q, r)) break;
            heap[i] = q;
            pos[q] = i;
            i = c;
        }
        heap[i] = r;
        pos[r] = i;
    }

    private void ensureRows(int n) {
        if (n <= idOfRow.length) return;
        int len = (int) Math.min(capacity, Math.max(n, 2L * idOfRow.length));
        idOfRow = java.util.Arrays.copyOf(idOfRow, len);
        count = java.util.Arrays.copyOf(count, len);
        last = java.util.Arrays.copyOf(last, len);
        int old = pos.length;
        pos = java.util.Arrays.copyOf(pos, len);
        java.util.Arrays.fill(pos, old, len, -1);
    }

    private void pushFree(int r) {
        if (freeSize == free.length) free = java.util.Arrays.copyOf(free, free.length * 2);
        free[freeSize++] = r;
    }

    private void addReassigned(int r) {
        if (reassignedSize == reassigned.length) reassigned = java.util.Arrays.copyOf(reassigned, reassigned.length * 2);
        reassigned[reassignedSize++] = r;
    }

    /**
     * The table as saved in a model file: element r is the id owning row r, or absent when
     * {@code occupied[r]} is false (row 0, free and expired rows).
     */
    public long[] idsByRow(boolean[] occupiedOut) {
        long[] out = new long[capacity];
        for (int r = 1; r < nextRow; r++) {
            if (pos[r] >= 0) {
                out[r] = idOfRow[r];
                occupiedOut[r] = true;
            }
        }
        return out;
    }

    /** First word of {@link #exportState()}: "DYN" and the layout version 1. */
    static final long STATE_FORMAT = 0x44594e_01L;
    private static final int HEADER = 22;

    /**
     * The whole mutable state, for a checkpoint from which training continues exactly (the
     * saved model's {@link #idsByRow} only serves predictions). Call between batches (no
     * pending {@link #reassigned} rows). Layout, one long each:
     * <pre>
     *   0  {@link #STATE_FORMAT}           1-5  capacity, admitAfter, eviction ordinal, halfLifeSteps, ttlSteps
     *   6  nextRow   7 heapSize   8 freeSize   9-13 admissions, evictions, expirations, defaultHits, observations
     *   14 slots of the id table   15-19 lengths of the row, heap, free, reassigned and scratch arrays (memory report)
     *   20 sketch width (0: none)  21 sketch additions since its last halving
     *   then per row r = 1 .. nextRow-1: id, raw bits of the decayed count, last step, heap position (-1: free)
     *   then the free list in stack order, then the sketch's counters, two per long
     * </pre>
     * The heap array is not stored: {@code heap[pos[r]] = r} rebuilds it exactly.
     */
    public long[] exportState() {
        if (reassignedSize != 0) throw new IllegalStateException("exportState during a batch: " + reassignedSize + " rows await their reset");
        int rows = nextRow - 1;
        long[] s = new long[HEADER + 4 * rows + freeSize + (sketch == null ? 0 : sketch.stateLongs())];
        long[] h = {STATE_FORMAT, capacity, config.admitAfter(), config.eviction().ordinal(), config.halfLifeSteps(), config.ttlSteps(),
                nextRow, heapSize, freeSize, admissions, evictions, expirations, defaultHits, observations, idToRow.slots(),
                idOfRow.length, heap.length, free.length, reassigned.length, pinned.length,
                sketch == null ? 0 : sketch.width(), sketch == null ? 0 : sketch.additions()};
        System.arraycopy(h, 0, s, 0, HEADER);
        int at = HEADER;
        for (int r = 1; r < nextRow; r++) {
            s[at++] = idOfRow[r];
            s[at++] = Double.doubleToRawLongBits(count[r]);
            s[at++] = last[r];
            s[at++] = pos[r];
        }
        for (int i = 0; i < freeSize; i++) s[at++] = free[i];
        if (sketch != null) sketch.exportTo(s, at);
        return s;
    }

    /**
     * The map {@link #exportState()} saved, bit for bit: every row's id, count, last step and heap
     * position, the free list, the counters, the admission sketch and the sizes of every array,
     * so that observing the same ids from here on gives the same rows, evictions and figures as
     * the map that was saved. A state of another configuration, or one that is not a consistent
     * map (ids owning two rows, a row both free and in the heap, a broken heap order), is refused.
     *
     * @throws IllegalArgumentException in one line saying what does not fit (the caller names the file)
     */
    public static DynamicIdMap restoreState(DynamicIdConfig config, long[] s) {
        if (s.length < HEADER || s[0] != STATE_FORMAT) throw new IllegalArgumentException("not a dynamic id map state (format word or length)");
        long[] want = {config.capacity(), config.admitAfter(), config.eviction().ordinal(), config.halfLifeSteps(), config.ttlSteps()};
        for (int i = 0; i < want.length; i++) {
            if (s[1 + i] != want[i]) {
                throw new IllegalArgumentException("state of another dynamic table (capacity " + s[1] + ", admit after " + s[2] + ", eviction " + s[3]
                        + ", half-life " + s[4] + ", ttl " + s[5] + "); this one: " + config);
            }
        }
        int capacity = config.capacity();
        long nextRow = s[6], heapSize = s[7], freeSize = s[8], slots = s[14];
        long maxLen = Math.max(16, 2L * capacity);
        if (nextRow < 1 || nextRow > capacity || heapSize < 0 || freeSize < 0 || heapSize + freeSize != nextRow - 1) {
            throw new IllegalArgumentException("damaged dynamic id map state: next row " + nextRow + ", " + heapSize + " occupied and " + freeSize
                    + " free rows (occupied + free must be next row - 1, next row within 1 .. " + capacity + ")");
        }
        if (slots < 32 || Long.bitCount(slots) != 1 || slots > 1 << 30 || 2 * heapSize > slots) {
            throw new IllegalArgumentException("damaged dynamic id map state: id table of " + slots + " slots for " + heapSize + " ids");
        }
        for (int i = 15; i < 20; i++) {
            long need = i == 15 ? nextRow : i == 16 ? heapSize : i == 17 ? freeSize : 0;
            if (s[i] < Math.max(need, 1) || s[i] > maxLen) throw new IllegalArgumentException("damaged dynamic id map state: array length " + s[i] + " (word " + i + ")");
        }
        DynamicIdMap m = new DynamicIdMap(config, (int) (slots / 2));
        long sketchLongs = m.sketch == null ? 0 : m.sketch.stateLongs();
        if (s[20] != (m.sketch == null ? 0 : m.sketch.width())) throw new IllegalArgumentException("damaged dynamic id map state: admission sketch width " + s[20]);
        if (s.length != HEADER + 4 * (nextRow - 1) + freeSize + sketchLongs) {
            throw new IllegalArgumentException("damaged dynamic id map state: " + s.length + " words for " + (nextRow - 1) + " rows and " + freeSize + " free");
        }
        for (int i = 9; i < 14; i++) if (s[i] < 0) throw new IllegalArgumentException("damaged dynamic id map state: a negative counter");
        m.nextRow = (int) nextRow;
        m.heapSize = (int) heapSize;
        m.freeSize = (int) freeSize;
        m.admissions = s[9];
        m.evictions = s[10];
        m.expirations = s[11];
        m.defaultHits = s[12];
        m.observations = s[13];
        m.idOfRow = new long[(int) s[15]];
        m.count = new double[(int) s[15]];
        m.last = new long[(int) s[15]];
        m.pos = new int[(int) s[15]];
        java.util.Arrays.fill(m.pos, -1);
        m.heap = new int[(int) s[16]];
        m.free = new int[(int) s[17]];
        m.reassigned = new int[(int) s[18]];
        m.pinned = new int[(int) s[19]];
        int at = HEADER, occupied = 0;
        for (int r = 1; r < nextRow; r++) {
            m.idOfRow[r] = s[at++];
            m.count[r] = Double.longBitsToDouble(s[at++]);
            m.last[r] = s[at++];
            long p = s[at++];
            if (p < -1 || p >= heapSize) throw new IllegalArgumentException("damaged dynamic id map state: row " + r + " at heap position " + p);
            if (p < 0) continue;
            if (!(m.count[r] > 0) || Double.isInfinite(m.count[r])) throw new IllegalArgumentException("damaged dynamic id map state: row " + r + " count " + m.count[r]);
            if (m.heap[(int) p] != 0) throw new IllegalArgumentException("damaged dynamic id map state: rows " + m.heap[(int) p] + " and " + r + " at heap position " + p);
            m.heap[(int) p] = r;
            m.pos[r] = (int) p;
            occupied++;
            int other = m.idToRow.get(m.idOfRow[r]);
            if (other >= 0) throw new IllegalArgumentException("id " + String.format("%016x", m.idOfRow[r]) + " owns rows " + other + " and " + r);
            m.idToRow.put(m.idOfRow[r], r);
        }
        if (occupied != heapSize) throw new IllegalArgumentException("damaged dynamic id map state: " + occupied + " rows in a heap of " + heapSize);
        java.util.BitSet listed = new java.util.BitSet((int) nextRow);
        for (int i = 0; i < freeSize; i++) {
            long r = s[at++];
            if (r < 1 || r >= nextRow || m.pos[(int) r] >= 0 || listed.get((int) r)) throw new IllegalArgumentException("damaged dynamic id map state: free row " + r + " is not an unused row");
            m.free[i] = (int) r;
            listed.set((int) r);
        }
        for (int i = 1; i < heapSize; i++) {
            if (m.less(m.heap[i], m.heap[(i - 1) >>> 1])) throw new IllegalArgumentException("damaged dynamic id map state: heap order broken at position " + i);
        }
        if (m.sketch != null) m.sketch.restore(s, at, s[21]);
        if (m.idToRow.slots() != slots) throw new IllegalArgumentException("damaged dynamic id map state: id table of " + slots + " slots");
        return m;
    }


    /**
     * Rebuilds a saved table: the same id -&gt; row assignment (so predictions are bit-identical),
     * counts set to {@code admitAfter} and last occurrence to step 0 (the eviction bookkeeping is
     * not saved, so training continued from it is not the exact continuation), unused rows free.
     *
     * @throws IllegalArgumentException when an id owns two rows (the caller names the file)
     */
    public static DynamicIdMap restore(DynamicIdConfig config, long[] idsByRow, boolean[] occupied) {
        DynamicIdMap m = new DynamicIdMap(config);
        int top = 1;
        for (int r = 1; r < occupied.length; r++) if (occupied[r]) top = r + 1;
        m.nextRow = top;
        m.ensureRows(top);
        for (int r = top - 1; r >= 1; r--) {
            if (!occupied[r]) {
                m.pushFree(r);
                continue;
            }
            if (m.idToRow.get(idsByRow[r]) >= 0) throw new IllegalArgumentException("id " + String.format("%016x", idsByRow[r]) + " owns rows "
                    + m.idToRow.get(idsByRow[r]) + " and " + r);
            m.idToRow.put(idsByRow[r], r);
            m.idOfRow[r] = idsByRow[r];
            m.count[r] = config.admitAfter();
            m.last[r] = 0;
            m.insert(r);
        }
        m.reassignedSize = 0;
        return m;
    }
}
