package dev.sparsetrain.core;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How a message names a setting. Library code checks a configuration value and names it by its
 * key, the camelCase name of the setting ({@code Settings.name("trainRows") + " 0, must be >= 1"} reads
 * {@code "trainRows 0, must be >= 1"}); a front end installs its own naming once at start, so the
 * same check reads {@code "--train-rows 0, must be >= 1"} on the command line. Domain code thus
 * never spells a command-line flag; the flag names live with the options that declare them.
 */
public final class Settings {
    private static volatile UnaryOperator<String> naming = UnaryOperator.identity();

    private Settings() {}

    /** The setting {@code key} (camelCase, e.g. {@code trainRows}) as the installed front end names it. */
    public static String name(String key) {
        return naming.apply(key);
    }

    /** Installs how messages name settings (the command line maps keys to its flags). */
    public static void install(UnaryOperator<String> names) {
        naming = Objects.requireNonNull(names, "names");
    }
}
