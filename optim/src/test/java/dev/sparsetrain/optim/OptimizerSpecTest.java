package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.optim.OptimizerSpec.Kind;
import dev.sparsetrain.optim.OptimizerSpec.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one optimizer-spec parser: round trips, the chains it builds, and one-line refusals. */
class OptimizerSpecTest {

    /** A random valid spec: any kind, a rate, and a random subset of its hyperparameters at valid values. */
    @Provide
    Arbitrary<OptimizerSpec> specs() {
        return Arbitraries.of(Kind.values()).flatMap(kind -> {
            Arbitrary<Double> lr = Arbitraries.doubles().between(0, 2).ofScale(6);
            Arbitrary<Map<String, Object>> hyper = Arbitraries.longs().map(seed -> {
                java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                Map<String, Object> m = new LinkedHashMap<>();
                for (Parameter p : kind.parameters()) {
                    if (r.nextBoolean()) continue;
                    m.put(p.name(), p.isFlag() ? (Object) r.nextBoolean() : valid(p, r));
                }
                return m;
            });
            return Combinators.combine(lr, hyper).as((l, h) -> {
                try {
                    return new OptimizerSpec(kind, l, h);
                } catch (BadInputException e) {
                    return OptimizerSpec.of(kind, l); // a cross check refused the random mix (nesterov without momentum)
                }
            });
        });
    }

    static double valid(Parameter p, java.util.SplittableRandom r) {
        double u = Math.round(r.nextDouble() * 1e6) / 1e6;
        return switch (p.range()) {
            case FINITE -> u * 10 - 5;
            case NON_NEGATIVE, UNIT, UNIT_CLOSED -> u * 0.999;
            case POSITIVE, OPEN_UNIT -> 1e-6 + u * 0.99;
            case ABOVE_ONE -> 1.0001 + u;
            case NON_POSITIVE -> -u;
            case BOOLEAN -> throw new AssertionError();
        };
    }

    @Property(tries = 300)
    void textRoundTrips(@ForAll("specs") OptimizerSpec s) {
        assertEquals(s, OptimizerSpec.parse(s.toString()), s.toString());
        // and the chain it builds validates and has the spec's rate
        Chain c = s.toChain();
        c.validate("g");
        assertEquals(s.learningRate(), c.learningRate());
    }

    @Property(tries = 200)
    void pyTorchKeywordsGiveTheSameSpec(@ForAll("specs") OptimizerSpec s) {
        Map<String, Object> kw = new LinkedHashMap<>(s.hyper());
        kw.put(s.kind().learningRateKey(), s.learningRate());
        assertEquals(s, OptimizerSpec.fromPyTorch(s.kind().text(), kw));
    }

    @Test
    void everyKindHasADefaultSpecOrNeedsARate() {
        for (Kind k : Kind.values()) {
            if (Double.isNaN(k.defaultLearningRate())) {
                BadInputException e = assertThrows(BadInputException.class, () -> OptimizerSpec.parse(k.text()));
                assertTrue(e.getMessage().contains("needs " + k.learningRateKey()), e.getMessage());
            } else {
                OptimizerSpec s = OptimizerSpec.parse(k.text());
                assertEquals(k.defaultLearningRate(), s.learningRate());
                s.toChain().validate("g");
            }
        }
    }

    @Test
    void textFormsBuildTheTypedChains() {
        assertEquals(Optimizers.adam(0.01, 0.9, 0.99, 1e-8), OptimizerSpec.parse("adam:0.01,beta2=0.99").toChain());
        assertEquals(Optimizers.adam(0.01).withWeightDecay(1e-4), OptimizerSpec.parse("Adam:0.01, weight_decay=1e-4").toChain());
        assertEquals(Optimizers.nesterov(0.1, 0.8), OptimizerSpec.parse("sgd:0.1,momentum=0.8,nesterov=true").toChain());
        assertEquals(Optimizers.momentum(0.1, 0.9, 0), OptimizerSpec.parse("momentum:0.1").toChain());
        assertEquals(Optimizers.sgd(0.5), OptimizerSpec.parse("sgd,lr=0.5").toChain());
        assertEquals(Optimizers.adamw(1e-3, 1e-2), OptimizerSpec.parse("adamw").toChain());
        assertEquals(Optimizers.rowwiseAdagrad(0.1, 0.01, 1e-8), OptimizerSpec.parse("rowwise-adagrad:0.1,initial_accumulator_value=0.01").toChain());
        assertEquals(Optimizers.ftrl(0.05, 1.0, 0.001, 0), OptimizerSpec.parse("ftrl:0.05,l1=0.001").toChain());
        assertEquals(Optimizers.ftrl(0.05, 1.0, 0, 0), OptimizerSpec.parse("ftrl,alpha=0.05").toChain());
        assertEquals(Optimizers.rmsprop(0.01, 0.9, 1e-8, 0.5, true), OptimizerSpec.parse("rmsprop:0.01,alpha=0.9,momentum=0.5,centered=true").toChain());
        assertEquals("adam:0.01,beta2=0.99", OptimizerSpec.parse(" adam : 0.01 , beta2 = 0.99 ").toString());
        assertEquals("amsgrad:0.001", OptimizerSpec.parse("amsgrad").toString());
    }

    @Test
    void fromPyTorchTakesBetasAsAList() {
        OptimizerSpec s = OptimizerSpec.fromPyTorch("adam", Map.of("lr", 0.01, "betas", List.of(0.8, 0.99), "foreach", true, "maximize", false));
        assertEquals(0.8, s.number("beta1"));
        assertEquals(0.99, s.number("beta2"));
        assertEquals(s, OptimizerSpec.parse(s.toString()));
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("", new String[] {"empty optimizer", "NAME[:LR]", "adam"}),
                Arguments.of("adamx:0.1", new String[] {"unknown optimizer 'adamx'", "allowed", "sgd", "ftrl"}),
                Arguments.of("adam:abc", new String[] {"adam lr=abc", "decimal number"}),
                Arguments.of("adam:", new String[] {"adam lr=(nothing)", "decimal number"}),
                Arguments.of("adam:-0.1", new String[] {"adam lr=-0.1", ">= 0"}),
                Arguments.of("adam:NaN", new String[] {"adam lr=NaN", "decimal number"}),
                Arguments.of("adam:1e999", new String[] {"adam lr=Infinity", ">= 0 and finite"}),
                Arguments.of("adam:0.01,beta2=1.5", new String[] {"adam beta2=1.5", "in [0, 1)"}),
                Arguments.of("adam:0.01,momentum=0.9", new String[] {"adam has no hyperparameter [momentum]", "allowed", "beta1", "weight_decay"}),
                Arguments.of("adam:0.01,beta2", new String[] {"adam: 'beta2' is not KEY=VALUE", "keys"}),
                Arguments.of("adam:0.01,beta2=0.9,beta2=0.99", new String[] {"adam beta2 given twice"}),
                Arguments.of("adam:0.01,lr=0.1", new String[] {"adam lr given twice"}),
                Arguments.of("adam:0.01,amsgrad=yes", new String[] {"adam amsgrad=yes", "true or false"}),
                Arguments.of("adam:0.01,weight_decay=-1", new String[] {"adam weight_decay=-1.0", ">= 0"}),
                Arguments.of("sgd", new String[] {"sgd needs lr", "no default", "sgd:0.1"}),
                Arguments.of("ftrl", new String[] {"ftrl needs alpha"}),
                Arguments.of("sgd:0.1,nesterov=true", new String[] {"sgd nesterov=true", "momentum > 0"}),
                Arguments.of("sgd:0.1,momentum=1", new String[] {"sgd momentum=1.0", "in [0, 1)"}),
                Arguments.of("adadelta,rho=2", new String[] {"adadelta rho=2.0", "in [0, 1]"}));
    }

    @ParameterizedTest(name = "[{index}] '{0}'")
    @MethodSource("refusals")
    void badTextIsOneLineNamingTheValueAndWhatIsAllowed(String text, String[] fragments) {
        BadInputException e = assertThrows(BadInputException.class, () -> OptimizerSpec.parse(text));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertFalse(m.contains("--"), "no option names: " + m);
        for (String f : fragments) assertTrue(m.contains(f), "'" + text + "': message lacks '" + f + "': " + m);
        BadInputException w = assertThrows(BadInputException.class, () -> OptimizerSpec.parse("--emb-optimizer", text));
        assertEquals("--emb-optimizer: " + m, w.getMessage());
    }

    @Test
    void fromPyTorchRefusesInOneLine() {
        BadInputException e = assertThrows(BadInputException.class, () -> OptimizerSpec.fromPyTorch("adam", Map.of("betas", List.of(0.9))));
        assertTrue(e.getMessage().contains("betas=[0.9]") && e.getMessage().contains("2 numbers"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> OptimizerSpec.fromPyTorch("adam", Map.of("maximize", true)));
        assertTrue(e.getMessage().contains("maximize=true"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> OptimizerSpec.fromPyTorch("adam", Map.of("eps", "small")));
        assertTrue(e.getMessage().contains("adam eps=small, must be a number"), e.getMessage());
    }
}
