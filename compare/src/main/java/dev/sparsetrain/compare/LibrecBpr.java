package dev.sparsetrain.compare;

import dev.sparsetrain.metrics.ranking.Scorer;
import net.librec.common.LibrecException;
import net.librec.conf.Configuration;
import net.librec.math.algorithm.Randoms;
import net.librec.math.structure.DenseMatrix;
import net.librec.recommender.RecommenderContext;
import net.librec.recommender.cf.ranking.BPRRecommender;

/**
 * LibRec 2.0.0's {@link BPRRecommender}, unchanged, with three openings for the comparison:
 * {@link #prepare} runs LibRec's own {@code setup()} (reads the configuration, allocates and
 * initialises the factors), {@link #train} runs LibRec's own {@code trainModel()} and times it,
 * and {@link Scorer#scoreAll} scores through LibRec's own {@code predict(u, i)}, so this project's
 * evaluator ranks LibRec's model exactly as LibRec predicts.
 *
 * <p>What {@code BPRRecommender.trainModel()} does (read from the 2.0.0 jar), per iteration:
 * <pre>
 *   numUsers * 100 times:
 *     u ~ uniform user (redrawn when it has no training item or every item)
 *     i ~ uniform among u's training items;  j ~ uniform item, redrawn while u has it
 *     x_uij = p_u.q_i - p_u.q_j               (predict: no item bias)
 *     g = sigma(-x_uij); for each factor f, with the values before the step:
 *       p_uf += lr (g (q_if - q_jf) - regUser p_uf)
 *       q_if += lr (g p_uf          - regItem q_if)
 *       q_jf += lr (-g p_uf         - regItem q_jf)
 *     loss += -ln sigma(x_uij) + L2 terms    (every sample)
 *   updateLRate: constant unless rec.learnrate.bolddriver or rec.learnrate.decay in (0, 1)
 * </pre>
 * Factors are doubles, initialised N(0, 0.1^2) from LibRec's static {@link Randoms}; one thread.
 * Defaults (MatrixFactorizationRecommender): 10 factors, lr 0.01, regUser = regItem = 0.01, 100
 * iterations. Not thread-safe for training; scoring is read-only and safe concurrently.
 */
public final class LibrecBpr extends BPRRecommender implements Scorer {

    /** The configuration keys LibRec's matrix-factorisation recommenders read, with these values. */
    public static Configuration configuration(int factors, double learningRate, double regularization, int iterations) {
        Configuration c = new Configuration();
        c.setInt("rec.factor.number", factors);
        c.setFloat("rec.iterator.learnrate", (float) learningRate);
        c.setFloat("rec.user.regularization", (float) regularization);
        c.setFloat("rec.item.regularization", (float) regularization);
        c.setInt("rec.iterator.maximum", iterations);
        c.setBoolean("rec.recommender.isranking", true);
        c.setInt("rec.recommender.ranking.topn", 10);
        c.setBoolean("rec.recommender.earlystop", false);
        c.setBoolean("rec.recommender.verbose", false);
        return c;
    }

    /**
     * LibRec's setup: configuration, data, factor initialisation from {@code Randoms.seed(seed)}.
     * Not timed (it is model construction, as building a {@code BprModel} is on the other side).
     */
    public LibrecBpr prepare(Configuration conf, SplitDataModel data, long seed) throws LibrecException {
        Randoms.seed(seed);
        this.context = new RecommenderContext(conf, data);
        setup();
        return this;
    }

    /** Runs LibRec's {@code trainModel()}; returns its wall time in seconds. */
    public double train() throws LibrecException {
        long t0 = System.nanoTime();
        trainModel();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** LibRec's prediction x_ui = p_u . q_i (double), as its own ranking uses. */
    public double score(int u, int i) {
        try {
            return predict(u, i);
        } catch (LibrecException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int numItems() {
        return numItems;
    }

    @Override
    public void scoreAll(int user, float[] out) {
        for (int i = 0; i < numItems; i++) out[i] = (float) score(user, i);
    }

    public int factors() { return numFactors; }
    public int iterations() { return numIterations; }
    public int users() { return numUsers; }
    public DenseMatrix userFactors() { return userFactors; }
    public DenseMatrix itemFactors() { return itemFactors; }

    /** The training items of user u in LibRec's order (as its sampling indexes them). */
    public java.util.List<Integer> trainColumns(int u) {
        return trainMatrix.getColumns(u);
    }

    /** Samples per iteration: LibRec's BPR draws {@code numUsers * 100} triples per iteration. */
    public long samplesPerIteration() {
        return (long) numUsers * 100;
    }
}
