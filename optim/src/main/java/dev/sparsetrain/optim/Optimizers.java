package dev.sparsetrain.optim;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.optim.transform.AdaDelta;
import dev.sparsetrain.optim.transform.Adagrad;
import dev.sparsetrain.optim.transform.Adam;
import dev.sparsetrain.optim.transform.Adamax;
import dev.sparsetrain.optim.transform.Ftrl;
import dev.sparsetrain.optim.transform.NAdam;
import dev.sparsetrain.optim.transform.RmsProp;
import dev.sparsetrain.optim.transform.RowwiseAdagrad;
import dev.sparsetrain.optim.transform.Sgd;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Aliases that return an optimizer {@link Chain} with PyTorch 1.13's defaults (Optax's
 * {@code alias.py}). {@link #fromPyTorch(String, String, Map)} builds one from an optimizer name
 * and PyTorch's argument names (used by {@code replay-optimizer} and configuration files).
 */
public final class Optimizers {
    private Optimizers() {}

    /** The names {@link #fromPyTorch} accepts. */
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

    public static Chain amsgrad(double lr) { return Chain.of(lr, new Adam(0.9, 0.999, 1e-8, true, false)); }

    /** PyTorch's SparseAdam: lazy Adam with eps outside the bias correction. */
    public static Chain sparseAdam(double lr) { return Chain.of(lr, new Adam(0.9, 0.999, 1e-8, false, true)); }

    /** AdamW: Adam after decoupled weight decay {@code w *= 1 - lr_t * wd} (PyTorch default wd 1e-2). */
    public static Chain adamw(double lr, double weightDecay) { return adam(lr).withDecoupledWeightDecay(weightDecay); }

    public static Chain adamax(double lr) { return Chain.of(lr, new Adamax(0.9, 0.999, 1e-8)); }

    public static Chain nadam(double lr) { return Chain.of(lr, new NAdam(0.9, 0.999, 1e-8, 4e-3)); }

    /** FTRL-Proximal with learning rate {@code alpha}. */
    public static Chain ftrl(double alpha, double beta, double l1, double l2) { return Chain.of(alpha, new Ftrl(beta, l1, l2)); }

    /**
     * Builds a chain from an optimizer name and PyTorch's hyperparameter names ({@code betas} may be
     * given as {@code beta1}, {@code beta2}, or as a two-element list); a missing one takes PyTorch's
     * default. {@code where} prefixes messages (a file name or a group).
     *
     * @throws BadInputException for an unknown optimizer, an unknown or ill-typed hyperparameter
     */
    public static Chain fromPyTorch(String where, String name, Map<String, ?> hyper) {
        H h = new H(where, name, hyper);
        Chain c = switch (name) {
            case "sgd", "momentum", "nesterov" -> {
                double mom = h.num("momentum", name.equals("sgd") ? 0 : 0.9);
                double damp = h.num("dampening", 0);
                boolean nest = h.bool("nesterov", name.equals("nesterov"));
                yield Chain.of(h.num("lr", Double.NaN), new Sgd(mom, damp, nest)).withWeightDecay(h.num("weight_decay", 0));
            }
            case "adagrad" -> Chain.of(h.num("lr", 1e-2), new Adagrad(h.num("lr_decay", 0), h.num("initial_accumulator_value", 0),
                    h.num("eps", 1e-10))).withWeightDecay(h.num("weight_decay", 0));
            case "rowwise_adagrad" -> Chain.of(h.num("lr", 1e-2), new RowwiseAdagrad(h.num("initial_accumulator_value", 0),
                    h.num("eps", 1e-8))).withWeightDecay(h.num("weight_decay", 0));
            case "rmsprop" -> Chain.of(h.num("lr", 1e-2), new RmsProp(h.num("alpha", 0.99), h.num("eps", 1e-8),
                    h.num("momentum", 0), h.bool("centered", false))).withWeightDecay(h.num("weight_decay", 0));
            case "adadelta" -> Chain.of(h.num("lr", 1.0), new AdaDelta(h.num("rho", 0.9), h.num("eps", 1e-6)))
                    .withWeightDecay(h.num("weight_decay", 0));
            case "adam", "amsgrad" -> Chain.of(h.num("lr", 1e-3), new Adam(h.beta(0, 0.9), h.beta(1, 0.999), h.num("eps", 1e-8),
                    h.bool("amsgrad", name.equals("amsgrad")), false)).withWeightDecay(h.num("weight_decay", 0));
            case "adamw" -> Chain.of(h.num("lr", 1e-3), new Adam(h.beta(0, 0.9), h.beta(1, 0.999), h.num("eps", 1e-8),
                    h.bool("amsgrad", false), false)).withDecoupledWeightDecay(h.num("weight_decay", 1e-2));
            case "sparse_adam" -> Chain.of(h.num("lr", 1e-3), new Adam(h.beta(0, 0.9), h.beta(1, 0.999), h.num("eps", 1e-8), false, true));
            case "adamax" -> Chain.of(h.num("lr", 2e-3), new Adamax(h.beta(0, 0.9), h.beta(1, 0.999), h.num("eps", 1e-8)))
                    .withWeightDecay(h.num("weight_decay", 0));
            case "nadam" -> Chain.of(h.num("lr", 2e-3), new NAdam(h.beta(0, 0.9), h.beta(1, 0.999), h.num("eps", 1e-8),
                    h.num("momentum_decay", 4e-3))).withWeightDecay(h.num("weight_decay", 0));
            case "ftrl" -> Chain.of(h.num("alpha", Double.NaN), new Ftrl(h.num("beta", 1.0), h.num("l1", 0), h.num("l2", 0)));
            default -> throw new BadInputException(where + ": unknown optimizer '" + name + "', known: " + String.join(", ", NAMES));
        };
        if (Double.isNaN(c.learningRate())) {
            throw new BadInputException(where + ": " + name + " needs " + (name.equals("ftrl") ? "alpha" : "lr") + " (PyTorch has no default for it)");
        }
        h.rejectUnused();
        return c;
    }

    /** Reads hyperparameters and remembers which were used, to refuse unknown names. */
    private static final class H {
        final String where, name;
        final Map<String, ?> map;
        final Set<String> used = new HashSet<>();

        H(String where, String name, Map<String, ?> map) {
            this.where = where;
            this.name = name;
            this.map = map == null ? Map.of() : map;
        }

        double num(String key, double def) {
            used.add(key);
            Object o = map.get(key);
            if (o == null) return def;
            if (o instanceof Number n) return n.doubleValue();
            throw new BadInputException(where + ": " + name + " " + key + "=" + o + ", must be a number");
        }

        boolean bool(String key, boolean def) {
            used.add(key);
            Object o = map.get(key);
            if (o == null) return def;
            if (o instanceof Boolean b) return b;
            throw new BadInputException(where + ": " + name + " " + key + "=" + o + ", must be true or false");
        }

        double beta(int i, double def) {
            used.add("betas");
            Object betas = map.get("betas");
            if (betas instanceof List<?> l) {
                if (l.size() != 2 || !(l.get(i) instanceof Number n)) {
                    throw new BadInputException(where + ": " + name + " betas=" + betas + ", must be two numbers");
                }
                return n.doubleValue();
            }
            return num(i == 0 ? "beta1" : "beta2", def);
        }

        void rejectUnused() {
            Set<String> unknown = new TreeSet<>(map.keySet());
            unknown.removeAll(used);
            unknown.remove("maximize");
            unknown.remove("foreach");
            unknown.remove("differentiable");
            unknown.remove("capturable");
            unknown.remove("fused");
            if (!unknown.isEmpty()) {
                throw new BadInputException(where + ": " + name + " has no hyperparameter " + unknown + ", allowed: " + new TreeSet<>(used));
            }
            Object max = map.get("maximize");
            if (max != null && !Boolean.FALSE.equals(max)) {
                throw new BadInputException(where + ": " + name + " maximize=" + max + ", only false is supported (negate the gradient)");
            }
        }
    }
}
