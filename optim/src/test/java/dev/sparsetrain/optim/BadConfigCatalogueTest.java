package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Table;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A catalogue of bad configurations, each refused when the optimizer is built with one line that
 * names the group (or table), the value and what is allowed; checked by message fragments.
 */
class BadConfigCatalogueTest {
    static final Table USERS = Table.embedding("users", 10, 4);
    static final Table ITEMS = Table.embedding("items", 20, 4);
    static final Table MLP = Table.dense("mlp", 4, 4);

    static Optimizer build(ParamGroup... groups) {
        return Optimizer.build(List.of(groups), List.of(USERS, ITEMS, MLP));
    }

    static ParamGroup rest() { return ParamGroup.of("rest", Optimizers.sgd(0.1), "items", "mlp"); }

    static Stream<Arguments> cases() {
        return Stream.of(
                bad("negative lr", () -> build(ParamGroup.of("factors", Optimizers.adam(-0.1), "users"), rest()),
                        "group 'factors'", "lr=-0.1", "must be >= 0"),
                bad("beta1 = 1", () -> build(ParamGroup.of("factors", Optimizers.adam(0.01, 1.0, 0.999, 1e-8), "users"), rest()),
                        "group 'factors'", "beta1=1.0", "[0, 1)"),
                bad("beta2 negative", () -> build(ParamGroup.of("factors", Optimizers.adam(0.01, 0.9, -0.5, 1e-8), "users"), rest()),
                        "group 'factors'", "beta2=-0.5", "[0, 1)"),
                bad("momentum 1.5", () -> build(ParamGroup.of("f", Optimizers.momentum(0.1, 1.5), "users"), rest()),
                        "group 'f'", "momentum=1.5", "[0, 1)"),
                bad("nesterov without momentum", () -> build(ParamGroup.of("f",
                        Chain.of(0.1, new dev.sparsetrain.optim.transform.Sgd(0, 0, true)), "users"), rest()),
                        "group 'f'", "nesterov=true", "momentum > 0"),
                bad("nesterov without momentum, PyTorch names", () -> Optimizers.fromPyTorch("test", "sgd", Map.of("lr", 0.1, "nesterov", true)),
                        "test", "nesterov=true", "momentum > 0"),
                bad("negative weight decay", () -> build(ParamGroup.of("bias", Optimizers.sgd(0.1).withWeightDecay(-0.1), "users"), rest()),
                        "group 'bias'", "weightDecay=-0.1", "must be >= 0"),
                bad("zero clip", () -> build(ParamGroup.of("g", Optimizers.sgd(0.1).withClipByGlobalNorm(0), "users"), rest()),
                        "group 'g'", "clipByGlobalNorm=0.0", "must be > 0"),
                bad("bad schedule", () -> build(ParamGroup.of("g", Optimizers.sgd(0.1).withSchedule(Schedule.step(0, 0.5)), "users"), rest()),
                        "group 'g'", "every=0", ">= 1"),
                bad("unknown optimizer", () -> Optimizers.fromPyTorch("case.json", "adamx", Map.of("lr", 0.1)),
                        "case.json", "unknown optimizer 'adamx'", "adam", "ftrl"),
                bad("unknown hyperparameter", () -> Optimizers.fromPyTorch("case.json", "adam", Map.of("lr", 0.1, "momentum", 0.9)),
                        "case.json", "adam", "[momentum]", "allowed"),
                bad("missing table", () -> build(ParamGroup.of("factors", Optimizers.adam(0.01), "users", "movies"), rest()),
                        "group 'factors'", "'movies'", "does not exist", "users, items, mlp"),
                bad("table in two groups", () -> build(ParamGroup.of("a", Optimizers.adam(0.01), "users", "items"), rest()),
                        "table 'items'", "group 'a'", "group 'rest'", "exactly one group"),
                bad("table in no group", () -> build(ParamGroup.of("a", Optimizers.adam(0.01), "users"),
                        ParamGroup.of("b", Optimizers.sgd(0.1), "items")), "table 'mlp'", "in no parameter group", "[a, b]"),
                bad("group defined twice", () -> build(ParamGroup.of("a", Optimizers.adam(0.01), "users"),
                        ParamGroup.of("a", Optimizers.sgd(0.1), "items", "mlp")), "group 'a'", "defined twice"),
                bad("rowwise bias on sgd", () -> build(ParamGroup.of("s", Optimizers.sgd(0.1), "users")
                        .withSemantics(SparseSemantics.LAZY_ROWWISE_BIAS), rest()), "group 's'", "LAZY_ROWWISE_BIAS", "sgd", "adam"),
                bad("global clip on the per-row path", () -> Optimizer.build(List.of(ParamGroup.of("g",
                        Optimizers.sgd(0.1).withClipByGlobalNorm(1), "users")), List.of(USERS)).updater(USERS),
                        "group 'g'", "clipByGlobalNorm=1.0", "batch path"),
                bad("negative multiplier", () -> { build(ParamGroup.of("g", Optimizers.sgd(0.1), "users"), rest())
                        .setLearningRateMultiplier("g", -2); return null; }, "group 'g'", "multiplier=-2.0", ">= 0"),
                bad("maxNorm and constantNorm", () -> build(ParamGroup.of("e", Optimizers.sgd(0.1).withMaxNorm(1).withConstantNorm(1), "users"), rest()),
                        "group 'e'", "maxNorm and constantNorm"),
                bad("ftrl with a projection", () -> build(ParamGroup.of("lr", Optimizers.ftrl(0.1, 1, 0, 0).withMaxNorm(1), "users"), rest()),
                        "group 'lr'", "ftrl", "projection", "l1/l2"),
                bad("rowwise bias on rprop", () -> build(ParamGroup.of("r", Optimizers.rprop(0.01), "users")
                        .withSemantics(SparseSemantics.LAZY_ROWWISE_BIAS), rest()), "group 'r'", "LAZY_ROWWISE_BIAS", "rprop", "radam"),
                bad("eve under catch-up", () -> build(ParamGroup.of("e", Optimizers.eve(0.01), "users")
                        .withSemantics(SparseSemantics.CATCH_UP), rest()), "group 'e'", "CATCH_UP", "eve", "LAZY"),
                bad("lamb beta2 = 1", () -> build(ParamGroup.of("l", Optimizers.lamb(0.01, 0.9, 1.0, 1e-8, 0), "users"), rest()),
                        "group 'l'", "lamb beta2=1.0", "[0, 1)"),
                bad("adafactor d = 0", () -> build(ParamGroup.of("a", Optimizers.adafactor(0.01, -0.8, 1e-7, 1e-3, 0, 0), "users"), rest()),
                        "group 'a'", "adafactor d=0.0", "> 0"),
                bad("rprop min above max", () -> build(ParamGroup.of("r", Optimizers.rprop(0.01, 0.5, 1.2, 2, 1), "users"), rest()),
                        "group 'r'", "step_size_min=2.0", "step_size_max=1.0"),
                bad("ftrl without alpha", () -> Optimizers.fromPyTorch("c.json", "ftrl", Map.of("beta", 1.0)), "c.json", "ftrl", "alpha"));
    }

    static Arguments bad(String name, Supplier<?> action, String... fragments) {
        return Arguments.of(name, action, fragments);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithOneLineNamingWhereWhatAndAllowed(String name, Supplier<?> action, String[] fragments) {
        BadInputException e = assertThrows(BadInputException.class, action::get, name);
        String msg = e.getMessage();
        assertFalse(msg.contains("\n"), "one line: " + msg);
        for (String f : fragments) assertTrue(msg.contains(f), name + ": message lacks '" + f + "': " + msg);
    }

    @org.junit.jupiter.api.Test
    void goodConfigurationsBuild() {
        Optimizer o = build(ParamGroup.of("factors", Optimizers.adam(0.01), "users").withSemantics(SparseSemantics.LAZY_ROWWISE_BIAS),
                ParamGroup.of("items", Optimizers.rowwiseAdagrad(0.1), "items").withSemantics(SparseSemantics.CATCH_UP),
                ParamGroup.of("dense", Optimizers.sgd(0.1), "mlp").withSemantics(SparseSemantics.DENSE).frozen(true));
        assertEquals(List.of("factors", "items", "dense"), o.groupNames());
        // Adam: 2 x dim floats + an int per row; row-wise AdaGrad: 1 float + int + long per row; frozen: nothing
        assertEquals(10L * (2 * 4 * 4 + 4), o.stateMemory().get(0).stateBytes());
        assertEquals(20L * (4 + 4 + 8), o.stateMemory().get(1).stateBytes());
        assertEquals(0L, o.stateMemory().get(2).stateBytes());
        System.out.print(o.describe());
    }
}
