package dev.sparsetrain.options;

import dev.sparsetrain.core.Settings;

/**
 * The command line's names for settings: a setting key ({@code trainRows}, as library code names
 * it through {@link Settings#name}) is the option {@code --train-rows}. Every key the library uses
 * is the camelCase form of the option that sets it, so no table of exceptions is needed.
 */
public final class FlagNames {
    private FlagNames() {}

    /** {@code "trainRows"} as {@code "--train-rows"}. */
    public static String flag(String key) {
        StringBuilder b = new StringBuilder(key.length() + 4).append("--");
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c)) b.append('-').append(Character.toLowerCase(c));
            else b.append(c);
        }
        return b.toString();
    }

    /** Makes every message of this process name settings by their flags (called by each front end at start). */
    public static void install() {
        Settings.install(FlagNames::flag);
    }
}
