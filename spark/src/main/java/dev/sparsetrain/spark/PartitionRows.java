package dev.sparsetrain.spark;

import dev.sparsetrain.core.Seeds;
import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Settings;
import dev.sparsetrain.data.ctr.CtrData;
import dev.sparsetrain.models.sparsenn.CtrTrainer;
import dev.sparsetrain.models.sparsenn.TrainConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One partition's click rows and seed, in the serialisable form both Spark click trainers ship to
 * their tasks ({@link CtrData} is a record that is not Serializable), and which of them each round
 * trains. The broadcast trainer ({@link CtrShard}) and the sharded one ({@link ShardedCtrPart})
 * split the rows and walk the rounds alike, so that with the same seed they train the same
 * batches in the same order. Immutable; the arrays are shared, not copied.
 */
final class PartitionRows implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    final long seed;
    private final CtrShard.Boxed<CtrData> rows;
    private transient CtrData data;

    PartitionRows(int partition, long seed, CtrData d) {
        this.partition = partition;
        this.seed = seed;
        rows = CtrShard.Boxed.of(d);
        data = d;
    }

    /** Refuses a negative partition count (0 = Spark's default parallelism) or less than one round per pass. */
    static void check(int partitions, int roundsPerPass) {
        if (partitions < 0) throw new BadInputException(Settings.name("sparkPartitions") + " " + partitions + ", must be >= 0 (0 = Spark's default parallelism)");
        if (roundsPerPass < 1) throw new BadInputException(Settings.name("syncsPerPass") + " " + roundsPerPass + ", must be >= 1");
    }

    /** {@code requested} partitions ({@code defaultParallelism} when 0), at least one, at most one per row. */
    static int count(int requested, int defaultParallelism, int trainRows) {
        return Math.max(1, Math.min(requested > 0 ? requested : defaultParallelism, trainRows));
    }

    /**
     * {@code train} split into {@code P} partitions: row i goes to partition i mod P (each keeps
     * the file's rough time order), partition p seeded from {@code seed} and p; one partition is
     * the whole data with {@code seed} itself, so it draws exactly the shuffles and dropout masks
     * of single-machine training.
     */
    static List<PartitionRows> split(CtrData train, int P, long seed) {
        List<PartitionRows> parts = new ArrayList<>(P);
        for (int p = 0; p < P; p++) {
            int[] idx = new int[(train.rows() - p + P - 1) / P];
            for (int j = 0; j < idx.length; j++) idx[j] = p + j * P;
            long s = P == 1 ? seed : Seeds.mix(seed, p + 1L);
            parts.add(new PartitionRows(p, s, P == 1 ? train : train.select(idx)));
        }
        return parts;
    }

    CtrData data() {
        if (data == null) data = rows.get();
        return data;
    }

    int rows() { return data().rows(); }

    /**
     * What round {@code round} (0-based over the whole run) of this partition trains, or null when
     * it trains nothing: its batches {@code [r * nb / R, (r + 1) * nb / R)} of pass {@code round / R}
     * in the pass's shuffled order (the single-machine trainer's shuffle, replayed from this
     * partition's seed).
     */
    CtrData roundRows(CtrShard.Spec spec, int round) {
        TrainConfig tc = spec.train().get();
        int R = spec.roundsPerPass(), pass = round / R, r = round % R, rows = rows();
        int[] perm = new int[rows];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int p = 0; p <= pass; p++) CtrTrainer.shuffle(perm, tc.shuffle(), tc.partitions(), rnd);
        int bs = tc.batchSize(), nb = (rows + bs - 1) / bs;
        int from = (int) Math.min(rows, (long) r * nb / R * bs), to = (int) Math.min(rows, (long) (r + 1) * nb / R * bs);
        return from < to ? data().select(Arrays.copyOfRange(perm, from, to)) : null;
    }

    /** The clicks among {@code d}'s rows. */
    static long clicks(CtrData d) {
        long clicks = 0;
        for (byte b : d.labels()) clicks += b;
        return clicks;
    }
}
