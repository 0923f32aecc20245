package dev.sparsetrain.models.bpr;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.optim.Chain;
import dev.sparsetrain.optim.Optimizers;
import java.util.Locale;
import java.util.Map;

/**
 * Hyperparameters of BPR-MF. Factors (the {@code users} and {@code items} tables, parameter group
 * {@code factors}) and item biases ({@code item_bias}, group {@code biases}) are separate
 * parameter groups, each with its own optimizer, learning rate and L2 strength (coupled weight
 * decay on the touched rows); biases have no L2 by default.
 *
 * @param factors            latent dimension (default 64)
 * @param learningRate       learning rate of the factor group (default 0.15)
 * @param regularization     L2 strength on the touched user and item factor rows (default 0.0075)
 * @param biasLearningRate   learning rate of the bias group (default 0.005)
 * @param biasRegularization L2 strength on the touched item biases (default 0: excluded from L2)
 * @param initStd            factors start as N(0, initStd^2), biases at 0 (default 0.1)
 * @param finalLearningRate  both learning rates decay linearly over the epochs, from their value
 *                           in epoch 1 to this fraction of it in the last epoch (default 0.1;
 *                           1 = constant)
 * @param optimizer          optimizer of the factor group, one of {@link Optimizers#NAMES} with its
 *                           PyTorch defaults (default "sgd")
 * @param biasOptimizer      optimizer of the bias group (default "sgd")
 */
public record BprConfig(int factors, double learningRate, double regularization, double biasLearningRate,
                        double biasRegularization, double initStd, double finalLearningRate, String optimizer, String biasOptimizer) {
    public BprConfig {
        if (factors < 1 || factors > 4096) throw new BadInputException("--factors: " + factors + ", must be in [1, 4096]");
        check("--lr (learning rate)", learningRate, 0, 10, false);
        check("--reg (regularization)", regularization, 0, 10, true);
        check("--bias-lr (bias learning rate)", biasLearningRate, 0, 10, true);
        check("--bias-reg (bias regularization)", biasRegularization, 0, 10, true);
        check("--init-std", initStd, 0, 10, true);
        check("--final-lr (final learning rate fraction)", finalLearningRate, 0, 1, true);
        optimizer = checkOptimizer("--optimizer", optimizer);
        biasOptimizer = checkOptimizer("--bias-optimizer", biasOptimizer);
    }

    private static String checkOptimizer(String what, String name) {
        String n = name == null ? "sgd" : name.toLowerCase(Locale.ROOT).replace('-', '_');
        if (!Optimizers.NAMES.contains(n) || n.equals("ftrl")) {
            throw new BadInputException(what + ": '" + name + "', must be one of " + Optimizers.NAMES.stream().filter(x -> !x.equals("ftrl")).toList());
        }
        return n;
    }

    private static void check(String name, double v, double lo, double hi, boolean loInclusive) {
        boolean ok = (loInclusive ? v >= lo : v > lo) && v <= hi && Double.isFinite(v);
        if (!ok) throw new BadInputException(name + ": " + v + ", must be in " + (loInclusive ? "[" : "(") + lo + ", " + hi + "]");
    }

    /**
     * The defaults, tuned by measurement on ML-1M leave-one-out (seed 42, 20 epochs, 2 threads,
     * all figures full-ranking AUC): constant lr 0.05 / reg 0.0025 reached 0.930; lr 0.1 decaying
     * linearly to 0.1x 0.934; with reg 0.005 0.935; lr 0.15, reg 0.0075, bias lr 0.05 0.936;
     * bias lr 0.005 0.9376-0.9378 (1 thread: 0.9368; ML-100K: 0.939). A slow item bias leaves
     * popularity to the factors, which rank it better per user.
     */
    public static BprConfig defaults() {
        return new BprConfig(64, 0.15, 0.0075, 0.005, 0.0, 0.1, 0.1, "sgd", "sgd");
    }

    /** The factor group's chain: the optimizer with its PyTorch defaults, lr, and coupled L2. */
    public Chain factorChain() {
        return Optimizers.fromPyTorch("group 'factors'", optimizer, Map.of("lr", learningRate)).withWeightDecay(regularization);
    }

    /** The bias group's chain. */
    public Chain biasChain() {
        return Optimizers.fromPyTorch("group 'biases'", biasOptimizer, Map.of("lr", biasLearningRate)).withWeightDecay(biasRegularization);
    }

    public BprConfig withFactors(int f) { return new BprConfig(f, learningRate, regularization, biasLearningRate, biasRegularization, initStd, finalLearningRate, optimizer, biasOptimizer); }
    public BprConfig withLearningRate(double lr) { return new BprConfig(factors, lr, regularization, biasLearningRate, biasRegularization, initStd, finalLearningRate, optimizer, biasOptimizer); }
    public BprConfig withRegularization(double r) { return new BprConfig(factors, learningRate, r, biasLearningRate, biasRegularization, initStd, finalLearningRate, optimizer, biasOptimizer); }
    public BprConfig withBiasLearningRate(double lr) { return new BprConfig(factors, learningRate, regularization, lr, biasRegularization, initStd, finalLearningRate, optimizer, biasOptimizer); }
    public BprConfig withBiasRegularization(double r) { return new BprConfig(factors, learningRate, regularization, biasLearningRate, r, initStd, finalLearningRate, optimizer, biasOptimizer); }
    public BprConfig withInitStd(double s) { return new BprConfig(factors, learningRate, regularization, biasLearningRate, biasRegularization, s, finalLearningRate, optimizer, biasOptimizer); }
    public BprConfig withFinalLearningRate(double f) { return new BprConfig(factors, learningRate, regularization, biasLearningRate, biasRegularization, initStd, f, optimizer, biasOptimizer); }
    public BprConfig withOptimizers(String factorsOpt, String biasOpt) { return new BprConfig(factors, learningRate, regularization, biasLearningRate, biasRegularization, initStd, finalLearningRate, factorsOpt, biasOpt); }
}
