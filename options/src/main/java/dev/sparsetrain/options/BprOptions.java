package dev.sparsetrain.options;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.models.bpr.BprConfig;
import picocli.CommandLine.Option;

/**
 * BPR-MF hyperparameters: {@code --factors}, {@code --lr}, {@code --reg}, {@code --bias-lr},
 * {@code --bias-reg}, {@code --init-std}, {@code --final-lr}, {@code --bias-optimizer} (defaults:
 * {@link BprConfig#defaults()}). The factor group's {@code --optimizer} is not here:
 * {@code sparsetrain train --optimizer} also takes VBPR's per-group form, {@code SparkBprMain
 * --optimizer} one name whose state stays per partition, so each entry point declares it and hands
 * it to {@link #config(String)}, which {@link BprConfig} checks. Mixed into {@code sparsetrain train} and {@code SparkBprMain}.
 * Not thread-safe (filled by picocli).
 */
public final class BprOptions {
    private static final BprConfig D = BprConfig.defaults();

    @picocli.CommandLine.Mixin
    private FactorsOption factors = new FactorsOption();

    @Option(names = "--lr", defaultValue = "0.15", description = "Learning rate of the factor group (users, items). Default: ${DEFAULT-VALUE}.")
    private double lr = D.learningRate();

    @picocli.CommandLine.Mixin
    private RegOption reg = new RegOption();

    @Option(names = "--bias-lr", defaultValue = "0.005", description = "Learning rate of the item-bias group. Default: ${DEFAULT-VALUE}.")
    private double biasLr = D.biasLearningRate();

    @Option(names = "--bias-reg", defaultValue = "0.0", description = "L2 on the touched item biases (biases are excluded from L2 by default). Default: ${DEFAULT-VALUE}.")
    private double biasReg = D.biasRegularization();

    @picocli.CommandLine.Mixin
    private InitStdOption initStd = new InitStdOption(D.initStd());

    @Option(names = "--final-lr", defaultValue = "0.1", description = "Learning rates decay linearly to this fraction in the last epoch (1 = constant). Default: ${DEFAULT-VALUE}.")
    private double finalLr = D.finalLearningRate();

    @Option(names = "--bias-optimizer", defaultValue = "sgd", description = "Optimizer of the item-bias group (a name or spec, as --optimizer). Default: ${DEFAULT-VALUE}.")
    private String biasOptimizer = "sgd";

    /**
     * The BPR-MF configuration with these hyperparameters and the factor group's {@code optimizer}
     * (a name, or a spec such as {@code adam:0.01,beta2=0.99}), checked once by {@link BprConfig}
     * and {@link dev.sparsetrain.optim.OptimizerSpec}; a refusal names the flag.
     */
    public BprConfig config(String optimizer) {
        try {
            return BprConfig.of(factors.factors(), lr, reg.reg(), biasLr, biasReg, initStd.initStd(), finalLr, optimizer, biasOptimizer);
        } catch (BadInputException e) {
            throw new BadInputException(flagged(e.getMessage()));
        }
    }

    /** The configuration's field names, as its checks write them, and the flags that set them. */
    private static final String[][] FLAGS = {
        {"factors:", "--factors"}, {"learning rate:", "--lr (learning rate)"}, {"regularization:", "--reg (regularization)"},
        {"bias learning rate:", "--bias-lr (bias learning rate)"}, {"bias regularization:", "--bias-reg (bias regularization)"},
        {"init std:", "--init-std"}, {"final learning rate fraction:", "--final-lr (final learning rate fraction)"},
        {"optimizer:", "--optimizer"}, {"bias optimizer:", "--bias-optimizer"}};

    static String flagged(String message) {
        for (String[] f : FLAGS) {
            if (message.startsWith(f[0])) return f[1] + message.substring(f[0].length() - 1);
        }
        return message;
    }
}
