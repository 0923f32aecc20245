package dev.sparsetrain.optim;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.optim.transform.AdaDelta;
import dev.sparsetrain.optim.transform.Adafactor;
import dev.sparsetrain.optim.transform.Asgd;
import dev.sparsetrain.optim.transform.Eve;
import dev.sparsetrain.optim.transform.Lamb;
import dev.sparsetrain.optim.transform.LarsSgd;
import dev.sparsetrain.optim.transform.PartialRowwiseAdam;
import dev.sparsetrain.optim.transform.RAdam;
import dev.sparsetrain.optim.transform.Rprop;
import dev.sparsetrain.optim.transform.Adagrad;
import dev.sparsetrain.optim.transform.Adam;
import dev.sparsetrain.optim.transform.Adamax;
import dev.sparsetrain.optim.transform.Ftrl;
import dev.sparsetrain.optim.transform.NAdam;
import dev.sparsetrain.optim.transform.RmsProp;
import dev.sparsetrain.optim.transform.RowwiseAdagrad;
import dev.sparsetrain.optim.transform.Sgd;
import java.util.List;
import java.util.Map;

/**
 * Aliases that return an optimizer {@link Chain} with PyTorch 1.13's defaults (Optax's
 * {@code alias.py}). {@link #fromPyTorch(String, String, Map)} builds one from an optimizer name
 * and PyTorch's argument names (used by {@code replay-optimizer} and configuration files).
 */
public final class Optimizers {
    private Optimizers() {}

    /**
     * Every optimizer name {@link #fromPyTorch} and {@link OptimizerSpec} accept: {@link #NAMES}
     * and radam, rprop, asgd, adafactor, eve, lamb, lars_sgd, partial_rowwise_adam.
     */
    public static final List<String> ALL_NAMES = OptimizerSpec.Kind.names();

    /**
     * The 14 optimizers the models offer today (the list their options, tours and tests iterate);
     * {@link #ALL_NAMES} has the newer ones too, which a model adopts by adding them to its own
     * choices (Eve needs {@code Optimizer.setObjective} each step).
     */
    public static final List<String> NAMES = List.of("sgd", "momentum", "nesterov", "adagrad", "rowwise_adagrad", "rmsprop",
            "adadelta", "adam", "amsgrad", "adamw", "adamax", "nadam", "sparse_adam", "ftrl");

    /**
     * The canonical name of an optimizer as a user may type it (any case, '-' read as '_'), one of
     * {@link #NAMES}; anything else is a one-line {@link BadInputException} that starts with
     * {@code what} (an option or a group, e.g. "--emb-optimizer") and lists the names.
     */
    public static String canonicalName(String what, String name) {
        String n = name == null ? "" : name.strip().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        if (!NAMES.contains(n)) throw new BadInputException(what + " '" + name + "': allowed " + String.join(", ", NAMES));
        return n;
    }

    public static Chain sgd(double lr) { return Chain.of(lr, new Sgd(0, 0, false)); }

    public static Chain momentum(double lr, double momentum) { return Chain.of(lr, new Sgd(momentum, 0, false)); }

    public static Chain momentum(double lr, double momentum, double dampening) { return Chain.of(lr, new Sgd(momentum, dampening, false)); }

    public static Chain nesterov(double lr, double momentum) { return Chain.of(lr, new Sgd(momentum, 0, true)); }

    public static Chain adagrad(double lr) { return Chain.of(lr, new Adagrad(0, 0, 1e-10)); }

    public static Chain adagrad(double lr, double lrDecay, double initialAccumulatorValue, double eps) {
        return Chain.of(lr, new Adagrad(lrDecay, initialAccumulatorValue, eps));
    }

    public static Chain rowwiseAdagrad(double lr) { return Chain.of(lr, new RowwiseAdagrad(0, 1e-8)); }

    public static Chain rowwiseAdagrad(double lr, double initialAccumulatorValue, double eps) {
        return Chain.of(lr, new RowwiseAdagrad(initialAccumulatorValue, eps));
    }

    public static Chain rmsprop(double lr) { return Chain.of(lr, new RmsProp(0.99, 1e-8, 0, false)); }

    public static Chain rmsprop(double lr, double alpha, double eps, double momentum, boolean centered) {
        return Chain.of(lr, new RmsProp(alpha, eps, momentum, centered));
    }

    public static Chain adadelta(double lr) { return Chain.of(lr, new AdaDelta(0.9, 1e-6)); }

    public static Chain adadelta(double lr, double rho, double eps) { return Chain.of(lr, new AdaDelta(rho, eps)); }

    public static Chain adam(double lr) { return Chain.of(lr, new Adam(0.9, 0.999, 1e-8, false, false)); }

    public static Chain adam(double lr, double beta1, double beta2, double eps) {
        return Chain.of(lr, new Adam(beta1, beta2, eps, false, false));
    }

    /** Adam, or AMSGrad when {@code amsgrad}, with every hyperparameter given. */
    public static Chain adam(double lr, double beta1, double beta2, double eps, boolean amsgrad) {
        return Chain.of(lr, new Adam(beta1, beta2, eps, amsgrad, false));
    }

    public static Chain amsgrad(double lr) { return Chain.of(lr, new Adam(0.9, 0.999, 1e-8, true, false)); }

    /** PyTorch's SparseAdam: lazy Adam with eps outside the bias correction. */
    public static Chain sparseAdam(double lr) { return Chain.of(lr, new Adam(0.9, 0.999, 1e-8, false, true)); }

    /** AdamW: Adam after decoupled weight decay {@code w *= 1 - lr_t * wd} (PyTorch default wd 1e-2). */
    public static Chain adamw(double lr, double weightDecay) { return adam(lr).withDecoupledWeightDecay(weightDecay); }

    public static Chain sparseAdam(double lr, double beta1, double beta2, double eps) {
        return Chain.of(lr, new Adam(beta1, beta2, eps, false, true));
    }

    public static Chain adamax(double lr) { return Chain.of(lr, new Adamax(0.9, 0.999, 1e-8)); }

    public static Chain adamax(double lr, double beta1, double beta2, double eps) { return Chain.of(lr, new Adamax(beta1, beta2, eps)); }

    public static Chain nadam(double lr) { return Chain.of(lr, new NAdam(0.9, 0.999, 1e-8, 4e-3)); }

    public static Chain nadam(double lr, double beta1, double beta2, double eps, double momentumDecay) {
        return Chain.of(lr, new NAdam(beta1, beta2, eps, momentumDecay));
    }

    /** RAdam (PyTorch defaults betas (0.9, 0.999), eps 1e-8), see {@link RAdam}. */
    public static Chain radam(double lr) { return radam(lr, 0.9, 0.999, 1e-8); }

    public static Chain radam(double lr, double beta1, double beta2, double eps) { return Chain.of(lr, new RAdam(beta1, beta2, eps)); }

    /** Rprop with PyTorch's etas (0.5, 1.2) and step sizes (1e-6, 50); {@code lr} is the initial step size. See {@link Rprop}. */
    public static Chain rprop(double lr) { return rprop(lr, 0.5, 1.2, 1e-6, 50); }

    public static Chain rprop(double lr, double etaMinus, double etaPlus, double stepSizeMin, double stepSizeMax) {
        return Chain.of(lr, new Rprop(etaMinus, etaPlus, stepSizeMin, stepSizeMax));
    }

    /** ASGD with PyTorch's lambd 1e-4, alpha 0.75, t0 1e6, see {@link Asgd}. */
    public static Chain asgd(double lr) { return asgd(lr, 1e-4, 0.75, 1e6); }

    public static Chain asgd(double lr, double lambd, double alpha, double t0) { return Chain.of(lr, new Asgd(lambd, alpha, t0)); }

    /** Row-wise Adafactor with PyTorch 2.5's defaults (beta2_decay -0.8, eps (float32 eps, 1e-3), d 1), see {@link Adafactor}. */
    public static Chain adafactor(double lr) { return adafactor(lr, -0.8, Adafactor.FLOAT_EPS, 1e-3, 1.0, 0); }

    public static Chain adafactor(double lr, double beta2Decay, double eps1, double eps2, double d, double weightDecay) {
        return Chain.of(lr, new Adafactor(beta2Decay, eps1, eps2, d, weightDecay));
    }

    /** Eve with the paper's defaults (betas 0.9, 0.999, 0.999; k 0.1, K 10; eps 1e-8; f_star 0), see {@link Eve}. */
    public static Chain eve(double lr) { return eve(lr, 0.9, 0.999, 0.999, 0.1, 10, 1e-8, 0); }

    public static Chain eve(double lr, double beta1, double beta2, double beta3, double lowerThreshold, double upperThreshold, double eps,
                            double fStar) {
        return Chain.of(lr, new Eve(beta1, beta2, beta3, lowerThreshold, upperThreshold, eps, fStar));
    }

    /** FBGEMM's LAMB (betas 0.9, 0.999, eps 1e-8, weight decay 0), see {@link Lamb}. */
    public static Chain lamb(double lr) { return lamb(lr, 0.9, 0.999, 1e-8, 0); }

    public static Chain lamb(double lr, double beta1, double beta2, double eps, double weightDecay) {
        return Chain.of(lr, new Lamb(beta1, beta2, eps, weightDecay));
    }

    /** FBGEMM's LARS SGD (eta 1e-3, momentum 0.9, weight decay 0), see {@link LarsSgd}. */
    public static Chain larsSgd(double lr) { return larsSgd(lr, 1e-3, 0.9, 0); }

    public static Chain larsSgd(double lr, double eta, double momentum, double weightDecay) {
        return Chain.of(lr, new LarsSgd(eta, momentum, weightDecay));
    }

    /** FBGEMM's partial row-wise Adam (betas 0.9, 0.999, eps 1e-8), see {@link PartialRowwiseAdam}. */
    public static Chain partialRowwiseAdam(double lr) { return partialRowwiseAdam(lr, 0.9, 0.999, 1e-8); }

    public static Chain partialRowwiseAdam(double lr, double beta1, double beta2, double eps) {
        return Chain.of(lr, new PartialRowwiseAdam(beta1, beta2, eps));
    }

    /** FTRL-Proximal with learning rate {@code alpha}. */
    public static Chain ftrl(double alpha, double beta, double l1, double l2) { return Chain.of(alpha, new Ftrl(beta, l1, l2)); }

    /**
     * Builds a chain from an optimizer name and PyTorch's hyperparameter names ({@code betas} may be
     * given as {@code beta1}, {@code beta2}, or as a two-element list); a missing one takes PyTorch's
     * default. {@code where} prefixes messages (a file name or a group). Reads and checks through
     * {@link OptimizerSpec#fromPyTorch(String, Map)}.
     *
     * @throws BadInputException for an unknown optimizer, an unknown or ill-typed hyperparameter
     */
    public static Chain fromPyTorch(String where, String name, Map<String, ?> hyper) {
        try {
            return OptimizerSpec.fromPyTorch(name, hyper).toChain();
        } catch (BadInputException e) {
            throw new BadInputException(where + ": " + e.getMessage());
        }
    }

}
