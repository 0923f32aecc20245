package dev.sparsetrain.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparsetrain.core.BadInputException;
import dev.sparsetrain.core.Settings;
import dev.sparsetrain.data.ctr.DynamicIdConfig;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlagNamesTest {
    @AfterEach
    void restore() {
        Settings.install(UnaryOperator.identity());
    }

    @Test
    void keysBecomeTheirFlags() {
        assertEquals("--train-rows", FlagNames.flag("trainRows"));
        assertEquals("--ids", FlagNames.flag("ids"));
        assertEquals("--feature-preprocessing", FlagNames.flag("featurePreprocessing"));
    }

    @Test
    void aLibraryRefusalNamesTheKeyAndTheCommandLineNamesTheFlag() {
        Settings.install(UnaryOperator.identity());
        String lib = assertThrows(BadInputException.class, () -> DynamicIdConfig.parse(10, 0, "lfu")).getMessage();
        FlagNames.install();
        String cli = assertThrows(BadInputException.class, () -> DynamicIdConfig.parse(10, 0, "lfu")).getMessage();
        assertEquals(lib.replaceFirst("^admitAfter", "--admit-after"), cli);
        org.junit.jupiter.api.Assertions.assertTrue(lib.startsWith("admitAfter 0"), lib);
    }
}
