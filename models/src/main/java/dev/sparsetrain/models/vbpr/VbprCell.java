package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.Kernels;
import dev.sparsetrain.core.Table;
import dev.sparsetrain.data.Interactions;
import dev.sparsetrain.data.NegativeSampler;
import dev.sparsetrain.data.features.FeatureDataset;
import dev.sparsetrain.data.features.ItemFeatures;
import dev.sparsetrain.data.features.Preprocessing;
import dev.sparsetrain.models.train.Hogwild;
import dev.sparsetrain.models.train.Trainer;
import dev.sparsetrain.models.train.TrainerConfig;
import dev.sparsetrain.optim.OptimizerState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One VBPR training task over a part of the data, for trainers that keep the tables elsewhere
 * (the Spark trainer's DSGD cells): a {@link VbprModel} over given user rows, item rows with their
 * (preprocessed) features, and E / beta', trained by the same spine as {@link VbprTrainer}
 * ({@link VbprSteps} run by {@link Hogwild} in rounds of {@code denseBatch} samples) for one epoch
 * of a given number of samples, with the optimizer state handed in and out by table.
 *
 * <p>Why a separate entry rather than {@link VbprTrainer}: the trainer owns the whole model, the
 * validation and the auto-balance probe; a cell owns none of them and lives for one epoch of its
 * caller. With the whole data as the cell, the parameters and state of the previous epoch, the
 * trainer's seed and epoch {@code e}, one call is exactly epoch e of {@code VbprTrainer} with one
 * thread, auto-balance off and a constant schedule (the streams are functions of (seed, epoch),
 * the steps of the epoch's index).
 *
 * <p>{@link #initialRows} and {@link #initialProjection} replay {@link VbprModel#initialize}'s one
 * random stream and keep a residue class of rows, so that each block of a sharded table starts
 * where the single-machine table would, without any party holding the whole table.
 */
public final class VbprCell {
    private VbprCell() {}

    /** A trained cell: every table of the variant (row-major, by table name), the whole optimizer state, and the task's figures. */
    public record Result(Map<String, float[]> tables, OptimizerState state, double lossSum, long samples, double seconds) {}

    /** Whether a table (= group) holds one row per user. */
    public static boolean userTable(String name) {
        return VbprModel.USER_FACTORS.equals(name) || VbprModel.USER_VISUAL.equals(name);
    }

    /** Whether a table (= group) holds one row per item. */
    public static boolean itemTable(String name) {
        return VbprModel.ITEM_BIAS.equals(name) || VbprModel.ITEM_FACTORS.equals(name);
    }

    /** The width of a table's rows: 1 (item bias), K, K', or F for E (K' x F) and beta' (1 x F). */
    public static int width(VbprConfig cfg, String name, int featureDim) {
        return switch (name) {
            case VbprModel.ITEM_BIAS -> 1;
            case VbprModel.USER_FACTORS, VbprModel.ITEM_FACTORS -> cfg.factors();
            case VbprModel.USER_VISUAL -> cfg.visualFactors();
            case VbprModel.PROJECTION, VbprModel.VISUAL_BIAS -> featureDim;
            default -> throw new IllegalArgumentException("no table '" + name + "' in VBPR");
        };
    }

    /**
     * Trains one epoch-sized piece: {@code samples} BPR triples drawn from {@code cell} (positives
     * uniformly over its pairs, negatives uniformly over its items not in train(u)), as epoch
     * {@code epoch} of the spine seeded by {@code seed}, on a model over {@code users} x
     * {@code items} rows with {@code features} (preprocessed, one row per item).
     *
     * @param tables every table of the variant by name (row-major; copied in, not written)
     * @param state  the optimizer state to start from, or null for a fresh optimizer; its tables
     *               may be a subset (a fresh optimizer's fill the rest), its metadata the group scalars
     * @param multipliers the groups' learning-rate multipliers in {@link VbprConfig#tableNames} order
     *               (auto-balance's, {@link #balance}), or null for 1; a {@code state} with group
     *               scalars carries them too, and those win (they are the same once set)
     */
    public static Result train(VbprConfig cfg, int users, int items, ItemFeatures features, Map<String, float[]> tables,
                               OptimizerState state, Interactions cell, long seed, int epoch, long samples, double[] multipliers) {
        VbprModel m = new VbprModel(cfg.variant(), users, items, cfg.factors(), cfg.visualFactors(), features, null);
        for (Table t : m.tables()) t.load(tables.get(t.name()));
        m.project(0, items);
        VbprSteps steps = new VbprSteps(m, cfg, seed);
        if (multipliers != null) {
            if (multipliers.length != VbprConfig.tableNames(cfg.variant()).length) {
                throw new IllegalArgumentException(multipliers.length + " multipliers for " + VbprConfig.tableNames(cfg.variant()).length + " groups");
            }
            for (int g = 0; g < multipliers.length; g++) steps.setMultiplier(g, multipliers[g]);
        }
        if (state != null) steps.optimizer.importState("cell of " + users + " users x " + items + " items", join(steps.optimizer.exportState(), state));
        TrainerConfig tc = TrainerConfig.defaults().withEpochs(epoch).withThreads(cfg.threads()).withSeed(seed).withDivergenceRetries(0)
                .withSamplesPerEpoch(samples).withLossSampleEvery(1).withPositives(TrainerConfig.PositiveSampling.PAIRS);
        Hogwild h = Hogwild.of(steps, cell, NegativeSampler.uniform(cell)).withRoundSamples(cfg.denseBatch());
        Trainer.Result r = new Trainer(tc).fit(h, Trainer.State.after(epoch - 1));
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Table t : m.tables()) out.put(t.name(), t.data());
        double loss = r.finalLoss();
        return new Result(out, steps.optimizer.exportState(), Double.isNaN(loss) ? 0 : loss * r.samples(), r.samples(), r.trainSeconds());
    }

    /**
     * Auto-balance's probe ({@link AutoBalance#balance}, the one single-machine training runs in
     * {@code VbprTrainer}'s first {@code begin}) on one cell: a {@link VbprTrainer} over the cell's
     * users, items, pairs and (already preprocessed) features, started from
     * {@link VbprModel#initialize} for {@code cfg.seed()} on the cell's size. Only the multipliers
     * leave the cell, so a sharded trainer can balance without anyone holding the whole model.
     *
     * <p>With the whole data as the cell this is exactly single-machine auto-balance: the features
     * are the ones the trainer would preprocess (the probe's configuration says
     * {@link dev.sparsetrain.data.features.Preprocessing#NONE}, which leaves them as they are), the
     * pairs are the same CSR, so the initialisation, the probe's samples and hence the
     * multipliers are the same bit for bit. A smaller cell gives the ratios of a model of the
     * cell's size over {@code min(50,000, cell pairs)} samples per probe phase.
     *
     * @return null when the cell holds no pair
     */
    public static AutoBalance.Choice balance(VbprConfig cfg, ItemFeatures preprocessed, Interactions cell) {
        if (cell.size() == 0) return null;
        int[] us = cell.userOfEntry();
        FeatureDataset.Pairs pairs = new FeatureDataset.Pairs(us.clone(), cell.itemIndices().clone());
        FeatureDataset.Pairs none = new FeatureDataset.Pairs(new int[0], new int[0]);
        FeatureDataset d = new FeatureDataset("cell", cell.numUsers(), cell.numItems(), pairs, none, none, preprocessed);
        VbprTrainer t = new VbprTrainer(d, cfg.withPreprocessing(Preprocessing.NONE));
        return AutoBalance.balance(t, cfg.balanceTarget());
    }

    /** A fresh optimizer's state for a model of {@code users} x {@code items} rows (what a block that never trained holds). */
    public static OptimizerState freshState(VbprConfig cfg, int users, int items, int featureDim) {
        ItemFeatures f = new ItemFeatures("fresh", items, featureDim, new float[items * featureDim]);
        return new VbprSteps(new VbprModel(cfg.variant(), users, items, cfg.factors(), cfg.visualFactors(), f, null), cfg, 0).optimizer.exportState();
    }

    /** {@code fresh} with the tables of {@code given} put in and its metadata (group scalars) taken. */
    private static OptimizerState join(OptimizerState fresh, OptimizerState given) {
        Map<String, Table> byName = new LinkedHashMap<>();
        for (Table t : fresh.tables()) byName.put(t.name(), t);
        for (Table t : given.tables()) byName.put(t.name(), t);
        return new OptimizerState(given.metadata().isEmpty() ? fresh.metadata() : given.metadata(), List.copyOf(byName.values()));
    }

    /**
     * Rows {@code block + P r} of table {@code name} (a user or item table) as
     * {@code new VbprModel(...).initialize(new SplittableRandom(cfg.seed()), cfg.initStd())} sets
     * them for {@code users} x {@code items}: the stream replayed in the same order up to the table,
     * the other rows' values discarded. The item bias starts at 0.
     */
    public static float[] initialRows(VbprConfig cfg, int users, int items, String name, int block, int P) {
        int rows = userTable(name) ? users : items, dim = width(cfg, name, 0);
        int mine = block >= rows ? 0 : (rows - block + P - 1) / P;
        float[] out = new float[mine * dim];
        if (VbprModel.ITEM_BIAS.equals(name)) return out;
        SplittableRandom rnd = new SplittableRandom(cfg.seed());
        for (String t : streamOrder(cfg.variant())) {
            int n = userTable(t) ? users : items, d = width(cfg, t, 0);
            boolean keep = t.equals(name);
            for (int r = 0; r < n; r++) {
                boolean row = keep && r % P == block;
                int o = (r / P) * d;
                for (int f = 0; f < d; f++) {
                    float v = (float) (rnd.nextGaussian() * cfg.initStd());
                    if (row) out[o + f] = v;
                }
            }
            if (keep) return out;
        }
        throw new IllegalArgumentException("table '" + name + "' has no random start in " + cfg.variant());
    }

    /**
     * E (K' x F, row-major) as {@link VbprModel#initialize} sets it for {@code users} x
     * {@code items} and the preprocessed {@code features} (whose mean squared row norm sets its scale):
     * the sparse tables' draws are replayed and discarded first. beta' starts at 0.
     */
    public static float[] initialProjection(VbprConfig cfg, int users, int items, ItemFeatures features) {
        SplittableRandom rnd = new SplittableRandom(cfg.seed());
        for (String t : streamOrder(cfg.variant())) {
            long n = (long) (userTable(t) ? users : items) * width(cfg, t, 0);
            for (long x = 0; x < n; x++) rnd.nextGaussian();
        }
        double n2 = Kernels.squaredNorm(features.values(), 0, features.values().length) / items;
        double std = 1.0 / Math.sqrt(Math.max(n2, 1e-12));
        float[] e = new float[cfg.visualFactors() * features.dim()];
        for (int x = 0; x < e.length; x++) e[x] = (float) (rnd.nextGaussian() * std);
        return e;
    }

    /** The random tables in {@link VbprModel#initialize}'s order. */
    private static List<String> streamOrder(Variant v) {
        return v.collaborative() ? List.of(VbprModel.USER_FACTORS, VbprModel.ITEM_FACTORS, VbprModel.USER_VISUAL) : List.of(VbprModel.USER_VISUAL);
    }
}
