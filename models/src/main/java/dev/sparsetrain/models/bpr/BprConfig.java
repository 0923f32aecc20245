package dev.sparsetrain.models.bpr;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.optim.Chain;
import dev.sparsetrain.optim.OptimizerSpec;
import java.util.List;
import java.util.Objects;

/**
 * Hyperparameters of BPR-MF. Factors (the {@code users} and {@code items} tables, parameter group
 * {@code factors}) and item biases ({@code item_bias}, group {@code biases}) are separate
 * parameter groups, each with its own optimizer (a typed {@link OptimizerSpec}: the optimizer, its
 * learning rate and hyperparameters) and L2 strength (coupled weight decay on the touched rows);
 * biases have no L2 by default.
 *
 * <p>Checks name the field and what is allowed, not a command-line flag: the options layer that
 * fills a config puts its flag in front.
 *
 * @param factors            latent dimension (default 64)
 * @param optimizer          the factor group's optimizer (default SGD, learning rate 0.15)
 * @param regularization     L2 strength on the touched user and item factor rows (default 0.0075)
 * @param biasOptimizer      the bias group's optimizer (default SGD, learning rate 0.005)
 * @param biasRegularization L2 strength on the touched item biases (default 0: excluded from L2)
 * @param initStd            factors start as N(0, initStd^2), biases at 0 (default 0.1)
 * @param finalLearningRate  both learning rates decay linearly over the epochs, from their value
 *                           in epoch 1 to this fraction of it in the last epoch (default 0.1;
 *                           1 = constant)
 */
public record BprConfig(int factors, OptimizerSpec optimizer, double regularization, OptimizerSpec biasOptimizer,
                        double biasRegularization, double initStd, double finalLearningRate) {
    public BprConfig {
        if (factors < 1 || factors > 4096) throw new BadInputException("factors: " + factors + ", must be in [1, 4096]");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(biasOptimizer, "biasOptimizer");
        check("learning rate", optimizer.learningRate(), 0, 10, false);
        check("regularization", regularization, 0, 10, true);
        check("bias learning rate", biasOptimizer.learningRate(), 0, 10, true);
        check("bias regularization", biasRegularization, 0, 10, true);
        check("init std", initStd, 0, 10, true);
        check("final learning rate fraction", finalLearningRate, 0, 1, true);
        checkKind("optimizer", optimizer);
        checkKind("bias optimizer", biasOptimizer);
    }

    /**
     * The flat form: optimizer names (or full specs such as {@code adam:0.01,beta2=0.99}; a spec's
     * own learning rate wins over {@code learningRate}) with the learning rates beside them.
     */
    public static BprConfig of(int factors, double learningRate, double regularization, double biasLearningRate, double biasRegularization,
                               double initStd, double finalLearningRate, String optimizer, String biasOptimizer) {
        check("learning rate", learningRate, 0, 10, false);
        check("bias learning rate", biasLearningRate, 0, 10, true);
        return new BprConfig(factors, spec("optimizer", optimizer, learningRate), regularization, spec("bias optimizer", biasOptimizer, biasLearningRate),
                biasRegularization, initStd, finalLearningRate);
    }

    /** {@code text} as a spec; one without its own learning rate gets {@code lr}. Null is SGD. */
    static OptimizerSpec spec(String what, String text, double lr) {
        String t = text == null ? "sgd" : text.strip();
        int comma = t.indexOf(',');
        String head = comma < 0 ? t : t.substring(0, comma), rest = comma < 0 ? "" : t.substring(comma);
        boolean ownRate = head.contains(":") || rest.matches(".*,\\s*(lr|alpha)\\s*=.*");
        return OptimizerSpec.parse(what, ownRate ? t : head + ":" + lr + rest);
    }

    private static void checkKind(String what, OptimizerSpec s) {
        if (s.kind() == OptimizerSpec.Kind.FTRL) {
            throw new BadInputException(what + ": 'ftrl' trains click models' sparse linear weights, not BPR-MF's factors; use one of "
                    + String.join(", ", optimizerNames()));
        }
    }

    /** The optimizers BPR-MF's groups take: every one of the runtime but FTRL (a sparse linear model's). */
    public static List<String> optimizerNames() {
        return OptimizerSpec.Kind.names().stream().filter(n -> !n.equals("ftrl")).toList();
    }

    private static void check(String name, double v, double lo, double hi, boolean loInclusive) {
        boolean ok = (loInclusive ? v >= lo : v > lo) && v <= hi && Double.isFinite(v);
        if (!ok) throw new BadInputException(name + ": " + v + ", must be in " + (loInclusive ? "[" : "(") + lo + ", " + hi + "]");
    }

    /** The factor group's learning rate. */
    public double learningRate() { return optimizer.learningRate(); }

    /** The bias group's learning rate. */
    public double biasLearningRate() { return biasOptimizer.learningRate(); }

    /**
     * The defaults, tuned by measurement on ML-1M leave-one-out (seed 42, 20 epochs, 2 threads,
     * all figures full-ranking AUC): constant lr 0.05 / reg 0.0025 reached 0.930; lr 0.1 decaying
     * linearly to 0.1x 0.934; with reg 0.005 0.935; lr 0.15, reg 0.0075, bias lr 0.05 0.936;
     * bias lr 0.005 0.9376-0.9378 (1 thread: 0.9368; ML-100K: 0.939). A slow item bias leaves
     * popularity to the factors, which rank it better per user.
     */
    public static BprConfig defaults() {
        return new BprConfig(64, OptimizerSpec.of(OptimizerSpec.Kind.SGD, 0.15), 0.0075, OptimizerSpec.of(OptimizerSpec.Kind.SGD, 0.005),
                0.0, 0.1, 0.1);
    }

    /** The factor group's chain: the optimizer, its learning rate and hyperparameters, and coupled L2. */
    public Chain factorChain() {
        return optimizer.toChain().withWeightDecay(regularization);
    }

    /** The bias group's chain. */
    public Chain biasChain() {
        return biasOptimizer.toChain().withWeightDecay(biasRegularization);
    }

    public BprConfig withFactors(int f) { return new BprConfig(f, optimizer, regularization, biasOptimizer, biasRegularization, initStd, finalLearningRate); }
    public BprConfig withLearningRate(double lr) { return new BprConfig(factors, optimizer.withLearningRate(lr), regularization, biasOptimizer, biasRegularization, initStd, finalLearningRate); }
    public BprConfig withRegularization(double r) { return new BprConfig(factors, optimizer, r, biasOptimizer, biasRegularization, initStd, finalLearningRate); }
    public BprConfig withBiasLearningRate(double lr) { return new BprConfig(factors, optimizer, regularization, biasOptimizer.withLearningRate(lr), biasRegularization, initStd, finalLearningRate); }
    public BprConfig withBiasRegularization(double r) { return new BprConfig(factors, optimizer, regularization, biasOptimizer, r, initStd, finalLearningRate); }
    public BprConfig withInitStd(double s) { return new BprConfig(factors, optimizer, regularization, biasOptimizer, biasRegularization, s, finalLearningRate); }
    public BprConfig withFinalLearningRate(double f) { return new BprConfig(factors, optimizer, regularization, biasOptimizer, biasRegularization, initStd, f); }

    /** Both groups' optimizers: names keep the current learning rates, full specs ({@code adam:0.01,...}) bring their own. */
    public BprConfig withOptimizers(String factorsOpt, String biasOpt) {
        return new BprConfig(factors, spec("optimizer", factorsOpt, learningRate()), regularization, spec("bias optimizer", biasOpt, biasLearningRate()),
                biasRegularization, initStd, finalLearningRate);
    }

    /** Both groups' optimizers, typed. */
    public BprConfig withOptimizers(OptimizerSpec factorsOpt, OptimizerSpec biasOpt) {
        return new BprConfig(factors, factorsOpt, regularization, biasOpt, biasRegularization, initStd, finalLearningRate);
    }
}
