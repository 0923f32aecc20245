package dev.sparsetrain.spark;

import dev.sparsetrain.core.Seeds;
import dev.sparsetrain.core.Settings;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.data.DelimitedFormat;
import dev.sparsetrain.data.IdMap;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.Split;
import dev.sparsetrain.metrics.ranking.RankingEvaluator;
import dev.sparsetrain.metrics.ranking.RankingReport;
import dev.sparsetrain.metrics.ranking.Scorer;
import dev.sparsetrain.models.bpr.BprModel;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Interactions read, indexed, split and partitioned by the executors, so that the driver never
 * holds them: for data that a single reader cannot load.
 *
 * <pre>
 *   lines  = textFile(uri)                        any path Spark reads (file:, hdfs:, s3a:, ...)
 *   pairs  = distinct (user id, item id)          delimited columns as DelimitedFormat; weight >= threshold
 *   ids    = sorted distinct user ids, item ids   collected: the driver holds the id maps and the model
 *   parts  = pairs grouped by user index, hash-partitioned into P partitions; per user, sorted items;
 *            leave-one-out: one item held out, chosen by SplittableRandom(mix(splitSeed, user index)),
 *            when the user has 2 or more (as Splits.leaveOneOut, with per-user instead of sequential draws)
 * </pre>
 * Evaluation runs per partition with the project's {@link RankingEvaluator} (each partition holds
 * its users' training and held-out items) and the reports are combined on the driver: per-user
 * means weighted by the partitions' user counts, exactly the global means. Catalogue coverage is
 * not mergeable from per-partition figures and is reported as NaN.
 *
 * <p>The split differs from {@code Splits.leaveOneOut} on the same data (per-user draws), so a
 * model trained this way is evaluated here, not by {@code sparsetrain evaluate}.
 */
public final class SparkInput {
    private SparkInput() {}

    /** One partition's users (global indices, ascending), their training items and held-out items. */
    record Part(int partition, int[] users, int[] indptr, int[] indices, int[] testIndptr, int[] testIndices) implements Serializable {
        int trainPairs() { return indices.length; }
    }

    /** Read and split data: id maps on the driver, partitions cached on the executors. */
    public record Prepared(IdMap users, IdMap items, JavaRDD<Part> parts, int partitions, long trainPairs, long testPairs, int[] itemCounts) {
        /** The split gathered on the driver (tests, small data): the same pairs the executors hold. */
        public Split collect() {
            int U = users.size(), I = items.size();
            int[][] train = new int[U][], test = new int[U][];
            for (Part p : parts.collect()) {
                for (int r = 0; r < p.users().length; r++) {
                    train[p.users()[r]] = Arrays.copyOfRange(p.indices(), p.indptr()[r], p.indptr()[r + 1]);
                    test[p.users()[r]] = Arrays.copyOfRange(p.testIndices(), p.testIndptr()[r], p.testIndptr()[r + 1]);
                }
            }
            return new Split(csr(users, items, U, I, train), csr(users, items, U, I, test));
        }

        public void release() {
            parts.unpersist(false);
        }
    }

    private static Interactions csr(IdMap users, IdMap items, int U, int I, int[][] rows) {
        int[] indptr = new int[U + 1];
        for (int u = 0; u < U; u++) indptr[u + 1] = indptr[u] + (rows[u] == null ? 0 : rows[u].length);
        int[] idx = new int[indptr[U]];
        for (int u = 0; u < U; u++) if (rows[u] != null) System.arraycopy(rows[u], 0, idx, indptr[u], rows[u].length);
        float[] w = new float[idx.length];
        Arrays.fill(w, 1f);
        return new Interactions(users, items, U, I, indptr, idx, w);
    }

    /**
     * Reads {@code uri} on the executors into {@code partitions} user partitions with a
     * leave-one-out split. Malformed lines stop the job with one line naming the file and the line's text.
     */
    public static Prepared read(JavaSparkContext sc, String uri, DelimitedFormat format, double threshold, long splitSeed, int partitions) {
        try {
            return readUnchecked(sc, uri, format, threshold, splitSeed, partitions);
        } catch (Exception e) { // Scala declares nothing: Hadoop's missing-path IOException arrives here, possibly wrapped
            Throwable root = e;
            while (!(root instanceof BadInputException) && root.getCause() != null && root.getCause() != root) root = root.getCause();
            if (root instanceof BadInputException b) throw b;
            if (root instanceof java.io.IOException) throw new BadInputException(Settings.name("input") + " '" + uri + "': " + String.valueOf(root.getMessage()).replace('\n', ' '));
            throw e;
        }
    }

    private static Prepared readUnchecked(JavaSparkContext sc, String uri, DelimitedFormat format, double threshold, long splitSeed, int partitions) {
        final String delim = format.delimiter();
        final boolean ws = delim.equals(DelimitedFormat.WHITESPACE);
        final int uc = format.userColumn(), ic = format.itemColumn(), wc = format.weightColumn(), need = format.minColumns();
        final boolean header = format.header();
        JavaRDD<String> lines;
        try {
            lines = sc.textFile(uri, partitions);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(Settings.name("input") + " '" + uri + "': " + e.getMessage());
        }
        // A folder or glob of files (a job's part files) has a header line in every file, not only in
        // the first partition: the header is the input's first data-like line, and every line equal to it is dropped.
        final String headerLine;
        if (header) {
            List<String> first = lines.filter(l -> !l.isBlank() && !l.startsWith("#")).take(1);
            headerLine = first.isEmpty() ? null : first.get(0);
        } else {
            headerLine = null;
        }
        JavaPairRDD<String, String> pairs = lines.mapPartitionsWithIndex((pi, it) -> {
            List<Tuple2<String, String>> out = new ArrayList<>();
            while (it.hasNext()) {
                String line = it.next();
                if (line.isBlank() || line.startsWith("#")) continue;
                if (line.equals(headerLine)) continue;
                String[] f = ws ? line.trim().split("[ \t]+") : line.split(java.util.regex.Pattern.quote(delim), -1);
                if (f.length < need || f[uc].isBlank() || f[ic].isBlank()) {
                    throw new BadInputException(uri + ": malformed line '" + clip(line) + "': need " + need + " columns with user and item ids");
                }
                if (wc >= 0 && !Double.isNaN(threshold)) {
                    float w;
                    try {
                        w = Float.parseFloat(f[wc].trim());
                    } catch (NumberFormatException e) {
                        throw new BadInputException(uri + ": malformed line '" + clip(line) + "': rating '" + f[wc] + "' is not a number");
                    }
                    if (w < threshold) continue;
                }
                out.add(new Tuple2<>(f[uc].trim(), f[ic].trim()));
            }
            return out.iterator();
        }, false).mapToPair(t -> t).distinct();
        pairs.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        try {
            List<String> us = new ArrayList<>(pairs.keys().distinct().collect());
            List<String> is = new ArrayList<>(pairs.values().distinct().collect());
            if (us.isEmpty()) throw new BadInputException(Settings.name("input") + " '" + uri + "': no interactions");
            Collections.sort(us);
            Collections.sort(is);
            IdMap users = IdMap.of(us), items = IdMap.of(is);
            HashMap<String, Integer> ui = new HashMap<>(), ii = new HashMap<>();
            for (int k = 0; k < us.size(); k++) ui.put(us.get(k), k);
            for (int k = 0; k < is.size(); k++) ii.put(is.get(k), k);
            Broadcast<HashMap<String, Integer>> bu = sc.broadcast(ui), bi = sc.broadcast(ii);
            int P = Math.max(1, Math.min(partitions, us.size()));
            JavaRDD<Part> parts = pairs.mapToPair(t -> new Tuple2<>(bu.value().get(t._1()), bi.value().get(t._2())))
                    .groupByKey(new HashPartitioner(P))
                    .mapPartitionsWithIndex((pi, it) -> List.of(part(pi, it, splitSeed)).iterator(), true);
            parts.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
            int I = is.size();
            Stats st = parts.treeAggregate(new Stats(I), Stats::add, Stats::merge, 2);
            bu.unpersist(false);
            bi.unpersist(false);
            return new Prepared(users, items, parts, P, st.train, st.test, st.counts);
        } finally {
            pairs.unpersist(false);
        }
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static Part part(int pi, Iterator<Tuple2<Integer, Iterable<Integer>>> it, long splitSeed) {
        List<Tuple2<Integer, Iterable<Integer>>> rows = new ArrayList<>();
        it.forEachRemaining(rows::add);
        rows.sort((a, b) -> Integer.compare(a._1(), b._1()));
        int n = rows.size();
        int[] users = new int[n], indptr = new int[n + 1], tptr = new int[n + 1];
        int[][] tr = new int[n][];
        int[] held = new int[n];
        int nnz = 0, nt = 0;
        for (int r = 0; r < n; r++) {
            users[r] = rows.get(r)._1();
            List<Integer> l = new ArrayList<>();
            rows.get(r)._2().forEach(l::add);
            int[] items = new int[l.size()];
            for (int x = 0; x < items.length; x++) items[x] = l.get(x);
            Arrays.sort(items);
            held[r] = -1;
            if (items.length >= 2) {
                int h = new SplittableRandom(Seeds.mix(splitSeed, users[r] + 1L)).nextInt(items.length);
                held[r] = items[h];
                int[] rest = new int[items.length - 1];
                System.arraycopy(items, 0, rest, 0, h);
                System.arraycopy(items, h + 1, rest, h, items.length - h - 1);
                items = rest;
                nt++;
            }
            tr[r] = items;
            nnz += items.length;
        }
        int[] idx = new int[nnz], tidx = new int[nt];
        for (int r = 0, o = 0, t = 0; r < n; r++) {
            System.arraycopy(tr[r], 0, idx, o, tr[r].length);
            o += tr[r].length;
            indptr[r + 1] = o;
            if (held[r] >= 0) tidx[t++] = held[r];
            tptr[r + 1] = t;
        }
        return new Part(pi, users, indptr, idx, tptr, tidx);
    }

    /** Pair counts and the item counts of the training pairs (the popularity baseline). */
    static final class Stats implements Serializable {
        final int[] counts;
        long train, test;

        Stats(int items) {
            counts = new int[items];
        }

        Stats add(Part p) {
            train += p.trainPairs();
            test += p.testIndices().length;
            for (int i : p.indices()) counts[i]++;
            return this;
        }

        Stats merge(Stats o) {
            train += o.train;
            test += o.test;
            for (int i = 0; i < counts.length; i++) counts[i] += o.counts[i];
            return this;
        }
    }

    /** The shards of {@link SparkBprTrainer} from the parts: initial user rows from the driver's model. */
    static JavaRDD<UserShard> shards(JavaSparkContext sc, Prepared d, BprModel model, SparkBprConfig cfg) {
        int k = cfg.bpr().factors(), P = d.partitions();
        Broadcast<float[]> init = sc.broadcast(model.users().data().clone());
        long total = d.trainPairs();
        int U = d.users().size();
        boolean byUser = cfg.positives() == dev.sparsetrain.models.train.TrainerConfig.PositiveSampling.USERS;
        long seed = cfg.seed();
        int I = d.items().size();
        return d.parts().map(p -> {
            float[] all = init.value();
            float[] f = new float[p.users().length * k];
            int active = 0;
            for (int r = 0; r < p.users().length; r++) {
                System.arraycopy(all, p.users()[r] * k, f, r * k, k);
                if (p.indptr()[r + 1] > p.indptr()[r]) active++;
            }
            // every user keeps at least one training item, so the users with items are all users
            long s = byUser ? Math.round((double) total * active / U) : p.trainPairs();
            long ps = P == 1 ? seed : Seeds.mix(seed, p.partition() + 1L);
            return new UserShard(p.partition(), ps, p.users(), p.indptr(), p.indices(), I, s, f, null, null, 0, 0, 0, null);
        });
    }

    /** Per-partition ranking figures, serializable, combined into global means. */
    record Figures(int users, int aucUsers, double auc, double mrr, int[] ks, double[] recall, double[] ndcg, double[] precision, double[] map)
            implements Serializable {
        static Figures of(RankingReport r) {
            return new Figures(r.users(), r.aucUsers(), r.auc(), r.mrr(), r.ks(), r.recall(), r.ndcg(), r.precision(), r.map());
        }

        static RankingReport combine(List<Figures> parts, int[] ks, double seconds) {
            int users = 0, aucUsers = 0;
            double auc = 0, mrr = 0;
            double[] rec = new double[ks.length], nd = new double[ks.length], pr = new double[ks.length], mp = new double[ks.length], cov = new double[ks.length];
            for (Figures f : parts) {
                users += f.users;
                aucUsers += f.aucUsers;
                if (f.aucUsers > 0) auc += f.auc * f.aucUsers;
                if (f.users > 0) {
                    mrr += f.mrr * f.users;
                    for (int t = 0; t < ks.length; t++) {
                        rec[t] += f.recall[t] * f.users;
                        nd[t] += f.ndcg[t] * f.users;
                        pr[t] += f.precision[t] * f.users;
                        mp[t] += f.map[t] * f.users;
                    }
                }
            }
            for (int t = 0; t < ks.length; t++) {
                rec[t] /= Math.max(1, users);
                nd[t] /= Math.max(1, users);
                pr[t] /= Math.max(1, users);
                mp[t] /= Math.max(1, users);
                cov[t] = Double.NaN;
            }
            return new RankingReport(users, aucUsers, aucUsers == 0 ? Double.NaN : auc / aucUsers, users == 0 ? Double.NaN : mrr / users,
                    ks, rec, nd, pr, mp, cov, seconds);
        }
    }

    /**
     * Evaluates the trained shards against the held-out items of their partitions, and the
     * popularity baseline (training counts), with the project's evaluator; returns (model, popularity).
     */
    static RankingReport[] evaluate(JavaSparkContext sc, Prepared d, SparkBprTrainer.Trained t, int[] ks) {
        return evaluate(sc, d, t, ks, 0, 0);
    }

    /**
     * As {@link #evaluate(JavaSparkContext, Prepared, SparkBprTrainer.Trained, int[])}, over a
     * sample of about {@code sampleUsers} of the users with held-out items ({@link #sampled}; 0 = all).
     */
    static RankingReport[] evaluate(JavaSparkContext sc, Prepared d, SparkBprTrainer.Trained t, int[] ks, int sampleUsers, long seed) {
        long t0 = System.nanoTime();
        final double keep = keepFraction(d, sampleUsers);
        BprModel m = t.result().model();
        int k = m.config().factors(), I = m.numItems();
        Broadcast<float[][]> table = sc.broadcast(new float[][] {m.items().data().clone(), m.itemBias().data().clone()});
        Broadcast<int[]> counts = sc.broadcast(d.itemCounts());
        List<Figures[]> out = t.state().zipPartitions(d.parts(), (shards, parts) -> {
            List<Figures[]> res = new ArrayList<>();
            while (shards.hasNext() && parts.hasNext()) {
                res.add(figures(sampled(parts.next(), keep, seed), shards.next().userFactors(), table.value()[0], table.value()[1], k, I, counts.value(), ks));
            }
            return res.iterator();
        }).collect();
        table.destroy();
        counts.destroy();
        return combine(out, ks, t0);
    }

    /** The share of users a sample of {@code sampleUsers} keeps: 1 for 0 (all) or at least every user. */
    private static double keepFraction(Prepared d, int sampleUsers) {
        if (sampleUsers < 0) throw new IllegalArgumentException("sampleUsers " + sampleUsers);
        int U = d.users().size();
        return sampleUsers == 0 || sampleUsers >= U ? 1.0 : (double) sampleUsers / U;
    }

    /**
     * {@code p} with the held-out items of the users outside the sample removed: user u stays when
     * {@code mix(seed, u)}, read as a uniform number in [0, 1), is below {@code keep}. The draw
     * depends on the user's global index only, so it is the same whatever the partitioning, and
     * about {@code keep} of the users stay; their training items are untouched (they are still
     * excluded from the ranking). {@code keep} 1 returns {@code p} itself.
     */
    static Part sampled(Part p, double keep, long seed) {
        if (keep >= 1) return p;
        int n = p.users().length;
        int[] ip = new int[n + 1];
        int[] idx = new int[p.testIndices().length];
        int m = 0;
        for (int r = 0; r < n; r++) {
            double draw = (dev.sparsetrain.core.Seeds.mix(seed, p.users()[r] + 1L) >>> 11) * 0x1.0p-53;
            if (draw < keep) {
                for (int x = p.testIndptr()[r]; x < p.testIndptr()[r + 1]; x++) idx[m++] = p.testIndices()[x];
            }
            ip[r + 1] = m;
        }
        return new Part(p.partition(), p.users(), p.indptr(), p.indices(), ip, Arrays.copyOf(idx, m));
    }

    /** (model, popularity) over all partitions' figures, timed from {@code t0}. */
    private static RankingReport[] combine(List<Figures[]> out, int[] ks, long t0) {
        List<Figures> a = new ArrayList<>(), b = new ArrayList<>();
        for (Figures[] f : out) {
            a.add(f[0]);
            b.add(f[1]);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new RankingReport[] {Figures.combine(a, ks, secs), Figures.combine(b, ks, secs)};
    }

    /**
     * One partition's figures (model, popularity) with the project's evaluator: {@code users}
     * holds the part's user rows (local row r is {@code p.users()[r]}), {@code Q} and {@code B}
     * the whole item table and biases, {@code counts} the items' training counts.
     */
    private static Figures[] figures(Part p, float[] users, float[] Q, float[] B, int k, int I, int[] counts, int[] ks) {
        int n = p.users().length;
        float[] one = new float[p.indices().length], onet = new float[p.testIndices().length];
        Arrays.fill(one, 1f);
        Arrays.fill(onet, 1f);
        Interactions train = new Interactions(new IdMap(), new IdMap(), n, I, p.indptr(), p.indices(), one);
        Interactions test = new Interactions(new IdMap(), new IdMap(), n, I, p.testIndptr(), p.testIndices(), onet);
        Scorer model = new Scorer() {
            @Override public int numItems() { return I; }
            @Override public void scoreAll(int u, float[] o) {
                for (int i = 0; i < I; i++) o[i] = B[i] + dev.sparsetrain.core.Kernels.dot(users, u * k, Q, i * k, k);
            }
        };
        Scorer pop = new Scorer() {
            @Override public int numItems() { return I; }
            @Override public void scoreAll(int u, float[] o) {
                for (int i = 0; i < I; i++) o[i] = counts[i];
            }
        };
        RankingEvaluator.Options opt = RankingEvaluator.Options.defaults().withKs(ks).withThreads(1);
        return new Figures[] {Figures.of(RankingEvaluator.evaluate(model, test, List.of(train), opt)),
                Figures.of(RankingEvaluator.evaluate(pop, test, List.of(train), opt))};
    }

    /**
     * Evaluates a model of {@link ShardedBprTrainer} trained on {@code d} against the held-out
     * items, and the popularity baseline, on the executors; returns (model, popularity). Ranking
     * all items needs the whole item table: each item block is shuffled to every partition (the
     * item table P times, once), where it meets its user block (the last sub-epoch's cell lies in
     * the input's partition of the same index). The driver holds only the item counts.
     */
    static RankingReport[] evaluate(JavaSparkContext sc, Prepared d, ShardedBprModel m, int[] ks) {
        return evaluate(sc, d, m, ks, 0, 0);
    }

    /** As {@link #evaluate(JavaSparkContext, Prepared, ShardedBprModel, int[])}, over a sample of about {@code sampleUsers} users (0 = all). */
    static RankingReport[] evaluate(JavaSparkContext sc, Prepared d, ShardedBprModel m, int[] ks, int sampleUsers, long seed) {
        long t0 = System.nanoTime();
        final double keep = keepFraction(d, sampleUsers);
        int P = m.blocks(), I = m.numItems(), k = m.factors();
        if (P != d.partitions()) throw new IllegalArgumentException(P + " blocks for " + d.partitions() + " input partitions");
        JavaRDD<float[][]> tables = m.cells().flatMapToPair(c -> {
            List<Tuple2<Integer, ShardedBprTrainer.ItemBlock>> to = new ArrayList<>(P);
            for (int b = 0; b < P; b++) to.add(new Tuple2<>(b, c.items()));
            return to.iterator();
        }).partitionBy(new HashPartitioner(P)).values().mapPartitions(it -> {
            float[] Q = new float[I * k], B = new float[I];
            while (it.hasNext()) {
                ShardedBprTrainer.ItemBlock ib = it.next();
                for (int r = 0; r < ib.items(); r++) {
                    int i = ib.block() + P * r;
                    System.arraycopy(ib.factors(), r * k, Q, i * k, k);
                    B[i] = ib.bias()[r];
                }
            }
            return Collections.singletonList(new float[][] {Q, B}).iterator();
        });
        JavaRDD<Tuple2<Part, float[]>> users = m.cells().zipPartitions(d.parts(), (ic, ip) -> {
            List<Tuple2<Part, float[]>> res = new ArrayList<>();
            while (ic.hasNext() && ip.hasNext()) {
                ShardedBprTrainer.UserBlock ub = ic.next().users();
                Part p = ip.next();
                if (ub.block() != p.partition()) throw new IllegalStateException("user block " + ub.block() + " met input partition " + p.partition());
                res.add(new Tuple2<>(p, ub.factors()));
            }
            return res.iterator();
        });
        Broadcast<int[]> counts = sc.broadcast(d.itemCounts());
        List<Figures[]> out = users.zipPartitions(tables, (iu, it) -> {
            List<Figures[]> res = new ArrayList<>();
            while (iu.hasNext() && it.hasNext()) {
                Tuple2<Part, float[]> u = iu.next();
                float[][] t = it.next();
                res.add(figures(sampled(u._1(), keep, seed), u._2(), t[0], t[1], k, I, counts.value(), ks));
            }
            return res.iterator();
        }).collect();
        counts.destroy();
        return combine(out, ks, t0);
    }

    static String describe(Prepared d, String uri) {
        return String.format(Locale.ROOT, "%s (read on the executors): %d users x %d items; split loo (per-user draws): %d training pairs, %d held out, %d partitions",
                uri, d.users().size(), d.items().size(), d.trainPairs(), d.testPairs(), d.partitions());
    }
}
