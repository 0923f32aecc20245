package dev.sparsetrain.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.models.vbpr.GroupSpec;
import dev.sparsetrain.models.vbpr.Variant;
import dev.sparsetrain.models.vbpr.VbprConfig;
import dev.sparsetrain.optim.OptimizerSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The one reader of GROUP=SPEC[:L2]: what 'all' covers, the L2, a config file's split values, and its one-line refusals. */
class GroupOptimizersTest {
    static final GroupOptimizers WITH_L2 = new GroupOptimizers("--optimizer", List.of("a", "b", "c"), true, "a=adam:0.1 or all=sgd:0.1", "; bare hint");
    static final GroupOptimizers NO_L2 = new GroupOptimizers("--optimizer", List.of("a", "b", "c"), false, "a=adam:0.1 or all=sgd:0.1", "");

    static String refusal(GroupOptimizers p, String... values) {
        return assertThrows(BadInputException.class, () -> p.parse(List.of(values)), String.join(" ", values)).getMessage();
    }

    @Test
    void allCoversTheGroupsNotNamedWhereverItStands() {
        for (List<String> values : List.of(List.of("all=rmsprop:0.003", "b=adam:0.001,beta2=0.99"), List.of("b=adam:0.001,beta2=0.99", "all=rmsprop:0.003"))) {
            Map<String, GroupOptimizers.Choice> m = WITH_L2.parse(values);
            assertEquals(List.of("a", "b", "c"), List.copyOf(m.keySet()), "in the order of the groups");
            assertEquals(OptimizerSpec.parse("rmsprop:0.003"), m.get("a").spec());
            assertEquals(OptimizerSpec.parse("adam:0.001,beta2=0.99"), m.get("b").spec());
            assertEquals("--optimizer 'all=rmsprop:0.003'", m.get("c").where());
        }
        assertEquals(List.of("c"), List.copyOf(NO_L2.parse(List.of("c=sgd:0.1")).keySet()), "groups not set are absent");
    }

    @Test
    void theL2IsReadAsGroupSpecReadsIt() {
        GroupOptimizers.Choice c = WITH_L2.parse(List.of("a=adam:0.001,beta2=0.99:1e-4")).get("a");
        GroupSpec g = GroupSpec.parse("adam:0.001,beta2=0.99:1e-4");
        assertEquals(g.optimizer(), c.spec());
        assertEquals(g.l2(), c.l2());
        assertEquals(0.0, WITH_L2.parse(List.of("a=sgd:0.05")).get("a").l2(), "no L2 given: none");
        assertTrue(refusal(NO_L2, "a=adam:0.01:0.001").startsWith("--optimizer 'a=adam:0.01:0.001': group 'a': adam lr=0.01:0.001"), "no L2 in this form");
    }

    @Test
    void aConfigFilesCommaSplitIsJoinedBack() {
        Map<String, GroupOptimizers.Choice> m = NO_L2.parse(List.of("a=adam:0.02", "beta2=0.9", "eps=1e-6", "b=sgd:0.1"));
        assertEquals(OptimizerSpec.parse("adam:0.02,beta2=0.9,eps=1e-6"), m.get("a").spec());
        assertEquals("--optimizer 'a=adam:0.02,beta2=0.9,eps=1e-6'", m.get("a").where());
        assertEquals(OptimizerSpec.parse("sgd:0.1"), m.get("b").spec());
    }

    @Test
    void badValuesAreRefusedInOneLine() {
        assertEquals("--optimizer 'adam': expected GROUP=SPEC[:L2], one group each (repeatable), e.g. a=adam:0.1 or all=sgd:0.1; groups: a, b, c, all; bare hint",
                refusal(WITH_L2, "adam"));
        assertEquals("--optimizer 'adam:0.1': expected GROUP=SPEC, one group each (repeatable), e.g. a=adam:0.1 or all=sgd:0.1; groups: a, b, c, all",
                refusal(NO_L2, "adam:0.1"));
        assertEquals("--optimizer 'd=adam': unknown group 'd', groups: a, b, c, all", refusal(NO_L2, "d=adam"));
        assertEquals("--optimizer 'a=sgd:0': group 'a': sgd lr=0.0, must be a finite number > 0", refusal(NO_L2, "a=sgd:0"));
        assertTrue(refusal(WITH_L2, "all=sgd:0").startsWith("--optimizer 'all=sgd:0': group 'all': sgd lr=0.0, must be"));
        assertEquals("--optimizer 'a=sgd:0.1:x': group 'a': L2 'x' in 'sgd:0.1:x', must be a number >= 0", refusal(WITH_L2, "a=sgd:0.1:x"));
        assertEquals("--optimizer 'a=adam' and --optimizer 'a=sgd:0.1' both set group 'a'; drop one", refusal(NO_L2, "a=sgd:0.1", "a=adam"));
        assertEquals("--optimizer 'all=adam' and --optimizer 'all=sgd:0.1' both set group 'all'; drop one", refusal(NO_L2, "all=sgd:0.1", "b=ftrl:0.1", "all=adam"));
    }

    @Command(name = "vbpr")
    static final class Vbpr {
        @Mixin VbprModelOptions model = new VbprModelOptions();
    }

    @Test
    void vbprsOptionReplacesTheGroupsItNames() {
        Vbpr v = new Vbpr();
        new CommandLine(v).parseArgs("--optimizer", "visual_projection=nadam:0.002", "--optimizer", "all=rmsprop:0.003", "--optimizer", "item_bias=sgd:0.05:0.001");
        Map<String, GroupSpec> g = v.model.apply(VbprConfig.defaults(Variant.VBPR)).groups();
        assertEquals(List.of(VbprConfig.tableNames(Variant.VBPR)), List.copyOf(g.keySet()));
        assertEquals(GroupSpec.parse("sgd:0.05:0.001"), g.get("item_bias"));
        assertEquals(GroupSpec.parse("nadam:0.002"), g.get("visual_projection"));
        assertEquals(GroupSpec.parse("rmsprop:0.003"), g.get("user_factors"));
        Vbpr none = new Vbpr();
        new CommandLine(none).parseArgs();
        assertEquals(VbprConfig.defaults(Variant.VISUAL), none.model.apply(VbprConfig.defaults(Variant.VISUAL)), "nothing given: the defaults");
    }
}
