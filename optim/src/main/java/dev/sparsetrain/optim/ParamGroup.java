package dev.sparsetrain.optim;

import dev.sparsetrain.core.BadInputException;
import java.util.List;
import java.util.Objects;

/**
 * A parameter group: a name, the tables it owns, its optimizer {@link Chain} (learning rate,
 * schedule, weight decay, clipping, row constraint), its {@link SparseSemantics} and a frozen flag.
 * Every table belongs to exactly one group ({@link Optimizer#build} checks it). After PyTorch's
 * {@code param_groups} and Optax's {@code multi_transform}.
 *
 * <pre>
 *   ParamGroup.of("factors", Optimizers.adam(0.01), "users", "items").withSemantics(SparseSemantics.LAZY_ROWWISE_BIAS)
 *   ParamGroup.of("visual", Optimizers.sgd(0.007).withWeightDecay(1e-4), "E")
 *   ParamGroup.of("bias", Optimizers.sgd(0.1), "item_bias").frozen(true)
 * </pre>
 *
 * <p>Default semantics {@link SparseSemantics#LAZY}, not frozen. Immutable.
 */
public record ParamGroup(String name, Chain chain, List<String> tables, SparseSemantics semantics, boolean isFrozen) {

    public ParamGroup {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) throw new BadInputException("a parameter group needs a non-blank name");
        Objects.requireNonNull(chain, "chain of group '" + name + "'");
        tables = List.copyOf(Objects.requireNonNull(tables, "tables"));
        if (tables.isEmpty()) throw new BadInputException("group '" + name + "': owns no table, name at least one");
        Objects.requireNonNull(semantics, "semantics");
    }

    public static ParamGroup of(String name, Chain chain, String... tables) {
        return new ParamGroup(name, chain, List.of(tables), SparseSemantics.LAZY, false);
    }

    public ParamGroup withSemantics(SparseSemantics s) { return new ParamGroup(name, chain, tables, s, isFrozen); }

    public ParamGroup frozen(boolean f) { return new ParamGroup(name, chain, tables, semantics, f); }

    public ParamGroup withChain(Chain c) { return new ParamGroup(name, c, tables, semantics, isFrozen); }
}
