package dev.sparsetrain.studies.dynamic;

import dev.sparsetrain.core.Progress;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.data.ctr.DynamicIdConfig;
import dev.sparsetrain.metrics.ctr.CtrEvaluation;
import dev.sparsetrain.metrics.ctr.CtrMetrics;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.DynamicStats;
import dev.sparsetrain.models.sparsenn.ModelConfig;
import dev.sparsetrain.models.sparsenn.SparseNN;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Hashing against dynamic (collisionless) embedding tables at equal memory (issue 12, must-have
 * 3; the seed 002 complaint that a small hash space maps unrelated ads to one row).
 *
 * <p>For each data set and row budget B (rows per feature table), each arm is trained on the same
 * training rows with the same model and optimizer settings and scored by test NE, over several
 * seeds (model initialisation and pass order):
 * <ul>
 *   <li>{@code hash}: every id hashed into B rows (the hashing trick);</li>
 *   <li>{@code dynamic}: a dynamic table of capacity B per feature (B - 1 id rows and a default
 *       row; Monolith-style admission and LFU/TTL eviction), the same embedding and optimizer
 *       memory as {@code hash};</li>
 *   <li>{@code hash+map}: hashing into B + E rows, where E rows cost what the dynamic table's id
 *       map, bookkeeping and admission sketch cost (measured on that seed's dynamic run, with
 *       {@code 4 (dim + optimizer floats per row)} bytes a row): equal total bytes, so the id map
 *       is not free.</li>
 * </ul>
 * The paired difference NE(dynamic) - NE(hash) per seed gives its mean and standard deviation.
 * Nothing here depends on the outcome; the table prints whatever the runs give.
 */
public final class DynamicTablesStudy {
    private DynamicTablesStudy() {}

    /**
     * One data set at one budget: encodes train and test rows for a given id mode.
     * {@code encode.apply(B)} with hashing, {@code dynamic.apply(B)} with dynamic tables of B rows.
     */
    public record DataSet(String name, String description, IntFunction<CtrData[]> hashed, IntFunction<CtrData[]> dynamic) {}

    /** Test figures of one arm at one budget and seed, and the dynamic tables' figures (empty for hashing). */
    public record Run(String dataSet, int budget, String arm, long seed, int rowsPerTable, CtrEvaluation test, List<DynamicStats> dynamic,
                      long parameterBytes) {
        long mapBytes() {
            long b = 0;
            for (DynamicStats d : dynamic) b += d.mapBytes();
            return b;
        }
    }

    /**
     * Trains every arm of {@code data} at every budget for every seed; {@code progress} (may be
     * null) names each run on stderr.
     */
    public static List<Run> run(DataSet data, int[] budgets, long[] seeds, ModelConfig model, TrainConfig train, DynamicIdConfig dynamic,
                                java.io.PrintWriter log, boolean quiet) {
        List<Run> out = new ArrayList<>();
        int perRow = 4 * (model.type() == ModelConfig.Type.LOGISTIC ? 1 : model.embeddingDim()) + 4;   // weights + row-wise AdaGrad
        for (int b : budgets) {
            CtrData[] hashed = data.hashed().apply(b), dyn = data.dynamic().apply(b);
            for (long seed : seeds) {
                TrainConfig tc = train.toBuilder().seed(seed).build();
                Run h = one(data.name(), b, "hash", hashed, null, model, tc, quiet);
                DynamicIdConfig[] cfg = new DynamicIdConfig[dyn[0].numSparse()];
                for (int f = 0; f < cfg.length; f++) if (dyn[0].isDynamic(f)) cfg[f] = dynamic.withCapacity(dyn[0].tableRows()[f]);
                Run d = one(data.name(), b, "dynamic", dyn, cfg, model, tc, quiet);
                int features = Math.max(1, d.dynamic().size());
                int extra = (int) Math.min(Integer.MAX_VALUE - b, d.mapBytes() / features / perRow);
                CtrData[] hashedMore = data.hashed().apply(b + extra);
                Run hm = one(data.name(), b, "hash+map", hashedMore, null, model, tc, quiet);
                out.add(h);
                out.add(d);
                out.add(hm);
                if (log != null) {
                    log.printf(Locale.ROOT, "  %-8s B=%-6d seed %d: NE hash %.4f, dynamic %.4f, hash+map (%d rows) %.4f%n", data.name(), b, seed,
                            h.test().ne(), d.test().ne(), b + extra, hm.test().ne());
                    log.flush();
                }
            }
        }
        return out;
    }

    private static Run one(String name, int budget, String arm, CtrData[] trTe, DynamicIdConfig[] dynamic, ModelConfig mc, TrainConfig tc,
                           boolean quiet) {
        CtrData tr = trTe[0], te = trTe[1];
        SparseNN m = new SparseNN(mc, tr.names(), tr.tableRows(), tr.numDense(), tc.seed(), dynamic);
        try (CtrTrainer t = new CtrTrainer(m, tc)) {
            Progress p = quiet ? null : Progress.toStderr(name + " B=" + budget + " " + arm + " seed " + tc.seed(), (long) tr.rows() * tc.numPasses());
            t.train(tr, 0, null, p);
            if (p != null) p.clearLine();
            float[] pred = t.predict(te);
            long bytes = 0;
            for (var tab : m.sparseTables()) bytes += 4L * tab.size();
            return new Run(name, budget, arm, tc.seed(), tr.tableRows()[0], CtrMetrics.evaluate(te.labels(), pred, Double.NaN),
                    DynamicStats.of(m), bytes);
        }
    }

    /**
     * The table: per data set, budget and arm the rows per table, the mean test NE and AUC over
     * seeds (with the standard deviation of NE), the embedding rows' and the id maps' memory, the
     * ids owning rows and the share of training occurrences on the default row; then per data
     * set and budget the paired difference NE(dynamic) - NE(hash).
     */
    public static String table(List<Run> runs) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s %7s %-9s %8s %8s %7s %7s %10s %10s %9s %8s%n", "data", "budget",
                "arm", "rows", "NE", "+-sd", "AUC", "rows MB", "map MB", "ids", "default%"));
        List<String> keys = new ArrayList<>();
        for (Run r : runs) {
            String k = r.dataSet() + "\u0000" + r.budget();
            if (!keys.contains(k)) keys.add(k);
        }
        StringBuilder diff = new StringBuilder("paired NE(dynamic) - NE(hash) over seeds (negative: dynamic better):\n");
        for (String k : keys) {
            String ds = k.substring(0, k.indexOf('\u0000'));
            int b = Integer.parseInt(k.substring(k.indexOf('\u0000') + 1));
            for (String arm : new String[] {"hash", "dynamic", "hash+map"}) {
                List<Run> rs = runs.stream().filter(r -> r.dataSet().equals(ds) && r.budget() == b && r.arm().equals(arm)).toList();
                if (rs.isEmpty()) continue;
                double[] ne = rs.stream().mapToDouble(r -> r.test().ne()).toArray();
                double auc = rs.stream().mapToDouble(r -> r.test().auc()).average().orElse(Double.NaN);
                double mapMb = rs.stream().mapToDouble(r -> r.mapBytes() / 1048576.0).average().orElse(0);
                double rowsMb = rs.stream().mapToDouble(r -> r.parameterBytes() / 1048576.0).average().orElse(0);
                double ids = rs.stream().mapToDouble(r -> r.dynamic().stream().mapToLong(DynamicStats::ids).sum()).average().orElse(0);
                double def = rs.stream().mapToDouble(r -> {
                    long h = 0, o = 0;
                    for (DynamicStats d : r.dynamic()) { h += d.defaultHits(); o += d.observations(); }
                    return o == 0 ? 0 : 100.0 * h / o;
                }).average().orElse(0);
                boolean isDyn = arm.equals("dynamic");
                sb.append(String.format(Locale.ROOT, "%-10s %7d %-9s %8d %8.4f %7.4f %7.4f %10.2f %10s %9s %8s%n", ds, b, arm, rs.get(0).rowsPerTable(),
                        mean(ne), sd(ne), auc, rowsMb, isDyn ? String.format(Locale.ROOT, "%.2f", mapMb) : "-",
                        isDyn ? String.format(Locale.ROOT, "%.0f", ids) : "-", isDyn ? String.format(Locale.ROOT, "%.2f", def) : "-"));
            }
            List<Run> h = runs.stream().filter(r -> r.dataSet().equals(ds) && r.budget() == b && r.arm().equals("hash")).toList();
            List<Run> d = runs.stream().filter(r -> r.dataSet().equals(ds) && r.budget() == b && r.arm().equals("dynamic")).toList();
            List<Run> hm = runs.stream().filter(r -> r.dataSet().equals(ds) && r.budget() == b && r.arm().equals("hash+map")).toList();
            double[] dd = new double[Math.min(h.size(), d.size())], dm = new double[Math.min(hm.size(), d.size())];
            for (int i = 0; i < dd.length; i++) dd[i] = d.get(i).test().ne() - h.get(i).test().ne();
            for (int i = 0; i < dm.length; i++) dm[i] = d.get(i).test().ne() - hm.get(i).test().ne();
            diff.append(String.format(Locale.ROOT, "  %-10s B=%-7d vs hash %+.4f +- %.4f (%d seeds, dynamic better in %d); vs hash+map %+.4f +- %.4f%n", ds, b,
                    mean(dd), sd(dd), dd.length, countNegative(dd), mean(dm), sd(dm)));
        }
        return sb.append(diff).toString();
    }

    private static int countNegative(double[] a) {
        int n = 0;
        for (double v : a) if (v < 0) n++;
        return n;
    }

    static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return a.length == 0 ? Double.NaN : s / a.length;
    }

    static double sd(double[] a) {
        if (a.length < 2) return 0;
        double m = mean(a), s = 0;
        for (double v : a) s += (v - m) * (v - m);
        return Math.sqrt(s / (a.length - 1));
    }
}
