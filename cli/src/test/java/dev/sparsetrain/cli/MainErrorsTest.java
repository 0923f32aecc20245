package dev.sparsetrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Regression: picocli's own errors (unknown option, bad number) are one line and exit code 2. */
class MainErrorsTest {
    private static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void unknownOptionIsOneLineAndExitCode2() {
        String[] r = run("replay-optimizer", "--no-such-option", "x.json");
        assertEquals("2", r[0]);
        assertEquals(1, r[2].lines().count(), r[2]);
        assertTrue(r[2].contains("--no-such-option") && r[2].contains("--help"), r[2]);
    }

    @Test
    void nonNumericValueIsOneLineAndExitCode2() {
        String[] r = run("train", "--epochs", "many");
        assertEquals("2", r[0]);
        assertEquals(1, r[2].lines().count(), r[2]);
        assertTrue(r[2].contains("many"), r[2]);
    }

    @Test
    void unknownCommandIsOneLineAndExitCode2() {
        String[] r = run("trian");
        assertEquals("2", r[0]);
        assertEquals(1, r[2].lines().count(), r[2]);
    }

    /** 'generate-completion' prints a bash/zsh completion script that knows every command and option. */
    @Test
    void completionScriptKnowsCommandsAndOptions() {
        String[] r = run("generate-completion");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("complete -F") && r[1].contains("ctr-train") && r[1].contains("--auto-balance")
                && r[1].contains("optimizer-tour"), r[1].length() > 400 ? r[1].substring(0, 400) : r[1]);
    }
}
