package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.optim.Chain;
import dev.sparsetrain.optim.Optimizers;
import java.util.Locale;
import java.util.Map;

/**
 * One parameter group's optimizer: update rule, learning rate and coupled L2 (applied to the rows a
 * step touches, plus {@code l2 * w} added to their gradient). Validated on construction.
 *
 * <p>The rule is any optimizer of the project runtime, by the names of {@link Optimizers#NAMES}
 * (sgd, momentum, nesterov, adagrad, rowwise_adagrad, rmsprop, adadelta, adam, amsgrad, adamw,
 * adamax, nadam, sparse_adam, ftrl), with PyTorch 1.13's default hyperparameters for everything
 * but the learning rate ({@link Optimizers#fromPyTorch}; for ftrl the rate is {@code alpha}).
 * How its state treats rows a sample does not touch is chosen by the trainer
 * ({@link #semantics}).
 *
 * <p>Gradient clipping ({@link Clip}, off by default) acts on the raw gradient before the L2 term
 * and the optimizer, as {@code torch.nn.utils.clip_grad_value_} / {@code clip_grad_norm_} before
 * {@code optimizer.step()}: by value (each element into [-max, max]), by row norm (each touched
 * row's gradient scaled to norm at most max: the per-sample path of the sparse rows) or by global
 * norm (the whole group's gradient of one dense step: E and beta' only, whose step sees it all).
 *
 * @param rule         an optimizer name of {@link Optimizers#NAMES} (case-insensitive, '-' or '_'; stored canonical)
 * @param learningRate &gt; 0
 * @param l2           &gt;= 0
 * @param clip         gradient clipping, {@link Clip#NONE} for none
 */
public record GroupSpec(String rule, double learningRate, double l2, Clip clip) {

    /** How a group's gradient is clipped before its update. */
    public enum ClipKind {
        NONE, VALUE, ROW_NORM, GLOBAL_NORM;

        /** The command-line name: none, value, row-norm, global-norm. */
        public String cliName() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

        public static ClipKind parse(String s) {
            String n = s == null ? "" : s.strip().toLowerCase(Locale.ROOT).replace('_', '-');
            for (ClipKind k : values()) if (k.cliName().equals(n)) return k;
            throw new BadInputException("clip '" + s + "': allowed value, row-norm, global-norm");
        }
    }

    /** A clipping rule: its kind and threshold ({@code max} &gt; 0 unless the kind is NONE). */
    public record Clip(ClipKind kind, double max) {
        public static final Clip NONE = new Clip(ClipKind.NONE, 0);

        public Clip {
            if (kind == null) kind = ClipKind.NONE;
            if (kind == ClipKind.NONE) max = 0;
            else if (!(max > 0) || !Double.isFinite(max)) {
                throw new BadInputException("clip " + kind.cliName() + ":" + max + ", the threshold must be a finite number > 0");
            }
        }

        /** {@code KIND:MAX} as the command line writes it (e.g. {@code row-norm:1.0}), or "none". */
        @Override
        public String toString() { return kind == ClipKind.NONE ? "none" : kind.cliName() + ":" + max; }
    }

    public GroupSpec {
        rule = canonical(rule);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new BadInputException("learningRate=" + learningRate + ", must be a finite number > 0");
        }
        if (!(l2 >= 0) || !Double.isFinite(l2)) throw new BadInputException("l2=" + l2 + ", must be >= 0");
        if (clip == null) clip = Clip.NONE;
    }

    /** A group without clipping. */
    public GroupSpec(String rule, double learningRate, double l2) {
        this(rule, learningRate, l2, Clip.NONE);
    }

    /**
     * The canonical name of an optimizer (lower case, '-' read as '_'), one of
     * {@link Optimizers#NAMES}; anything else is a one-line {@link BadInputException} listing them.
     */
    public static String canonical(String name) {
        return Optimizers.canonicalName("optimizer", name);
    }

    public static GroupSpec sgd(double lr, double l2) { return new GroupSpec("sgd", lr, l2); }
    public static GroupSpec adagrad(double lr, double l2) { return new GroupSpec("adagrad", lr, l2); }
    public static GroupSpec adam(double lr, double l2) { return new GroupSpec("adam", lr, l2); }
    public static GroupSpec of(String rule, double lr, double l2) { return new GroupSpec(rule, lr, l2); }

    public GroupSpec withLearningRate(double lr) { return new GroupSpec(rule, lr, l2, clip); }

    public GroupSpec withClip(Clip c) { return new GroupSpec(rule, learningRate, l2, c); }

    /**
     * The runtime chain: the clip on the raw gradient, the coupled L2 as weight decay on the
     * gradient, then the optimizer with PyTorch's defaults and this learning rate. {@code group}
     * names the group in messages. (Global-norm clipping on a group updated per sample is refused
     * by the runtime in one line when the trainer asks for its per-row updater.)
     */
    public Chain chain(String group) {
        Chain c = Optimizers.fromPyTorch("group '" + group + "'", rule, Map.of(rule.equals("ftrl") ? "alpha" : "lr", learningRate));
        c = switch (clip.kind()) {
            case NONE -> c;
            case VALUE -> c.withClipByValue(clip.max());
            case ROW_NORM -> c.withClipByRowNorm(clip.max());
            case GLOBAL_NORM -> c.withClipByGlobalNorm(clip.max());
        };
        return c.withWeightDecay(l2);
    }

    /**
     * The sparse semantics for this rule: DENSE for a dense tensor (E, beta'); for sparse rows
     * LAZY_ROWWISE_BIAS when the optimizer has a bias correction (the Adam family: the row's
     * own update count, as FBGEMM, since rows are touched a few times per epoch), else LAZY.
     */
    public dev.sparsetrain.optim.SparseSemantics semantics(boolean denseTensor) {
        if (denseTensor) return dev.sparsetrain.optim.SparseSemantics.DENSE;
        return chain("?").optimizer().biasCorrected() ? dev.sparsetrain.optim.SparseSemantics.LAZY_ROWWISE_BIAS
                : dev.sparsetrain.optim.SparseSemantics.LAZY;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s(lr=%.3g, l2=%.3g%s)", rule, learningRate, l2,
                clip.kind() == ClipKind.NONE ? "" : ", clip " + clip);
    }
}
