package dev.sparsetrain.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroupVerdictTest {
    static GroupDiagnostics g(String name, long rows, double gradNorm, double ratio) {
        return new GroupDiagnostics(name, 10, rows, gradNorm, ratio * 10, ratio, 0.01, 0.5, 0, Double.NaN);
    }

    @Test
    void aGroupWhoseGradientIs100xTheOthersIsFlaggedEvenWhenItsUpdatesLookBalanced() {
        // per-row RMS gradient: 1, 1.2, 100 (400 rows with norm 2000); update/weight all alike (an adaptive optimizer hides it)
        List<GroupDiagnostics> d = List.of(g("user", 100, 10, 1e-3), g("item", 100, 12, 1.2e-3), g("visual", 400, 2000, 0.9e-3));
        assertArrayEquals(new boolean[] {false, false, true}, GroupDiagnostics.flagLargeGradients(d, 10));
        List<String> v = GroupDiagnostics.verdicts(d, 10);
        assertEquals("ok", v.get(0));
        assertEquals("ok", v.get(1));
        assertEquals("LARGE GRADIENT (83x the median per row)", v.get(2));
    }

    @Test
    void ratioAndGradientFlagsCombineAndAGroupThatDoesNotMoveSaysSo() {
        List<GroupDiagnostics> d = List.of(g("a", 100, 10, 1e-3), g("b", 100, 10, 1e-3), g("c", 100, 5000, 0.5), g("d", 0, 0, 0));
        List<String> v = GroupDiagnostics.verdicts(d, 10);
        assertTrue(v.get(2).startsWith("FAST (") && v.get(2).contains("LARGE GRADIENT (500x"), v.get(2));
        assertEquals("not moving", v.get(3));
    }
}
