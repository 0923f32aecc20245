package dev.sparsetrain.optim;

import dev.sparsetrain.core.BadInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An optimizer and its hyperparameters as one validated, typed value: the one place where an
 * optimizer written as text ({@code "adam:0.01,beta2=0.99"}) or as PyTorch's keyword arguments
 * (a case file's {@code "hyper"} map) is read and checked. {@link #toChain()} builds the
 * {@link Chain} through the typed {@link Optimizers} factories, so no optimizer name reaches
 * domain code; {@link #toString()} writes the text back, and {@code parse(s.toString())} equals
 * {@code s} (for configuration JSON).
 *
 * <h2>Text form</h2>
 * <pre>
 *   NAME[:LR][,KEY=VALUE]...        e.g.  adam:0.01,beta2=0.99   sgd:0.1,momentum=0.9,nesterov=true   ftrl:0.05,l1=0.001
 * </pre>
 * {@code NAME} is one of {@link Kind} (any case, {@code -} read as {@code _}); {@code LR} is the
 * learning rate ({@code alpha} for ftrl), which may also be given as {@code lr=} ({@code alpha=});
 * keys are PyTorch's (or FBGEMM's) argument names, see {@link Kind#parameters()}; values are
 * decimal numbers or {@code true}/{@code false}. A missing value takes the optimizer's default
 * (PyTorch 1.13's, FBGEMM's or the paper's); sgd, momentum, nesterov and ftrl have no default rate.
 *
 * <h2>Errors</h2>
 * Every problem is one {@link BadInputException} line that names the value and what is allowed,
 * e.g. {@code "adam beta2=1.5, must be in [0, 1)"} or
 * {@code "adam has no hyperparameter [momentum], allowed: [amsgrad, beta1, beta2, eps, lr, weight_decay]"}.
 * Messages never name a command-line option or file: callers prefix their own
 * ({@code "--emb-optimizer: "}, {@code "groups.json:3: "}) or use {@link #parse(String, String)}.
 *
 * @param kind         the optimizer
 * @param learningRate the learning rate (ftrl: alpha), finite and {@code >= 0}
 * @param hyper        every other hyperparameter of the kind by its name, defaults filled in,
 *                     {@link Double} or {@link Boolean}, in {@link Kind#parameters()} order
 */
public record OptimizerSpec(Kind kind, double learningRate, Map<String, Object> hyper) implements java.io.Serializable {

    /** How a value is checked. */
    public enum Range {
        /** Any finite number. */
        FINITE("finite"),
        /** {@code >= 0} and finite. */
        NON_NEGATIVE(">= 0 and finite"),
        /** {@code > 0} and finite. */
        POSITIVE("> 0 and finite"),
        /** {@code [0, 1)}. */
        UNIT("in [0, 1)"),
        /** {@code [0, 1]}. */
        UNIT_CLOSED("in [0, 1]"),
        /** {@code (0, 1)}. */
        OPEN_UNIT("in (0, 1)"),
        /** {@code > 1} and finite. */
        ABOVE_ONE("> 1 and finite"),
        /** {@code <= 0} and finite. */
        NON_POSITIVE("<= 0 and finite"),
        /** true or false. */
        BOOLEAN("true or false");

        final String text;

        Range(String text) { this.text = text; }

        boolean accepts(double v) {
            return switch (this) {
                case FINITE -> Double.isFinite(v);
                case NON_NEGATIVE -> v >= 0 && Double.isFinite(v);
                case POSITIVE -> v > 0 && Double.isFinite(v);
                case UNIT -> v >= 0 && v < 1;
                case UNIT_CLOSED -> v >= 0 && v <= 1;
                case OPEN_UNIT -> v > 0 && v < 1;
                case ABOVE_ONE -> v > 1 && Double.isFinite(v);
                case NON_POSITIVE -> v <= 0 && Double.isFinite(v);
                case BOOLEAN -> false;
            };
        }
    }

    /**
     * One hyperparameter: its name (PyTorch's or FBGEMM's), default and allowed range.
     *
     * @param name         the key in text and maps
     * @param defaultValue a {@link Double} or {@link Boolean}
     * @param range        the check; {@link Range#BOOLEAN} for flags
     */
    public record Parameter(String name, Object defaultValue, Range range) {
        static Parameter num(String name, double def, Range range) { return new Parameter(name, def, range); }
        static Parameter flag(String name, boolean def) { return new Parameter(name, def, Range.BOOLEAN); }
        public boolean isFlag() { return range == Range.BOOLEAN; }
    }

    private static final Parameter WD = Parameter.num("weight_decay", 0, Range.NON_NEGATIVE);
    private static final Parameter B1 = Parameter.num("beta1", 0.9, Range.UNIT);
    private static final Parameter B2 = Parameter.num("beta2", 0.999, Range.UNIT);
    private static final Parameter EPS8 = Parameter.num("eps", 1e-8, Range.NON_NEGATIVE);

    /** Every optimizer the runtime has, with its learning-rate default and hyperparameters. */
    public enum Kind {
        SGD("sgd", Double.NaN, Parameter.num("momentum", 0, Range.UNIT), Parameter.num("dampening", 0, Range.UNIT_CLOSED),
                Parameter.flag("nesterov", false), WD),
        MOMENTUM("momentum", Double.NaN, Parameter.num("momentum", 0.9, Range.UNIT), Parameter.num("dampening", 0, Range.UNIT_CLOSED),
                Parameter.flag("nesterov", false), WD),
        NESTEROV("nesterov", Double.NaN, Parameter.num("momentum", 0.9, Range.UNIT), Parameter.num("dampening", 0, Range.UNIT_CLOSED),
                Parameter.flag("nesterov", true), WD),
        ADAGRAD("adagrad", 1e-2, Parameter.num("lr_decay", 0, Range.NON_NEGATIVE),
                Parameter.num("initial_accumulator_value", 0, Range.NON_NEGATIVE), Parameter.num("eps", 1e-10, Range.NON_NEGATIVE), WD),
        ROWWISE_ADAGRAD("rowwise_adagrad", 1e-2, Parameter.num("initial_accumulator_value", 0, Range.NON_NEGATIVE), EPS8, WD),
        RMSPROP("rmsprop", 1e-2, Parameter.num("alpha", 0.99, Range.UNIT), EPS8, Parameter.num("momentum", 0, Range.UNIT),
                Parameter.flag("centered", false), WD),
        ADADELTA("adadelta", 1.0, Parameter.num("rho", 0.9, Range.UNIT_CLOSED), Parameter.num("eps", 1e-6, Range.NON_NEGATIVE), WD),
        ADAM("adam", 1e-3, B1, B2, EPS8, WD, Parameter.flag("amsgrad", false)),
        AMSGRAD("amsgrad", 1e-3, B1, B2, EPS8, WD, Parameter.flag("amsgrad", true)),
        ADAMW("adamw", 1e-3, B1, B2, EPS8, Parameter.num("weight_decay", 1e-2, Range.NON_NEGATIVE), Parameter.flag("amsgrad", false)),
        ADAMAX("adamax", 2e-3, B1, B2, EPS8, WD),
        NADAM("nadam", 2e-3, B1, B2, EPS8, WD, Parameter.num("momentum_decay", 4e-3, Range.NON_NEGATIVE)),
        SPARSE_ADAM("sparse_adam", 1e-3, B1, B2, EPS8),
        FTRL("ftrl", Double.NaN, Parameter.num("beta", 1.0, Range.NON_NEGATIVE), Parameter.num("l1", 0, Range.NON_NEGATIVE),
                Parameter.num("l2", 0, Range.NON_NEGATIVE)),
        RADAM("radam", 1e-3, B1, B2, EPS8, WD, Parameter.flag("decoupled_weight_decay", false)),
        RPROP("rprop", 1e-2, Parameter.num("etaminus", 0.5, Range.OPEN_UNIT), Parameter.num("etaplus", 1.2, Range.ABOVE_ONE),
                Parameter.num("step_size_min", 1e-6, Range.NON_NEGATIVE), Parameter.num("step_size_max", 50, Range.NON_NEGATIVE)),
        ASGD("asgd", 1e-2, Parameter.num("lambd", 1e-4, Range.NON_NEGATIVE), Parameter.num("alpha", 0.75, Range.NON_NEGATIVE),
                Parameter.num("t0", 1e6, Range.NON_NEGATIVE), WD),
        ADAFACTOR("adafactor", 1e-2, Parameter.num("beta2_decay", -0.8, Range.NON_POSITIVE),
                Parameter.num("eps1", dev.sparsetrain.optim.transform.Adafactor.FLOAT_EPS, Range.NON_NEGATIVE),
                Parameter.num("eps2", 1e-3, Range.NON_NEGATIVE), Parameter.num("d", 1.0, Range.POSITIVE), WD),
        EVE("eve", 1e-3, B1, B2, Parameter.num("beta3", 0.999, Range.UNIT), Parameter.num("lower_threshold", 0.1, Range.NON_NEGATIVE),
                Parameter.num("upper_threshold", 10, Range.NON_NEGATIVE), EPS8, Parameter.num("f_star", 0, Range.FINITE), WD),
        LAMB("lamb", 1e-2, B1, B2, EPS8, WD),
        LARS_SGD("lars_sgd", 1e-2, Parameter.num("eta", 1e-3, Range.NON_NEGATIVE), Parameter.num("momentum", 0.9, Range.UNIT), WD),
        PARTIAL_ROWWISE_ADAM("partial_rowwise_adam", 1e-2, B1, B2, EPS8, WD);

        private final String text;
        private final double defaultLearningRate;
        private final List<Parameter> parameters;

        Kind(String text, double defaultLearningRate, Parameter... parameters) {
            this.text = text;
            this.defaultLearningRate = defaultLearningRate;
            this.parameters = List.of(parameters);
        }

        /** The name in text, case files and messages: "adam", "rowwise_adagrad", ... */
        public String text() { return text; }

        /** The learning rate's key: "alpha" for ftrl, "lr" otherwise. */
        public String learningRateKey() { return this == FTRL ? "alpha" : "lr"; }

        /** The default learning rate, NaN when there is none (it must be given). */
        public double defaultLearningRate() { return defaultLearningRate; }

        /** The hyperparameters besides the learning rate, in canonical order. */
        public List<Parameter> parameters() { return parameters; }

        /** Every key this kind accepts, the learning rate's included. */
        public Set<String> keys() {
            Set<String> s = new TreeSet<>();
            s.add(learningRateKey());
            for (Parameter p : parameters) s.add(p.name());
            return s;
        }

        Parameter parameter(String key) {
            for (Parameter p : parameters) if (p.name().equals(key)) return p;
            return null;
        }

        /** The kind named {@code name} (any case, '-' read as '_'); a one-line error listing the names otherwise. */
        public static Kind named(String name) {
            String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
            for (Kind k : values()) if (k.text.equals(n)) return k;
            throw new BadInputException("unknown optimizer '" + name + "', allowed: " + String.join(", ", names()));
        }

        /** The names of every kind, in declaration order. */
        public static List<String> names() {
            List<String> l = new ArrayList<>();
            for (Kind k : values()) l.add(k.text);
            return l;
        }
    }

    /** Validates (see the class comment) and copies the map; missing hyperparameters take their defaults. */
    public OptimizerSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(hyper, "hyper");
        String what = kind.text;
        if (Double.isNaN(learningRate)) learningRate = kind.defaultLearningRate;
        if (Double.isNaN(learningRate)) {
            throw new BadInputException(what + " needs " + kind.learningRateKey() + " (it has no default), e.g. " + what + ":0.1");
        }
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new BadInputException(what + " " + kind.learningRateKey() + "=" + learningRate + ", must be >= 0 and finite");
        }
        Set<String> unknown = new TreeSet<>(hyper.keySet());
        for (Parameter p : kind.parameters) unknown.remove(p.name());
        if (!unknown.isEmpty()) {
            throw new BadInputException(what + " has no hyperparameter " + unknown + ", allowed: " + kind.keys());
        }
        Map<String, Object> full = new LinkedHashMap<>();
        for (Parameter p : kind.parameters) {
            Object v = hyper.get(p.name());
            if (v == null) v = p.defaultValue();
            if (p.isFlag()) {
                if (!(v instanceof Boolean)) throw new BadInputException(what + " " + p.name() + "=" + v + ", must be true or false");
            } else {
                if (!(v instanceof Number n)) throw new BadInputException(what + " " + p.name() + "=" + v + ", must be a number");
                double d = n.doubleValue();
                if (!p.range().accepts(d)) throw new BadInputException(what + " " + p.name() + "=" + d + ", must be " + p.range().text);
                v = d;
            }
            full.put(p.name(), v);
        }
        hyper = Collections.unmodifiableMap(full);
        crossChecks(kind, hyper);
    }

    /** Constraints between values (one line each). */
    private static void crossChecks(Kind kind, Map<String, Object> h) {
        switch (kind) {
            case SGD, MOMENTUM, NESTEROV -> {
                double m = (Double) h.get("momentum"), d = (Double) h.get("dampening");
                if ((Boolean) h.get("nesterov") && (m <= 0 || d != 0)) {
                    throw new BadInputException(kind.text + " nesterov=true with momentum=" + m + " and dampening=" + d
                            + ", Nesterov momentum requires momentum > 0 and dampening = 0");
                }
            }
            case RPROP -> {
                double lo = (Double) h.get("step_size_min"), hi = (Double) h.get("step_size_max");
                if (lo > hi) throw new BadInputException("rprop step_size_min=" + lo + " > step_size_max=" + hi + ", must be <=");
            }
            case EVE -> {
                double lo = (Double) h.get("lower_threshold"), hi = (Double) h.get("upper_threshold");
                if (lo > hi) throw new BadInputException("eve lower_threshold=" + lo + " > upper_threshold=" + hi + ", must be <=");
            }
            default -> { }
        }
    }

    /** The spec of {@code kind} with learning rate {@code lr} and every other value at its default. */
    public static OptimizerSpec of(Kind kind, double lr) { return new OptimizerSpec(kind, lr, Map.of()); }

    /** The spec of {@code kind} at its default learning rate; refused for kinds without one. */
    public static OptimizerSpec defaults(Kind kind) { return new OptimizerSpec(kind, kind.defaultLearningRate, Map.of()); }

    /** A copy with another learning rate. */
    public OptimizerSpec withLearningRate(double lr) { return new OptimizerSpec(kind, lr, hyper); }

    /** A copy with one hyperparameter changed (checked as in {@link #parse}). */
    public OptimizerSpec with(String key, Object value) {
        if (key.equals(kind.learningRateKey())) {
            if (!(value instanceof Number n)) throw new BadInputException(kind.text + " " + key + "=" + value + ", must be a number");
            return withLearningRate(n.doubleValue());
        }
        Map<String, Object> m = new LinkedHashMap<>(hyper);
        m.put(key, value);
        return new OptimizerSpec(kind, learningRate, m);
    }

    /** A numeric hyperparameter by name. */
    public double number(String key) {
        if (key.equals(kind.learningRateKey())) return learningRate;
        Object v = hyper.get(key);
        if (v instanceof Double d) return d;
        throw new IllegalArgumentException(kind.text + " has no numeric hyperparameter '" + key + "', it has " + kind.keys());
    }

    /** A boolean hyperparameter by name. */
    public boolean flag(String key) {
        Object v = hyper.get(key);
        if (v instanceof Boolean b) return b;
        throw new IllegalArgumentException(kind.text + " has no flag '" + key + "', it has " + kind.keys());
    }

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /**
     * Reads the text form (see the class comment).
     *
     * @throws BadInputException one line naming the bad part and what is allowed
     */
    public static OptimizerSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new BadInputException("empty optimizer, expected NAME[:LR][,KEY=VALUE]... such as adam:0.01; names: "
                    + String.join(", ", Kind.names()));
        }
        String[] parts = text.split(",", -1);
        String head = parts[0].strip();
        int colon = head.indexOf(':');
        Kind kind = Kind.named(colon < 0 ? head : head.substring(0, colon));
        String what = kind.text;
        double lr = Double.NaN;
        boolean lrGiven = false;
        if (colon >= 0) {
            lr = number(what, kind.learningRateKey(), head.substring(colon + 1).strip());
            lrGiven = true;
        }
        Map<String, Object> hyper = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException(what + ": '" + p + "' is not KEY=VALUE; keys: " + kind.keys());
            }
            String key = p.substring(0, eq).strip(), value = p.substring(eq + 1).strip();
            if (key.equals(kind.learningRateKey())) {
                if (lrGiven) throw new BadInputException(what + " " + key + " given twice (" + text.strip() + ")");
                lr = number(what, key, value);
                lrGiven = true;
                continue;
            }
            if (hyper.containsKey(key)) throw new BadInputException(what + " " + key + " given twice (" + text.strip() + ")");
            Parameter par = kind.parameter(key);
            if (par == null) throw new BadInputException(what + " has no hyperparameter [" + key + "], allowed: " + kind.keys());
            if (par.isFlag()) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new BadInputException(what + " " + key + "=" + value + ", must be true or false");
                }
                hyper.put(key, Boolean.parseBoolean(value));
            } else {
                hyper.put(key, number(what, key, value));
            }
        }
        return new OptimizerSpec(kind, lrGiven ? lr : kind.defaultLearningRate, hyper);
    }

    /** {@link #parse(String)} with {@code where} (an option, a file and line) in front of any message. */
    public static OptimizerSpec parse(String where, String text) {
        try {
            return parse(text);
        } catch (BadInputException e) {
            throw new BadInputException(where + ": " + e.getMessage());
        }
    }

    private static double number(String what, String key, String value) {
        if (!NUMBER.matcher(value).matches()) {
            throw new BadInputException(what + " " + key + "=" + (value.isEmpty() ? "(nothing)" : value) + ", must be a decimal number");
        }
        return Double.parseDouble(value);
    }

    /**
     * Reads PyTorch's keyword arguments (a case file's {@code hyper}): the names of
     * {@link Kind#parameters()}, where {@code betas} may also be a two-element list; PyTorch's
     * switches {@code foreach}, {@code differentiable}, {@code capturable}, {@code fused} are
     * ignored and {@code maximize} must be false.
     */
    public static OptimizerSpec fromPyTorch(String name, Map<String, ?> kwargs) {
        Kind kind = Kind.named(name);
        String what = kind.text;
        Map<String, Object> m = new LinkedHashMap<>();
        if (kwargs != null) {
            for (Map.Entry<String, ?> e : kwargs.entrySet()) {
                String k = e.getKey();
                Object v = e.getValue();
                switch (k) {
                    case "foreach", "differentiable", "capturable", "fused" -> { }
                    case "maximize" -> {
                        if (v != null && !Boolean.FALSE.equals(v)) {
                            throw new BadInputException(what + " maximize=" + v + ", only false is supported (negate the gradient)");
                        }
                    }
                    default -> {
                        List<String> split = SPLIT.get(k);
                        if (k.equals("betas") && kind == Kind.EVE) split = List.of("beta1", "beta2", "beta3");
                        if (split != null && v instanceof List<?> l && kind.parameter(split.get(0)) != null) {
                            if (l.size() != split.size()) {
                                throw new BadInputException(what + " " + k + "=" + v + ", must be " + split.size() + " numbers " + split);
                            }
                            for (int i = 0; i < split.size(); i++) if (l.get(i) != null) m.put(split.get(i), l.get(i));
                        } else if (v != null) {
                            m.put(k, v);
                        }
                    }
                }
            }
        }
        double lr = kind.defaultLearningRate;
        Object lrv = m.remove(kind.learningRateKey());
        if (lrv != null) {
            if (!(lrv instanceof Number n)) throw new BadInputException(what + " " + kind.learningRateKey() + "=" + lrv + ", must be a number");
            lr = n.doubleValue();
        }
        return new OptimizerSpec(kind, lr, m);
    }

    /** PyTorch's tuple arguments and the names they are split into. */
    private static final Map<String, List<String>> SPLIT = Map.of("betas", List.of("beta1", "beta2"),
            "etas", List.of("etaminus", "etaplus"), "step_sizes", List.of("step_size_min", "step_size_max"), "eps", List.of("eps1", "eps2"));

    /** The text form; {@code parse(toString())} equals this spec. Only values that differ from the default are written. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(kind.text).append(':').append(learningRate);
        for (Parameter p : kind.parameters) {
            Object v = hyper.get(p.name());
            if (!v.equals(p.defaultValue())) b.append(',').append(p.name()).append('=').append(v);
        }
        return b.toString();
    }

    /** The chain this spec describes, built through the typed {@link Optimizers} factories. */
    public Chain toChain() {
        double lr = learningRate;
        return switch (kind) {
            case SGD, MOMENTUM, NESTEROV -> {
                double m = number("momentum"), d = number("dampening");
                Chain c = flag("nesterov") ? Optimizers.nesterov(lr, m) : m == 0 && d == 0 ? Optimizers.sgd(lr) : Optimizers.momentum(lr, m, d);
                yield c.withWeightDecay(number("weight_decay"));
            }
            case ADAGRAD -> Optimizers.adagrad(lr, number("lr_decay"), number("initial_accumulator_value"), number("eps"))
                    .withWeightDecay(number("weight_decay"));
            case ROWWISE_ADAGRAD -> Optimizers.rowwiseAdagrad(lr, number("initial_accumulator_value"), number("eps"))
                    .withWeightDecay(number("weight_decay"));
            case RMSPROP -> Optimizers.rmsprop(lr, number("alpha"), number("eps"), number("momentum"), flag("centered"))
                    .withWeightDecay(number("weight_decay"));
            case ADADELTA -> Optimizers.adadelta(lr, number("rho"), number("eps")).withWeightDecay(number("weight_decay"));
            case ADAM, AMSGRAD -> Optimizers.adam(lr, number("beta1"), number("beta2"), number("eps"), flag("amsgrad"))
                    .withWeightDecay(number("weight_decay"));
            case ADAMW -> Optimizers.adam(lr, number("beta1"), number("beta2"), number("eps"), flag("amsgrad"))
                    .withDecoupledWeightDecay(number("weight_decay"));
            case ADAMAX -> Optimizers.adamax(lr, number("beta1"), number("beta2"), number("eps")).withWeightDecay(number("weight_decay"));
            case NADAM -> Optimizers.nadam(lr, number("beta1"), number("beta2"), number("eps"), number("momentum_decay"))
                    .withWeightDecay(number("weight_decay"));
            case SPARSE_ADAM -> Optimizers.sparseAdam(lr, number("beta1"), number("beta2"), number("eps"));
            case FTRL -> Optimizers.ftrl(lr, number("beta"), number("l1"), number("l2"));
            case RADAM -> {
                Chain c = Optimizers.radam(lr, number("beta1"), number("beta2"), number("eps"));
                yield flag("decoupled_weight_decay") ? c.withDecoupledWeightDecay(number("weight_decay")) : c.withWeightDecay(number("weight_decay"));
            }
            case RPROP -> Optimizers.rprop(lr, number("etaminus"), number("etaplus"), number("step_size_min"), number("step_size_max"));
            case ASGD -> Optimizers.asgd(lr, number("lambd"), number("alpha"), number("t0")).withWeightDecay(number("weight_decay"));
            case ADAFACTOR -> Optimizers.adafactor(lr, number("beta2_decay"), number("eps1"), number("eps2"), number("d"), number("weight_decay"));
            case EVE -> Optimizers.eve(lr, number("beta1"), number("beta2"), number("beta3"), number("lower_threshold"),
                    number("upper_threshold"), number("eps"), number("f_star")).withWeightDecay(number("weight_decay"));
            case LAMB -> Optimizers.lamb(lr, number("beta1"), number("beta2"), number("eps"), number("weight_decay"));
            case LARS_SGD -> Optimizers.larsSgd(lr, number("eta"), number("momentum"), number("weight_decay"));
            case PARTIAL_ROWWISE_ADAM -> Optimizers.partialRowwiseAdam(lr, number("beta1"), number("beta2"), number("eps"))
                    .withDecoupledWeightDecay(number("weight_decay"));
        };
    }
}
