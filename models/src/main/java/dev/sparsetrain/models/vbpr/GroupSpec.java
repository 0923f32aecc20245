package dev.sparsetrain.models.vbpr;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.optim.Chain;
import dev.sparsetrain.optim.OptimizerSpec;
import java.util.Locale;

/**
 * One parameter group's optimizer: an {@link OptimizerSpec} (update rule, learning rate and its
 * hyperparameters, PyTorch's defaults for those not given), the coupled L2 (applied to the rows a
 * step touches, plus {@code l2 * w} added to their gradient) and a clip. Validated on construction
 * by {@link OptimizerSpec}'s one set of checks.
 *
 * <p>Text form ({@link #parse}): {@code SPEC[:L2]}, where SPEC is {@link OptimizerSpec}'s text,
 * e.g. {@code adam:0.001}, {@code adam:0.001,beta2=0.99:1e-4} (an L2 of 1e-4) or
 * {@code momentum:0.05,momentum=0.8}. How the optimizer's state treats rows a sample does not
 * touch is chosen by the trainer ({@link #semantics}).
 *
 * <p>Gradient clipping ({@link Clip}, off by default) acts on the raw gradient before the L2 term
 * and the optimizer, as {@code torch.nn.utils.clip_grad_value_} / {@code clip_grad_norm_} before
 * {@code optimizer.step()}: by value (each element into [-max, max]), by row norm (each touched
 * row's gradient scaled to norm at most max: the per-sample path of the sparse rows) or by global
 * norm (the whole group's gradient of one dense step: E and beta' only, whose step sees it all).
 *
 * @param optimizer the update rule and its hyperparameters; learning rate &gt; 0
 * @param l2        &gt;= 0
 * @param clip      gradient clipping, {@link Clip#NONE} for none
 */
public record GroupSpec(OptimizerSpec optimizer, double l2, Clip clip) implements java.io.Serializable {

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
    public record Clip(ClipKind kind, double max) implements java.io.Serializable {
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
        java.util.Objects.requireNonNull(optimizer, "optimizer");
        if (!(optimizer.learningRate() > 0)) {
            throw new BadInputException(optimizer.kind().text() + " " + optimizer.kind().learningRateKey() + "="
                    + optimizer.learningRate() + ", must be a finite number > 0");
        }
        if (!(l2 >= 0) || !Double.isFinite(l2)) throw new BadInputException("l2=" + l2 + ", must be >= 0");
        if (clip == null) clip = Clip.NONE;
    }

    /** {@code rule} (an {@link OptimizerSpec.Kind} name) at learning rate {@code lr}, its other values at their defaults. */
    public GroupSpec(String rule, double learningRate, double l2, Clip clip) {
        this(OptimizerSpec.of(OptimizerSpec.Kind.named(rule), learningRate), l2, clip);
    }

    /** A group without clipping. */
    public GroupSpec(String rule, double learningRate, double l2) {
        this(rule, learningRate, l2, Clip.NONE);
    }

    /**
     * Reads {@code SPEC[:L2]} (see the class comment): the part after a second ':' is the L2;
     * every problem is one {@link BadInputException} line from {@link OptimizerSpec#parse(String)}.
     */
    public static GroupSpec parse(String text) {
        String t = text == null ? "" : text.strip();
        int first = t.indexOf(':'), last = t.lastIndexOf(':');
        if (first < 0 || first == last) return new GroupSpec(OptimizerSpec.parse(t), 0, Clip.NONE);
        double l2;
        try {
            l2 = Double.parseDouble(t.substring(last + 1));
        } catch (NumberFormatException e) {
            throw new BadInputException("L2 '" + t.substring(last + 1) + "' in '" + t + "', must be a number >= 0");
        }
        return new GroupSpec(OptimizerSpec.parse(t.substring(0, last)), l2, Clip.NONE);
    }

    /** The optimizer's canonical name, e.g. "adam". */
    public String rule() { return optimizer.kind().text(); }

    /** The learning rate (ftrl: alpha). */
    public double learningRate() { return optimizer.learningRate(); }

    public static GroupSpec sgd(double lr, double l2) { return new GroupSpec("sgd", lr, l2); }
    public static GroupSpec adagrad(double lr, double l2) { return new GroupSpec("adagrad", lr, l2); }
    public static GroupSpec adam(double lr, double l2) { return new GroupSpec("adam", lr, l2); }
    public static GroupSpec of(String rule, double lr, double l2) { return new GroupSpec(rule, lr, l2); }

    public GroupSpec withLearningRate(double lr) { return new GroupSpec(optimizer.withLearningRate(lr), l2, clip); }

    public GroupSpec withClip(Clip c) { return new GroupSpec(optimizer, l2, c); }

    /**
     * The runtime chain: the clip on the raw gradient, the coupled L2 as weight decay on the
     * gradient, then the optimizer ({@link OptimizerSpec#toChain()}). {@code group} names the group
     * in messages. (Global-norm clipping on a group updated per sample is refused
     * by the runtime in one line when the trainer asks for its per-row updater.)
     */
    public Chain chain(String group) {
        Chain c = optimizer.toChain();
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

    /** {@code SPEC[:L2]} as {@link #parse} reads it, then the clip if any ({@code " clip row-norm:2.0"}). */
    @Override
    public String toString() {
        return optimizer + (l2 == 0 ? "" : ":" + l2) + (clip.kind() == ClipKind.NONE ? "" : " clip " + clip);
    }
}
