package dev.sparsetrain.models.vbpr;

/**
 * The per-row update of one parameter group, resolved once from a {@link GroupSpec} into a
 * straight-line kernel over flat arrays. With {@code m} the group's learning-rate multiplier
 * ({@link #setMultiplier}) and {@code g' = g + l2 * w} (coupled L2 on the touched row):
 *
 * <pre>
 *   SGD      w -= m lr g'
 *   ADAGRAD  G += g'^2;  w -= m lr g' / (sqrt(G) + 1e-10)          (element-wise state)
 *   ADAM     c_r += 1 (the row's own step count: per-row bias correction, FBGEMM's
 *            use_rowwise_bias_correction, so a rarely seen row is not under-corrected)
 *            m1 = b1 m1 + (1-b1) g';  m2 = b2 m2 + (1-b2) g'^2
 *            w -= m lr (m1 / (1 - b1^c_r)) / (sqrt(m2 / (1 - b2^c_r)) + 1e-8)   b1 = 0.9, b2 = 0.999
 * </pre>
 *
 * Lazy semantics: rows without a gradient are untouched, state included. For the dense groups
 * (the projection E, the visual bias) the whole tensor is one "row" updated once per dense step.
 *
 * <p>This is the model-local runtime used until the project-wide optimizer runtime can be plugged
 * in; it keeps the same per-row contract ({@code update(row, grad, offset, stats)}).
 *
 * <p>Thread-safety: Hogwild. Several threads may update different or the same rows without locks;
 * state updates race benignly (Recht et al. 2011). Allocation-free after construction.
 */
public final class GroupRule {
    private static final int POW_TABLE = 1 << 14;
    private static final float[] B1POW = new float[POW_TABLE], B2POW = new float[POW_TABLE];
    static {
        double a = 1, b = 1;
        for (int c = 0; c < POW_TABLE; c++) {
            B1POW[c] = (float) (1 - a);   // 1 - b1^c
            B2POW[c] = (float) (1 - b);
            a *= 0.9;
            b *= 0.999;
        }
    }

    final String name;
    final GroupSpec spec;
    final int dim;
    private final GroupSpec.Rule rule;
    private final float lr, l2;
    private volatile float multiplier = 1f;
    private final float[] s1, s2;
    private final int[] count;
    /** Squared floor of a row's weight norm in the update/weight ratio (see {@link #setWeightFloor}). */
    private double weightFloor2;

    /**
     * @param rows the table's rows ({@code 1} for a dense tensor treated as one row)
     * @param dim  floats per row
     */
    public GroupRule(String name, GroupSpec spec, int rows, int dim) {
        this.name = name;
        this.spec = spec;
        this.dim = dim;
        this.rule = spec.rule();
        this.lr = (float) spec.learningRate();
        this.l2 = (float) spec.l2();
        long n = (long) rows * dim;
        this.s1 = rule == GroupSpec.Rule.SGD ? null : new float[(int) n];
        this.s2 = rule == GroupSpec.Rule.ADAM ? new float[(int) n] : null;
        this.count = rule == GroupSpec.Rule.ADAM ? new int[rows] : null;
    }

    /**
     * The update/weight ratio divides by {@code max(|w|, floor)} with {@code floor = scale *
     * sqrt(dim)}: a zero-initialised tensor (a bias) that only ever accumulated its own small
     * updates would otherwise show a ratio near 1 whatever its learning rate. The trainer uses the
     * initialisation scale.
     */
    public void setWeightFloor(double scale) { this.weightFloor2 = scale * scale * dim; }

    public String name() { return name; }
    public GroupSpec spec() { return spec; }
    public float multiplier() { return multiplier; }
    /** Scales this group's learning rate (auto-balancing, lr-find). */
    public void setMultiplier(double m) { this.multiplier = (float) m; }

    /**
     * Applies one row's loss gradient {@code g[go..go+dim)} to {@code w[wo..]} (row index
     * {@code row} addresses the state). {@code g} is overwritten (scratch). Records figures in
     * {@code stats} at slot {@code slot} when it is not null.
     */
    public void update(float[] w, int wo, float[] g, int go, int row, GroupStats stats, int slot) {
        final int n = dim;
        final float step = lr * multiplier;
        double gs = 0, us = 0, ws = 0;
        boolean rec = stats != null;
        int nonFinite = 0;
        if (l2 != 0f) for (int c = 0; c < n; c++) g[go + c] += l2 * w[wo + c];
        if (rec) {
            for (int c = 0; c < n; c++) {
                float x = g[go + c];
                if (!Float.isFinite(x)) nonFinite++;
                gs += (double) x * x;
            }
        }
        switch (rule) {
            case SGD -> {
                if (rec) {
                    for (int c = 0; c < n; c++) {
                        float u = step * g[go + c];
                        us += (double) u * u;
                        float nw = w[wo + c] - u;
                        ws += (double) nw * nw;
                        w[wo + c] = nw;
                    }
                } else {
                    for (int c = 0; c < n; c++) w[wo + c] -= step * g[go + c];
                }
            }
            case ADAGRAD -> {
                final int so = row * n;
                final float[] acc = s1;
                for (int c = 0; c < n; c++) {
                    float x = g[go + c];
                    float a = acc[so + c] + x * x;
                    acc[so + c] = a;
                    float u = step * x / ((float) Math.sqrt(a) + 1e-10f);
                    float nw = w[wo + c] - u;
                    if (rec) {
                        us += (double) u * u;
                        ws += (double) nw * nw;
                    }
                    w[wo + c] = nw;
                }
            }
            case ADAM -> {
                final int so = row * n;
                int cnt = ++count[row];
                int ci = Math.min(cnt, POW_TABLE - 1);
                final float c1 = step / B1POW[ci], c2 = 1f / B2POW[ci];
                final float[] m1 = s1, m2 = s2;
                for (int c = 0; c < n; c++) {
                    float x = g[go + c];
                    float a = 0.9f * m1[so + c] + 0.1f * x;
                    float b = 0.999f * m2[so + c] + 0.001f * x * x;
                    m1[so + c] = a;
                    m2[so + c] = b;
                    float u = c1 * a / ((float) Math.sqrt(b * c2) + 1e-8f);
                    float nw = w[wo + c] - u;
                    if (rec) {
                        us += (double) u * u;
                        ws += (double) nw * nw;
                    }
                    w[wo + c] = nw;
                }
            }
        }
        if (rec) stats.add(slot, gs, us, Math.max(ws, weightFloor2), nonFinite);
    }

    /** Clears optimizer state (a restart). */
    public void reset() {
        if (s1 != null) java.util.Arrays.fill(s1, 0f);
        if (s2 != null) java.util.Arrays.fill(s2, 0f);
        if (count != null) java.util.Arrays.fill(count, 0);
    }
}
